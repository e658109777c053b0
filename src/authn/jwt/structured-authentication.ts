// kube-apiserver's structured authentication set-up (pkg/kubeapiserver/options/authentication.go):
// --authentication-config or the --oidc-* flags (never both) become JWT authenticators, validated at
// start with kube's texts; the file's `anonymous` section replaces --anonymous-auth (never both).
// The file is watched: a valid change swaps the issuers without a restart, an invalid one is logged
// and the running configuration stays (kube's reload loop, including "anonymous may not change").
import { readFileSync } from 'node:fs';
import { log } from '../../log.js';
import { decodeAuthenticationConfiguration } from './config-decode.js';
import type { AnonymousAuthConfig, AuthenticationConfiguration } from './config-types.js';
import { anonymousChanged, validateAuthenticationConfiguration } from './config-validate.js';
import { aggregateFieldErrors } from './field-errors.js';
import type { IssuerKeySetOptions } from './issuer-keys.js';
import { JwtAuthenticators, UPDATE_TIMEOUT_MS } from './jwt-authenticators.js';
import { OIDC_FLAG_NAMES, jwtAuthenticatorFromFlags, type OidcFlags } from './legacy-flags.js';
import { ALLOWED_SIGNING_ALGS } from './verify.js';
import { watchFile, type FileWatch } from './watch-file.js';

/** kube's poll of the configuration file (filesystem.WatchUntil's interval). */
export const RELOAD_POLL_MS = 60_000;

export interface StructuredAuthenticationOptions {
  /** --authentication-config. */
  authenticationConfigFile?: string;
  oidc: OidcFlags;
  /** Flags given on the command line (kube's FlagsSet tracking). */
  flagsSet: ReadonlySet<string>;
  /** --anonymous-auth. */
  anonymousAuth: boolean;
  /** --service-account-issuer: a JWT issuer may not be one of them. */
  serviceAccountIssuers: readonly string[];
  reloadPollMs?: number;
  updateTimeoutMs?: number;
  /** Key-set settings (tests shorten timers). */
  keySet?: Omit<IssuerKeySetOptions, 'issuer' | 'discoveryURL' | 'ca'>;
  now?: () => number;
}

export interface StructuredAuthentication {
  /** The JWT issuers; undefined when neither the flags nor a file configure any. */
  tokenAuthenticator?: JwtAuthenticators;
  /** Anonymous authentication: on or off, and when on, the only paths it covers (none: all). */
  anonymous: { enabled: boolean; paths: string[] };
  /** Runs one reload check now (tests; the watcher calls it on changes). */
  reload(): Promise<void>;
  close(): void;
}

export class AuthenticationSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationSetupError';
  }
}

/** validateOIDCOptions. */
function oidcOptionProblem(o: StructuredAuthenticationOptions): string | undefined {
  const oidcFlagsSet = OIDC_FLAG_NAMES.some((f) => o.flagsSet.has(f));
  if (!o.authenticationConfigFile) {
    if (oidcFlagsSet && (!o.oidc.issuerUrl || !o.oidc.clientId))
      return 'oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set';
    return undefined;
  }
  return oidcFlagsSet ? 'authentication-config file and oidc-* flags are mutually exclusive' : undefined;
}

/** Go's os.ReadFile error text for the usual failures (`open <path>: no such file or directory`). */
function readError(path: string, e: NodeJS.ErrnoException): Error {
  const texts: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
  };
  const text = e.code ? texts[e.code] : undefined;
  return new Error(text ? `${e.code === 'EISDIR' ? 'read' : 'open'} ${path}: ${text}` : e.message);
}

function loadFile(path: string): { config: AuthenticationConfiguration; data: string } {
  let data: string;
  try {
    data = readFileSync(path, 'utf8');
  } catch (e) {
    throw readError(path, e as NodeJS.ErrnoException);
  }
  return { config: decodeAuthenticationConfiguration(data), data };
}

