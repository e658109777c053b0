// `kauth login`: a client-go exec credential plugin for any OpenID provider — prints an ExecCredential with the
// ID token on stdout, everything meant for a human on stderr. Flags are int128/kubelogin's `get-token` flags.
// `kauth login clean` removes the token cache. `kauth kubeconfig oidc` (registered by kubeconfig.ts) writes the
// kubeconfig that runs it.
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CliError } from './errors.js';
import { collect } from './flags.js';
import {
  DEFAULT_AUTHENTICATION_TIMEOUT_SECONDS,
  DEFAULT_LISTEN_ADDRESSES,
  DEFAULT_REDIRECT_HOSTNAME,
  DEFAULT_TOKEN_CACHE_DIR,
  GRANT_TYPES,
  TokenCache,
  describeLoginError,
  execCredential,
  expandHome,
  getIdToken,
  loginExecConfig,
  mergeIntoKubeconfigFile,
  oidcKubeconfig,
  parseExecInfo,
  type GrantType,
  type LoginOptions,
} from '../login/index.js';
import { parseIssuerUrl } from '../login/provider.js';
import { serializeKubeconfig } from '../kubeconfig/write.js';

interface LoginFlags {
  oidcIssuerUrl?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  oidcExtraScope: string[];
  grantType: string;
  listenAddress: string[];
  oidcRedirectUrlHostname: string;
  skipOpenBrowser?: boolean;
  browserCommand?: string;
  certificateAuthority: string[];
  certificateAuthorityData: string[];
  tokenCacheDir: string;
  forceRefresh?: boolean;
  authenticationTimeoutSec: string;
}

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const append = (value: string, previous: string[]): string[] => [...previous, value];

/** kubelogin grant types kauth does not do, with the reason given to the user. */
const UNSUPPORTED_GRANTS: Record<string, string> = {
  'authcode-keyboard':
    'the out-of-band redirect it relies on is deprecated by OAuth 2.0 for native apps; use --grant-type=device-code',
  password: 'the resource owner password grant is removed by OAuth 2.1; use --grant-type=authcode or device-code',
};

function parseGrantType(value: string): GrantType {
  if ((GRANT_TYPES as readonly string[]).includes(value)) return value as GrantType;
  if (value in UNSUPPORTED_GRANTS) {
    throw new CliError(`--grant-type=${value} is not supported: ${UNSUPPORTED_GRANTS[value]}`);
  }
  throw new CliError(`--grant-type must be one of ${GRANT_TYPES.join('|')}, not "${value}"`);
}

