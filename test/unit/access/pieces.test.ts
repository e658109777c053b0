// The smaller parts of access review, as tables: request parsing like `kubectl auth can-i`, the impersonated
// user, manifest loading, who-can's scoping and ordering, rbac test parsing and its JUnit report, rbac risks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAccessRequest } from '../../../src/access/request.js';
import { SERVED_RESOURCES } from '../../../src/access/served-resources.js';
import { impersonatedUser } from '../../../src/access/identity.js';
import { loadManifests, offlinePolicy } from '../../../src/access/manifests.js';
import { whoCan } from '../../../src/access/who-can.js';
import { junitReport, parseRbacTests, runRbacTests } from '../../../src/access/rbac-test.js';
import { rbacRisks } from '../../../src/access/risks.js';
import { RbacWorld, withBootstrapPolicy } from '../../../src/access/world.js';

describe('parseAccessRequest (kubectl auth can-i resolution)', () => {
  const cases: [string, string, string | undefined, string | undefined, object, boolean][] = [
    [
      'get',
      'pods',
      undefined,
      'ns',
      { verb: 'get', apiGroup: '', resource: 'pods', subresource: '', name: '', namespace: 'ns' },
      false,
    ],
    [
      'get',
      'po/log',
      'p1',
      'ns',
      { verb: 'get', apiGroup: '', resource: 'pods', subresource: 'log', name: 'p1', namespace: 'ns' },
      false,
    ],
    [
      'list',
      'deploy',
      undefined,
      'ns',
      { verb: 'list', apiGroup: 'apps', resource: 'deployments', subresource: '', name: '', namespace: 'ns' },
      false,
    ],
    [
      'list',
      'deployments.apps',
      undefined,
      undefined,
      { verb: 'list', apiGroup: 'apps', resource: 'deployments', subresource: '', name: '', namespace: '' },
      false,
    ],
    [
      'get',
      'nodes',
      undefined,
      'ns',
      { verb: 'get', apiGroup: '', resource: 'nodes', subresource: '', name: '', namespace: '' },
      false,
    ],
    [
      'get',
      'events',
      undefined,
      'ns',
      { verb: 'get', apiGroup: '', resource: 'events', subresource: '', name: '', namespace: 'ns' },
      false,
    ],
    [
      'get',
      'widgets.example.com',
      undefined,
      'ns',
      { verb: 'get', apiGroup: 'example.com', resource: 'widgets', subresource: '', name: '', namespace: 'ns' },
      false,
    ],
    [
      'get',
      'gadgets',
      undefined,
      'ns',
      { verb: 'get', apiGroup: '', resource: 'gadgets', subresource: '', name: '', namespace: 'ns' },
      true,
    ],
    [
      '*',
      '*',
      undefined,
      undefined,
      { verb: '*', apiGroup: '*', resource: '*', subresource: '', name: '', namespace: '' },
      false,
    ],
    ['get', '/healthz', undefined, 'ns', { verb: 'get', nonResourceURL: '/healthz' }, false],
  ];
  for (const [verb, res, name, ns, want, warns] of cases) {
    it(`${verb} ${res}`, () => {
      const r = parseAccessRequest(verb, res, name, ns, SERVED_RESOURCES);
      assert.deepEqual(r.request, want);
      assert.equal(r.warning !== undefined, warns);
    });
  }
});

describe('impersonatedUser (kube-apiserver impersonation groups)', () => {
  const cases: [string, string[], string[]][] = [
    ['alice', [], ['system:authenticated']],
    ['alice', ['devs'], ['devs', 'system:authenticated']],
    ['alice', ['system:unauthenticated'], ['system:unauthenticated']],
    [
      'system:serviceaccount:ns-a:bot',
      [],
      ['system:serviceaccounts', 'system:serviceaccounts:ns-a', 'system:authenticated'],
    ],
    ['system:serviceaccount:ns-a:bot', ['x'], ['x', 'system:authenticated']],
    ['system:anonymous', [], ['system:unauthenticated']],
  ];
  for (const [user, groups, want] of cases)
    it(`${user} ${groups.join(',')}`, () => assert.deepEqual(impersonatedUser(user, groups).groups, want));
});

