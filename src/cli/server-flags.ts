// Every flag of `kauth up` and `kauth server`, defined once: its kube-apiserver name, the config field it
// sets, how its value parses, its help and where it applies. The commander options, their help text,
// the ControlPlaneConfig and the start-up validation are all derived from this table, so a new flag is
// one entry here (plus its field in src/server/config.ts).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_CONFIG, type ControlPlaneConfig } from '../server/config.js';
import { CliError } from './errors.js';
import { collect, parseBool, parseDurationSeconds, parsePort } from './flags.js';

type Key = keyof ControlPlaneConfig;

/** How a flag's text becomes a config value. */
export type FlagKind =
  | 'string' // one value, the last given wins
  | 'list' // repeatable and comma-separated
  | 'bool' // `--flag`, `--flag=false`
  | 'port'
  | 'duration' // Go duration (15m, 8760h0m0s) → seconds
  | 'int';

export interface ServerFlag {
  /** The flag as kube-apiserver spells it, without dashes: `secure-port`. */
  name: string;
  /** The ControlPlaneConfig field it sets. */
  key: Key;
  kind: FlagKind;
  help: string;
  /** The value's placeholder in --help (default: derived from the kind). */
  arg?: string;
  /** Only on these commands (default: both). */
  only?: 'up' | 'server';
  /** Allowed values (checked at start). */
  choices?: readonly string[];
  /** The value names a file that must exist. */
  file?: boolean;
  /** Extra start-up check: returns an error text, or nothing when the value is fine. */
  check?: (value: never, config: ControlPlaneConfig) => string | undefined;
}

const durationSeconds = (s: number): string => (s === 0 ? '0' : s % 3600 === 0 ? `${s / 3600}h0m0s` : `${s}s`);
const PLACEHOLDER: Record<FlagKind, string> = { string: 'value', list: 'list', bool: 'bool', port: 'port', duration: 'duration', int: 'n' };

/** The table. Group related flags together; keep kube-apiserver's names and defaults. */
export const SERVER_FLAGS: ServerFlag[] = [
  // Serving
  { name: 'bind-address', key: 'bindAddress', kind: 'string', arg: 'ip', help: 'address to serve on' },
  { name: 'secure-port', key: 'securePort', kind: 'port', help: 'HTTPS port' },
  { name: 'tls-cert-file', key: 'tlsCertFile', kind: 'string', file: true, only: 'server', help: 'serving certificate (PEM)' },
  { name: 'tls-private-key-file', key: 'tlsPrivateKeyFile', kind: 'string', file: true, only: 'server', help: 'serving key (PEM)' },
  { name: 'client-ca-file', key: 'clientCaFile', kind: 'string', file: true, only: 'server', help: 'CA bundle that client certificates are verified against' },
  // Storage
  { name: 'storage-backend', key: 'storageBackend', kind: 'string', choices: ['sqlite', 'memory'], help: 'sqlite or memory' },
  { name: 'storage-path', key: 'storagePath', kind: 'string', only: 'server', help: 'SQLite database file' },
  { name: 'service-cluster-ip-range', key: 'serviceClusterIpRange', kind: 'string', arg: 'cidr', help: 'Service ClusterIP range' },
  // Authentication
  { name: 'anonymous-auth', key: 'anonymousAuth', kind: 'bool', help: 'allow anonymous requests (system:anonymous)' },
  { name: 'token-auth-file', key: 'tokenAuthFile', kind: 'string', file: true, help: 'static tokens, CSV: token,user,uid,"group1,group2"' },
  { name: 'enable-bootstrap-token-auth', key: 'enableBootstrapTokenAuth', kind: 'bool', help: 'accept bootstrap tokens (kube-system bootstrap-token-* Secrets)' },
  // Authorization
  { name: 'authorization-mode', key: 'authorizationMode', kind: 'list', arg: 'modes', help: 'ordered list: AlwaysAllow,AlwaysDeny,ABAC,RBAC,Node,Webhook' },
  { name: 'authorization-policy-file', key: 'authorizationPolicyFile', kind: 'string', file: true, help: 'ABAC policy (JSON lines)' },
  { name: 'authorization-webhook-config-file', key: 'authorizationWebhookConfigFile', kind: 'string', file: true, help: 'kubeconfig of the authorization webhook' },
  // Service accounts
  { name: 'service-account-key-file', key: 'serviceAccountKeyFiles', kind: 'list', file: true, help: 'PEM public (or private) keys that verify service-account tokens (repeatable)' },
  { name: 'service-account-signing-key-file', key: 'serviceAccountSigningKeyFile', kind: 'string', file: true, help: 'PEM private key that signs service-account tokens' },
  { name: 'service-account-issuer', key: 'serviceAccountIssuers', kind: 'list', arg: 'url', help: 'token issuer (repeatable; the first issues)' },
  { name: 'api-audiences', key: 'apiAudiences', kind: 'list', help: 'audiences the API accepts (default: the issuers)' },
  { name: 'service-account-max-token-expiration', key: 'serviceAccountMaxTokenExpiration', kind: 'duration', help: 'longest TokenRequest allowed (0: none)' },
  { name: 'service-account-extend-token-expiration', key: 'serviceAccountExtendTokenExpiration', kind: 'bool', help: 'extend pod tokens to a year with warnafter' },
  { name: 'service-account-lookup', key: 'serviceAccountLookup', kind: 'bool', help: 'check that tokens\' service accounts and bound objects still exist' },
  { name: 'service-account-jwks-uri', key: 'serviceAccountJwksUri', kind: 'string', arg: 'url', help: 'jwks_uri published in the OIDC discovery document' },
  // Certificates (kube-controller-manager's signer)
  { name: 'cluster-signing-cert-file', key: 'clusterSigningCertFile', kind: 'string', file: true, help: 'CA certificate that signs approved CSRs' },
  { name: 'cluster-signing-key-file', key: 'clusterSigningKeyFile', kind: 'string', file: true, help: 'CA key that signs approved CSRs' },
  { name: 'cluster-signing-duration', key: 'clusterSigningDuration', kind: 'duration', help: 'longest certificate the signer issues' },
];

