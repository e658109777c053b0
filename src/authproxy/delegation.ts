// Delegated authentication and authorization, as the kubelet and kube-rbac-proxy do them: bearer tokens go to
// an API server as TokenReviews, decisions as SubjectAccessReviews. The API server is the one a kubeconfig names
// (--kubeconfig); kube's webhook clients POST to the configured URL as it is, so the review paths are appended
// here. Caches are kube's webhook defaults (authn 2m; authz 5m allowed, 30s denied).
import { trimTrailingSlashes } from '../api/trim.js';
import { readFileSync } from 'node:fs';
import { parseWebhookKubeconfig, type WebhookClientConfig } from '../webhook/kubeconfig.js';
import { WebhookTokenAuthenticator } from '../authn/webhook-token.js';
import { CachedTokenAuthenticator } from '../authn/token-cache.js';
import type { TokenAuthenticator } from '../authn/interfaces.js';
import { WebhookAuthorizer } from '../authz/webhook.js';

export const TOKEN_REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';
export const SUBJECT_ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

export interface DelegationOptions {
  authnCacheTtlMs?: number;
  authzAllowedTtlMs?: number;
  authzDeniedTtlMs?: number;
}

/** The API server's client settings, its URL's path replaced by `path`. */
export function reviewClient(base: WebhookClientConfig, path: string): WebhookClientConfig {
  const server = new URL(base.server.href);
  server.pathname = trimTrailingSlashes(server.pathname) + path;
  server.search = '';
  return { ...base, server };
}

export interface Delegation {
  tokens: TokenAuthenticator;
  authorizer: WebhookAuthorizer;
  close(): void;
}

export function delegateTo(kubeconfigFile: string, o: DelegationOptions = {}): Delegation {
  const base = parseWebhookKubeconfig(readFileSync(kubeconfigFile, 'utf8'), kubeconfigFile);
  const webhook = new WebhookTokenAuthenticator(reviewClient(base, TOKEN_REVIEW_PATH), {
    version: 'v1',
    implicitAudiences: [],
  });
  const ttl = o.authnCacheTtlMs ?? 120_000;
  const tokens = ttl > 0 ? new CachedTokenAuthenticator(webhook, { successTtlMs: ttl, failureTtlMs: ttl }) : webhook;
  const authorizer = new WebhookAuthorizer(reviewClient(base, SUBJECT_ACCESS_REVIEW_PATH), {
    version: 'v1',
    authorizedTTLms: o.authzAllowedTtlMs ?? 5 * 60_000,
    unauthorizedTTLms: o.authzDeniedTtlMs ?? 30_000,
  });
  return {
    tokens,
    authorizer,
    close: () => {
      webhook.close();
      authorizer.close();
    },
  };
}
