// Signs service-account tokens as kube-apiserver's jwtTokenGenerator does (pkg/serviceaccount/jwt.go):
// protected header {"alg","kid"} only (no "typ"), payload with sorted keys, issuer = the first
// --service-account-issuer. Bound tokens follow the TokenRequest REST handler's expiry rules.
import {
  buildBoundClaims,
  buildLegacyClaims,
  canonicalJson,
  EXPIRATION_EXTENSION_SECONDS,
  WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
  type BoundObject,
  type LegacyClaimsInput,
} from './claims.js';
import type { ServiceAccountSigningKey } from './keys.js';

// jose is loaded on the first signature, not at start-up: `kauth up` reaches readiness without it.
let jose: Promise<typeof import('jose')> | undefined;

export interface TokenIssuerOptions {
  /** The first --service-account-issuer; it signs, the others are only accepted. */
  issuer: string;
  signingKey: ServiceAccountSigningKey;
  /** --api-audiences (default: the issuer); decides whether a 3607 s pod token may be extended. */
  apiAudiences?: string[];
  /** --service-account-extend-token-expiration (kube-apiserver default: true). */
  extendExpiration?: boolean;
}

export interface BoundTokenRequest {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
  boundObject?: BoundObject;
  now?: Date;
}

const encoder = new TextEncoder();

export class TokenIssuer {
  readonly issuer: string;
  private readonly apiAudiences: Set<string>;
  private readonly extendExpiration: boolean;

  constructor(private readonly options: TokenIssuerOptions) {
    this.issuer = options.issuer;
    this.apiAudiences = new Set(options.apiAudiences ?? [options.issuer]);
    this.extendExpiration = options.extendExpiration ?? true;
  }

  get keyId(): string {
    return this.options.signingKey.kid;
  }

  /**
   * A TokenRequest / projected-volume token. Like storage/token.go, a pod-bound request for exactly
   * 3607 s whose audiences are all API audiences is extended to a year, with `warnafter` at the
   * requested expiry, so that kubelet's refresh bugs show up in audit instead of as outages.
   */
  async issueBoundToken(req: BoundTokenRequest): Promise<string> {
    if (req.boundObject && !['Pod', 'Secret', 'Node'].includes(req.boundObject.kind)) {
      throw new Error('internal error, token can only be bound to one object type');
    }
    let expirationSeconds = req.expirationSeconds;
    let warnAfterSeconds: number | undefined;
    if (
      this.extendExpiration &&
      req.boundObject?.kind === 'Pod' &&
      expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS &&
      req.audiences.every((a) => this.apiAudiences.has(a))
    ) {
      warnAfterSeconds = expirationSeconds;
      expirationSeconds = EXPIRATION_EXTENSION_SECONDS;
    }
    const claims = buildBoundClaims({
      issuer: this.issuer,
      namespace: req.namespace,
      serviceAccount: req.serviceAccount,
      audiences: req.audiences,
      expirationSeconds,
      warnAfterSeconds,
      boundObject: req.boundObject,
      now: req.now ?? new Date(),
    });
    return this.sign(claims);
  }

  /** The long-lived token the legacy token controller stores in a `kubernetes.io/service-account-token` Secret. */
  async issueLegacyToken(input: LegacyClaimsInput): Promise<string> {
    return this.sign(buildLegacyClaims(input));
  }

  private async sign(claims: object): Promise<string> {
    const { alg, kid, privateKey } = this.options.signingKey;
    const { CompactSign } = await (jose ??= import('jose'));
    return new CompactSign(encoder.encode(canonicalJson(claims))).setProtectedHeader({ alg, kid }).sign(privateKey);
  }
}
