// Reads the kubeconfig-format file of --authorization-webhook-config-file: `clusters` names the remote
// service (server, CA), `users` the credentials kube-apiserver presents to it (client certificate, token).
// Self-contained on purpose (the general kubeconfig library lives elsewhere); relative paths are
// resolved against the file's directory, as client-go does.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A malformed or unusable webhook config; the message is one line naming the file. */
export class WebhookConfigError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'WebhookConfigError';
  }
}

export interface WebhookClientConfig {
  /** The URL SubjectAccessReviews are POSTed to, exactly as configured. */
  server: URL;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function named(list: unknown, what: string, name: string | undefined, file: string): Json | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new WebhookConfigError(file, `${what}: expected a list`);
  const entries = list.filter(isObj);
  if (name !== undefined) {
    const found = entries.find((e) => e.name === name);
    if (!found) throw new WebhookConfigError(file, `${what}: no entry named ${JSON.stringify(name)}`);
    return found;
  }
  if (entries.length > 1) throw new WebhookConfigError(file, `${what}: several entries and no current-context to choose one`);
  return entries[0];
}

export function parseWebhookKubeconfig(text: string, file: string): WebhookClientConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new WebhookConfigError(file, `invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObj(doc)) throw new WebhookConfigError(file, 'not a kubeconfig (expected a mapping with clusters and users)');
  const base = dirname(resolve(file));

  let clusterName: string | undefined;
  let userName: string | undefined;
  const current = typeof doc['current-context'] === 'string' && doc['current-context'] ? (doc['current-context'] as string) : undefined;
  const contexts = Array.isArray(doc.contexts) ? doc.contexts.filter(isObj) : [];
  const context = current !== undefined ? named(doc.contexts, 'contexts', current, file) : contexts.length === 1 ? contexts[0] : undefined;
  if (context) {
    const c = isObj(context.context) ? context.context : {};
    clusterName = typeof c.cluster === 'string' ? c.cluster : undefined;
    userName = typeof c.user === 'string' && c.user ? c.user : undefined;
  }

  const clusterEntry = named(doc.clusters, 'clusters', clusterName, file);
  if (!clusterEntry || !isObj(clusterEntry.cluster)) throw new WebhookConfigError(file, 'no cluster configured (clusters[].cluster)');
  const cluster = clusterEntry.cluster;
  const userEntry = named(doc.users, 'users', userName, file);
  const user = userEntry && isObj(userEntry.user) ? userEntry.user : {};

  const server = cluster.server;
  if (typeof server !== 'string' || !server) throw new WebhookConfigError(file, 'cluster.server is required');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new WebhookConfigError(file, `cluster.server ${JSON.stringify(server)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookConfigError(file, `cluster.server ${JSON.stringify(server)}: only https (or http) is supported`);

  const readPath = (field: string, value: unknown): Buffer => {
    if (typeof value !== 'string') throw new WebhookConfigError(file, `${field}: expected a path`);
    const path = isAbsolute(value) ? value : resolve(base, value);
    try {
      return readFileSync(path);
    } catch (e) {
      throw new WebhookConfigError(file, `${field}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const readData = (field: string, value: unknown): Buffer => {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(value)) throw new WebhookConfigError(file, `${field}: expected base64 data`);
    return Buffer.from(value, 'base64');
  };
  const pick = (obj: Json, name: string): Buffer | undefined => {
    if (obj[`${name}-data`] !== undefined && obj[`${name}-data`] !== '') return readData(`${name}-data`, obj[`${name}-data`]);
    if (obj[name] !== undefined && obj[name] !== '') return readPath(name, obj[name]);
    return undefined;
  };

  const config: WebhookClientConfig = {
    server: url,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  const ca = pick(cluster, 'certificate-authority');
  if (ca) config.ca = ca;
  if (typeof cluster['tls-server-name'] === 'string' && cluster['tls-server-name']) config.tlsServerName = cluster['tls-server-name'] as string;
  const cert = pick(user, 'client-certificate');
  const key = pick(user, 'client-key');
  if ((cert === undefined) !== (key === undefined)) throw new WebhookConfigError(file, 'client-certificate and client-key must be given together');
  if (cert && key) {
    config.cert = cert;
    config.key = key;
  }
  if (typeof user.token === 'string' && user.token) config.token = user.token;
  else if (typeof user.tokenFile === 'string' && user.tokenFile) config.token = readPath('tokenFile', user.tokenFile).toString('utf8').trim();
  return config;
}

export function loadWebhookKubeconfig(path: string): WebhookClientConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WebhookConfigError(path, `cannot read the webhook config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseWebhookKubeconfig(text, path);
}
