// Table from apiserver/pkg/endpoints/request/requestinfo_test.go (TestGetAPIRequestInfo), trimmed to what kauth serves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestInfo, RequestInfoError } from '../../../src/server/requestinfo.js';

const cases: [string, string, string, string, string, string, string, string, string][] = [
  // method, url, verb, group, version, namespace, resource, subresource, name
  ['GET', '/api/v1/namespaces', 'list', '', 'v1', '', 'namespaces', '', ''],
  ['GET', '/api/v1/namespaces/other', 'get', '', 'v1', 'other', 'namespaces', '', 'other'],
  ['GET', '/api/v1/namespaces/other/pods', 'list', '', 'v1', 'other', 'pods', '', ''],
  ['GET', '/api/v1/namespaces/other/pods/foo', 'get', '', 'v1', 'other', 'pods', '', 'foo'],
  ['HEAD', '/api/v1/namespaces/other/pods/foo', 'get', '', 'v1', 'other', 'pods', '', 'foo'],
  ['GET', '/api/v1/pods', 'list', '', 'v1', '', 'pods', '', ''],
  ['POST', '/api/v1/namespaces/other/pods', 'create', '', 'v1', 'other', 'pods', '', ''],
  ['PUT', '/api/v1/namespaces/other/pods/foo', 'update', '', 'v1', 'other', 'pods', '', 'foo'],
  ['PATCH', '/api/v1/namespaces/other/pods/foo', 'patch', '', 'v1', 'other', 'pods', '', 'foo'],
  ['DELETE', '/api/v1/namespaces/other/pods/foo', 'delete', '', 'v1', 'other', 'pods', '', 'foo'],
  ['DELETE', '/api/v1/namespaces/other/pods', 'deletecollection', '', 'v1', 'other', 'pods', '', ''],
  ['GET', '/api/v1/namespaces/other/pods/foo/log', 'get', '', 'v1', 'other', 'pods', 'log', 'foo'],
  ['PUT', '/api/v1/namespaces/other/finalize', 'update', '', 'v1', 'other', 'namespaces', 'finalize', 'other'],
  ['PUT', '/api/v1/namespaces/other/status', 'update', '', 'v1', 'other', 'namespaces', 'status', 'other'],
  ['GET', '/api/v1/watch/namespaces/other/pods', 'watch', '', 'v1', 'other', 'pods', '', ''],
  ['GET', '/api/v1/namespaces/other/pods?watch=true', 'watch', '', 'v1', 'other', 'pods', '', ''],
  ['GET', '/api/v1/namespaces/other/pods?watch=false', 'list', '', 'v1', 'other', 'pods', '', ''],
  [
    'GET',
    '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo',
    'list',
    '',
    'v1',
    'other',
    'pods',
    '',
    'foo',
  ],
  [
    'POST',
    '/api/v1/namespaces/demo/serviceaccounts/x/token',
    'create',
    '',
    'v1',
    'demo',
    'serviceaccounts',
    'token',
    'x',
  ],
  ['GET', '/apis/apps/v1/namespaces/demo/deployments/web', 'get', 'apps', 'v1', 'demo', 'deployments', '', 'web'],
  [
    'PUT',
    '/apis/certificates.k8s.io/v1/certificatesigningrequests/jane/approval',
    'update',
    'certificates.k8s.io',
    'v1',
    '',
    'certificatesigningrequests',
    'approval',
    'jane',
  ],
  [
    'GET',
    '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    'list',
    'rbac.authorization.k8s.io',
    'v1',
    '',
    'clusterroles',
    '',
    '',
  ],
  // Go's URL.Path is unescaped: client-node sends `system%3Aauth-delegator` for `system:auth-delegator`.
  [
    'GET',
    '/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aauth-delegator',
    'get',
    'rbac.authorization.k8s.io',
    'v1',
    '',
    'clusterroles',
    '',
    'system:auth-delegator',
  ],
  ['GET', '/api/v1/namespaces/d%65mo/pods/a%2Fb', 'get', '', 'v1', 'demo', 'pods', 'b', 'a'],
  ['GET', '/api/v1/watch/namespaces/demo/pods/web', 'watch', '', 'v1', 'demo', 'pods', '', 'web'],
];

describe('parseRequestInfo: resource requests', () => {
  for (const [method, url, verb, group, version, ns, resource, sub, name] of cases) {
    it(`${method} ${url}`, () => {
      const u = new URL(url, 'https://x');
      const info = parseRequestInfo(method, u.pathname, u.searchParams);
      assert.equal(info.isResourceRequest, true);
      assert.deepEqual(
        [info.verb, info.apiGroup, info.apiVersion, info.namespace, info.resource, info.subresource, info.name],
        [verb, group, version, ns, resource, sub, name],
      );
    });
  }
});

describe('parseRequestInfo: non-resource requests', () => {
  for (const [method, path, verb] of [
    ['GET', '/', 'get'],
    ['GET', '/api', 'get'],
    ['GET', '/api/v1', 'get'],
    ['GET', '/apis', 'get'],
    ['GET', '/apis/apps', 'get'],
    ['GET', '/apis/apps/v1', 'get'],
    ['GET', '/healthz/etcd', 'get'],
    ['POST', '/version', 'post'],
    ['GET', '/openid/v1/jwks', 'get'],
  ]) {
    it(`${method} ${path}`, () => {
      const info = parseRequestInfo(method!, path!, new URLSearchParams());
      assert.equal(info.isResourceRequest, false);
      assert.equal(info.verb, verb);
      assert.equal(info.path, path);
    });
  }
  it('refuses an escape that does not decode', () => {
    assert.throws(
      () => parseRequestInfo('GET', '/api/v1/namespaces/%zz/pods', new URLSearchParams()),
      RequestInfoError,
    );
  });
  it('refuses a bare special verb', () => {
    assert.throws(() => parseRequestInfo('GET', '/api/v1/watch', new URLSearchParams()), RequestInfoError);
  });
});
