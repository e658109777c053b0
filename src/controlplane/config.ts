// The control plane's settings, named after kube-apiserver's and kube-controller-manager's flags.

export interface ControlPlaneConfig {
  bindAddress: string;
  securePort: number;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  /** --client-ca-file: x509 client certificates are verified against it (absent: x509 authn off). */
  clientCaFile?: string;
  /** --storage-backend: sqlite, memory, or etcd3 (kube's name; implied by --etcd-servers). */
  storageBackend: 'sqlite' | 'memory' | 'etcd3';
  /** The SQLite database file (for the sqlite backend). */
  storagePath?: string;
  /** --etcd-servers: etcd client URLs; given, kauth stores in etcd and several replicas may share it. */
  etcdServers: string[];
  /** --etcd-prefix: the etcd key prefix that replaces /registry (default /registry). */
  etcdPrefix: string;
  /** --etcd-cafile, --etcd-certfile, --etcd-keyfile: TLS to etcd. */
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  /** --etcd-compaction-interval, seconds (kube: 5m; 0 turns the compactor off). */
  etcdCompactionInterval: number;
  /** --leader-elect (kube-controller-manager): with etcd, controllers run on the replica holding the Lease. */
  leaderElect: boolean;
  /** --leader-elect-lease-duration, --leader-elect-renew-deadline, --leader-elect-retry-period, seconds. */
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  serviceClusterIpRange: string;
  anonymousAuth: boolean;
  tokenAuthFile?: string;
  enableBootstrapTokenAuth: boolean;
  /** --authentication-token-webhook-config-file: kubeconfig of the TokenReview webhook (absent: off). */
  authenticationTokenWebhookConfigFile?: string;
  /** --authentication-token-webhook-cache-ttl, seconds (default 2m). */
  authenticationTokenWebhookCacheTtl: number;
  /**
   * --authentication-token-webhook-version: v1 or v1beta1. kube-apiserver's flag defaults to v1beta1, but no API server
   * has served TokenReview v1beta1 since 1.22 (kauth neither), so kauth defaults to v1 — as for the authorization webhook.
   */
  authenticationTokenWebhookVersion: 'v1' | 'v1beta1';
  /** --authentication-config: AuthenticationConfiguration file (JWT issuers, anonymous), reloaded on change. */
  authenticationConfig?: string;
  /** --oidc-issuer-url and --oidc-client-id: one OIDC issuer (both or neither; not with --authentication-config). */
  oidcIssuerUrl?: string;
  oidcClientId?: string;
  /** --oidc-ca-file: CA of the issuer's serving certificate (absent: the host's roots). */
  oidcCaFile?: string;
  /** --oidc-username-claim (default sub), --oidc-username-prefix (default: issuer URL + '#' unless email; '-': none). */
  oidcUsernameClaim: string;
  oidcUsernamePrefix?: string;
  /** --oidc-groups-claim, --oidc-groups-prefix. */
  oidcGroupsClaim?: string;
  oidcGroupsPrefix?: string;
  /** --oidc-signing-algs (default RS256). */
  oidcSigningAlgs: string[];
  /** --oidc-required-claim, repeatable `key=value`. */
  oidcRequiredClaims: string[];
  /** Flags given on the command line, by kube name (kube's "flag was set" rules: --oidc-* vs the config file). */
  flagsSet?: string[];
  /** --requestheader-client-ca-file: CA of the front proxy's client certificate (absent: front proxy off). */
  requestheaderClientCaFile?: string;
  /** --requestheader-allowed-names: CNs allowed to be the front proxy (empty: any the CA signed). */
  requestheaderAllowedNames: string[];
  /** --requestheader-username-headers, --requestheader-uid-headers, --requestheader-group-headers. */
  requestheaderUsernameHeaders: string[];
  requestheaderUidHeaders: string[];
  requestheaderGroupHeaders: string[];
  /** --requestheader-extra-headers-prefix. */
  requestheaderExtraHeadersPrefix: string[];
  /** --authorization-mode, in order. */
  authorizationMode: string[];
  authorizationPolicyFile?: string;
  authorizationWebhookConfigFile?: string;
  authorizationWebhookCacheAuthorizedTtlMs?: number;
  authorizationWebhookCacheUnauthorizedTtlMs?: number;
  /** --enable-admission-plugins: on besides kube-apiserver's default-on ones (`kauth up`: NodeRestriction, as kubeadm). */
  enableAdmissionPlugins: string[];
  /** --disable-admission-plugins: off even when on by default. */
  disableAdmissionPlugins: string[];
  serviceAccountKeyFiles: string[];
  serviceAccountSigningKeyFile?: string;
  serviceAccountIssuers: string[];
  /** Empty: defaults to the issuers, as kube-apiserver does. */
  apiAudiences: string[];
  /** Seconds; 0 = no maximum. */
  serviceAccountMaxTokenExpiration: number;
  serviceAccountExtendTokenExpiration: boolean;
  serviceAccountLookup: boolean;
  /** The URL published as jwks_uri (default https://<bind>:<port>/openid/v1/jwks). */
  serviceAccountJwksUri?: string;
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  /** Seconds (kube-controller-manager default: 1 year). */
  clusterSigningDuration: number;
  /** The CA published in kube-root-ca.crt and legacy token Secrets (default: the client CA). */
  rootCaFile?: string;
  /** Grace for in-flight requests on shutdown, ms. */
  shutdownGraceMs: number;
  /** --encryption-provider-config: EncryptionConfiguration file (absent: stored in plaintext, as kube). */
  encryptionProviderConfig?: string;
  /** --encryption-provider-config-automatic-reload: re-read the file when it changes (kube default: false). */
  encryptionProviderConfigAutomaticReload: boolean;
  /**
   * Create kubeadm's ClusterRoleBinding `kubeadm:cluster-admins` → cluster-admin at start (what `kubeadm init`
   * does once): `kauth up` sets it when it writes a new admin.conf, so a binding deleted later stays deleted.
   */
  kubeadmClusterAdminsBinding?: boolean;
  /** --max-requests-inflight: read-only requests served at once (0: no limit; docs/operations.md). */
  maxRequestsInflight: number;
  /** --max-mutating-requests-inflight: mutating requests served at once (0: no limit). */
  maxMutatingRequestsInflight: number;
  /** --enable-priority-and-fairness: kauth has no APF; true adds the default APF exemptions to the two limits. */
  enablePriorityAndFairness: boolean;
  /** --request-timeout, seconds: the deadline of non-long-running requests (kube: 1m0s). */
  requestTimeout: number;
  /** --audit-policy-file: audit.k8s.io/v1 Policy (absent: nothing audited; docs/audit-log.md). */
  auditPolicyFile?: string;
  /** --audit-log-path: JSON lines of audit events (`-`: standard output). */
  auditLogPath?: string;
  /** --audit-log-maxage (days), --audit-log-maxbackup (files), --audit-log-maxsize (MB; 0: lumberjack's 100). */
  auditLogMaxage: number;
  auditLogMaxbackup: number;
  auditLogMaxsize: number;
  /** --audit-log-format: json (kube's legacy text format is not written). */
  auditLogFormat: string;
  /** --audit-webhook-config-file: kubeconfig of the service that receives EventList batches. */
  auditWebhookConfigFile?: string;
  /** --audit-webhook-batch-max-size, --audit-webhook-batch-buffer-size (events). */
  auditWebhookBatchMaxSize: number;
  auditWebhookBatchBufferSize: number;
  /** --audit-webhook-batch-max-wait, --audit-webhook-initial-backoff (seconds). */
  auditWebhookBatchMaxWait: number;
  auditWebhookInitialBackoff: number;
}

