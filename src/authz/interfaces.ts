// Authorization contracts, after k8s.io/apiserver/pkg/authorization/authorizer/interfaces.go.
import type { UserInfo } from '../authn/interfaces.js';

export interface Attributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  /** The URL path (non-resource requests are matched on it). */
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface AuthorizationResult {
  decision: Decision;
  /** Why: `RBAC: allowed by …`, a Node authorizer refusal, a webhook's reason. May be empty. */
  reason: string;
  /** Set when the authorizer failed (e.g. a webhook timed out); the decision is then NoOpinion or Deny. */
  error?: string;
}

export interface Authorizer {
  readonly name: string;
  authorize(attrs: Attributes): Promise<AuthorizationResult>;
}

export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs: string[];
}

export interface RulesResult {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  evaluationError: string;
}

/** What SelfSubjectRulesReview asks of an authorizer (RBAC implements it; others return incomplete). */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): RulesResult;
}

export const ALLOW: AuthorizationResult = Object.freeze({ decision: 'Allow', reason: '' }) as AuthorizationResult;
export const NO_OPINION: AuthorizationResult = Object.freeze({
  decision: 'NoOpinion',
  reason: '',
}) as AuthorizationResult;
