// The gateway's authenticator: the same chain kube-apiserver (and kauth's server) assembles, from the gateway's
// own sources — client certificates from authentication.clientCAFile, bearer tokens from the JWT issuers and
// from a TokenReview webhook (kube-apiserver's --authentication-token-webhook-config-file).
// No anonymous fallback: a request through the gateway always has a person behind it.
import { readFileSync } from 'node:fs';
import { buildAuthenticator } from '../authn/chain.js';
import type { Authenticator, TokenAuthenticator } from '../authn/interfaces.js';
import { createWebhookTokenAuthenticator } from '../authn/webhook-token.js';
import type { GatewayConfig } from './config.js';
import { jwtAuthenticators } from './jwt.js';

export interface GatewayAuthentication {
  authenticator: Authenticator;
  /** Ends what the authenticators keep open (the webhook's kept-alive connections). */
  close(): void;
  /** The users' client CA bundle, for the TLS handshake's certificate request. */
  clientCaPem?: string;
}

export async function buildGatewayAuthentication(config: GatewayConfig, file: string): Promise<GatewayAuthentication> {
  const clientCaPem = config.authentication.clientCAFile
    ? readFileSync(config.authentication.clientCAFile, 'utf8')
    : undefined;
  const tokenAuthenticators: TokenAuthenticator[] = await jwtAuthenticators(config.authentication.jwt, file);
  const hook = config.authentication.webhook;
  // The gateway serves no audience of its own: the review carries none and the webhook's answer decides.
  const webhook = hook
    ? createWebhookTokenAuthenticator(hook.configFile, {
        version: hook.version,
        cacheTtlSeconds: hook.cacheTTL,
        implicitAudiences: [],
      })
    : undefined;
  if (webhook) tokenAuthenticators.push(webhook.authenticator);
  const authenticator = buildAuthenticator({
    ...(clientCaPem ? { clientCaPems: [clientCaPem] } : {}),
    tokenAuthenticators,
    anonymous: false,
  });
  return { authenticator, close: () => webhook?.close(), ...(clientCaPem ? { clientCaPem } : {}) };
}
