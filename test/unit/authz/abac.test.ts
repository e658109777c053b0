// ABAC policy files and matching, after k8s/pkg/auth/authorizer/abac/abac_test.go and the documented
// example policy file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { AbacAuthorizer, loadAbacPolicyFile, parseAbacPolicies, PolicyFileError } from '../../../src/authz/abac.js';
import { res, saUser, url, who } from './helpers.js';

const EXAMPLE = `# the example from the Kubernetes ABAC documentation
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user":"*", "nonResourcePath": "*", "readonly": true}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user":"admin", "namespace": "*", "resource": "*", "apiGroup": "*"}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user":"scheduler", "namespace": "*", "resource": "pods", "readonly": true}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user":"scheduler", "namespace": "*", "resource": "bindings"}}

{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user":"alice", "namespace": "projectCaribou", "resource": "*", "apiGroup": "*"}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user":"bob", "namespace": "projectCaribou", "resource": "*", "apiGroup": "*", "readonly": true}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"group":"system:serviceaccounts", "namespace": "*", "resource": "*", "apiGroup": "*", "readonly": true}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"group":"ops", "nonResourcePath": "/debug*"}}
`;

describe('ABAC matching (v1beta1, the documented example)', () => {
  const abac = new AbacAuthorizer(parseAbacPolicies(EXAMPLE, 'policy.jsonl'));
  const authd = (name: string, ...groups: string[]) => who(name, ...groups, 'system:authenticated');
  const table: [string, Attributes, boolean][] = [
    [
      'admin may do anything anywhere',
      res(authd('admin'), { verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: 'x', name: 'y' }),
      true,
    ],
    ['scheduler reads pods', res(authd('scheduler'), { verb: 'list', resource: 'pods' }), true],
    [
      'scheduler may not create pods',
      res(authd('scheduler'), { verb: 'create', resource: 'pods', namespace: 'ns' }),
      false,
    ],
    [
      'scheduler creates bindings',
      res(authd('scheduler'), { verb: 'create', resource: 'bindings', namespace: 'ns' }),
      true,
    ],
    [
      'apiGroup omitted means the core group only',
      res(authd('scheduler'), { verb: 'get', apiGroup: 'metrics.k8s.io', resource: 'pods' }),
      false,
    ],
    [
      'alice owns projectCaribou',
      res(authd('alice'), { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'projectCaribou' }),
      true,
    ],
    ['alice has nothing elsewhere', res(authd('alice'), { verb: 'get', resource: 'pods', namespace: 'other' }), false],
    [
      'bob reads projectCaribou',
      res(authd('bob'), { verb: 'watch', resource: 'pods', namespace: 'projectCaribou' }),
      true,
    ],
    [
      'bob may not write there',
      res(authd('bob'), { verb: 'patch', resource: 'pods', namespace: 'projectCaribou' }),
      false,
    ],
    [
      'service accounts read everything',
      res(saUser('kube-system', 'x'), { verb: 'get', resource: 'secrets', namespace: 'a', name: 'b' }),
      true,
    ],
    [
      'service accounts write nothing',
      res(saUser('kube-system', 'x'), { verb: 'delete', resource: 'secrets', namespace: 'a', name: 'b' }),
      false,
    ],
    ['user * means every authenticated user: read /version', url(authd('carol'), 'get', '/version'), true],
    ['… but not anonymous', url(who('system:anonymous', 'system:unauthenticated'), 'get', '/version'), false],
    ['… and read-only', url(authd('carol'), 'post', '/version'), false],
    ['trailing * path prefix', url(authd('dave', 'ops'), 'put', '/debug/pprof/heap'), true],
    ['prefix does not match elsewhere', url(authd('dave', 'ops'), 'put', '/metrics'), false],
  ];
  for (const [name, attrs, allowed] of table) {
    it(name, async () => {
      assert.deepEqual(
        await abac.authorize(attrs),
        allowed ? { decision: 'Allow', reason: '' } : { decision: 'NoOpinion', reason: 'No policy matched.' },
      );
    });
  }
});

