// Every flag of `kauth up` and `kauth server`, defined once: its kube-apiserver name, the config field it
// sets, how its value parses, its help and where it applies. The commander options, their help text,
// the ControlPlaneConfig and the start-up validation are all derived from this table, so a new flag is
// one entry here (plus its field in src/server/config.ts).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ADMISSION_PLUGINS, admissionPluginErrors } from '../admission/enabled-plugins.js';
import { requiredClaimProblem } from '../authn/jwt/legacy-flags.js';
import { isWebhookTokenVersion, unsupportedVersionMessage } from '../authn/webhook-token.js';
import { DEFAULT_CONFIG, type ControlPlaneConfig } from '../controlplane/config.js';
import { encryptionConfigProblem } from '../storage/encryption/index.js';
import { auditPolicyProblem } from '../audit/index.js';
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
  | 'int'
  | 'pairs'; // repeatable key=value, never split on commas (Go's MapStringStringNoSplit)

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

/** Seconds as Go prints a time.Duration (kube-apiserver's --help shows defaults this way): 2m0s, 8760h0m0s. */
function durationSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}
const PLACEHOLDER: Record<FlagKind, string> = {
  string: 'value',
  list: 'list',
  bool: 'bool',
  port: 'port',
  duration: 'duration',
  int: 'n',
  pairs: 'key=value',
};

const DEFAULT_ADMISSION = ADMISSION_PLUGINS.filter((p) => p.defaultOn)
  .map((p) => p.name)
  .join(',');

/** kube-apiserver's start-up errors for one of the two admission flags (the overlap is reported once, on enable). */
function admissionFlagProblem(
  which: 'enable' | 'disable',
  _value: string[],
  c: ControlPlaneConfig,
): string | undefined {
  const errors = admissionPluginErrors(c.enableAdmissionPlugins, c.disableAdmissionPlugins).filter((e) =>
    which === 'enable' ? !e.startsWith('disable-') : e.startsWith('disable-'),
  );
  return errors.length ? errors.join('; ') : undefined;
}

/** kube's ServerRunOptions.Validate: "<flag> can not be negative value". */
function notNegative(value: number): string | undefined {
  return value < 0 ? 'can not be negative value' : undefined;
}

/** kube's AuditLogOptions.Validate: "<flag> <value> can't be a negative number". */
function notNegativeNumber(value: number): string | undefined {
  return value < 0 ? `${value} can't be a negative number` : undefined;
}

/** The audit webhook's batch settings must be positive. */
function positive(value: number): string | undefined {
  return value > 0 ? undefined : `${value} must be positive`;
}

