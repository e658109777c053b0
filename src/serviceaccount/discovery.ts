// Service-account issuer discovery, as kube-apiserver serves it (pkg/serviceaccount/openidmetadata.go,
// routes in pkg/routes/openidmetadata.go): a minimal OIDC provider configuration and the JWKS of the
// verification keys, so that relying parties outside the cluster can verify service-account tokens.
import type { ServiceAccountPublicKey } from './keys.js';

export const OPENID_CONFIG_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';
/** Both documents are served with this Cache-Control (the static key getter's max age). */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=3600';
export const JWKS_CONTENT_TYPE = 'application/jwk-set+json';
export const OPENID_CONFIG_CONTENT_TYPE = 'application/json';

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

/** One public JWK, with go-jose's field order: use, kty, kid, crv, alg, then the key material. */
export interface PublicJwk {
  use: 'sig';
  kty: 'RSA' | 'EC';
  kid: string;
  crv?: string;
  alg: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

/**
 * The JSON Web Key Set of the verification keys. Keys that appear twice (sa.key and sa.pub loaded
 * together) share a kid and are listed once, so that verifiers matching on kid see one candidate.
 */
export function jwks(publicKeys: ServiceAccountPublicKey[]): { keys: PublicJwk[] } {
  const seen = new Set<string>();
  const keys: PublicJwk[] = [];
  for (const entry of publicKeys) {
    if (seen.has(entry.kid)) continue;
    seen.add(entry.kid);
    const jwk = entry.key.export({ format: 'jwk' });
    if (jwk.kty === 'RSA') {
      keys.push({ use: 'sig', kty: 'RSA', kid: entry.kid, alg: entry.alg, n: jwk.n!, e: jwk.e! });
    } else if (jwk.kty === 'EC') {
      keys.push({ use: 'sig', kty: 'EC', kid: entry.kid, crv: jwk.crv!, alg: entry.alg, x: jwk.x!, y: jwk.y! });
    } else {
      throw new DiscoveryError(`error constructing JWK for key ${entry.kid}: unknown public key type`);
    }
  }
  return { keys };
}

/** NewOpenIDMetadataProvider's checks on the issuer: https, no query, no fragment. */
export function validateIssuerUrl(issuer: string): void {
  if (!issuer) throw new DiscoveryError('empty issuer URL');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new DiscoveryError(`issuer URL is not a valid URL, got: ${issuer}`);
  }
  if (url.protocol !== 'https:') throw new DiscoveryError(`issuer URL must use https scheme, got: ${issuer}`);
  if (url.search) throw new DiscoveryError(`issuer URL may not include a query, got: ${issuer}`);
  if (url.hash) throw new DiscoveryError(`issuer URL may not include a fragment, got: ${issuer}`);
}

/** `https://<external address>/openid/v1/jwks`, the default when --service-account-jwks-uri is unset. */
export function defaultJwksUri(externalAddress: string): string {
  if (!externalAddress)
    throw new DiscoveryError(
      `attempted to build jwks_uri from external address ${externalAddress}, but could not construct a valid URL. Error: empty address`,
    );
  return `https://${externalAddress}${JWKS_PATH}`;
}

/**
 * The OIDC provider configuration. `id_token_signing_alg_values_supported` lists the keys' algorithms,
 * de-duplicated and sorted, as kube-apiserver derives it from the key set.
 */
export function openIdConfiguration(
  issuer: string,
  jwksUri: string,
  publicKeys: ServiceAccountPublicKey[] = [],
): OpenIdConfiguration {
  validateIssuerUrl(issuer);
  if (!jwksUri.startsWith('https://')) throw new DiscoveryError(`jwksURI requires https scheme, parsed as: ${jwksUri}`);
  const algs = publicKeys.length > 0 ? [...new Set(publicKeys.map((k) => k.alg))].sort() : ['RS256'];
  return {
    issuer,
    jwks_uri: jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algs,
  };
}
