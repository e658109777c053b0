import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathMatch } from '../../../src/authproxy/paths.js';
import { kubeletForbiddenBody, kubeletSubresources, verbForMethod } from '../../../src/authproxy/kubelet.js';
import { fillTemplate, parseProxyConfigFile } from '../../../src/authproxy/config-file.js';
import { rbacProxyAttributes } from '../../../src/authproxy/server.js';

test('pathMatch follows Go path.Match', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/metrics', '/metrics', true],
    ['/metrics', '/metrics/', false],
    ['/static/*', '/static/a.js', true],
    ['/static/*', '/static/a/b.js', false],
    ['/*/x', '/a/x', true],
    ['/a?c', '/abc', true],
    ['/a?c', '/a/c', false],
    ['*', '/x', false],
    ['/*', '/', true],
    ['/h*z', '/healthz', true],
    ['/h*z', '/healthzz/z', false],
  ];
  for (const [pattern, path, want] of cases) assert.equal(pathMatch(pattern, path), want, `${pattern} ${path}`);
  const t0 = Date.now();
  pathMatch('/' + '*a'.repeat(200) + 'b', '/' + 'a'.repeat(20000));
  assert.ok(Date.now() - t0 < 2000, 'adversarial pattern stays cheap');
});

test('kubelet path → nodes subresources (server/auth.go)', () => {
  const cases: Array<[string, string[]]> = [
    ['/stats', ['stats']],
    ['/stats/summary', ['stats']],
    ['/statsx', ['proxy']],
    ['/metrics/cadvisor', ['metrics']],
    ['/logs/syslog', ['log']],
    ['/checkpoint/ns/pod/c', ['checkpoint']],
    ['/pods', ['pods', 'proxy']],
    ['/healthz', ['healthz', 'proxy']],
    ['/configz', ['configz', 'proxy']],
    ['/run/ns/p/c', ['proxy']],
    ['/', ['proxy']],
  ];
  for (const [path, want] of cases) assert.deepEqual(kubeletSubresources(path), want, path);
  assert.deepEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map(verbForMethod), [
    'get',
    'get',
    'create',
    'update',
    'patch',
    'delete',
    '',
  ]);
  assert.equal(
    kubeletForbiddenBody('u', 'get', ['pods', 'proxy']),
    'Forbidden (user=u, verb=get, resource=nodes, subresource(s)=[pods proxy])\n',
  );
});

test('config file: resourceAttributes templates and rewrites', () => {
  assert.equal(fillTemplate('{{ .Value }}-{{.Value}}', 'ns'), 'ns-ns');
  assert.equal(fillTemplate('a{{ .Other }}b{{', 'x'), 'ab{{');
  const cfg = parseProxyConfigFile(
    'authorization:\n  rewrites:\n    byHTTPHeader: {name: X-Ns}\n  resourceAttributes: {resource: pods, namespace: "{{ .Value }}"}\n',
    'f',
  );
  const user = { username: 'u', groups: [] };
  const attrs = rbacProxyAttributes({ url: '/x', headers: { 'x-ns': 'demo' } }, '/x', user, 'get', cfg);
  assert.deepEqual(
    attrs.map((a) => [a.isResourceRequest, a.resource, a.namespace]),
    [[true, 'pods', 'demo']],
  );
  assert.deepEqual(rbacProxyAttributes({ url: '/x', headers: {} }, '/x', user, 'get', cfg), []);
  const plain = rbacProxyAttributes({ url: '/m?a=1', headers: {} }, '/m', user, 'create', {});
  assert.deepEqual(
    plain.map((a) => [a.isResourceRequest, a.path, a.verb]),
    [[false, '/m', 'create']],
  );
});