/** The table. Group related flags together; keep kube-apiserver's names and defaults. */
export const SERVER_FLAGS: ServerFlag[] = [
  // Serving
  { name: 'bind-address', key: 'bindAddress', kind: 'string', arg: 'ip', help: 'address to serve on' },
  { name: 'secure-port', key: 'securePort', kind: 'port', help: 'HTTPS port' },
  {
    name: 'tls-cert-file',
    key: 'tlsCertFile',
    kind: 'string',
    file: true,
    only: 'server',
    help: 'serving certificate (PEM)',
  },
  {
    name: 'tls-private-key-file',
    key: 'tlsPrivateKeyFile',
    kind: 'string',
    file: true,
    only: 'server',
    help: 'serving key (PEM)',
  },
  {
    name: 'client-ca-file',
    key: 'clientCaFile',
    kind: 'string',
    file: true,
    only: 'server',
    help: 'CA bundle that client certificates are verified against',
  },
  // Storage
  {
    name: 'storage-backend',
    key: 'storageBackend',
    kind: 'string',
    choices: ['sqlite', 'memory', 'etcd3'],
    help: 'sqlite, memory or etcd3 (implied by --etcd-servers)',
    check: (v: string, c) =>
      v === 'etcd3' && c.etcdServers.length === 0 ? '--etcd-servers must be specified' : undefined,
  },
  { name: 'storage-path', key: 'storagePath', kind: 'string', only: 'server', help: 'SQLite database file' },
  {
    name: 'etcd-servers',
    key: 'etcdServers',
    kind: 'list',
    arg: 'urls',
    help: 'etcd client URLs (http:// or https://, comma-separated); replicas on the same etcd form one cluster',
    check: (v: string[]) =>
      v
        .map((u) => (/^https?:\/\/[^/\s]+\/?$/.test(u) ? undefined : `"${u}" is not an http(s)://host:port URL`))
        .find(Boolean),
  },
  {
    name: 'etcd-prefix',
    key: 'etcdPrefix',
    kind: 'string',
    arg: 'prefix',
    help: 'etcd key prefix that replaces /registry',
    check: (v: string) => (v.startsWith('/') ? undefined : 'must start with /'),
  },
  {
    name: 'etcd-cafile',
    key: 'etcdCafile',
    kind: 'string',
    file: true,
    help: "CA bundle that verifies the etcd members' serving certificates",
  },
  { name: 'etcd-certfile', key: 'etcdCertfile', kind: 'string', file: true, help: 'client certificate for etcd (PEM)' },
  { name: 'etcd-keyfile', key: 'etcdKeyfile', kind: 'string', file: true, help: 'client key for etcd (PEM)' },
  {
    name: 'etcd-compaction-interval',
    key: 'etcdCompactionInterval',
    kind: 'duration',
    help: 'how often etcd history is compacted (0: never)',
  },
  {
    name: 'encryption-provider-config',
    key: 'encryptionProviderConfig',
    kind: 'string',
    file: true,
    help: 'EncryptionConfiguration (aescbc, aesgcm, secretbox, identity) for data at rest; kauth up: a generated aesgcm key for secrets',
    check: (v: string) => encryptionConfigProblem(v),
  },
  {
    name: 'encryption-provider-config-automatic-reload',
    key: 'encryptionProviderConfigAutomaticReload',
    kind: 'bool',
    help: 'reload --encryption-provider-config when the file changes (a bad file keeps the previous config)',
  },
  {
    name: 'leader-elect',
    key: 'leaderElect',
    kind: 'bool',
    help: 'with etcd: run the controllers only on the replica holding the kube-system/kube-controller-manager Lease',
  },
  {
    name: 'leader-elect-lease-duration',
    key: 'leaderElectLeaseDuration',
    kind: 'duration',
    help: 'how long a candidate waits after the last observed renewal before taking the Lease',
  },
  {
    name: 'leader-elect-renew-deadline',
    key: 'leaderElectRenewDeadline',
    kind: 'duration',
    help: 'how long the leader keeps trying to renew before it stops leading',
    check: (v: number, c) =>
      c.leaderElectLeaseDuration <= v
        ? 'leaseDuration must be greater than renewDeadline'
        : c.leaderElectRetryPeriod * 1.2 >= v
          ? 'renewDeadline must be greater than retryPeriod*JitterFactor'
          : undefined,
  },
  {
    name: 'leader-elect-retry-period',
    key: 'leaderElectRetryPeriod',
    kind: 'duration',
    help: 'time between acquire or renew attempts',
  },
  {
    name: 'service-cluster-ip-range',
    key: 'serviceClusterIpRange',
    kind: 'string',
    arg: 'cidr',
    help: 'Service ClusterIP range',
  },
  // Authentication
  { name: 'anonymous-auth', key: 'anonymousAuth', kind: 'bool', help: 'allow anonymous requests (system:anonymous)' },
  {
    name: 'token-auth-file',
    key: 'tokenAuthFile',
    kind: 'string',
    file: true,
    help: 'static tokens, CSV: token,user,uid,"group1,group2"',
  },
  {
    name: 'enable-bootstrap-token-auth',
    key: 'enableBootstrapTokenAuth',
    kind: 'bool',
    help: 'accept bootstrap tokens (kube-system bootstrap-token-* Secrets)',
  },
  {
    name: 'authentication-token-webhook-config-file',
    key: 'authenticationTokenWebhookConfigFile',
    kind: 'string',
    file: true,
    help: 'kubeconfig of the service that answers TokenReviews for bearer tokens',
  },
  {
    name: 'authentication-token-webhook-cache-ttl',
    key: 'authenticationTokenWebhookCacheTtl',
    kind: 'duration',
    help: "how long the webhook token authenticator's answers are cached",
  },
  {
    name: 'authentication-config',
    key: 'authenticationConfig',
    kind: 'string',
    file: true,
    help: 'AuthenticationConfiguration file (JWT issuers with CEL claim mappings, anonymous); reloaded when it changes; not with --oidc-*',
  },
  {
    name: 'oidc-issuer-url',
    key: 'oidcIssuerUrl',
    kind: 'string',
    arg: 'url',
    help: 'OpenID issuer URL (https); its ID tokens authenticate',
  },
  {
    name: 'oidc-client-id',
    key: 'oidcClientId',
    kind: 'string',
    arg: 'id',
    help: 'the audience ID tokens must carry; required with --oidc-issuer-url',
  },
  {
    name: 'oidc-ca-file',
    key: 'oidcCaFile',
    kind: 'string',
    file: true,
    help: "CA of the issuer's serving certificate (default: the host's roots)",
  },
  {
    name: 'oidc-username-claim',
    key: 'oidcUsernameClaim',
    kind: 'string',
    arg: 'claim',
    help: 'claim used as the user name',
  },
  {
    name: 'oidc-username-prefix',
    key: 'oidcUsernamePrefix',
    kind: 'string',
    arg: 'prefix',
    help: 'prefix of user names (default: the issuer URL and # unless the claim is email; - for none)',
  },
  {
    name: 'oidc-groups-claim',
    key: 'oidcGroupsClaim',
    kind: 'string',
    arg: 'claim',
    help: "claim holding the user's groups (a string or a list)",
  },
  { name: 'oidc-groups-prefix', key: 'oidcGroupsPrefix', kind: 'string', arg: 'prefix', help: 'prefix of group names' },
  {
    name: 'oidc-signing-algs',
    key: 'oidcSigningAlgs',
    kind: 'list',
    arg: 'algs',
    help: 'allowed JOSE algorithms: RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512',
  },
  {
    name: 'oidc-required-claim',
    key: 'oidcRequiredClaims',
    kind: 'pairs',
    help: 'a claim the ID token must have with this value (repeatable)',
    check: (v: string[]) => v.map(requiredClaimProblem).find(Boolean),
  },
  {
    name: 'authentication-token-webhook-version',
    key: 'authenticationTokenWebhookVersion',
    kind: 'string',
    arg: 'version',
    help: 'TokenReview version sent to and expected from the webhook (v1 or v1beta1)',
    check: (v: string) => (isWebhookTokenVersion(v) ? undefined : unsupportedVersionMessage(v)),
  },
  // Front proxy (request-header authentication)
  {
    name: 'requestheader-client-ca-file',
    key: 'requestheaderClientCaFile',
    kind: 'string',
    file: true,
    help: "CA that signs the front proxy's client certificate; only it may assert users in headers",
  },
  {
    name: 'requestheader-allowed-names',
    key: 'requestheaderAllowedNames',
    kind: 'list',
    arg: 'names',
    help: 'front-proxy client certificate CNs allowed (empty: any the CA signed)',
  },
  {
    name: 'requestheader-username-headers',
    key: 'requestheaderUsernameHeaders',
    kind: 'list',
    arg: 'headers',
    help: 'headers holding the user name (X-Remote-User is suggested)',
  },
  {
    name: 'requestheader-uid-headers',
    key: 'requestheaderUidHeaders',
    kind: 'list',
    arg: 'headers',
    help: 'headers holding the user UID (X-Remote-Uid is suggested)',
  },
  {
    name: 'requestheader-group-headers',
    key: 'requestheaderGroupHeaders',
    kind: 'list',
    arg: 'headers',
    help: 'headers holding groups (X-Remote-Group is suggested)',
  },
  {
    name: 'requestheader-extra-headers-prefix',
    key: 'requestheaderExtraHeadersPrefix',
    kind: 'list',
    arg: 'prefixes',
    help: 'header prefixes holding extra user info (X-Remote-Extra- is suggested)',
  },
  // Authorization
  {
    name: 'authorization-mode',
    key: 'authorizationMode',
    kind: 'list',
    arg: 'modes',
    help: 'ordered list: AlwaysAllow,AlwaysDeny,ABAC,RBAC,Node,Webhook',
  },
  {
    name: 'authorization-policy-file',
    key: 'authorizationPolicyFile',
    kind: 'string',
    file: true,
    help: 'ABAC policy (JSON lines)',
  },
  {
    name: 'authorization-webhook-config-file',
    key: 'authorizationWebhookConfigFile',
    kind: 'string',
    file: true,
    help: 'kubeconfig of the authorization webhook',
  },
  // Admission
  {
    name: 'enable-admission-plugins',
    key: 'enableAdmissionPlugins',
    kind: 'list',
    arg: 'plugins',
    help: `admission plugins to turn on besides the default ones (${DEFAULT_ADMISSION}); kauth up: NodeRestriction`,
    check: (v: string[], c) => admissionFlagProblem('enable', v, c),
  },
  {
    name: 'disable-admission-plugins',
    key: 'disableAdmissionPlugins',
    kind: 'list',
    arg: 'plugins',
    help: `admission plugins to turn off; known: ${ADMISSION_PLUGINS.map((p) => p.name).join(',')}`,
    check: (v: string[], c) => admissionFlagProblem('disable', v, c),
  },
  // Service accounts
  {
    name: 'service-account-key-file',
    key: 'serviceAccountKeyFiles',
    kind: 'list',
    file: true,
    help: 'PEM public (or private) keys that verify service-account tokens (repeatable)',
  },
  {
    name: 'service-account-signing-key-file',
    key: 'serviceAccountSigningKeyFile',
    kind: 'string',
    file: true,
    help: 'PEM private key that signs service-account tokens',
  },
  {
    name: 'service-account-issuer',
    key: 'serviceAccountIssuers',
    kind: 'list',
    arg: 'url',
    help: 'token issuer (repeatable; the first issues)',
  },
  {
    name: 'api-audiences',
    key: 'apiAudiences',
    kind: 'list',
    help: 'audiences the API accepts (default: the issuers)',
  },
  {
    name: 'service-account-max-token-expiration',
    key: 'serviceAccountMaxTokenExpiration',
    kind: 'duration',
    help: 'longest TokenRequest allowed (0: none)',
  },
  {
    name: 'service-account-extend-token-expiration',
    key: 'serviceAccountExtendTokenExpiration',
    kind: 'bool',
    help: 'extend pod tokens to a year with warnafter',
  },
  {
    name: 'service-account-lookup',
    key: 'serviceAccountLookup',
    kind: 'bool',
    help: "check that tokens' service accounts and bound objects still exist",
  },
  {
    name: 'service-account-jwks-uri',
    key: 'serviceAccountJwksUri',
    kind: 'string',
    arg: 'url',
    help: 'jwks_uri published in the OIDC discovery document',
  },
  // Certificates (kube-controller-manager's signer)
  {
    name: 'cluster-signing-cert-file',
    key: 'clusterSigningCertFile',
    kind: 'string',
    file: true,
    help: 'CA certificate that signs approved CSRs',
  },
  {
    name: 'cluster-signing-key-file',
    key: 'clusterSigningKeyFile',
    kind: 'string',
    file: true,
    help: 'CA key that signs approved CSRs',
  },
  {
    name: 'cluster-signing-duration',
    key: 'clusterSigningDuration',
    kind: 'duration',
    help: 'longest certificate the signer issues',
  },
  // Overload (docs/operations.md)
  {
    name: 'max-requests-inflight',
    key: 'maxRequestsInflight',
    kind: 'int',
    help: 'read-only requests served at once; more get 429 (0: no limit)',
    check: notNegative,
  },
  {
    name: 'max-mutating-requests-inflight',
    key: 'maxMutatingRequestsInflight',
    kind: 'int',
    help: 'mutating requests served at once; more get 429 (0: no limit)',
    check: notNegative,
  },
  {
    name: 'enable-priority-and-fairness',
    key: 'enablePriorityAndFairness',
    kind: 'bool',
    help: "kauth has no APF queues: true adds APF's default exemptions (system:masters, probes) to the in-flight limits",
  },
  {
    name: 'request-timeout',
    key: 'requestTimeout',
    kind: 'duration',
    help: 'deadline of non-long-running requests (?timeout= may shorten it)',
    check: notNegative,
  },
  // Auditing (docs/audit-log.md)
  {
    name: 'audit-policy-file',
    key: 'auditPolicyFile',
    kind: 'string',
    file: true,
    help: 'audit.k8s.io/v1 Policy: which requests are audited, at which level',
    check: (v: string) => auditPolicyProblem(v),
  },
  {
    name: 'audit-log-path',
    key: 'auditLogPath',
    kind: 'string',
    arg: 'path',
    help: 'write audit events here as JSON lines (- for standard output)',
  },
  {
    name: 'audit-log-maxage',
    key: 'auditLogMaxage',
    kind: 'int',
    help: 'days an audit log backup is kept (0: no limit)',
    check: notNegativeNumber,
  },
  {
    name: 'audit-log-maxbackup',
    key: 'auditLogMaxbackup',
    kind: 'int',
    help: 'audit log backups kept (0: all)',
    check: notNegativeNumber,
  },
  {
    name: 'audit-log-maxsize',
    key: 'auditLogMaxsize',
    kind: 'int',
    help: 'megabytes of audit log before it rotates (0: 100)',
    check: notNegativeNumber,
  },
  {
    name: 'audit-log-format',
    key: 'auditLogFormat',
    kind: 'string',
    arg: 'format',
    help: 'format of audit log lines: json',
    check: (v: string) => (v === 'json' ? undefined : `invalid audit log format ${v}, allowed formats are "json"`),
  },
  {
    name: 'audit-webhook-config-file',
    key: 'auditWebhookConfigFile',
    kind: 'string',
    file: true,
    help: 'kubeconfig of the service audit events are POSTed to (EventList batches)',
  },
  {
    name: 'audit-webhook-batch-max-size',
    key: 'auditWebhookBatchMaxSize',
    kind: 'int',
    help: 'audit events per webhook batch',
    check: positive,
  },
  {
    name: 'audit-webhook-batch-max-wait',
    key: 'auditWebhookBatchMaxWait',
    kind: 'duration',
    help: 'how long a partial batch waits before it is sent',
    check: positive,
  },
  {
    name: 'audit-webhook-batch-buffer-size',
    key: 'auditWebhookBatchBufferSize',
    kind: 'int',
    help: 'audit events buffered for the webhook; more are dropped (and counted)',
    check: positive,
  },
  {
    name: 'audit-webhook-initial-backoff',
    key: 'auditWebhookInitialBackoff',
    kind: 'duration',
    help: 'wait before the first retry of a failed webhook batch',
    check: positive,
  },
];

