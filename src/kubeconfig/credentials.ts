// From a kubeconfig to what a client needs to call the server: URL, CA, client certificate/key or token. Used by
// the webhook authenticator/authorizer (whose config is a kubeconfig) and by the CLI.
import { readFileSync } from 'node:fs';
import { resolveLocalPaths } from './load.js';
import { KubeconfigError, type ExecConfig, type Kubeconfig, type NamedAuthInfo, type NamedCluster } from './types.js';

export interface ClusterCredentials {
  contextName: string;
  clusterName: string;
  userName: string;
  namespace?: string;
  server: string;
  caPem?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  username?: string;
  password?: string;
  /** Left for the caller: running a credential plugin is a policy decision. */
  exec?: ExecConfig;
}

function decodeData(value: string, what: string): string {
  const clean = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new KubeconfigError(`${what} is not valid base64`);
  return Buffer.from(clean, 'base64').toString('utf8');
}

function readRef(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new KubeconfigError(
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
}

function dataOrFile(data: unknown, file: unknown, what: string): string | undefined {
  if (typeof data === 'string' && data !== '') return decodeData(data, `${what}-data`);
  if (typeof file === 'string' && file !== '') return readRef(file, what);
  return undefined;
}

/**
 * Resolves the credentials of `contextName` (default: current-context). File references are read relative to
 * the kubeconfig's directory; `*-data` fields win over file references, as in clientcmd.
 */
export function resolveClusterCredentials(cfg: Kubeconfig, contextName?: string): ClusterCredentials {
  const resolved = resolveLocalPaths(cfg);
  const name = contextName ?? resolved['current-context'];
  if (!name) throw new KubeconfigError('current-context is not set and no context was given');
  const ctx = resolved.contexts.find((c) => c.name === name);
  if (!ctx) throw new KubeconfigError(`context "${name}" does not exist`);
  const cluster: NamedCluster | undefined = resolved.clusters.find((c) => c.name === ctx.context.cluster);
  if (!cluster)
    throw new KubeconfigError(
      `context "${name}" refers to cluster "${ctx.context.cluster ?? ''}", which does not exist`,
    );
  const server = cluster.cluster.server;
  if (!server) throw new KubeconfigError(`cluster "${cluster.name}" has no server defined`);
  // A context without a user is legal (anonymous); a named user that is missing is a broken file.
  let user: NamedAuthInfo | undefined;
  if (ctx.context.user) {
    user = resolved.users.find((u) => u.name === ctx.context.user);
    if (!user)
      throw new KubeconfigError(`context "${name}" refers to user "${ctx.context.user}", which does not exist`);
  }
  const u = user?.user ?? {};
  const clientCertPem = dataOrFile(u['client-certificate-data'], u['client-certificate'], 'client-certificate');
  const clientKeyPem = dataOrFile(u['client-key-data'], u['client-key'], 'client-key');
  if ((clientCertPem === undefined) !== (clientKeyPem === undefined)) {
    throw new KubeconfigError(
      `user "${user?.name}" has a client ${clientCertPem ? 'certificate without a key' : 'key without a certificate'}`,
    );
  }
  let token = typeof u.token === 'string' && u.token !== '' ? u.token : undefined;
  if (!token && typeof u.tokenFile === 'string' && u.tokenFile !== '') token = readRef(u.tokenFile, 'tokenFile').trim();
  return {
    contextName: name,
    clusterName: cluster.name,
    userName: user?.name ?? '',
    ...(ctx.context.namespace ? { namespace: ctx.context.namespace } : {}),
    server,
    caPem: dataOrFile(
      cluster.cluster['certificate-authority-data'],
      cluster.cluster['certificate-authority'],
      'certificate-authority',
    ),
    insecureSkipTlsVerify: cluster.cluster['insecure-skip-tls-verify'] === true,
    ...(cluster.cluster['tls-server-name'] ? { tlsServerName: cluster.cluster['tls-server-name'] } : {}),
    ...(clientCertPem !== undefined ? { clientCertPem, clientKeyPem } : {}),
    ...(token ? { token } : {}),
    ...(typeof u.username === 'string' ? { username: u.username } : {}),
    ...(typeof u.password === 'string' ? { password: u.password } : {}),
    ...(u.exec ? { exec: u.exec } : {}),
  };
}
