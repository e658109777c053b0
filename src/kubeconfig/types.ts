// The kubeconfig file format (clientcmd/api/v1), with the field names exactly as they appear on disk. Fields kauth
// does not interpret (exec, auth-provider, extensions, preferences…) are carried through untouched.

export interface Cluster {
  server?: string;
  'certificate-authority'?: string;
  /** Base64 of the CA bundle PEM. */
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  extensions?: unknown[];
  [field: string]: unknown;
}

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  apiVersion?: string;
  [field: string]: unknown;
}

export interface AuthInfo {
  'client-certificate'?: string;
  /** Base64 of the client certificate PEM. */
  'client-certificate-data'?: string;
  'client-key'?: string;
  /** Base64 of the client key PEM. */
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  'auth-provider'?: unknown;
  extensions?: unknown[];
  [field: string]: unknown;
}

export interface Context {
  cluster: string;
  user: string;
  namespace?: string;
  extensions?: unknown[];
  [field: string]: unknown;
}

export interface NamedCluster {
  name: string;
  cluster: Cluster;
}

export interface NamedAuthInfo {
  name: string;
  user: AuthInfo;
}

export interface NamedContext {
  name: string;
  context: Context;
}

export interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  preferences?: Record<string, unknown>;
  clusters: NamedCluster[];
  contexts: NamedContext[];
  users: NamedAuthInfo[];
  'current-context'?: string;
  extensions?: unknown[];
  [field: string]: unknown;
}

/** A kubeconfig error: one line, naming the file or entry at fault. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message.split('\n')[0]);
    this.name = 'KubeconfigError';
  }
}

export function emptyKubeconfig(): Kubeconfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [],
    contexts: [],
    users: [],
    'current-context': '',
  };
}
