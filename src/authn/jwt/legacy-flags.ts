// kube-apiserver's --oidc-* flags, mapped onto one JWTAuthenticator exactly as
// BuiltInAuthenticationOptions.ToAuthenticationConfig does, so the flags and the configuration
// file run the same code.
import { readFileSync } from 'node:fs';
import { emptyJwtAuthenticator, type JWTAuthenticator } from './config-types.js';

export const OIDC_FLAG_NAMES = [
  'oidc-issuer-url',
  'oidc-client-id',
  'oidc-ca-file',
  'oidc-username-claim',
  'oidc-username-prefix',
  'oidc-groups-claim',
  'oidc-groups-prefix',
  'oidc-signing-algs',
  'oidc-required-claim',
] as const;

export interface OidcFlags {
  issuerUrl?: string;
  clientId?: string;
  caFile?: string;
  /** Default `sub`. */
  usernameClaim: string;
  usernamePrefix?: string;
  groupsClaim?: string;
  groupsPrefix?: string;
  /** Default [RS256]. */
  signingAlgs: string[];
  /** `key=value` pairs (--oidc-required-claim, repeatable, never split on commas). */
  requiredClaims: string[];
}

/** cliflag.MapStringStringNoSplit's check of one --oidc-required-claim value. */
export function requiredClaimProblem(pair: string): string | undefined {
  return pair.includes('=') ? undefined : 'malformed pair, expect string=string';
}

/** The flags' JWT authenticator, or undefined when --oidc-issuer-url or --oidc-client-id is missing. */
export function jwtAuthenticatorFromFlags(f: OidcFlags): JWTAuthenticator | undefined {
  if (!f.issuerUrl || !f.clientId) return undefined;
  // Without --oidc-username-prefix, claims other than email are prefixed with the issuer URL and
  // '#' (kubernetes#31380); '-' turns prefixing off.
  let usernamePrefix = f.usernamePrefix ?? '';
  if (!f.usernamePrefix && f.usernameClaim !== 'email') usernamePrefix = `${f.issuerUrl}#`;
  if (f.usernamePrefix === '-') usernamePrefix = '';

  const a = emptyJwtAuthenticator();
  a.issuer.url = f.issuerUrl;
  a.issuer.audiences = [f.clientId];
  a.claimMappings.username = { claim: f.usernameClaim, prefix: usernamePrefix, expression: '' };
  if (f.groupsClaim) a.claimMappings.groups = { claim: f.groupsClaim, prefix: f.groupsPrefix ?? '', expression: '' };
  if (f.caFile) a.issuer.certificateAuthority = readFileSync(f.caFile, 'utf8');
  // A map in kube: a repeated key keeps its last value.
  const required = new Map<string, string>();
  for (const pair of f.requiredClaims) {
    const eq = pair.indexOf('=');
    required.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  a.claimValidationRules = [...required].map(([claim, requiredValue]) => ({
    claim,
    requiredValue,
    expression: '',
    message: '',
  }));
  return a;
}