describe('ABAC legacy unversioned (v0) policies', () => {
  const abac = new AbacAuthorizer(
    parseAbacPolicies(
      [
        '{"user":"admin"}',
        '{"readonly": true}',
        '{"user":"alice","namespace":"projectCaribou"}',
        '{"group":"devs","resource":"pods"}',
        '{"user":"*","resource":"events"}',
      ].join('\n'),
      'legacy',
    ),
  );
  const table: [string, Attributes, boolean][] = [
    ['user only: everything, any group, any path', url(who('admin'), 'delete', '/anything'), true],
    [
      'no user or group: every authenticated user, read-only, paths too',
      url(who('x', 'system:authenticated'), 'get', '/healthz'),
      true,
    ],
    [
      '… not anonymous',
      res(who('system:anonymous', 'system:unauthenticated'), { verb: 'get', resource: 'pods' }),
      false,
    ],
    [
      '… and not writes',
      res(who('x', 'system:authenticated'), { verb: 'create', resource: 'pods', namespace: 'n' }),
      false,
    ],
    [
      'namespace set: any resource there, any group',
      res(who('alice'), { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'projectCaribou' }),
      true,
    ],
    ['namespace set: no paths', url(who('alice'), 'post', '/x'), false],
    [
      'group with resource: all namespaces',
      res(who('e', 'devs'), { verb: 'delete', resource: 'pods', namespace: 'z', name: 'p' }),
      true,
    ],
    [
      'user * maps to system:authenticated',
      res(who('f', 'system:authenticated'), { verb: 'create', resource: 'events', namespace: 'z' }),
      true,
    ],
  ];
  for (const [name, attrs, allowed] of table) {
    it(name, async () => assert.equal((await abac.authorize(attrs)).decision, allowed ? 'Allow' : 'NoOpinion'));
  }

  it('converts as Kubernetes does', () => {
    assert.deepEqual(parseAbacPolicies('{"readonly":true}', 'f'), [
      {
        user: '',
        group: 'system:authenticated',
        readonly: true,
        apiGroup: '*',
        resource: '*',
        namespace: '*',
        nonResourcePath: '*',
      },
    ]);
    assert.deepEqual(
      parseAbacPolicies(
        '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"*","resource":"pods"}}',
        'f',
      ),
      [
        {
          user: '',
          group: 'system:authenticated',
          readonly: false,
          apiGroup: '',
          resource: 'pods',
          namespace: '',
          nonResourcePath: '',
        },
      ],
    );
  });
});

describe('ABAC policy file errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kauth-abac-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string, RegExp][] = [
    ['invalid JSON names file and line', '# c\n\n{"user":"a"}\n{"user": }\n', /^.*policy\.jsonl:4: invalid JSON: /],
    ['not an object', '[1,2]\n', /policy\.jsonl:1: a policy must be a JSON object$/],
    [
      'wrong field type',
      '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"readonly":"yes"}}\n',
      /policy\.jsonl:1: spec\.readonly: expected a boolean, got "yes"$/,
    ],
    [
      'unknown version',
      '{"apiVersion":"abac.authorization.kubernetes.io/v2","kind":"Policy","spec":{}}\n',
      /policy\.jsonl:1: unrecognized object: apiVersion "abac\.authorization\.kubernetes\.io\/v2", kind "Policy"/,
    ],
    ['v0 field types too', '{"user": 7}\n', /policy\.jsonl:1: user: expected a string, got 7$/],
  ];
  for (const [name, text, re] of cases) {
    it(name, () => {
      const file = join(dir, 'policy.jsonl');
      writeFileSync(file, text);
      assert.throws(
        () => loadAbacPolicyFile(file),
        (e: unknown) => e instanceof PolicyFileError && re.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  it('a missing file is one line naming it', () => {
    const file = join(dir, 'missing.jsonl');
    assert.throws(
      () => loadAbacPolicyFile(file),
      (e: unknown) => e instanceof PolicyFileError && e.message === `${file}: cannot read the policy file: ENOENT`,
    );
  });

  it('loads a good file from disk', async () => {
    const file = join(dir, 'good.jsonl');
    writeFileSync(file, EXAMPLE);
    const abac = AbacAuthorizer.fromFile(file);
    assert.equal(abac.policies.length, 8);
    assert.equal((await abac.authorize(res(who('admin'), { verb: 'get', resource: 'x' }))).decision, 'Allow');
  });
});

describe('ABAC rule resolution', () => {
  it('lists the matching policies as rules', () => {
    const abac = new AbacAuthorizer(parseAbacPolicies(EXAMPLE, 'f'));
    const r = abac.rulesFor(who('bob', 'system:authenticated'), 'projectCaribou');
    assert.deepEqual(r.resourceRules, [
      { verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'], resourceNames: [] },
    ]);
    assert.deepEqual(r.nonResourceRules, []);
    assert.equal(abac.rulesFor(who('bob'), 'other').resourceRules.length, 0);
  });
});
