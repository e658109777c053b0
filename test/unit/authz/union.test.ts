// The union of authorizers (after apiserver/pkg/authorization/union/union_test.go), the privileged-group
// authorizer and AlwaysAllow/AlwaysDeny.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationResult, Authorizer, RuleResolver, RulesResult } from '../../../src/authz/interfaces.js';
import { UnionAuthorizer, UnionRuleResolver } from '../../../src/authz/union.js';
import { PrivilegedGroupsAuthorizer } from '../../../src/authz/privileged-groups.js';
import { AlwaysAllowAuthorizer, AlwaysDenyAuthorizer } from '../../../src/authz/always.js';
import { res, who } from './helpers.js';

function fixed(name: string, result: AuthorizationResult, calls?: string[]): Authorizer {
  return {
    name,
    async authorize() {
      calls?.push(name);
      return result;
    },
  };
}

const attrs = res(who('alice', 'system:authenticated'), { verb: 'get', resource: 'pods' });

describe('UnionAuthorizer', () => {
  const cases: { name: string; members: AuthorizationResult[]; want: AuthorizationResult; called: number }[] = [
    {
      name: 'first allow wins',
      members: [
        { decision: 'Allow', reason: 'a' },
        { decision: 'Deny', reason: 'b' },
      ],
      want: { decision: 'Allow', reason: 'a' },
      called: 1,
    },
    {
      name: 'first deny wins',
      members: [
        { decision: 'NoOpinion', reason: 'x' },
        { decision: 'Deny', reason: 'no' },
        { decision: 'Allow', reason: '' },
      ],
      want: { decision: 'Deny', reason: 'no' },
      called: 2,
    },
    {
      name: 'all no opinion: reasons joined with newlines, empty ones skipped',
      members: [
        { decision: 'NoOpinion', reason: 'r1' },
        { decision: 'NoOpinion', reason: '' },
        { decision: 'NoOpinion', reason: 'r3' },
      ],
      want: { decision: 'NoOpinion', reason: 'r1\nr3' },
      called: 3,
    },
    {
      name: 'errors aggregate',
      members: [
        { decision: 'NoOpinion', reason: '', error: 'e1' },
        { decision: 'NoOpinion', reason: '', error: 'e2' },
      ],
      want: { decision: 'NoOpinion', reason: '', error: '[e1, e2]' },
      called: 2,
    },
    {
      name: 'an allow carries its own error',
      members: [{ decision: 'Allow', reason: '', error: 'odd' }],
      want: { decision: 'Allow', reason: '', error: 'odd' },
      called: 1,
    },
    { name: 'empty union has no opinion', members: [], want: { decision: 'NoOpinion', reason: '' }, called: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const calls: string[] = [];
      const u = new UnionAuthorizer(c.members.map((m, i) => fixed(`a${i}`, m, calls)));
      assert.deepEqual(await u.authorize(attrs), c.want);
      assert.equal(calls.length, c.called);
    });
  }

  it('an authorizer that throws counts as an error, and the next one still decides', async () => {
    const boom: Authorizer = {
      name: 'Boom',
      authorize: async () => {
        throw new Error('kaput');
      },
    };
    const u = new UnionAuthorizer([boom, new AlwaysAllowAuthorizer()]);
    assert.deepEqual(await u.authorize(attrs), { decision: 'Allow', reason: '' });
    const v = new UnionAuthorizer([boom]);
    assert.deepEqual(await v.authorize(attrs), { decision: 'NoOpinion', reason: '', error: 'Boom: kaput' });
  });
});

describe('PrivilegedGroupsAuthorizer and Always*', () => {
  it('system:masters may do anything; others have no opinion', async () => {
    const p = new PrivilegedGroupsAuthorizer();
    assert.deepEqual(await p.authorize(res(who('root', 'system:masters'), { verb: 'delete', resource: 'nodes' })), {
      decision: 'Allow',
      reason: '',
    });
    assert.deepEqual(await p.authorize(attrs), { decision: 'NoOpinion', reason: '' });
  });

  it('AlwaysAllow allows; AlwaysDeny has no opinion with a reason (so later modes still run)', async () => {
    assert.deepEqual(await new AlwaysAllowAuthorizer().authorize(attrs), { decision: 'Allow', reason: '' });
    assert.deepEqual(await new AlwaysDenyAuthorizer().authorize(attrs), {
      decision: 'NoOpinion',
      reason: 'Everything is forbidden.',
    });
    const u = new UnionAuthorizer([new AlwaysDenyAuthorizer(), new AlwaysAllowAuthorizer()]);
    assert.equal((await u.authorize(attrs)).decision, 'Allow');
  });
});

describe('UnionRuleResolver', () => {
  it('concatenates rules, ORs incomplete, aggregates errors', () => {
    const partial: RuleResolver = {
      rulesFor: (): RulesResult => ({
        resourceRules: [],
        nonResourceRules: [],
        incomplete: true,
        evaluationError: 'webhook authorizer does not support user rule resolution',
      }),
    };
    const u = new UnionRuleResolver([new AlwaysAllowAuthorizer(), partial, new AlwaysDenyAuthorizer()]);
    const r = u.rulesFor(who('x'), 'ns');
    assert.equal(r.resourceRules.length, 1);
    assert.equal(r.nonResourceRules.length, 1);
    assert.equal(r.incomplete, true);
    assert.equal(r.evaluationError, 'webhook authorizer does not support user rule resolution');
  });
});
