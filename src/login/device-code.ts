// The device authorization grant (RFC 8628) through openid-client: the user is told where to go and which code
// to enter (on stderr), and the token endpoint is polled at the interval the provider asks for (openid-client
// also honours slow_down) until the user has approved, refused, or the time is up.
import * as oidc from 'openid-client';
import { hasBrowser, openBrowser, printable } from './browser.js';

export interface DeviceCodeOptions {
  scopes: string[];
  skipOpenBrowser: boolean;
  browserCommand?: string;
  timeoutMs: number;
  log: (line: string) => void;
}

export async function loginWithDeviceCode(
  config: oidc.Configuration,
  o: DeviceCodeOptions,
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const authorization = await oidc.initiateDeviceAuthorization(config, { scope: o.scopes.join(' ') });
  const verificationUri = printable(authorization.verification_uri);
  const complete = authorization.verification_uri_complete
    ? printable(authorization.verification_uri_complete)
    : undefined;
  o.log(`Please visit the following URL in your browser: ${verificationUri}`);
  o.log(`and enter the code: ${printable(authorization.user_code, 64)}`);
  if (complete) o.log(`(or open ${complete})`);
  if (!o.skipOpenBrowser && (o.browserCommand || hasBrowser())) {
    await openBrowser(complete ?? verificationUri, o.browserCommand);
  }
  const expiresMs = (authorization.expires_in ?? 0) * 1000;
  const waitMs = expiresMs > 0 ? Math.min(expiresMs, o.timeoutMs) : o.timeoutMs;
  try {
    const signal = AbortSignal.timeout(waitMs);
    return await oidc.pollDeviceAuthorizationGrant(config, authorization, undefined, { signal });
  } catch (e) {
    if ((e as Error).name === 'TimeoutError' || (e as { cause?: Error }).cause?.name === 'TimeoutError') {
      throw new Error(`timed out after ${Math.round(waitMs / 1000)}s waiting for the code to be entered and approved`);
    }
    throw e;
  }
}
