// The RBAC authorizer over the policy index: subjects, scopes, reasons, missing roles, live updates and
// rule resolution, in the style of Kubernetes' rbac_test.go / rule_test.go.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Role, RoleBinding } from '../../../src/api/types.js';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { RbacAuthorizer } from '../../../src/authz/rbac/authorizer.js';
import { RbacPolicyIndex, UnknownRbacKindError } from '../../../src/authz/rbac/policy-index.js';
import { LinearRbacReference } from './rbac-reference.js';
import {
  clusterRole,
  clusterRoleBinding,
  Group,
  res,
  role,
  roleBinding,
  rule,
  SA,
  saUser,
  url,
  urlRule,
  User,
  who,
} from './helpers.js';

function authorizerWith(objs: (Role | RoleBinding)[]): { rbac: RbacAuthorizer; ref: LinearRbacReference } {
  const rbac = new RbacAuthorizer(new RbacPolicyIndex());
  const ref = new LinearRbacReference();
  for (const o of objs) {
    rbac.index.upsert(o);
    ref.upsert(o);
  }
  return { rbac, ref };
}

/** Checks the index against the linear reference on the way, so every table row also cross-checks. */
function decide(
  ctx: { rbac: RbacAuthorizer; ref: LinearRbacReference },
  a: Attributes,
): { decision: string; reason: string } {
  const got = ctx.rbac.authorizeSync(a);
  assert.deepEqual(got, ctx.ref.authorize(a), 'index and linear reference disagree');
  return got;
}

const podReader = clusterRole('pods-view-role', [rule(['get', 'list', 'watch'], ['', 'extensions', 'apps'], ['pods'])]);

