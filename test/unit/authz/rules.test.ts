// Rule matching tables after Kubernetes' rbac_test.go (TestRuleMatches) and evaluation_helpers, checked on
// both the plain functions (rules.ts) and the compiled form the index uses (compiled-rules.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule } from '../../../src/api/types.js';
import type { Attributes } from '../../../src/authz/interfaces.js';
import {
  apiGroupMatches,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  ruleAllows,
  verbMatches,
} from '../../../src/authz/rbac/rules.js';
import { CompiledRules, resourceQuery } from '../../../src/authz/rbac/compiled-rules.js';
import { res, rule, url, urlRule, who } from './helpers.js';

const u = who('alice');
const r = (verb: string, group: string, resource: string, subresource = '', name = ''): Attributes =>
  res(u, { verb, apiGroup: group, resource, subresource, name, namespace: 'ns' });

function compiledAllows(rules: PolicyRule[], a: Attributes): boolean {
  const c = new CompiledRules(rules);
  return a.isResourceRequest
    ? c.allowsResource(resourceQuery(a.verb, a.apiGroup, a.resource, a.subresource, a.name))
    : c.allowsNonResource(a.verb, a.path);
}

const cases: { name: string; rule: PolicyRule; expect: [Attributes, boolean][] }[] = [
  {
    name: 'star verb, exact match other',
    rule: rule(['*'], ['group1'], ['resource1']),
    expect: [
      [r('verb1', 'group1', 'resource1'), true],
      [r('verb1', 'group2', 'resource1'), false],
      [r('verb1', 'group1', 'resource2'), false],
      [r('verb1', 'group2', 'resource2'), false],
      [r('verb2', 'group1', 'resource1'), true],
      [r('verb2', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'star group, exact match other',
    rule: rule(['verb1'], ['*'], ['resource1']),
    expect: [
      [r('verb1', 'group1', 'resource1'), true],
      [r('verb1', 'group2', 'resource1'), true],
      [r('verb1', 'group1', 'resource2'), false],
      [r('verb2', 'group1', 'resource1'), false],
    ],
  },
  {
    name: 'star resource, exact match other',
    rule: rule(['verb1'], ['group1'], ['*']),
    expect: [
      [r('verb1', 'group1', 'resource1'), true],
      [r('verb1', 'group2', 'resource1'), false],
      [r('verb1', 'group1', 'resource2'), true],
      [r('verb1', 'group1', 'resource1', 'sub'), true],
      [r('verb2', 'group1', 'resource1'), false],
    ],
  },
  {
    name: 'tuple expansion',
    rule: rule(['verb1', 'verb2'], ['group1', 'group2'], ['resource1', 'resource2']),
    expect: [
      [r('verb1', 'group1', 'resource1'), true],
      [r('verb1', 'group2', 'resource1'), true],
      [r('verb1', 'group1', 'resource2'), true],
      [r('verb2', 'group2', 'resource2'), true],
      [r('verb3', 'group1', 'resource1'), false],
    ],
  },
  {
    name: 'subresource expansion',
    rule: rule(['*'], ['*'], ['resource1/subresource1']),
    expect: [
      [r('verb1', 'group1', 'resource1', 'subresource1'), true],
      [r('verb1', 'group1', 'resource1', 'subresource2'), false],
      [r('verb1', 'group1', 'resource1'), false],
      [r('verb1', 'group1', 'resource2', 'subresource1'), false],
    ],
  },
  {
    name: 'pods does not grant pods/log',
    rule: rule(['get'], [''], ['pods']),
    expect: [
      [r('get', '', 'pods'), true],
      [r('get', '', 'pods', 'log'), false],
      [r('get', '', 'pods', '', 'x'), true],
    ],
  },
  {
    name: '*/status grants every status subresource, nothing else',
    rule: rule(['update'], ['*'], ['*/status']),
    expect: [
      [r('update', 'apps', 'deployments', 'status'), true],
      [r('update', '', 'pods', 'status'), true],
      [r('update', '', 'pods'), false],
      [r('update', '', 'pods', 'statuses'), false],
      [r('update', '', 'pods', 'xstatus'), false],
    ],
  },
  {
    name: 'resourceNames: exact names only; list and create (no name) fail',
    rule: rule(['get', 'list', 'create'], [''], ['configmaps'], ['a', 'b']),
    expect: [
      [r('get', '', 'configmaps', '', 'a'), true],
      [r('get', '', 'configmaps', '', 'b'), true],
      [r('get', '', 'configmaps', '', 'c'), false],
      [r('list', '', 'configmaps'), false],
      [r('create', '', 'configmaps'), false],
    ],
  },
  {
    name: 'empty verbs or groups grant nothing',
    rule: rule([], [''], ['pods']),
    expect: [[r('get', '', 'pods'), false]],
  },
  {
    name: 'request verb * only matches a * rule verb',
    rule: rule(['get'], [''], ['pods']),
    expect: [[r('*', '', 'pods'), false]],
  },
  {
    name: 'star nonresource, exact match other',
    rule: urlRule(['verb1'], ['*']),
    expect: [
      [url(u, 'verb1', '/foo'), true],
      [url(u, 'verb1', '/foo/bar'), true],
      [url(u, 'verb1', '/foo/baz/one'), true],
      [url(u, 'verb2', '/foo'), false],
    ],
  },
  {
    name: 'star nonresource subpath',
    rule: urlRule(['verb1'], ['/foo/*']),
    expect: [
      [url(u, 'verb1', '/foo'), false],
      [url(u, 'verb1', '/foo/bar'), true],
      [url(u, 'verb1', '/foo/baz'), true],
      [url(u, 'verb1', '/foo/bar/one'), true],
      [url(u, 'verb2', '/foo/bar'), false],
    ],
  },
  {
    name: 'star verb, exact nonresource',
    rule: urlRule(['*'], ['/foo', '/foo/bar/one']),
    expect: [
      [url(u, 'verb1', '/foo'), true],
      [url(u, 'verb1', '/foo/bar'), false],
      [url(u, 'verb1', '/foo/baz'), false],
      [url(u, 'verb1', '/foo/bar/one'), true],
      [url(u, 'verb1', '/foo/baz/one'), false],
    ],
  },
  {
    name: 'trailing * without slash is a plain prefix; /api/* does not match /api',
    rule: urlRule(['get'], ['/healthz*', '/api/*']),
    expect: [
      [url(u, 'get', '/healthz'), true],
      [url(u, 'get', '/healthz/etcd'), true],
      [url(u, 'get', '/healthzfoo'), true],
      [url(u, 'get', '/api'), false],
      [url(u, 'get', '/api/v1'), true],
    ],
  },
  {
    name: 'a non-resource rule never grants resources and vice versa',
    rule: { verbs: ['*'], nonResourceURLs: ['*'] },
    expect: [[r('get', '', 'pods'), false]],
  },
  {
    name: 'a resource rule never grants paths',
    rule: rule(['*'], ['*'], ['*']),
    expect: [
      [url(u, 'get', '/healthz'), false],
      [r('get', 'x', 'y', 'z', 'n'), true],
    ],
  },
];

describe('RBAC rule matching', () => {
  for (const c of cases) {
    it(c.name, () => {
      for (const [attrs, want] of c.expect) {
        const label = attrs.isResourceRequest
          ? `${attrs.verb} ${attrs.apiGroup}/${attrs.resource}/${attrs.subresource} ${attrs.name}`
          : `${attrs.verb} ${attrs.path}`;
        assert.equal(ruleAllows(attrs, c.rule), want, `ruleAllows ${label}`);
        assert.equal(compiledAllows([c.rule], attrs), want, `compiled ${label}`);
      }
    });
  }

  it('the helpers match as evaluation_helpers.go does', () => {
    assert.equal(verbMatches(rule(['*'], [], []), 'anything'), true);
    assert.equal(verbMatches(rule(['get'], [], []), 'list'), false);
    assert.equal(apiGroupMatches(rule([], ['*'], []), 'apps'), true);
    assert.equal(apiGroupMatches(rule([], [''], []), 'apps'), false);
    assert.equal(resourceMatches(rule([], [], ['*/scale']), 'deployments', 'scale'), true);
    assert.equal(resourceMatches(rule([], [], ['*/scale']), 'deployments', ''), false);
    assert.equal(resourceMatches(rule([], [], ['deployments/scale']), 'deployments', 'scale'), true);
    assert.equal(resourceMatches(rule([], [], ['*']), 'deployments', 'scale'), true);
    assert.equal(resourceNameMatches(rule([], [], []), ''), true);
    assert.equal(resourceNameMatches(rule([], [], [], ['x']), ''), false);
    assert.equal(resourceNameMatches(rule([], [], [], ['']), ''), true);
    assert.equal(nonResourceURLMatches(urlRule([], ['**']), '/anything'), true);
    assert.equal(nonResourceURLMatches(urlRule([], ['/a*']), '/b'), false);
  });

  it('compiles several rules into one union (names merge per cell, unnamed wins)', () => {
    const rules = [
      rule(['get'], [''], ['secrets'], ['a']),
      rule(['get'], [''], ['secrets'], ['b']),
      rule(['list'], [''], ['secrets']),
    ];
    assert.equal(compiledAllows(rules, r('get', '', 'secrets', '', 'a')), true);
    assert.equal(compiledAllows(rules, r('get', '', 'secrets', '', 'b')), true);
    assert.equal(compiledAllows(rules, r('get', '', 'secrets', '', 'c')), false);
    assert.equal(compiledAllows(rules, r('list', '', 'secrets')), true);
    const widened = [...rules, rule(['get'], [''], ['secrets'])];
    assert.equal(compiledAllows(widened, r('get', '', 'secrets', '', 'zzz')), true);
  });
});