describe('manifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-access-unit-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(
    join(dir, 'a.yaml'),
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n',
    ].join('---\n'),
  );
  writeFileSync(
    join(dir, 'sub', 'b.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'b' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
          subjects: [{ kind: 'User', name: 'u' }],
        },
      ],
    }),
  );
  writeFileSync(join(dir, 'notes.txt'), 'not a manifest');

  it('reads directories recursively, Lists included, other kinds skipped', () => {
    const m = loadManifests([dir]);
    assert.deepEqual(
      m.objects.map((o) => `${o.kind}/${o.metadata.name}`),
      ['Role/r', 'RoleBinding/b'],
    );
    assert.equal(m.skipped, 1);
    assert.equal(m.files, 2);
  });

  it('objects without a namespace land in default, as kubectl apply puts them', () => {
    const w = new RbacWorld(offlinePolicy([dir]));
    assert.equal(
      w.authorize(impersonatedUser('u'), { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'default' }).allowed,
      true,
    );
    assert.equal(
      w.authorize(impersonatedUser('u'), { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'other' }).allowed,
      false,
    );
  });

  it('a missing path is an error naming it', () =>
    assert.throws(() => loadManifests([join(dir, 'nope')]), /nope" does not exist/));
  it('broken YAML is an error naming the file', () => {
    writeFileSync(join(dir, 'sub', 'bad.yaml'), 'a: [\n');
    assert.throws(() => loadManifests([join(dir, 'sub', 'bad.yaml')]), /bad\.yaml/);
  });
});

