// The union of authorizers in --authorization-mode order (apiserver/pkg/authorization/union/union.go):
// the first Allow or Deny wins; when all have no opinion, their reasons are joined with "\n" and their
// errors aggregated. An authorizer that throws counts as an error with no opinion.
import type { UserInfo } from '../authn/interfaces.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesResult } from './interfaces.js';
import { aggregateMessages } from './format.js';

export class UnionAuthorizer implements Authorizer {
  readonly name: string;

  constructor(private readonly authorizers: readonly Authorizer[]) {
    this.name = `union(${authorizers.map((a) => a.name).join(',')})`;
  }

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    const reasons: string[] = [];
    const errors: string[] = [];
    for (const authorizer of this.authorizers) {
      let result: AuthorizationResult;
      try {
        result = await authorizer.authorize(attrs);
      } catch (e) {
        result = {
          decision: 'NoOpinion',
          reason: '',
          error: `${authorizer.name}: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
      if (result.error) errors.push(result.error);
      if (result.reason) reasons.push(result.reason);
      if (result.decision === 'Allow' || result.decision === 'Deny') return result;
    }
    const out: AuthorizationResult = { decision: 'NoOpinion', reason: reasons.join('\n') };
    if (errors.length > 0) out.error = aggregateMessages(errors);
    return out;
  }
}

/** unionAuthzRulesHandler: rules from every resolver, incomplete if any is, errors aggregated. */
export class UnionRuleResolver implements RuleResolver {
  constructor(private readonly resolvers: readonly RuleResolver[]) {}

  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
    const errors: string[] = [];
    for (const r of this.resolvers) {
      const res = r.rulesFor(user, namespace);
      out.resourceRules.push(...res.resourceRules);
      out.nonResourceRules.push(...res.nonResourceRules);
      if (res.incomplete) out.incomplete = true;
      if (res.evaluationError) errors.push(res.evaluationError);
    }
    out.evaluationError = aggregateMessages(errors);
    return out;
  }
}