export const DEFAULT_CONFIG: Omit<ControlPlaneConfig, 'tlsCertFile' | 'tlsPrivateKeyFile'> = {
  bindAddress: '127.0.0.1',
  securePort: 6443,
  storageBackend: 'sqlite',
  etcdServers: [],
  etcdPrefix: '/registry',
  etcdCompactionInterval: 300,
  leaderElect: true,
  leaderElectLeaseDuration: 15,
  leaderElectRenewDeadline: 10,
  leaderElectRetryPeriod: 2,
  serviceClusterIpRange: '10.96.0.0/12',
  anonymousAuth: true,
  oidcUsernameClaim: 'sub',
  oidcSigningAlgs: ['RS256'],
  oidcRequiredClaims: [],
  enableBootstrapTokenAuth: true,
  authenticationTokenWebhookCacheTtl: 120,
  authenticationTokenWebhookVersion: 'v1',
  requestheaderAllowedNames: [],
  requestheaderUsernameHeaders: [],
  requestheaderUidHeaders: [],
  requestheaderGroupHeaders: [],
  requestheaderExtraHeadersPrefix: [],
  authorizationMode: ['Node', 'RBAC'],
  enableAdmissionPlugins: [],
  disableAdmissionPlugins: [],
  serviceAccountKeyFiles: [],
  serviceAccountIssuers: ['https://kubernetes.default.svc.cluster.local'],
  apiAudiences: [],
  serviceAccountMaxTokenExpiration: 0,
  serviceAccountExtendTokenExpiration: true,
  serviceAccountLookup: true,
  clusterSigningDuration: 365 * 24 * 3600,
  shutdownGraceMs: 5000,
  maxRequestsInflight: 400,
  maxMutatingRequestsInflight: 200,
  enablePriorityAndFairness: true,
  requestTimeout: 60,
  auditLogMaxage: 0,
  auditLogMaxbackup: 0,
  auditLogMaxsize: 0,
  auditLogFormat: 'json',
  auditWebhookBatchMaxSize: 400,
  auditWebhookBatchBufferSize: 10000,
  auditWebhookBatchMaxWait: 30,
  auditWebhookInitialBackoff: 10,
  encryptionProviderConfigAutomaticReload: false,
};

export const KUBERNETES_VERSION = { major: '1', minor: '35', gitVersion: 'v1.35.0+kauth' };
