// AuthenticationConfiguration (apiserver.config.k8s.io v1alpha1/v1beta1/v1), the internal form kube's
// decoder produces (k8s.io/apiserver/pkg/apis/apiserver/types.go): absent strings are "", absent
// lists are [], and only `prefix` keeps the difference between "absent" and "" (it is a *string).

export const AUTHENTICATION_CONFIGURATION_GROUP = 'apiserver.config.k8s.io';
export const AUTHENTICATION_CONFIGURATION_VERSIONS = ['v1alpha1', 'v1beta1', 'v1'] as const;
export const AUTHENTICATION_CONFIGURATION_KIND = 'AuthenticationConfiguration';

export interface AuthenticationConfiguration {
  jwt: JWTAuthenticator[];
  /** Absent: the --anonymous-auth flag decides. */
  anonymous?: AnonymousAuthConfig;
}

export interface JWTAuthenticator {
  issuer: Issuer;
  claimValidationRules: ClaimValidationRule[];
  claimMappings: ClaimMappings;
  userValidationRules: UserValidationRule[];
}

export interface Issuer {
  url: string;
  discoveryURL: string;
  /** PEM bundle the issuer's serving certificate must chain to ("" → the host's roots). */
  certificateAuthority: string;
  audiences: string[];
  /** "" or MatchAny. */
  audienceMatchPolicy: string;
  /** "", controlplane or cluster (kauth has one network: both mean "dial directly"). */
  egressSelectorType: string;
}

export interface ClaimValidationRule {
  claim: string;
  requiredValue: string;
  expression: string;
  message: string;
}

export interface PrefixedClaimOrExpression {
  claim: string;
  /** undefined: not set (kube's nil); "" disables prefixing. */
  prefix?: string;
  expression: string;
}

export interface ClaimOrExpression {
  claim: string;
  expression: string;
}

export interface ExtraMapping {
  key: string;
  valueExpression: string;
}

export interface ClaimMappings {
  username: PrefixedClaimOrExpression;
  groups: PrefixedClaimOrExpression;
  uid: ClaimOrExpression;
  extra: ExtraMapping[];
}

export interface UserValidationRule {
  expression: string;
  message: string;
}

export interface AnonymousAuthConfig {
  enabled: boolean;
  conditions: AnonymousAuthCondition[];
}

export interface AnonymousAuthCondition {
  path: string;
}

/** An empty JWTAuthenticator, as Go's zero value. */
export function emptyJwtAuthenticator(): JWTAuthenticator {
  return {
    issuer: {
      url: '',
      discoveryURL: '',
      certificateAuthority: '',
      audiences: [],
      audienceMatchPolicy: '',
      egressSelectorType: '',
    },
    claimValidationRules: [],
    claimMappings: {
      username: { claim: '', expression: '' },
      groups: { claim: '', expression: '' },
      uid: { claim: '', expression: '' },
      extra: [],
    },
    userValidationRules: [],
  };
}
