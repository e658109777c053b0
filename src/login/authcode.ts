// The authorization code flow with PKCE (S256) and a loopback redirect, all protocol work done by openid-client:
// the authorization URL (state, nonce, code challenge), then the callback's code exchanged with the verifier and
// the ID token's issuer, audience, expiry and nonce checked.
import * as oidc from 'openid-client';
import { hasBrowser, openBrowser } from './browser.js';
import { startLoopbackListener } from './loopback-server.js';

export interface AuthCodeOptions {
  scopes: string[];
  listenAddresses: string[];
  redirectUrlHostname: string;
  skipOpenBrowser: boolean;
  browserCommand?: string;
  timeoutMs: number;
  log: (line: string) => void;
}

export async function loginWithAuthorizationCode(
  config: oidc.Configuration,
  o: AuthCodeOptions,
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const listener = await startLoopbackListener({
    listenAddresses: o.listenAddresses,
    redirectUrlHostname: o.redirectUrlHostname,
    expectedState: state,
    timeoutMs: o.timeoutMs,
  });
  try {
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: listener.redirectUri,
      scope: o.scopes.join(' '),
      response_type: 'code',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    o.log(`Open this URL in your browser to log in:\n\n  ${authorizationUrl.href}\n`);
    if (!o.skipOpenBrowser && (o.browserCommand || hasBrowser())) {
      const opened = await openBrowser(authorizationUrl.href, o.browserCommand);
      if (!opened) o.log('(could not start a browser; open the URL yourself)');
    }
    const callback = await listener.callback;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback.url, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      callback.finish(true);
      return tokens;
    } catch (e) {
      callback.finish(false);
      throw e;
    }
  } finally {
    listener.close();
  }
}
