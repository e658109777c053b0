// The audit policy: rule matching as kube's audit/policy/checker_test.go tables it (users, groups, verbs,
// resources with subresource forms and resourceNames, namespaces, non-resource URLs; first match wins; no match
// is None), omitStages and omitManagedFields inheritance, and validation.ValidatePolicy's messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditPolicyError, parsePolicy, pathMatches, PolicyChecker, ruleMatches } from '../../../src/audit/policy.js';
import type { AuditAttributes, PolicyRule } from '../../../src/audit/types.js';

const tim = { username: 'tim', groups: ['humans', 'system:authenticated'] };
const base = {
  verb: 'get',
  isResourceRequest: true,
  path: '',
  namespace: '',
  apiGroup: '',
  resource: '',
  subresource: '',
  name: '',
};
const attrs: Record<string, AuditAttributes> = {
  namespaced: {
    ...base,
    user: tim,
    path: '/api/v1/namespaces/default/pods/busybox',
    namespace: 'default',
    resource: 'pods',
    name: 'busybox',
  },
  cluster: { ...base, user: tim, verb: 'delete', path: '/api/v1/nodes/mynode', resource: 'nodes', name: 'mynode' },
  nonResource: { ...base, user: tim, isResourceRequest: false, path: '/logs/kubelet.log' },
  subresource: {
    ...base,
    user: tim,
    verb: 'get',
    path: '/api/v1/namespaces/default/pods/busybox/log',
    namespace: 'default',
    resource: 'pods',
    subresource: 'log',
    name: 'busybox',
  },
  rbac: {
    ...base,
    user: tim,
    verb: 'create',
    path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    apiGroup: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
  },
  anonymous: { ...base, user: undefined, isResourceRequest: false, path: '/api' },
};

