// Issue 10, findings 1, 3 and 10 at the requestinfo level: how a request target becomes a path, the path
// RequestInfo, in linear time and as kube's requestinfo.go reads it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseRequestInfo,
  RequestInfoError,
  splitRequestTarget,
  trimTrailingSlashes,
} from '../../../src/server/requestinfo.js';

function info(method: string, target: string) {
  const { path, query } = splitRequestTarget(target);
  return parseRequestInfo(method, path, query);
}

describe('finding 1: which paths name a resource under /namespaces/<ns>/', () => {
  // method, target, resource, namespace, name, subresource, namespacedPath
  const cases: [string, string, string, string, string, string, boolean][] = [
    ['GET', '/api/v1/namespaces', 'namespaces', '', '', '', false],
    ['GET', '/api/v1/namespaces/team', 'namespaces', 'team', 'team', '', false],
    ['PUT', '/api/v1/namespaces/team/status', 'namespaces', 'team', 'team', 'status', false],
    ['PUT', '/api/v1/namespaces/team/finalize', 'namespaces', 'team', 'team', 'finalize', false],
    ['GET', '/api/v1/namespaces/team/namespaces', 'namespaces', 'team', '', '', true],
    ['GET', '/api/v1/namespaces/team/namespaces/other', 'namespaces', 'team', 'other', '', true],
    ['GET', '/api/v1/namespaces/team/namespaces/team', 'namespaces', 'team', 'team', '', true],
    ['PATCH', '/api/v1/namespaces/team/namespaces/other/status', 'namespaces', 'team', 'other', 'status', true],
    ['GET', '/api/v1/watch/namespaces/team/namespaces', 'namespaces', 'team', '', '', true],
    ['GET', '/api/v1/namespaces/team/pods/web', 'pods', 'team', 'web', '', true],
    [
      'GET',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/team/clusterroles/admin',
      'clusterroles',
      'team',
      'admin',
      '',
      true,
    ],
  ];
  for (const [method, target, resource, namespace, name, subresource, namespacedPath] of cases) {
    it(`${method} ${target}`, () => {
      const i = info(method, target);
      assert.deepEqual(
        [i.resource, i.namespace, i.name, i.subresource, i.namespacedPath],
        [resource, namespace, name, subresource, namespacedPath],
      );
    });
  }
});

describe('finding 3: slashes are trimmed in linear time', () => {
  it('/api followed by 128,000 slashes is the non-resource path it is, at once', () => {
    const start = Date.now();
    const i = info('GET', `/api${'/'.repeat(128_000)}`);
    const ms = Date.now() - start;
    assert.equal(i.isResourceRequest, false);
    assert.equal(i.path.length, 128_004);
    assert.ok(ms < 500, `took ${ms} ms`);
  });
  it('and so are 128,000 slashes before a resource path, and trimTrailingSlashes on 1 MiB of them', () => {
    let start = Date.now();
    const i = info('GET', `${'/'.repeat(128_000)}api/v1/namespaces/a/pods${'/'.repeat(128_000)}`);
    assert.deepEqual([i.isResourceRequest, i.namespace, i.resource], [true, 'a', 'pods']);
    assert.ok(Date.now() - start < 500);
    start = Date.now();
    assert.equal(trimTrailingSlashes(`/x${'/'.repeat(1 << 20)}`), '/x');
    assert.equal(trimTrailingSlashes(`${'/'.repeat(1 << 20)}x`).length, (1 << 20) + 1);
    assert.ok(Date.now() - start < 500);
  });
});

describe('finding 10: the request target and its escapes', () => {
  it('reads //api/v1/secrets as a path (not a host), as Go reads an origin-form target', () => {
    assert.deepEqual(splitRequestTarget('//api/v1/secrets?limit=1').path, '//api/v1/secrets');
    const i = info('GET', '//api/v1/secrets');
    assert.deepEqual([i.isResourceRequest, i.verb, i.resource, i.path], [true, 'list', 'secrets', '//api/v1/secrets']);
  });
  it('keeps the path of an absolute-form target and the query of any', () => {
    const t = splitRequestTarget('https://kauth:6443/api/v1/pods?labelSelector=a%3Db&watch=1');
    assert.equal(t.path, '/api/v1/pods');
    assert.equal(t.query.get('labelSelector'), 'a=b');
    assert.throws(() => splitRequestTarget('not a target'), RequestInfoError);
  });
  // target, namespace, name: Go's URL.Path unescapes every %XX, whatever bytes it makes.
  const escapes: [string, string, string][] = [
    ['/api/v1/namespaces/default/secrets/%ff', 'default', '\uFFFD'],
    ['/api/v1/namespaces/%FF%FE/secrets/x', '\uFFFD\uFFFD', 'x'],
    ['/api/v1/namespaces/d%65fault/secrets/caf%C3%A9', 'default', 'café'],
    ['/api/v1/namespaces/default/secrets/a%00b', 'default', 'a\u0000b'],
    ['/api/v1/namespaces/default/secrets/a+b', 'default', 'a+b'],
  ];
  for (const [target, namespace, name] of escapes) {
    it(`decodes ${target} after, not before, authentication can see it`, () => {
      const i = info('GET', target);
      assert.deepEqual([i.namespace, i.name], [namespace, name]);
    });
  }
  for (const bad of ['/api/v1/namespaces/%zz/pods', '/api/v1/namespaces/a%f', '/api/v1/namespaces/a%']) {
    it(`refuses ${bad}: a % that is not an escape is malformed`, () =>
      assert.throws(() => info('GET', bad), RequestInfoError));
  }
  it('decodes 100,000 escapes in linear time', () => {
    const start = Date.now();
    const i = info('GET', `/api/v1/namespaces/default/configmaps/${'%61'.repeat(100_000)}`);
    assert.equal(i.name, 'a'.repeat(100_000));
    assert.ok(Date.now() - start < 500);
  });
});

describe('the name a field selector gives a list (fieldSelector.RequiresExactMatch)', () => {
  const cases: [string, string][] = [
    ['fieldSelector=metadata.name%3Dweb', 'web'],
    ['fieldSelector=metadata.name%3D%3Dweb', 'web'],
    ['fieldSelector=metadata.name!%3Dweb', ''],
    ['fieldSelector=metadata.namespace%3Dx,metadata.name%3Dweb', 'web'],
    ['fieldSelector=metadata.name%3Db,metadata.name%3Da', 'a'], // sorted, as Go sorts the terms
    ['fieldSelector=metadata.name%3Da%5C,b', 'a,b'], // \, is an escaped comma
    ['fieldSelector=metadata.name%20%3Dweb', ''], // no trimming: "metadata.name " is another field
    ['fieldSelector=metadata.name%3D..', ''], // not a valid path segment name
    ['fieldSelector=metadata.name%3Dweb&labelSelector=%3Dbad', ''], // list options that do not decode name nothing
    [`fieldSelector=metadata.name%3Dweb${'%20'.repeat(40_000)}`, ''], // over the selector budget
  ];
  for (const [query, name] of cases) {
    it(query.slice(0, 80), () => {
      const i = info('GET', `/api/v1/namespaces/default/pods?${query}`);
      assert.deepEqual([i.verb, i.name], ['list', name]);
    });
  }
});
