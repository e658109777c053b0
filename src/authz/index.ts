// The authorization layer's public surface: one authorizer per file behind the Authorizer interface
// (interfaces.ts), composed by UnionAuthorizer in --authorization-mode order.
export * from './interfaces.js';
export { resourceAttributes, nonResourceAttributes, isReadOnly, type ResourceRequest } from './attributes.js';
export { UnionAuthorizer, UnionRuleResolver } from './union.js';
export { PrivilegedGroupsAuthorizer } from './privileged-groups.js';
export { AlwaysAllowAuthorizer, AlwaysDenyAuthorizer } from './always.js';
export { NodeAuthorizer, NodeGraph, nodeIdentity, type NodeAuthorizerOptions } from './node.js';
export { AbacAuthorizer, loadAbacPolicyFile, parseAbacPolicies, PolicyFileError, type AbacPolicy } from './abac.js';
export {
  WebhookAuthorizer,
  WebhookConfigError,
  loadWebhookKubeconfig,
  type WebhookAuthorizerOptions,
  type WebhookClientConfig,
} from './webhook.js';
export { RbacAuthorizer } from './rbac/authorizer.js';
export { RbacPolicyIndex, UnknownRbacKindError, RBAC_GROUP } from './rbac/policy-index.js';
export {
  ruleAllows,
  rulesAllow,
  verbMatches,
  apiGroupMatches,
  resourceMatches,
  resourceNameMatches,
  nonResourceURLMatches,
} from './rbac/rules.js';
export { aggregateClusterRoleRules, aggregationChanged, resolveAggregation } from './rbac/aggregation.js';
export { covers, compactString } from './rbac/covers.js';
export {
  checkRoleEscalation,
  checkBindingEscalation,
  confirmNoEscalation,
  escalationAllowed,
  EscalationError,
  type EscalationOptions,
  type RoleGetter,
} from './rbac/escalation.js';
export {
  bootstrapClusterRoles,
  bootstrapClusterRoleBindings,
  bootstrapNamespaceRoles,
  bootstrapNamespaceRoleBindings,
  kauthImpersonatorClusterRole,
  nodeRules,
} from './rbac/bootstrap-policy.js';
