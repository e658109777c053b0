// A minimal Kubernetes API client for the CLI, from a kubeconfig (the credentials clientcmd would use).
import https from 'node:https';
import { loadKubeconfigFromEnv, loadKubeconfig, resolveClusterCredentials } from '../kubeconfig/index.js';
import { CliError } from './errors.js';

export interface ApiClient {
  request(method: string, path: string, body?: unknown): Promise<{ code: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  namespace: string;
}

export function apiClient(kubeconfigPath?: string): ApiClient {
  let creds;
  try {
    const cfg = kubeconfigPath ? loadKubeconfig(kubeconfigPath) : loadKubeconfigFromEnv();
    creds = resolveClusterCredentials(cfg);
  } catch (e) {
    throw new CliError(`kubeconfig: ${(e as Error).message}`);
  }
  const url = new URL(creds.server);
  return {
    namespace: creds.namespace ?? 'default',
    request: (method, path, body) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string | number> = { Accept: 'application/json' };
        if (payload) {
          headers['Content-Type'] = 'application/json';
          headers['Content-Length'] = Buffer.byteLength(payload);
        }
        if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
        const req = https.request(
          {
            method,
            hostname: url.hostname,
            port: url.port || 443,
            path,
            headers,
            ca: creds.caPem,
            cert: creds.clientCertPem,
            key: creds.clientKeyPem,
            rejectUnauthorized: !creds.insecureSkipTlsVerify,
            servername: creds.tlsServerName,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              try {
                resolve({ code: res.statusCode ?? 0, json: JSON.parse(text) });
              } catch {
                resolve({ code: res.statusCode ?? 0, json: { message: text } });
              }
            });
          },
        );
        req.on('error', (e) => reject(new CliError(`${creds.server}: ${e.message}`)));
        req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
        if (payload) req.write(payload);
        req.end();
      }),
  };
}