/** commander's attribute name for a flag (`secure-port` → `securePort`). */
const attribute = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function parser(kind: FlagKind): ((value: string, previous: unknown) => unknown) | undefined {
  switch (kind) {
    case 'list':
      return (v, prev) => collect(v, prev as string[] | undefined);
    case 'bool':
      return (v) => parseBool(v);
    case 'port':
      return (v) => parsePort(v);
    case 'duration':
      return (v) => parseDurationSeconds(v);
    case 'int':
      return (v) => {
        const n = Number(v);
        if (!Number.isInteger(n)) throw new CliError(`invalid integer "${v}"`);
        return n;
      };
    case 'pairs':
      return (v, prev) => [...((prev as string[] | undefined) ?? []), v];
    case 'string':
      return undefined;
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
  const flagsSet: string[] = [];
  for (const flag of SERVER_FLAGS) {
    const given = opts[attribute(flag.name)];
    // An empty repeatable flag means "not given": keep the command's or the default value.
    if (given !== undefined && !(Array.isArray(given) && given.length === 0)) {
      config[flag.key] = given;
      flagsSet.push(flag.name);
    }
  }
  config.flagsSet = flagsSet;
  const result = config as unknown as ControlPlaneConfig;
  if (!result.tlsCertFile || !result.tlsPrivateKeyFile)
    throw new CliError('--tls-cert-file and --tls-private-key-file are required');
  for (const flag of SERVER_FLAGS) {
    const value = config[flag.key];
    if (value === undefined) continue;
    if (flag.choices && !flag.choices.includes(value as string)) {
      throw new CliError(`--${flag.name}: unknown value "${String(value)}" (want ${flag.choices.join(' or ')})`);
    }
    if (flag.file) {
      for (const file of Array.isArray(value) ? (value as string[]) : [value as string]) {
        if (!existsSync(file)) throw new CliError(`--${flag.name}: ${file}: no such file`);
      }
    }
    const problem = flag.check?.(value as never, result);
    if (problem) throw new CliError(`--${flag.name}: ${problem}`);
  }
  return result;
}
