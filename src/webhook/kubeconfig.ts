// Reads the kubeconfig-format file of --authorization-webhook-config-file: `clusters` names the remote
// service (server, CA), `users` the credentials kube-apiserver presents to it (client certificate, token).
// Relative paths are resolved against the file's directory, as client-go does.
import { readFileSync } from 'node:fs';
import { parseKubeconfig, resolveClusterCredentials } from '../kubeconfig/index.js';

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

/**
 * The webhook's client settings from the file's current context (or its only context), through the
 * shared kubeconfig library: `*-data` wins over file references, paths relative to the file.
 */
export function parseWebhookKubeconfig(text: string, file: string): WebhookClientConfig {
  let creds;
  try {
    const cfg = parseKubeconfig(text, file);
    const only = cfg.contexts.length === 1 ? cfg.contexts[0]!.name : undefined;
    if (cfg.contexts.length === 0 && cfg.clusters.length === 1) {
      // A file with one cluster (and at most one user) and no contexts still says who to call.
      cfg.contexts = [
        {
          name: 'webhook',
          context: { cluster: cfg.clusters[0]!.name, user: cfg.users.length === 1 ? cfg.users[0]!.name : '' },
        },
      ];
    }
    creds = resolveClusterCredentials(
      cfg,
      cfg['current-context'] ? undefined : (only ?? (cfg.contexts.length === 1 ? cfg.contexts[0]!.name : undefined)),
    );
  } catch (e) {
    throw new WebhookConfigError(file, (e as Error).message.replace(`${file}: `, ''));
  }
  let url: URL;
  try {
    url = new URL(creds.server);
  } catch {
    throw new WebhookConfigError(file, `cluster.server ${JSON.stringify(creds.server)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookConfigError(
      file,
      `cluster.server ${JSON.stringify(creds.server)}: only https (or http) is supported`,
    );
  const config: WebhookClientConfig = { server: url, insecureSkipTLSVerify: creds.insecureSkipTlsVerify };
  if (creds.caPem !== undefined) config.ca = Buffer.from(creds.caPem);
  if (creds.tlsServerName) config.tlsServerName = creds.tlsServerName;
  if (creds.clientCertPem !== undefined && creds.clientKeyPem !== undefined) {
    config.cert = Buffer.from(creds.clientCertPem);
    config.key = Buffer.from(creds.clientKeyPem);
  }
  if (creds.token) config.token = creds.token;
  return config;
}

export function loadWebhookKubeconfig(path: string): WebhookClientConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WebhookConfigError(
      path,
      `cannot read the webhook config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return parseWebhookKubeconfig(text, path);
}
