// --authorization-mode=AlwaysAllow / AlwaysDeny (apiserver/pkg/authorization/authorizerfactory/builtin.go).
// AlwaysDeny has no opinion (with a reason), so later authorizers in the union still get their say.
import type { UserInfo } from '../authn/interfaces.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesResult } from './interfaces.js';

export class AlwaysAllowAuthorizer implements Authorizer, RuleResolver {
  readonly name = 'AlwaysAllow';

  async authorize(_attrs: Attributes): Promise<AuthorizationResult> {
    return { decision: 'Allow', reason: '' };
  }

  rulesFor(_user: UserInfo, _namespace: string): RulesResult {
    return {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
      evaluationError: '',
    };
  }
}

export class AlwaysDenyAuthorizer implements Authorizer, RuleResolver {
  readonly name = 'AlwaysDeny';

  async authorize(_attrs: Attributes): Promise<AuthorizationResult> {
    return { decision: 'NoOpinion', reason: 'Everything is forbidden.' };
  }

  rulesFor(_user: UserInfo, _namespace: string): RulesResult {
    return { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
  }
}
