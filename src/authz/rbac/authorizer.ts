// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go) over the policy index.
import type { PolicyRule } from '../../api/types.js';
import type { UserInfo } from '../../authn/interfaces.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesResult } from '../interfaces.js';
import { aggregateMessages } from '../format.js';
import { describeSource, RbacPolicyIndex, type NotFoundWording } from './policy-index.js';

export class RbacAuthorizer implements Authorizer, RuleResolver {
  readonly name = 'RBAC';
  /**
   * The same rules worded as the registry words a missing role (`clusterroles.rbac…`), which is what
   * kube-apiserver's escalation checks report; hand this one to checkRoleEscalation/checkBindingEscalation.
   */
  readonly escalationResolver: RuleResolver;

  constructor(readonly index: RbacPolicyIndex = new RbacPolicyIndex()) {
    this.escalationResolver = { rulesFor: (user, ns) => this.resolve(user, ns, 'registry') };
  }

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    return this.authorizeSync(attrs);
  }

  /** Allow with `RBAC: allowed by …`, or NoOpinion with `RBAC: <resolution errors>` (or no reason). */
  authorizeSync(attrs: Attributes): AuthorizationResult {
    const d = this.index.decide(attrs);
    if (d.allowed !== undefined) return { decision: 'Allow', reason: `RBAC: allowed by ${describeSource(d.allowed)}` };
    return { decision: 'NoOpinion', reason: d.errors.length > 0 ? `RBAC: ${aggregateMessages(d.errors)}` : '' };
  }

  /** SelfSubjectRulesReview: cluster rules then the namespace's, with any resolution errors. */
  rulesFor(user: UserInfo, namespace: string): RulesResult {
    return this.resolve(user, namespace, 'lister');
  }

  /** The raw PolicyRules (ConfirmNoEscalation's view), with errors worded for the registry. */
  policyRulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; evaluationError: string } {
    const r = this.index.rulesFor(user, namespace, 'registry');
    return { rules: r.rules, evaluationError: aggregateMessages(r.errors) };
  }

  private resolve(user: UserInfo, namespace: string, wording: NotFoundWording): RulesResult {
    const r = this.index.rulesFor(user, namespace, wording);
    return { ...toRuleInfos(r.rules), incomplete: false, evaluationError: aggregateMessages(r.errors) };
  }
}

/** RBACAuthorizer.RulesFor's split: rules with resources, rules with non-resource URLs (a rule may be both). */
export function toRuleInfos(rules: readonly PolicyRule[]): Pick<RulesResult, 'resourceRules' | 'nonResourceRules'> {
  const resourceRules: RulesResult['resourceRules'] = [];
  const nonResourceRules: RulesResult['nonResourceRules'] = [];
  for (const r of rules) {
    if ((r.resources ?? []).length > 0) {
      resourceRules.push({
        verbs: r.verbs ?? [],
        apiGroups: r.apiGroups ?? [],
        resources: r.resources ?? [],
        resourceNames: r.resourceNames ?? [],
      });
    }
    if ((r.nonResourceURLs ?? []).length > 0)
      nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] });
  }
  return { resourceRules, nonResourceRules };
}
