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
  /** --authorization-mode, in order. */
  authorizationMode: string[];
  authorizationPolicyFile?: string;
  authorizationWebhookConfigFile?: string;
  authorizationWebhookCacheAuthorizedTtlMs?: number;
  authorizationWebhookCacheUnauthorizedTtlMs?: number;
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
  enableBootstrapTokenAuth: true,
  authorizationMode: ['Node', 'RBAC'],
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
