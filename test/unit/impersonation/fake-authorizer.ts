// A table-driven Authorizer for the impersonation tests: allows exactly the listed tuples, records every call.
// Kept independent of src/authz/rbac on purpose (the filter must work with any Authorizer).
import type { Attributes, AuthorizationResult, Authorizer } from '../../../src/authz/interfaces.js';

/** One allowed tuple; every field matches exactly, `*` matches anything. */
export interface Grant {
  user: string;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export function grant(
  user: string,
  verb: string,
  apiGroup: string,
  resource: string,
  subresource: string,
  namespace: string,
  name: string,
): Grant {
  return { user, verb, apiGroup, resource, subresource, namespace, name };
}

/** Requesters with fixed answers, after the impersonateAuthorizer of Kubernetes' impersonation_test.go. */
const SCRIPTED: Record<string, AuthorizationResult> = {
  'system:admin': { decision: 'Allow', reason: '' },
  tester: { decision: 'NoOpinion', reason: '', error: 'works on my machine' },
  'deny-me': { decision: 'NoOpinion', reason: 'denied' },
  'explicit-deny': { decision: 'Deny', reason: 'no impersonation for you' },
  // An Allow that carries an error is still a refusal for impersonation (Go: err != nil || decision != Allow).
  'allow-with-error': { decision: 'Allow', reason: '', error: 'partial evaluation failure' },
};

export class TableAuthorizer implements Authorizer {
  readonly name = 'table';
  readonly calls: Attributes[] = [];

  constructor(private readonly grants: Grant[]) {}

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    this.calls.push(attrs);
    const scripted = SCRIPTED[attrs.user.username];
    if (scripted) return scripted;
    const match = (want: string, got: string) => want === '*' || want === got;
    const allowed = this.grants.some(
      (g) =>
        match(g.user, attrs.user.username) &&
        match(g.verb, attrs.verb) &&
        match(g.apiGroup, attrs.apiGroup) &&
        match(g.resource, attrs.resource) &&
        match(g.subresource, attrs.subresource) &&
        match(g.namespace, attrs.namespace) &&
        match(g.name, attrs.name),
    );
    return allowed ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: '' };
  }
}
