// ID token verification with kube's go-oidc (v2) semantics, in its order: the payload is parsed,
// then issuer, audience, expiry (no leeway) and not-before (1 minute leeway) are checked, then the
// header's alg against the allowed list, then the signature (against the issuer's cached keys, see
// issuer-keys.ts). iat is not checked. Error texts are go-oidc's; the caller prefixes `oidc: verify token: `.
import { parseCompactJws, type ParsedJws } from '../../serviceaccount/jws.js';
import { goQuote, goQuoteList } from './field-errors.js';
import type { IssuerKeySet } from './issuer-keys.js';

/** kube's allowlist (oidc.allowedSigningAlgs); HS* and none are never accepted. */
export const ALLOWED_SIGNING_ALGS = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
] as const;
export const DEFAULT_SIGNING_ALGS = ['RS256'];
const NBF_LEEWAY_MS = 60_000;

export interface VerifyOptions {
  issuer: string;
  audiences: readonly string[];
  algorithms: readonly string[];
  keys: IssuerKeySet;
  now: () => number;
}

export type Claims = Record<string, unknown>;

/** Go's %v of a time.Time in UTC: `2024-05-01 10:00:00 +0000 UTC` (fractional seconds when present). */
export function goTime(ms: number): string {
  if (!Number.isFinite(ms)) return '0001-01-01 00:00:00 +0000 UTC';
  const iso = new Date(ms).toISOString(); // 2024-05-01T10:00:00.123Z
  const [date, time] = iso.slice(0, -1).split('T') as [string, string];
  const [hms, frac = '000'] = time.split('.');
  let digits = frac.length; // trailing zeros dropped with string code (`/0+$/` is flagged as quadratic)
  while (digits > 0 && frac[digits - 1] === '0') digits--;
  const fraction = frac.slice(0, digits);
  return `${date} ${hms}${fraction ? `.${fraction}` : ''} +0000 UTC`;
}

/** A NumericDate claim as go-oidc's jsonTime reads it (seconds, fractions allowed). */
function numericDate(claims: Claims, name: string): number | undefined {
  const v = claims[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number')
    throw new Error(
      `oidc: failed to unmarshal claims: json: cannot unmarshal ${typeof v === 'string' ? 'string' : 'value'} into Go struct field idToken.${name} of type float64`,
    );
  return v * 1000;
}

/** `aud`: a string or a list of strings. */
function audienceOf(claims: Claims): string[] {
  const aud = claims.aud;
  if (aud === undefined || aud === null) return [];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[];
  throw new Error(
    'oidc: failed to unmarshal claims: json: cannot unmarshal aud into Go struct field idToken.aud of type string',
  );
}

/** The issuer a token claims, unverified (kube's untrustedIssuer); undefined when it is not a compact JWT. */
export function untrustedIssuer(token: string): string | undefined {
  if (token.trimStart().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]*$/.test(parts[1]!)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  return issuerClaim(claims as Claims);
}

/** The `iss` claim as Go reads it into a string (absent or null: ""), Google's legacy issuer coalesced. */
function issuerClaim(claims: Claims): string | undefined {
  const iss = claims.iss;
  if (iss === undefined || iss === null) return '';
  if (typeof iss !== 'string') return undefined;
  return iss === 'accounts.google.com' ? 'https://accounts.google.com' : iss;
}

/** The issuer of a parsed token, as untrustedIssuer reads it. */
export function issuerOf(jws: ParsedJws): string | undefined {
  return issuerClaim(jws.payload);
}

export const MALFORMED_JWT =
  'oidc: malformed jwt: go-jose/go-jose: compact JWS format must have three parts of base64url, a JSON header and payload';

/** Three base64url parts, header and payload JSON objects (go-jose's ParseSigned, strictly). */
export function parseToken(token: string): ParsedJws {
  const jws = parseCompactJws(token);
  if (!jws) throw new Error(MALFORMED_JWT);
  return jws;
}

/**
 * IDTokenVerifier.Verify plus kube's multi-audience check; the token's claims. Synchronous when a cached
 * key verifies it (the hot path), a promise otherwise; both throw go-oidc's errors.
 */
export function verifyIdToken(jws: ParsedJws, o: VerifyOptions): Claims | Promise<Claims> {
  const claims: Claims = jws.payload;
  const header = jws.header;

  const iss = issuerOf(jws) ?? '';
  if (iss !== o.issuer)
    throw new Error(`oidc: id token issued by a different provider, expected ${goQuote(o.issuer)} got ${goQuote(iss)}`);

  const audience = audienceOf(claims);
  if (o.audiences.length === 1) {
    if (!audience.includes(o.audiences[0]!))
      throw new Error(`oidc: expected audience ${goQuote(o.audiences[0]!)} got ${goQuoteList(audience)}`);
  } else if (!audience.some((a) => o.audiences.includes(a))) {
    throw new Error(`oidc: expected audience in ${goQuoteList([...o.audiences].sort())} got ${goQuoteList(audience)}`);
  }

  const now = o.now();
  const exp = numericDate(claims, 'exp');
  if (exp === undefined || exp < now)
    throw new Error(`oidc: token is expired (Token Expiry: ${goTime(exp ?? Number.NaN)})`);
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && now + NBF_LEEWAY_MS < nbf) {
    throw new Error(`oidc: current time ${goTime(now)} before the nbf (not before) time: ${goTime(nbf)}`);
  }

  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (!o.algorithms.includes(alg))
    throw new Error(
      `oidc: id token signed with unsupported algorithm, expected ${goQuoteList(o.algorithms)} got ${goQuote(alg)}`,
    );

  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (o.keys.verifyCached(jws, kid, alg) === 'ok') return claims;
  return o.keys.verify(jws, kid, alg).then(
    () => claims,
    (e: Error) => {
      throw new Error(`failed to verify signature: ${e.message}`);
    },
  );
}
