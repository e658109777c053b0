// `kauth gateway kubeconfig`: one kubeconfig for a user with a context per cluster behind the gateway
// (server https://<gateway>/clusters/<name>), signing in once through `kauth login` as the exec plugin — or,
// for users with client certificates, with their certificate and key.
import type { AuthInfo, ExecConfig, Kubeconfig } from '../kubeconfig/index.js';

export interface UserKubeconfigOptions {
  /** The kubeconfig's user entry name. */
  user: string;
  /** The gateway's URL, https://host:port. */
  server: string;
  clusters: string[];
  caPem?: string;
  /** The `kauth login` exec plugin entry (src/login's loginExecConfig). */
  exec?: ExecConfig;
  clientCertificate?: { certPem: string; keyPem: string };
  namespace?: string;
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export function gatewayUserKubeconfig(o: UserKubeconfigOptions): Kubeconfig {
  if (o.clusters.length === 0) throw new Error('no clusters to write contexts for');
  if (!o.exec && !o.clientCertificate) {
    throw new Error('either OIDC (--oidc-issuer-url, --oidc-client-id) or a client certificate is needed');
  }
  const base = o.server.endsWith('/') ? o.server.slice(0, -1) : o.server;
  let user: AuthInfo;
  if (o.clientCertificate) {
    user = {
      'client-certificate-data': b64(o.clientCertificate.certPem),
      'client-key-data': b64(o.clientCertificate.keyPem),
    };
  } else {
    user = { exec: o.exec! };
  }
  const contextName = (cluster: string) => `${cluster}@gateway`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: o.clusters.map((name) => ({
      name: contextName(name),
      cluster: {
        server: `${base}/clusters/${name}`,
        ...(o.caPem ? { 'certificate-authority-data': b64(o.caPem) } : {}),
      },
    })),
    users: [{ name: o.user, user }],
    contexts: o.clusters.map((name) => ({
      name: contextName(name),
      context: { cluster: contextName(name), user: o.user, ...(o.namespace ? { namespace: o.namespace } : {}) },
    })),
    'current-context': contextName(o.clusters[0]!),
  };
}
