// authorizerfactory.NewPrivilegedGroups: members of the listed groups (kube-apiserver: system:masters)
// may do anything. The lead places it first in the union, before the configured modes.
import { SYSTEM_MASTERS } from '../authn/interfaces.js';
import type { Attributes, AuthorizationResult, Authorizer } from './interfaces.js';

export class PrivilegedGroupsAuthorizer implements Authorizer {
  readonly name = 'PrivilegedGroups';
  private readonly groups: ReadonlySet<string>;

  constructor(groups: readonly string[] = [SYSTEM_MASTERS]) {
    this.groups = new Set(groups);
  }

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    if (!attrs.user) return { decision: 'NoOpinion', reason: 'Error', error: 'no user on request.' };
    for (const g of attrs.user.groups) if (this.groups.has(g)) return { decision: 'Allow', reason: '' };
    return { decision: 'NoOpinion', reason: '' };
  }
}
