// The signature check of a compact JWS against one issuer key, for kube's OIDC algorithms. Keys are
// imported by jose (which refuses a JWK that does not fit the algorithm: another key type or curve);
// the check itself is node:crypto's synchronous verify on the imported KeyObject, as for
// service-account tokens (serviceaccount/jws.ts): WebCrypto's per-call thread-pool hop costs several
// times the RSA work, and this is the cold path of every OIDC request.
import {
  constants,
  verify as cryptoVerify,
  type KeyObject,
  type VerifyKeyObjectInput,
  type VerifyPublicKeyInput,
} from 'node:crypto';

type Params = { hash: string; key: (k: KeyObject) => KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput };

const pkcs1 = (hash: string): Params => ({ hash, key: (k) => k });
const pss = (hash: string): Params => ({
  hash,
  key: (k) => ({ key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }),
});
const ecdsa = (hash: string): Params => ({ hash, key: (k) => ({ key: k, dsaEncoding: 'ieee-p1363' }) });

/** RFC 7518 §3: each allowed alg's hash and padding (JOSE's ECDSA signatures are raw r‖s). */
const PARAMS: Record<string, Params> = {
  RS256: pkcs1('sha256'),
  RS384: pkcs1('sha384'),
  RS512: pkcs1('sha512'),
  PS256: pss('sha256'),
  PS384: pss('sha384'),
  PS512: pss('sha512'),
  ES256: ecdsa('sha256'),
  ES384: ecdsa('sha384'),
  ES512: ecdsa('sha512'),
};

export function isSupportedAlgorithm(alg: string): boolean {
  return Object.hasOwn(PARAMS, alg);
}

/** True when `signature` over `signingInput` verifies under `key` with `alg` (already checked against the key). */
export function verifySignature(alg: string, signingInput: string, signature: Buffer, key: KeyObject): boolean {
  const params = PARAMS[alg];
  if (!params) return false;
  try {
    return cryptoVerify(params.hash, Buffer.from(signingInput, 'latin1'), params.key(key), signature);
  } catch {
    return false; // malformed signature bytes: a failed verification, not a crash
  }
}
