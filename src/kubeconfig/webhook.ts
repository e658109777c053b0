// The kubeconfig a delegating API server's --authentication-token-webhook-config-file or
// --authorization-webhook-config-file takes: kube's webhook clients POST to the cluster's server URL as it is,
// so the TokenReview or SubjectAccessReview path is appended to the serving API server's base URL.
import { trimTrailingSlashes } from '../api/trim.js';
import { buildKubeconfig } from './build.js';
import type { Kubeconfig } from './types.js';

export const WEBHOOK_PATHS = {
  authn: '/apis/authentication.k8s.io/v1/tokenreviews',
  authz: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
} as const;

export interface WebhookKubeconfigOptions {
  kind: keyof typeof WEBHOOK_PATHS;
  /** The serving API server's base URL (https://host:port). */
  server: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

export function buildWebhookKubeconfig(o: WebhookKubeconfigOptions): Kubeconfig {
  const url = new URL(o.server);
  url.pathname = trimTrailingSlashes(url.pathname) + WEBHOOK_PATHS[o.kind];
  const name = o.kind === 'authn' ? 'token-webhook' : 'authorization-webhook';
  return buildKubeconfig({
    clusterName: name,
    server: url.href,
    caPem: o.caPem,
    userName: 'delegating-apiserver',
    clientCertPem: o.clientCertPem,
    clientKeyPem: o.clientKeyPem,
    contextName: 'webhook',
  });
}