function readCaBundle(files: string[], data: string[]): string | undefined {
  const pems: string[] = [];
  for (const f of files) {
    const path = expandHome(f);
    try {
      pems.push(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new CliError(
        `--certificate-authority ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  for (const d of data) pems.push(Buffer.from(d, 'base64').toString('utf8'));
  for (const pem of pems) {
    if (!pem.includes(PEM_CERTIFICATE)) throw new CliError('--certificate-authority: no PEM certificate found');
  }
  return pems.length ? pems.join('\n') : undefined;
}

export function loginOptionsFromFlags(f: LoginFlags): LoginOptions {
  if (!f.oidcIssuerUrl) throw new CliError('--oidc-issuer-url is required');
  if (!f.oidcClientId) throw new CliError('--oidc-client-id is required');
  const timeout = Number(f.authenticationTimeoutSec);
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new CliError('--authentication-timeout-sec must be a positive integer');
  }
  const caPem = readCaBundle(f.certificateAuthority, f.certificateAuthorityData);
  return {
    issuerUrl: f.oidcIssuerUrl,
    clientId: f.oidcClientId,
    ...(f.oidcClientSecret ? { clientSecret: f.oidcClientSecret } : {}),
    extraScopes: f.oidcExtraScope,
    grantType: parseGrantType(f.grantType),
    listenAddresses: f.listenAddress.length ? f.listenAddress : DEFAULT_LISTEN_ADDRESSES,
    redirectUrlHostname: f.oidcRedirectUrlHostname,
    skipOpenBrowser: f.skipOpenBrowser === true,
    ...(f.browserCommand ? { browserCommand: f.browserCommand } : {}),
    ...(caPem ? { caPem } : {}),
    tokenCacheDir: expandHome(f.tokenCacheDir),
    forceRefresh: f.forceRefresh === true,
    authenticationTimeoutSeconds: timeout,
  };
}

const stderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export function registerLoginCommands(program: Command): void {
  const login = program
    .command('login')
    .description('Log in to an OpenID provider and print a client-go ExecCredential (a kubectl credential plugin)')
    .option('--oidc-issuer-url <url>', 'issuer URL of the provider (required)')
    .option('--oidc-client-id <id>', 'client ID at the provider (required)')
    .option('--oidc-client-secret <secret>', 'client secret, for a confidential client')
    .option('--oidc-extra-scope <scope>', 'a scope to request besides openid; repeat or comma-separate', collect, [])
    .option('--grant-type <type>', `how to log in: ${GRANT_TYPES.join('|')}`, 'auto')
    .addOption(
      new Option(
        '--listen-address <host:port>',
        '[authcode] redirect listener address; repeat for fallbacks, tried in order',
      )
        .argParser(collect)
        .default([], DEFAULT_LISTEN_ADDRESSES.join(',')),
    )
    .option('--oidc-redirect-url-hostname <host>', '[authcode] host of the redirect URI', DEFAULT_REDIRECT_HOSTNAME)
    .option('--skip-open-browser', '[authcode, device-code] print the URL only, do not open a browser')
    .option('--browser-command <command>', '[authcode, device-code] command to open the browser (default: xdg-open)')
    .option(
      '--authentication-timeout-sec <seconds>',
      'how long the login may take',
      String(DEFAULT_AUTHENTICATION_TIMEOUT_SECONDS),
    )
    .option(
      '--certificate-authority <file>',
      "PEM file of the CA of the provider's certificate; repeatable",
      append,
      [],
    )
    .option('--certificate-authority-data <base64>', 'the same, base64-encoded PEM; repeatable', append, [])
    .option('--token-cache-dir <dir>', 'directory of the token cache', DEFAULT_TOKEN_CACHE_DIR)
    .option('--force-refresh', 'renew the ID token even if the cached one is still valid')
    .action(async (flags: LoginFlags) => {
      const options = loginOptionsFromFlags(flags);
      let info;
      try {
        info = parseExecInfo(process.env.KUBERNETES_EXEC_INFO);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      let token;
      try {
        token = await getIdToken(options, { log: stderr });
      } catch (e) {
        throw new CliError(`login failed: ${describeLoginError(e)}`);
      }
      process.stdout.write(`${JSON.stringify(execCredential(info, token.idToken, token.expiry))}\n`);
    });

  login
    .command('clean')
    .description('Remove the cached ID and refresh tokens (from --token-cache-dir)')
    .action(() => {
      const dir = expandHome((login.opts() as LoginFlags).tokenCacheDir);
      const removed = new TokenCache(dir).clear();
      stderr(`Removed ${removed} file(s) from the token cache ${dir}`);
    });
}

interface KubeconfigOidcFlags {
  clusterName: string;
  server?: string;
  certificateAuthority?: string;
  certDir: string;
  oidcIssuerUrl?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  oidcExtraScope: string[];
  grantType: string;
  oidcCaFile?: string;
  loginArg: string[];
  userName?: string;
  contextName?: string;
  namespace?: string;
  execCommand?: string;
  kubeconfig?: string;
}

/**
 * The first executable `name` on $PATH, symlinks resolved. A project's node_modules/.bin is skipped: it is on
 * $PATH only while npx or an npm script runs, not when kubectl later starts the plugin.
 */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.endsWith(join('node_modules', '.bin'))) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/**
 * How kubectl should start `kauth login`: `kauth` when that name on $PATH is this very program (a global
 * install, which keeps working across upgrades), else this script's absolute path when it is executable, else
 * node with the script.
 */
export function selfCommand(): { command: string; args: string[] } {
  const script = realpathSync(process.argv[1]!);
  if (onPath('kauth') === script) return { command: 'kauth', args: [] };
  try {
    accessSync(script, constants.X_OK);
    return { command: script, args: [] };
  } catch {
    return { command: process.execPath, args: [script] };
  }
}

/**
 * `kauth kubeconfig oidc`: a kubeconfig whose user logs in through `kauth login`. `serverDefaults` gives the API
 * server URL and CA when the flags do not (from the local kauth's PKI).
 */
export function registerKubeconfigOidcCommand(
  kubeconfig: Command,
  serverDefaults: (certDir: string) => { server: string; caFile: string },
  defaultCertDir: string,
  defaultClusterName: string,
): void {
  kubeconfig
    .command('oidc')
    .description('Write a kubeconfig whose user logs in to an OpenID provider with `kauth login` (exec plugin)')
    .option('--cluster-name <name>', 'cluster name in the kubeconfig', defaultClusterName)
    .option('--server <url>', 'API server URL (default: from <cert-dir>/../admin.conf)')
    .option('--certificate-authority <file>', "the API server's CA, embedded (default: <cert-dir>/ca.crt)")
    .option('--cert-dir <dir>', 'where a local kauth keeps its PKI, for the defaults', defaultCertDir)
    .option('--oidc-issuer-url <url>', 'issuer URL of the provider (required)')
    .option('--oidc-client-id <id>', 'client ID at the provider (required)')
    .option('--oidc-client-secret <secret>', 'client secret, for a confidential client (stored in the kubeconfig)')
    .option('--oidc-extra-scope <scope>', 'a scope to request besides openid; repeat or comma-separate', collect, [])
    .addOption(new Option('--grant-type <type>', 'how kauth login logs in').choices([...GRANT_TYPES]).default('auto'))
    .option('--oidc-ca-file <file>', "CA of the provider's TLS certificate, passed to kauth login")
    .option(
      '--login-arg <arg>',
      'another argument for kauth login (e.g. --listen-address=127.0.0.1:9000); repeatable',
      append,
      [],
    )
    .option('--user-name <name>', 'user entry name (default: oidc@<cluster-name>)')
    .option('--context-name <name>', 'context name (default: the user name)')
    .option('--namespace <ns>', 'default namespace of the context')
    .option('--exec-command <command>', 'the command kubectl runs (default: this kauth)')
    .option('--kubeconfig <file>', 'write (or merge) into this file instead of printing to stdout')
    .action((f: KubeconfigOidcFlags) => {
      if (!f.oidcIssuerUrl) throw new CliError('--oidc-issuer-url is required');
      if (!f.oidcClientId) throw new CliError('--oidc-client-id is required');
      parseIssuerUrl(f.oidcIssuerUrl);
      const needDefaults = !f.server || !f.certificateAuthority;
      const defaults = needDefaults ? serverDefaults(resolve(f.certDir)) : undefined;
      const server = f.server ?? defaults!.server;
      const caFile = f.certificateAuthority ?? defaults!.caFile;
      let caPem: string;
      try {
        caPem = readFileSync(caFile, 'utf8');
      } catch (e) {
        throw new CliError(
          `--certificate-authority ${caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      if (!caPem.includes(PEM_CERTIFICATE))
        throw new CliError(`--certificate-authority ${caFile}: no PEM certificate found`);
      const self = f.execCommand ? { command: f.execCommand, args: [] } : selfCommand();
      const exec = loginExecConfig(self.command, self.args, {
        issuerUrl: f.oidcIssuerUrl,
        clientId: f.oidcClientId,
        ...(f.oidcClientSecret ? { clientSecret: f.oidcClientSecret } : {}),
        extraScopes: f.oidcExtraScope,
        grantType: f.grantType,
        // kubectl starts the plugin in whatever directory it runs in: the path must not be relative.
        ...(f.oidcCaFile ? { issuerCaFile: resolve(expandHome(f.oidcCaFile)) } : {}),
        extraArgs: f.loginArg,
      });
      const userName = f.userName ?? `oidc@${f.clusterName}`;
      const cfg = oidcKubeconfig({
        clusterName: f.clusterName,
        server,
        caPem,
        userName,
        contextName: f.contextName ?? userName,
        ...(f.namespace ? { namespace: f.namespace } : {}),
        exec,
      });
      if (!f.kubeconfig) {
        process.stdout.write(`${serializeKubeconfig(cfg)}\n`);
        return;
      }
      const existed = mergeIntoKubeconfigFile(f.kubeconfig, cfg);
      const what = `context "${cfg['current-context']}" (now current), user "${userName}"`;
      stderr(`${existed ? 'Merged into' : 'Wrote'} ${f.kubeconfig}: ${what}`);
    });
}