/** commander's attribute name for a flag (`secure-port` → `securePort`). */
const attribute = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function parser(kind: FlagKind): ((value: string, previous: unknown) => unknown) | undefined {
  switch (kind) {
    case 'list': return (v, prev) => collect(v, prev as string[] | undefined);
    case 'bool': return (v) => parseBool(v);
    case 'port': return (v) => parsePort(v);
    case 'duration': return (v) => parseDurationSeconds(v);
    case 'int': return (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new CliError(`invalid integer "${v}"`);
      return n;
    };
    case 'string': return undefined;
  }
}

function defaultText(flag: ServerFlag): string {
  const value = (DEFAULT_CONFIG as Partial<ControlPlaneConfig>)[flag.key];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return '';
  if (flag.kind === 'duration') return ` (default: ${durationSeconds(value as number)})`;
  return ` (default: ${Array.isArray(value) ? value.join(',') : String(value)})`;
}

/** Adds the table's flags for one command. No commander defaults: unset flags fall back in toConfig. */
export function addServerFlags(cmd: Command, command: 'up' | 'server'): Command {
  for (const flag of SERVER_FLAGS) {
    if (flag.only && flag.only !== command) continue;
    const arg = flag.kind === 'bool' ? '[bool]' : `<${flag.arg ?? (flag.file ? 'file' : PLACEHOLDER[flag.kind])}>`;
    const parse = parser(flag.kind);
    const help = flag.help + defaultText(flag);
    if (parse) cmd.option(`--${flag.name} ${arg}`, help, parse);
    else cmd.option(`--${flag.name} ${arg}`, help);
  }
  return cmd;
}

/**
 * The config a command runs with: a flag given on the command line wins, then the command's own
 * defaults (`kauth up` points the files at its data dir), then DEFAULT_CONFIG. Checked here, so a bad
 * value is one line at start instead of a failure later.
 */
export function toConfig(opts: Record<string, unknown>, base: Partial<ControlPlaneConfig>): ControlPlaneConfig {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG, ...base };
  for (const flag of SERVER_FLAGS) {
    const given = opts[attribute(flag.name)];
    // An empty repeatable flag means "not given": keep the command's or the default value.
    if (given !== undefined && !(Array.isArray(given) && given.length === 0)) config[flag.key] = given;
  }
  const result = config as unknown as ControlPlaneConfig;
  if (!result.tlsCertFile || !result.tlsPrivateKeyFile) throw new CliError('--tls-cert-file and --tls-private-key-file are required');
  for (const flag of SERVER_FLAGS) {
    const value = config[flag.key];
    if (value === undefined) continue;
    if (flag.choices && !flag.choices.includes(value as string)) {
      throw new CliError(`--${flag.name}: unknown value "${String(value)}" (want ${flag.choices.join(' or ')})`);
    }
    if (flag.file) {
      for (const file of Array.isArray(value) ? value as string[] : [value as string]) {
        if (!existsSync(file)) throw new CliError(`--${flag.name}: ${file}: no such file`);
      }
    }
    const problem = flag.check?.(value as never, result);
    if (problem) throw new CliError(`--${flag.name}: ${problem}`);
  }
  return result;
}