describe('whoCan over plain objects', () => {
  const V = 'rbac.authorization.k8s.io/v1';
  const objects = [
    {
      apiVersion: V,
      kind: 'ClusterRole',
      metadata: { name: 'reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    },
    {
      apiVersion: V,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'z-global' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
      subjects: [{ kind: 'User', name: 'g' }],
    },
    {
      apiVersion: V,
      kind: 'RoleBinding',
      metadata: { name: 'a', namespace: 'n1' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
      subjects: [
        { kind: 'User', name: 'one' },
        { kind: 'ServiceAccount', name: 'sa' },
      ],
    },
    {
      apiVersion: V,
      kind: 'RoleBinding',
      metadata: { name: 'a', namespace: 'n2' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
      subjects: [{ kind: 'Group', name: 'two' }],
    },
    {
      apiVersion: V,
      kind: 'RoleBinding',
      metadata: { name: 'm', namespace: 'n1' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'missing' },
      subjects: [{ kind: 'User', name: 'x' }],
    },
  ];
  const ids = (r: ReturnType<typeof whoCan>): string[] => r.entries.map((e) => `${e.subject.kind}:${e.identity}`);
  it('namespace: masters, cluster bindings, then that namespace', () => {
    const r = whoCan(objects as never, { verb: 'get', resource: 'secrets', namespace: 'n1' });
    assert.deepEqual(ids(r), [
      'Group:system:masters',
      'User:g',
      'User:one',
      'ServiceAccount:system:serviceaccount:n1:sa',
    ]);
    assert.deepEqual(r.errors, ['RoleBinding n1/m: role.rbac.authorization.k8s.io "missing" not found']);
  });
  it('cluster scope: only ClusterRoleBindings', () =>
    assert.deepEqual(ids(whoCan(objects as never, { verb: 'get', resource: 'secrets' })), [
      'Group:system:masters',
      'User:g',
    ]));
  it('all namespaces', () =>
    assert.deepEqual(ids(whoCan(objects as never, { verb: 'get', resource: 'secrets' }, { allNamespaces: true })), [
      'Group:system:masters',
      'User:g',
      'User:one',
      'ServiceAccount:system:serviceaccount:n1:sa',
      'Group:two',
    ]));
  it('another verb: only system:masters', () =>
    assert.deepEqual(ids(whoCan(objects as never, { verb: 'delete', resource: 'secrets', namespace: 'n1' })), [
      'Group:system:masters',
    ]));
});

describe('rbac test', () => {
  it('parses the documented format and rejects bad entries with their index', () => {
    const t = parseRbacTests({
      tests: [
        {
          name: 'x',
          user: 'u',
          groups: ['g'],
          verb: 'get',
          resource: 'pods',
          namespace: 'n',
          allowed: true,
          resourceName: 'p',
        },
      ],
    });
    assert.deepEqual(t, [
      {
        name: 'x',
        user: 'u',
        groups: ['g'],
        verb: 'get',
        resource: 'pods',
        namespace: 'n',
        allowed: true,
        objectName: 'p',
      },
    ]);
    assert.throws(
      () => parseRbacTests({ tests: [{ user: 'u', verb: 'get', resource: 'pods', allowed: 'yes' }] }),
      /tests\[0\]: allowed must be true or false/,
    );
    assert.throws(() => parseRbacTests({}), /top-level `tests:` list/);
    assert.throws(
      () => parseRbacTests({ tests: [{ verb: 'get', resource: 'pods', allowed: true }] }),
      /tests\[0\]: user is required/,
    );
  });

  it('a broken expectation is a readable JUnit <failure>; a check error is an <error>', async () => {
    const tests = parseRbacTests({
      tests: [
        { name: 'ok', user: 'u', verb: 'get', resource: 'pods', allowed: true },
        { name: 'bad <one> & "quoted"', user: 'u', verb: 'delete', resource: 'pods', namespace: 'n', allowed: true },
        { name: 'boom', user: 'u', verb: 'get', resource: 'pods', allowed: true },
      ],
    });
    const results = await runRbacTests(tests, async (t) => {
      if (t.name === 'boom') throw new Error('connection refused');
      return { allowed: t.verb === 'get', reason: t.verb === 'get' ? 'RBAC: allowed' : '' };
    });
    assert.deepEqual(
      results.map((r) => r.passed),
      [true, false, false],
    );
    const x = junitReport('suite', results);
    assert.match(x, /<testsuite name="suite" tests="3" failures="1" errors="1"/);
    assert.equal((x.match(/<testcase /g) ?? []).length, 3);
    assert.match(x, /name="bad &lt;one&gt; &amp; &quot;quoted&quot;"/);
    assert.match(
      x,
      /<failure message="expected u to be allowed to delete pods in namespace n, but was denied" type="UnexpectedDecision">/,
    );
    assert.match(
      x,
      /<error message="u get pods at cluster scope: check failed: connection refused" type="CheckError">/,
    );
  });
});

describe("rbac risks (the CIS auditor's rules over the access-review policy)", () => {
  it('flags risky grants of non-default bindings only', () => {
    const V = 'rbac.authorization.k8s.io/v1';
    const objects = offlinePolicyWith([
      {
        apiVersion: V,
        kind: 'ClusterRole',
        metadata: { name: 'ops' },
        rules: [
          { apiGroups: [''], resources: ['pods/exec', 'secrets'], verbs: ['create', 'get'] },
          { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] },
        ],
      },
      {
        apiVersion: V,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'ops' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ops' },
        subjects: [{ kind: 'User', name: 'op' }],
      },
      {
        apiVersion: V,
        kind: 'RoleBinding',
        metadata: { name: 'admins' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'Group', name: 'admins' }],
      },
    ]);
    const f = rbacRisks(objects)
      .map((x) => `${x.risk} ${x.role?.name}`)
      .sort();
    assert.deepEqual(f, ['bind ops', 'cluster-admin cluster-admin', 'pods-exec ops', 'secrets-read ops']);
    assert.ok(
      rbacRisks(objects, { includeSystem: true }).length > f.length,
      'the default policy has findings of its own',
    );
  });
});

function offlinePolicyWith(objects: object[]): ReturnType<typeof withBootstrapPolicy> {
  return withBootstrapPolicy(objects as never);
}
