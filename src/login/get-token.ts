// `kauth login`'s decision: a cached ID token that is still valid is returned without touching the network; an
// expired one is renewed with the cached refresh token; when there is no refresh token or the provider refuses
// it, the user logs in again (authorization code + PKCE, or the device flow). Whatever was obtained is cached.
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { hasBrowser, printable } from './browser.js';
import { withFileLock } from './cache-lock.js';
import { idTokenExpiry, idTokenUsable } from './id-token.js';
import { loginWithAuthorizationCode } from './authcode.js';
import { loginWithDeviceCode } from './device-code.js';
import { requestedScopes, type GrantType, type LoginOptions } from './options.js';
import { connectProvider } from './provider.js';
import { TokenCache, tokenCacheKey, type CachedTokens } from './token-cache.js';

export interface IdTokenResult {
  idToken: string;
  expiry: Date;
  /** Where the token came from, for the human-readable log and for tests. */
  source: 'cache' | 'refresh' | 'login';
}

export interface GetTokenDeps {
  log: (line: string) => void;
  now?: () => Date;
}

/**
 * One line for an error from the provider or the library, never with a token in it: the OAuth error code and
 * description the provider sent (token endpoint or authorization response), else the library's message.
 */
export function describeLoginError(e: unknown): string {
  if (e instanceof oidc.ResponseBodyError || e instanceof oidc.AuthorizationResponseError) {
    const description = e.error_description ? `: ${printable(e.error_description, 300)}` : '';
    return `${printable(e.error, 100)}${description}`;
  }
  if (e instanceof Error) return printable(e.message.split('\n')[0]!, 500);
  return printable(String(e), 500);
}

type Tokens = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

function toCached(tokens: Tokens, previousRefreshToken?: string): CachedTokens {
  if (!tokens.id_token) throw new Error('the provider returned no ID token');
  // Providers that do not rotate refresh tokens answer a refresh without one: the old one stays good.
  const refreshToken = tokens.refresh_token ?? previousRefreshToken;
  return { id_token: tokens.id_token, ...(refreshToken ? { refresh_token: refreshToken } : {}) };
}

/** auto: the browser flow when a browser can be opened here (or the provider has no device flow), else device. */
function chooseGrant(grantType: GrantType, config: oidc.Configuration, o: LoginOptions): 'authcode' | 'device-code' {
  if (grantType !== 'auto') return grantType;
  const deviceSupported = Boolean(config.serverMetadata().device_authorization_endpoint);
  if (!deviceSupported) return 'authcode';
  return !o.skipOpenBrowser && (o.browserCommand || hasBrowser()) ? 'authcode' : 'device-code';
}

async function login(
  config: oidc.Configuration,
  o: LoginOptions,
  scopes: string[],
  log: (l: string) => void,
): Promise<Tokens> {
  const timeoutMs = o.authenticationTimeoutSeconds * 1000;
  const common = { scopes, skipOpenBrowser: o.skipOpenBrowser, browserCommand: o.browserCommand, timeoutMs, log };
  if (chooseGrant(o.grantType, config, o) === 'device-code') {
    if (!config.serverMetadata().device_authorization_endpoint) {
      throw new Error('the provider does not offer the device authorization grant (no device_authorization_endpoint)');
    }
    return loginWithDeviceCode(config, common);
  }
  const { listenAddresses, redirectUrlHostname } = o;
  return loginWithAuthorizationCode(config, { ...common, listenAddresses, redirectUrlHostname });
}

function result(tokens: CachedTokens, source: IdTokenResult['source']): IdTokenResult {
  const expiry = idTokenExpiry(tokens.id_token);
  if (!expiry) throw new Error('the ID token has no expiry (exp)');
  return { idToken: tokens.id_token, expiry, source };
}

export async function getIdToken(o: LoginOptions, deps: GetTokenDeps): Promise<IdTokenResult> {
  const now = deps.now ?? (() => new Date());
  const scopes = requestedScopes(o.extraScopes);
  const cache = new TokenCache(o.tokenCacheDir);
  const key = tokenCacheKey({ issuerUrl: o.issuerUrl, clientId: o.clientId, scopes });

  const cached = cache.read(key);
  if (cached && !o.forceRefresh && idTokenUsable(cached.id_token, now())) return result(cached, 'cache');

  cache.ensureDir();
  // Waiting covers another process's whole browser login.
  const lockWaitMs = (o.authenticationTimeoutSeconds + 30) * 1000;
  return withFileLock(join(o.tokenCacheDir, `${key}.lock`), lockWaitMs, async () => {
    // Another process may have logged in while this one waited for the lock.
    const current = cache.read(key);
    if (current && !o.forceRefresh && idTokenUsable(current.id_token, now())) {
      return result(current, 'cache');
    }
    const { issuerUrl, clientId, clientSecret, caPem } = o;
    const config = await connectProvider({ issuerUrl, clientId, clientSecret, caPem });
    if (current?.refresh_token) {
      try {
        const refreshed = toCached(await oidc.refreshTokenGrant(config, current.refresh_token), current.refresh_token);
        cache.write(key, refreshed);
        return result(refreshed, 'refresh');
      } catch (e) {
        deps.log(`The refresh token was not accepted (${describeLoginError(e)}); logging in again.`);
        cache.remove(key);
      }
    }
    const fresh = toCached(await login(config, o, scopes, deps.log));
    cache.write(key, fresh);
    return result(fresh, 'login');
  });
}
