// What kauth login needs to know about an ID token it holds: when it expires. The token was validated by
// openid-client when it was received; here it is only decoded (jose), e.g. when read back from the cache.
import { decodeJwt } from 'jose';

/**
 * A token this close to its expiry is treated as expired: kubectl would send it, and the API server would see it
 * expired a moment later. Kubernetes' OIDC authenticator allows no skew on `exp`.
 */
export const EXPIRY_MARGIN_SECONDS = 10;

/** The `exp` of an ID token as a Date, or undefined when the token is not a JWT with a numeric `exp`. */
export function idTokenExpiry(idToken: string): Date | undefined {
  try {
    const { exp } = decodeJwt(idToken);
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the ID token can still be handed out at `now` (its exp is more than the margin away). */
export function idTokenUsable(idToken: string, now: Date): boolean {
  const expiry = idTokenExpiry(idToken);
  return expiry !== undefined && expiry.getTime() - now.getTime() > EXPIRY_MARGIN_SECONDS * 1000;
}