export function setupStructuredAuthentication(o: StructuredAuthenticationOptions): StructuredAuthentication {
  const problem = oidcOptionProblem(o);
  if (problem) throw new AuthenticationSetupError(problem);

  let config: AuthenticationConfiguration = { jwt: [] };
  let trackedData = '';
  let algorithms: readonly string[];
  if (o.authenticationConfigFile) {
    try {
      ({ config, data: trackedData } = loadFile(o.authenticationConfigFile));
    } catch (e) {
      throw new AuthenticationSetupError(
        `failed to load authentication configuration from file ${JSON.stringify(o.authenticationConfigFile)}: ${(e as Error).message}`,
      );
    }
    // With a file, any of kube's algorithms the issuer's keys support.
    algorithms = ALLOWED_SIGNING_ALGS;
  } else {
    const fromFlags = jwtAuthenticatorFromFlags(o.oidc);
    if (fromFlags) config.jwt = [fromFlags];
    algorithms = o.oidc.signingAlgs;
  }

  let anonymous: AnonymousAuthConfig;
  if (config.anonymous && o.flagsSet.has('anonymous-auth')) {
    throw new AuthenticationSetupError(
      'anonymous: Forbidden: --anonymous-auth flag cannot be set when anonymous field is configured in authentication configuration file',
    );
  }
  if (config.anonymous) anonymous = config.anonymous;
  else anonymous = { enabled: o.anonymousAuth, conditions: [] };

  const initial = validateAuthenticationConfiguration(config, o.serviceAccountIssuers);
  const invalid = aggregateFieldErrors(initial.errors);
  if (invalid) throw new AuthenticationSetupError(`invalid authentication configuration: ${invalid}`);
  if (!o.authenticationConfigFile) {
    const bad = algorithms.find((alg) => !(ALLOWED_SIGNING_ALGS as readonly string[]).includes(alg));
    if (bad !== undefined) throw new AuthenticationSetupError(`oidc: unsupported signing alg: ${JSON.stringify(bad)}`);
  }

  const result: StructuredAuthentication = {
    anonymous: { enabled: anonymous.enabled, paths: anonymous.conditions.map((c) => c.path) },
    reload: async () => undefined,
    close: () => undefined,
  };
  if (!o.authenticationConfigFile && initial.jwt.length === 0) return result;

  const jwt = new JwtAuthenticators({ algorithms, now: o.now, keySet: o.keySet }).start(initial.jwt);
  result.tokenAuthenticator = jwt;
  if (!o.authenticationConfigFile) {
    result.close = () => jwt.close();
    return result;
  }

  // The reload loop: one check at a time, each reading the file once.
  const path = o.authenticationConfigFile;
  const initialAnonymous = config.anonymous;
  let running: Promise<void> = Promise.resolve();
  const check = async (): Promise<void> => {
    let data: string;
    try {
      data = readFileSync(path, 'utf8');
    } catch (e) {
      log.error(
        { err: readError(path, e as NodeJS.ErrnoException).message },
        'failed to read authentication config file',
      );
      return; // may resolve: retried on the next event or poll
    }
    if (data === trackedData) return;
    let next: AuthenticationConfiguration;
    try {
      next = decodeAuthenticationConfiguration(data);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'failed to load authentication config');
      trackedData = data; // never valid: not retried until the file changes
      return;
    }
    const validated = validateAuthenticationConfiguration(next, o.serviceAccountIssuers);
    const anonymousError = anonymousChanged(initialAnonymous, next.anonymous);
    const invalidNext = aggregateFieldErrors(anonymousError ? [...validated.errors, anonymousError] : validated.errors);
    if (invalidNext) {
      log.error({ err: invalidNext }, 'failed to validate authentication config');
      trackedData = data;
      return;
    }
    try {
      await jwt.update(validated.jwt, o.updateTimeoutMs ?? UPDATE_TIMEOUT_MS);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'failed to update authentication config');
      return; // retried: the issuer may come up
    }
    trackedData = data;
    log.info({ issuers: jwt.issuers }, 'reloaded authentication config');
  };
  const reload = (): Promise<void> => (running = running.then(check, check));
  const watcher: FileWatch = watchFile(path, () => void reload(), o.reloadPollMs ?? RELOAD_POLL_MS);
  result.reload = reload;
  result.close = () => {
    watcher.close();
    jwt.close();
  };
  return result;
}
