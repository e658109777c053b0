// Building a kubeconfig with one cluster, one user and one context, credentials embedded as `*-data` — the shape
// kubeadm writes (clientcmd's CreateWithCerts / CreateWithToken).
import { KubeconfigError, type AuthInfo, type Kubeconfig } from './types.js';

export interface BuildKubeconfigOptions {
  clusterName: string;
  server: string;
  caPem: string;
  userName: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  /** Default `<userName>@<clusterName>`. */
  contextName?: string;
  namespace?: string;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function buildKubeconfig(o: BuildKubeconfigOptions): Kubeconfig {
  if (!o.server) throw new KubeconfigError('a kubeconfig needs a server URL');
  if ((o.clientCertPem === undefined) !== (o.clientKeyPem === undefined)) {
    throw new KubeconfigError('a client certificate and its key go together: give both or neither');
  }
  const user: AuthInfo = {};
  if (o.clientCertPem !== undefined && o.clientKeyPem !== undefined) {
    user['client-certificate-data'] = b64(o.clientCertPem);
    user['client-key-data'] = b64(o.clientKeyPem);
  }
  if (o.token !== undefined) user.token = o.token;
  const contextName = o.contextName ?? `${o.userName}@${o.clusterName}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: o.clusterName, cluster: { 'certificate-authority-data': b64(o.caPem), server: o.server } }],
    contexts: [
      {
        name: contextName,
        context: { cluster: o.clusterName, user: o.userName, ...(o.namespace ? { namespace: o.namespace } : {}) },
      },
    ],
    users: [{ name: o.userName, user }],
    'current-context': contextName,
  };
}