describe('RBAC authorizer: subjects and scopes', () => {
  const objs: (Role | RoleBinding)[] = [
    podReader,
    clusterRole('john-role', [rule(['get', 'list'], [''], ['pods'])]),
    clusterRoleBinding('john-binding', 'john-role', [User('john')]),
    clusterRole('dev-reader', [rule(['list'], [''], ['configmaps'])]),
    clusterRoleBinding('devs-read', 'dev-reader', [Group('developers')]),
    clusterRoleBinding('pods-view-rolebinding', 'pods-view-role', [SA('pod-viewer', 'demo')]),
    clusterRoleBinding('sa-without-namespace', 'cluster-admin-ish', [SA('ghost')]),
    clusterRole('cluster-admin-ish', [rule(['*'], ['*'], ['*'])]),
    clusterRole('view-secrets', [rule(['get'], [''], ['secrets'])]),
    roleBinding('ns1', 'local-sa', 'ClusterRole', 'view-secrets', [SA('builder')]),
    role('ns1', 'deployer', [rule(['create', 'update'], ['apps'], ['deployments', 'deployments/scale'])]),
    roleBinding('ns1', 'deployers', 'Role', 'deployer', [User('dana')]),
    clusterRole('basic', [urlRule(['get'], ['/version', '/healthz*'])]),
    clusterRoleBinding('everyone', 'basic', [Group('system:authenticated')]),
  ];
  const ctx = authorizerWith(objs);

  const table: { name: string; attrs: Attributes; decision: string; reason: string }[] = [
    {
      name: 'User subject',
      attrs: res(who('john', 'system:authenticated'), {
        verb: 'get',
        resource: 'pods',
        namespace: 'default',
        name: 'x',
      }),
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "john-binding" of ClusterRole "john-role" to User "john"',
    },
    {
      name: 'User subject, verb not granted',
      attrs: res(who('john'), { verb: 'create', resource: 'pods', namespace: 'default' }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'User subject, other resource',
      attrs: res(who('john'), { verb: 'list', resource: 'services' }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'Group subject',
      attrs: res(who('jane', 'developers'), { verb: 'list', resource: 'configmaps' }),
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "devs-read" of ClusterRole "dev-reader" to Group "developers"',
    },
    {
      name: 'ServiceAccount subject with namespace',
      attrs: res(saUser('demo', 'pod-viewer'), { verb: 'list', resource: 'pods' }),
      decision: 'Allow',
      reason:
        'RBAC: allowed by ClusterRoleBinding "pods-view-rolebinding" of ClusterRole "pods-view-role" to ServiceAccount "pod-viewer/demo"',
    },
    {
      name: 'ServiceAccount subject, same name other namespace',
      attrs: res(saUser('other', 'pod-viewer'), { verb: 'list', resource: 'pods' }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'ServiceAccount: deployments are not pods',
      attrs: res(saUser('demo', 'pod-viewer'), {
        verb: 'get',
        apiGroup: 'apps',
        resource: 'deployments',
        namespace: 'demo',
        name: 'web',
      }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'ServiceAccount: pods/log is not pods',
      attrs: res(saUser('demo', 'pod-viewer'), {
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        namespace: 'demo',
        name: 'x',
      }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'ClusterRoleBinding SA subject without namespace never matches',
      attrs: res(saUser('default', 'ghost'), { verb: 'get', resource: 'pods' }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'RoleBinding SA subject defaults to the binding namespace',
      attrs: res(saUser('ns1', 'builder'), { verb: 'get', resource: 'secrets', namespace: 'ns1', name: 's' }),
      decision: 'Allow',
      reason:
        'RBAC: allowed by RoleBinding "local-sa/ns1" of ClusterRole "view-secrets" to ServiceAccount "builder/ns1"',
    },
    {
      name: 'RoleBinding to ClusterRole: not in another namespace',
      attrs: res(saUser('ns1', 'builder'), { verb: 'get', resource: 'secrets', namespace: 'ns2', name: 's' }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'RoleBinding to ClusterRole: not at cluster scope',
      attrs: res(saUser('ns1', 'builder'), { verb: 'get', resource: 'secrets', name: 's' }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'RoleBinding to Role',
      attrs: res(who('dana'), {
        verb: 'update',
        apiGroup: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'ns1',
        name: 'web',
      }),
      decision: 'Allow',
      reason: 'RBAC: allowed by RoleBinding "deployers/ns1" of Role "deployer" to User "dana"',
    },
    {
      name: 'RoleBinding to Role: wrong group',
      attrs: res(who('dana'), {
        verb: 'update',
        apiGroup: 'extensions',
        resource: 'deployments',
        namespace: 'ns1',
        name: 'web',
      }),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'system:authenticated group, non-resource',
      attrs: url(who('anyone', 'system:authenticated'), 'get', '/healthz/etcd'),
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "everyone" of ClusterRole "basic" to Group "system:authenticated"',
    },
    {
      name: 'non-resource: path not granted',
      attrs: url(who('anyone', 'system:authenticated'), 'get', '/'),
      decision: 'NoOpinion',
      reason: '',
    },
    {
      name: 'anonymous has nothing',
      attrs: url(who('system:anonymous', 'system:unauthenticated'), 'get', '/version'),
      decision: 'NoOpinion',
      reason: '',
    },
  ];
  for (const row of table) {
    it(row.name, () => assert.deepEqual(decide(ctx, row.attrs), { decision: row.decision, reason: row.reason }));
  }
});

describe('RBAC authorizer: reasons and resolution errors', () => {
  it('a missing ClusterRole is reported as Kubernetes words it', () => {
    const ctx = authorizerWith([clusterRoleBinding('dev', 'developer-cluster-access', [User('example@gmail.com')])]);
    const a = res(who('example@gmail.com', 'system:authenticated'), {
      verb: 'create',
      apiGroup: 'scheduling.k8s.io',
      resource: 'priorityclasses',
    });
    assert.deepEqual(decide(ctx, a), {
      decision: 'NoOpinion',
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "developer-cluster-access" not found',
    });
  });

  it('several errors aggregate as [a, b] in binding order, duplicates once', () => {
    const ctx = authorizerWith([
      clusterRoleBinding('b-missing', 'gone-b', [User('u')]),
      clusterRoleBinding('a-missing', 'gone-a', [Group('g')]),
      clusterRoleBinding('c-missing', 'gone-a', [User('u')]),
      roleBinding('ns', 'r-missing', 'Role', 'local', [User('u')]),
      roleBinding('ns', 'weird', 'Secret', 'x', [User('u')]),
    ]);
    const a = res(who('u', 'g'), { verb: 'get', resource: 'pods', namespace: 'ns' });
    assert.deepEqual(decide(ctx, a), {
      decision: 'NoOpinion',
      reason:
        'RBAC: [clusterrole.rbac.authorization.k8s.io "gone-a" not found, clusterrole.rbac.authorization.k8s.io "gone-b" not found, role.rbac.authorization.k8s.io "local" not found, unsupported role reference kind: "Secret"]',
    });
  });

  it('an allow elsewhere wins over resolution errors', () => {
    const ctx = authorizerWith([
      clusterRoleBinding('a', 'missing', [User('u')]),
      podReader,
      clusterRoleBinding('b', 'pods-view-role', [User('u')]),
    ]);
    assert.equal(decide(ctx, res(who('u'), { verb: 'get', resource: 'pods' })).decision, 'Allow');
  });

  it('names the first binding by name and its first applying subject', () => {
    const ctx = authorizerWith([
      podReader,
      clusterRoleBinding('zz', 'pods-view-role', [User('u')]),
      clusterRoleBinding('mm', 'pods-view-role', [Group('nope'), Group('g'), User('u')]),
      clusterRoleBinding('nn', 'pods-view-role', [User('u')]),
    ]);
    assert.equal(
      decide(ctx, res(who('u', 'g'), { verb: 'get', resource: 'pods' })).reason,
      'RBAC: allowed by ClusterRoleBinding "mm" of ClusterRole "pods-view-role" to Group "g"',
    );
  });

  it('cluster bindings are visited before namespace bindings', () => {
    const ctx = authorizerWith([
      podReader,
      roleBinding('ns', 'aaa', 'ClusterRole', 'pods-view-role', [User('u')]),
      clusterRoleBinding('zzz', 'pods-view-role', [User('u')]),
    ]);
    assert.match(
      decide(ctx, res(who('u'), { verb: 'get', resource: 'pods', namespace: 'ns' })).reason,
      /ClusterRoleBinding "zzz"/,
    );
  });

  it('quotes names as Go does', () => {
    const ctx = authorizerWith([
      clusterRole('r"x', [rule(['get'], [''], ['pods'])]),
      clusterRoleBinding('b\\1', 'r"x', [User('ü\tser')]),
    ]);
    assert.equal(
      decide(ctx, res(who('ü\tser'), { verb: 'get', resource: 'pods' })).reason,
      'RBAC: allowed by ClusterRoleBinding "b\\\\1" of ClusterRole "r\\"x" to User "ü\\tser"',
    );
  });
});

describe('RBAC authorizer: live updates', () => {
  it('a binding may arrive before its role; role updates and removals are seen at once', () => {
    const ctx = authorizerWith([]);
    const a = res(who('u'), { verb: 'get', resource: 'pods', namespace: 'ns', name: 'p' });
    ctx.rbac.index.upsert(roleBinding('ns', 'rb', 'Role', 'reader', [User('u')]));
    ctx.ref.upsert(roleBinding('ns', 'rb', 'Role', 'reader', [User('u')]));
    assert.deepEqual(decide(ctx, a), {
      decision: 'NoOpinion',
      reason: 'RBAC: role.rbac.authorization.k8s.io "reader" not found',
    });

    const reader = role('ns', 'reader', [rule(['get'], [''], ['pods'])]);
    ctx.rbac.index.upsert(reader);
    ctx.ref.upsert(reader);
    assert.equal(decide(ctx, a).decision, 'Allow');

    const narrowed = role('ns', 'reader', [rule(['get'], [''], ['pods'], ['only-this'])]);
    ctx.rbac.index.upsert(narrowed);
    ctx.ref.upsert(narrowed);
    assert.equal(decide(ctx, a).decision, 'NoOpinion');
    assert.equal(
      decide(ctx, res(who('u'), { verb: 'get', resource: 'pods', namespace: 'ns', name: 'only-this' })).decision,
      'Allow',
    );

    ctx.rbac.index.remove(narrowed);
    ctx.ref.remove(narrowed);
    assert.equal(decide(ctx, a).reason, 'RBAC: role.rbac.authorization.k8s.io "reader" not found');
  });

  it('a binding update replaces its subjects and role; removal revokes', () => {
    const ctx = authorizerWith([podReader, clusterRole('other', [])]);
    const a = res(who('u'), { verb: 'list', resource: 'pods' });
    const apply = (o: RoleBinding, del = false): void => {
      if (del) {
        ctx.rbac.index.remove(o);
        ctx.ref.remove(o);
      } else {
        ctx.rbac.index.upsert(o);
        ctx.ref.upsert(o);
      }
    };
    apply(clusterRoleBinding('b', 'pods-view-role', [User('u')]));
    assert.equal(decide(ctx, a).decision, 'Allow');
    apply(clusterRoleBinding('b', 'pods-view-role', [User('v')]));
    assert.equal(decide(ctx, a).decision, 'NoOpinion');
    apply(clusterRoleBinding('b', 'other', [User('u')]));
    assert.equal(decide(ctx, a).decision, 'NoOpinion');
    apply(clusterRoleBinding('b', 'pods-view-role', [User('u'), User('u')]));
    assert.equal(decide(ctx, a).decision, 'Allow');
    apply(clusterRoleBinding('b', 'pods-view-role', []), true);
    assert.equal(decide(ctx, a).decision, 'NoOpinion');
    assert.equal(ctx.rbac.index.size, 2);
  });

  it('rejects objects that are not RBAC kinds', () => {
    const index = new RbacPolicyIndex();
    assert.throws(
      () => index.upsert({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } } as unknown as Role),
      UnknownRbacKindError,
    );
  });
});

describe('RBAC rule resolution (SelfSubjectRulesReview)', () => {
  const ctx = authorizerWith([
    clusterRole('basic', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectrulesreviews']),
      urlRule(['get'], ['/api', '/api/*']),
    ]),
    clusterRoleBinding('basic', 'basic', [Group('system:authenticated')]),
    clusterRole('pod-reader', [rule(['get', 'list'], [''], ['pods'])]),
    clusterRoleBinding('john', 'pod-reader', [User('john')]),
    roleBinding('team', 'team-secrets', 'Role', 'secret-reader', [User('john')]),
    clusterRoleBinding('broken', 'missing-role', [User('john')]),
  ]);

  it('returns cluster rules then namespace rules, with errors and incomplete=false', () => {
    const r = ctx.rbac.rulesFor(who('john', 'system:authenticated'), 'team');
    assert.deepEqual(r.resourceRules, [
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectrulesreviews'],
        resourceNames: [],
      },
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: [] },
    ]);
    assert.deepEqual(r.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }]);
    assert.equal(r.incomplete, false);
    assert.equal(
      r.evaluationError,
      '[clusterrole.rbac.authorization.k8s.io "missing-role" not found, role.rbac.authorization.k8s.io "secret-reader" not found]',
    );
    const ref = ctx.ref.rulesFor(who('john', 'system:authenticated'), 'team');
    assert.deepEqual(ctx.rbac.index.rulesFor(who('john', 'system:authenticated'), 'team'), ref);
  });

  it('the escalation resolver words missing roles as the registry does', () => {
    assert.equal(
      ctx.rbac.escalationResolver.rulesFor(who('john'), '').evaluationError,
      'clusterroles.rbac.authorization.k8s.io "missing-role" not found',
    );
  });

  it('a user with nothing gets nothing', () => {
    const r = ctx.rbac.rulesFor(who('nobody'), 'team');
    assert.deepEqual(r, { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' });
  });
});

describe('RbacPolicyIndex accessors', () => {
  it('getRole, clusterRoles, roleReferenceRules and clear', () => {
    const index = new RbacPolicyIndex();
    index.upsert(podReader);
    index.upsert(role('ns', 'local', [rule(['get'], [''], ['secrets'])]));
    index.upsert(clusterRoleBinding('b', 'pods-view-role', [User('u')]));
    assert.equal(index.getRole('ClusterRole', 'ignored', 'pods-view-role'), podReader);
    assert.equal(index.getRole('Role', 'ns', 'local')?.metadata.name, 'local');
    assert.equal(index.getRole('Role', 'other', 'local'), undefined);
    assert.deepEqual(index.clusterRoles(), [podReader]);
    assert.deepEqual(
      index.roleReferenceRules({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'local' }, 'ns'),
      { rules: [rule(['get'], [''], ['secrets'])] },
    );
    assert.deepEqual(
      index.roleReferenceRules(
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' },
        '',
        'registry',
      ),
      { error: 'clusterroles.rbac.authorization.k8s.io "x" not found' },
    );
    assert.equal(index.size, 3);
    index.clear();
    assert.equal(index.size, 0);
    assert.equal(
      new RbacAuthorizer(index).authorizeSync(res(who('u'), { verb: 'get', resource: 'pods' })).decision,
      'NoOpinion',
    );
  });

  it('policyRulesFor gives the raw rules with registry-worded errors', () => {
    const rbac = new RbacAuthorizer();
    rbac.index.upsert(podReader);
    rbac.index.upsert(clusterRoleBinding('a', 'pods-view-role', [User('u')]));
    rbac.index.upsert(roleBinding('ns', 'b', 'Role', 'gone', [User('u')]));
    assert.deepEqual(rbac.policyRulesFor(who('u'), 'ns'), {
      rules: podReader.rules,
      evaluationError: 'roles.rbac.authorization.k8s.io "gone" not found',
    });
  });
});
