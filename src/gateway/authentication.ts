// The gateway's authenticator: the same chain kube-apiserver (and kauth's server) assembles, from the gateway's
// own sources — client certificates from authentication.clientCAFile, bearer tokens from the JWT issuers.
// No anonymous fallback: a request through the gateway always has a person behind it.
import { readFileSync } from 'node:fs';
import { buildAuthenticator } from '../authn/chain.js';
import type { Authenticator } from '../authn/interfaces.js';
import type { GatewayConfig } from './config.js';
import { jwtAuthenticators } from './jwt.js';

export interface GatewayAuthentication {
  authenticator: Authenticator;
  /** The users' client CA bundle, for the TLS handshake's certificate request. */
  clientCaPem?: string;
}

export async function buildGatewayAuthentication(config: GatewayConfig, file: string): Promise<GatewayAuthentication> {
  const clientCaPem = config.authentication.clientCAFile ? readFileSync(config.authentication.clientCAFile, 'utf8') : undefined;
  const authenticator = buildAuthenticator({
    ...(clientCaPem ? { clientCaPems: [clientCaPem] } : {}),
    tokenAuthenticators: await jwtAuthenticators(config.authentication.jwt, file),
    anonymous: false,
  });
  return { authenticator, ...(clientCaPem ? { clientCaPem } : {}) };
}