const rules: Record<string, PolicyRule> = {
  default: { level: 'Metadata' },
  create: { level: 'Request', verbs: ['create'] },
  tims: { level: 'Metadata', users: ['tim'] },
  humans: { level: 'Metadata', userGroups: ['humans'] },
  serviceAccounts: { level: 'Request', userGroups: ['system:serviceaccounts'] },
  getPods: { level: 'RequestResponse', verbs: ['get'], resources: [{ resources: ['pods'] }] },
  getPodLogs: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/log'] }] },
  getPodWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*'] }] },
  getPodResourceWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*/log'] }] },
  getPodSubResourceWildcardMatching: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/*'] }] },
  getClusterRoles: {
    level: 'Request',
    verbs: ['get'],
    resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'] }],
  },
  clusterRoleEdit: {
    level: 'Request',
    resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'], resourceNames: ['edit'] }],
  },
  rbacGroup: { level: 'Request', resources: [{ group: 'rbac.authorization.k8s.io' }] },
  defaultNamespace: { level: 'Request', namespaces: ['default'] },
  clusterScope: { level: 'Request', namespaces: [''] },
  nonResource: { level: 'Metadata', nonResourceURLs: ['/logs*'] },
  allNonResource: { level: 'Metadata', nonResourceURLs: ['*'] },
  exactApi: { level: 'Metadata', nonResourceURLs: ['/api'] },
};

// request → rules it matches (every other rule of the table must not match it).
const matches: Record<string, string[]> = {
  // `pods/*` also matches pods itself: checker.go compares only the resource part for a trailing `/*`.
  namespaced: [
    'default',
    'tims',
    'humans',
    'getPods',
    'getPodWildcardMatching',
    'getPodSubResourceWildcardMatching',
    'defaultNamespace',
  ],
  cluster: ['default', 'tims', 'humans', 'clusterScope'],
  nonResource: ['default', 'tims', 'humans', 'nonResource', 'allNonResource'],
  subresource: [
    'default',
    'tims',
    'humans',
    'getPodLogs',
    'getPodWildcardMatching',
    'getPodResourceWildcardMatching',
    'getPodSubResourceWildcardMatching',
    'defaultNamespace',
  ],
  rbac: ['default', 'create', 'tims', 'humans', 'rbacGroup', 'clusterScope'],
  anonymous: ['default', 'allNonResource', 'exactApi'],
};

for (const [request, expected] of Object.entries(matches)) {
  test(`policy rules matching the ${request} request`, () => {
    for (const [name, rule] of Object.entries(rules)) {
      assert.equal(ruleMatches(rule, attrs[request]!), expected.includes(name), `rule ${name}`);
    }
  });
}

test('resourceNames narrow the rule; a named clusterrole matches only its name', () => {
  const edit = { ...attrs.rbac!, verb: 'update', name: 'edit' };
  assert.equal(ruleMatches(rules.clusterRoleEdit!, edit), true);
  assert.equal(ruleMatches(rules.clusterRoleEdit!, { ...edit, name: 'view' }), false);
});

test('non-resource URL specs: *, exact, trailing-* prefix', () => {
  const cases: [path: string, spec: string, want: boolean][] = [
    ['/healthz', '*', true],
    ['/healthz', '/healthz', true],
    ['/healthz/etcd', '/healthz', false],
    ['/healthz/etcd', '/healthz*', true],
    ['/healthz/etcd', '/healthz/*', true],
    ['/healthzz', '/healthz/*', false],
    ['/metrics', '/logs*', false],
    ['/', '/*', true],
  ];
  for (const [path, spec, want] of cases) assert.equal(pathMatches(path, spec), want, `${path} ~ ${spec}`);
});

test('the first matching rule wins; no rule means level None with the policy omitStages', () => {
  const checker = new PolicyChecker({
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rules: [
      { level: 'None', users: ['silent-sam'] },
      {
        level: 'RequestResponse',
        resources: [{ resources: ['pods'] }],
        omitStages: ['ResponseStarted'],
        omitManagedFields: false,
      },
      { level: 'Metadata', nonResourceURLs: ['/logs*'] },
    ],
  });
  assert.deepEqual(checker.evaluate({ ...attrs.namespaced!, user: { username: 'silent-sam', groups: [] } }), {
    level: 'None',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
  });
  const pods = checker.evaluate(attrs.namespaced!);
  assert.equal(pods.level, 'RequestResponse');
  assert.deepEqual([...pods.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
  assert.equal(pods.omitManagedFields, false);
  assert.deepEqual(checker.evaluate(attrs.nonResource!), {
    level: 'Metadata',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
  });
  assert.deepEqual(checker.evaluate(attrs.rbac!), {
    level: 'None',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
  });
});

test('a policy reads as YAML or JSON', () => {
  const yaml =
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["secrets", "configmaps"]\n';
  const json = JSON.stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [{ level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }] }],
  });
  assert.deepEqual(parsePolicy(yaml), parsePolicy(json));
  assert.equal(parsePolicy(yaml).rules[0]!.resources![0]!.resources![1], 'configmaps');
});

test("invalid policies are refused with kube's field messages, each in one line", () => {
  const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';
  const cases: [body: string, message: RegExp][] = [
    [
      `${head}rules:\n- level: Loud\n`,
      /rules\[0\]\.level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse"/,
    ],
    [`${head}rules:\n- users: [a]\n`, /rules\[0\]\.level: Required value/],
    [
      `${head}rules:\n- level: None\n  omitStages: [Sometimes]\n`,
      /rules\[0\]\.omitStages\[0\]: Invalid value: "Sometimes": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic/,
    ],
    [`${head}omitStages: [Never]\nrules:\n- level: None\n`, /omitStages\[0\]: Invalid value: "Never"/],
    [
      `${head}rules:\n- level: None\n  nonResourceURLs: [healthz]\n`,
      /non-resource URL rules must begin with a '\/' character/,
    ],
    [
      `${head}rules:\n- level: None\n  nonResourceURLs: ["/a*b"]\n`,
      /non-resource URL wildcards '\*' must be the final character of the rule/,
    ],
    [
      `${head}rules:\n- level: None\n  nonResourceURLs: ["/a"]\n  namespaces: [x]\n`,
      /rules cannot apply to both regular resources and non-resource URLs/,
    ],
    [
      `${head}rules:\n- level: None\n  resources: [{group: "rbac.authorization.k8s.io/v1"}]\n`,
      /rules\[0\]\.resources\.group: Invalid value: "rbac.authorization.k8s.io\/v1"/,
    ],
    [
      `${head}rules:\n- level: None\n  resources: [{resourceNames: [x]}]\n`,
      /using resourceNames requires at least one resource/,
    ],
    [`${head}rules: []\n`, /loaded illegal policy with 0 rules from file "p.yaml"/],
    [
      'apiVersion: audit.k8s.io/v2\nkind: Policy\nrules: []\n',
      /no kind "Policy" is registered for version "audit.k8s.io\/v2"/,
    ],
    [`${head}rules:\n- level: None\n  users: tim\n`, /rules\[0\]\.users: Invalid value: must be a list of strings/],
    ['rules: [', /failed decoding file "p.yaml"/],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => parsePolicy(body, 'p.yaml'),
      (e: Error) => {
        assert.ok(e instanceof AuditPolicyError, e.message);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
        return true;
      },
    );
  }
});
