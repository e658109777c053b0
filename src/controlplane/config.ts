// The control plane's settings, named after kube-apiserver's and kube-controller-manager's flags.

export interface ControlPlaneConfig {
  bindAddress: string;
  securePort: number;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  /** --client-ca-file: x509 client certificates are verified against it (absent: x509 authn off). */
  clientCaFile?: string;
  storageBackend: 'sqlite' | 'memory';
  /** The SQLite database file (for the sqlite backend). */
  storagePath?: string;
  serviceClusterIpRange: string;
  anonymousAuth: boolean;
  tokenAuthFile?: string;
  enableBootstrapTokenAuth: boolean;
  /** --authentication-token-webhook-config-file: kubeconfig of the TokenReview webhook (absent: off). */
  authenticationTokenWebhookConfigFile?: string;
  /** --authentication-token-webhook-cache-ttl, seconds (default 2m). */
  authenticationTokenWebhookCacheTtl: number;
  /** --authentication-token-webhook-version: v1beta1 (kube's default) or v1. */
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
}

export const DEFAULT_CONFIG: Omit<ControlPlaneConfig, 'tlsCertFile' | 'tlsPrivateKeyFile'> = {
  bindAddress: '127.0.0.1',
  securePort: 6443,
  storageBackend: 'sqlite',
  serviceClusterIpRange: '10.96.0.0/12',
  anonymousAuth: true,
  oidcUsernameClaim: 'sub',
  oidcSigningAlgs: ['RS256'],
  oidcRequiredClaims: [],
  enableBootstrapTokenAuth: true,
  authenticationTokenWebhookCacheTtl: 120,
  authenticationTokenWebhookVersion: 'v1beta1',
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
};

export const KUBERNETES_VERSION = { major: '1', minor: '35', gitVersion: 'v1.35.0+kauth' };
