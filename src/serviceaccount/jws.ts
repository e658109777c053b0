// Compact JWS parsing and signature checks on the hot path of every service-account request.
// Signing goes through jose; verification uses node:crypto directly on already-imported KeyObjects,
// which is several times faster than going through WebCrypto for each token.
import { verify as cryptoVerify } from 'node:crypto';
import type { ServiceAccountPublicKey, SigningAlgorithm } from './keys.js';

/** Unverified pieces of a compact JWS. Nothing in here is trusted until `verifyJwsSignature` says so. */
export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `<header>.<payload>` as sent: the signed bytes. */
  signingInput: string;
  signature: Buffer;
}

// base64url without padding, as RFC 7515 requires; Buffer.from(…, 'base64url') alone would skip junk.
const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string): Buffer | undefined {
  if (!B64URL.test(segment) || segment.length % 4 === 1) return undefined;
  return Buffer.from(segment, 'base64url');
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeSegment(segment);
  if (!bytes || bytes.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a compact JWS; undefined when it is not one (wrong shape, bad base64url, non-object JSON). */
export function parseCompactJws(token: string): ParsedJws | undefined {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) >= 0) return undefined;
  const header = decodeJsonObject(token.slice(0, first));
  if (!header) return undefined;
  const payload = decodeJsonObject(token.slice(first + 1, second));
  if (!payload) return undefined;
  const signature = decodeSegment(token.slice(second + 1));
  if (!signature) return undefined;
  return { header, payload, signingInput: token.slice(0, second), signature };
}

const HASHES: Record<SigningAlgorithm, string> = { RS256: 'sha256', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

/**
 * Throws (with go-jose's wording, which kube-apiserver logs) unless `jws` is signed by `key` with the
 * one algorithm that key may use. The header's `alg` is never trusted to pick the algorithm: `none`,
 * HS256-with-the-public-key and RS/ES mix-ups all fail here.
 */
export function verifyJwsSignature(jws: ParsedJws, key: ServiceAccountPublicKey): void {
  const alg = jws.header.alg;
  if (alg !== key.alg)
    throw new Error(`go-jose/go-jose: unexpected signature algorithm ${JSON.stringify(alg)}; expected ["${key.alg}"]`);
  let ok = false;
  try {
    const data = Buffer.from(jws.signingInput);
    ok =
      key.alg === 'RS256'
        ? cryptoVerify(HASHES[key.alg], data, key.key, jws.signature)
        : cryptoVerify(HASHES[key.alg], data, { key: key.key, dsaEncoding: 'ieee-p1363' }, jws.signature);
  } catch {
    // malformed signature bytes (wrong length for the curve, …): a failed verification, not a crash
  }
  if (!ok) throw new Error('go-jose/go-jose: error in cryptographic primitive');
}
