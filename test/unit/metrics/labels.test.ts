// The request metrics' label values, as kube-apiserver's endpoints/metrics computes them: CleanScope,
// CanonicalVerb + CleanVerb (LIST vs GET, WATCH, APPLY, CONNECT, "other"), cleanDryRun, and the bounds that keep
// client-chosen text (unknown subresources, paths) out of label values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundedPath, boundedSubresource, cleanDryRun, cleanScope, reportedVerb } from '../../../src/metrics/labels.js';
import { parseRequestInfo } from '../../../src/server/requestinfo.js';

const verbOf = (method: string, target: string, contentType?: string): string => {
  const [path, q = ''] = target.split('?');
  const query = new URLSearchParams(q);
  return reportedVerb({ method, contentType, query, info: parseRequestInfo(method, path!, query) });
};

test('the verb label', () => {
  const cases: [string, string, string | undefined, string][] = [
    ['GET', '/api/v1/namespaces/default/pods', undefined, 'LIST'],
    ['GET', '/api/v1/pods', undefined, 'LIST'],
    ['GET', '/api/v1/namespaces/default/pods/p', undefined, 'GET'],
    ['HEAD', '/api/v1/namespaces/default/pods/p', undefined, 'GET'],
    ['GET', '/api/v1/nodes/n', undefined, 'GET'],
    ['GET', '/api/v1/namespaces/default/pods?watch=true', undefined, 'WATCH'],
    ['GET', '/api/v1/namespaces/default/pods?watch=1', undefined, 'WATCH'],
    ['GET', '/api/v1/namespaces/default/pods?watch=0', undefined, 'LIST'],
    ['GET', '/api/v1/namespaces/default/pods?watch=False', undefined, 'LIST'],
    ['GET', '/api/v1/watch/namespaces/default/pods', undefined, 'WATCH'],
    ['POST', '/api/v1/namespaces/default/pods', undefined, 'POST'],
    ['PUT', '/api/v1/namespaces/default/pods/p', undefined, 'PUT'],
    ['PATCH', '/api/v1/namespaces/default/pods/p', 'application/merge-patch+json', 'PATCH'],
    ['PATCH', '/api/v1/namespaces/default/pods/p', 'application/apply-patch+yaml', 'APPLY'],
    ['DELETE', '/api/v1/namespaces/default/pods', undefined, 'DELETE'],
    ['POST', '/api/v1/namespaces/default/pods/p/exec', undefined, 'CONNECT'],
    ['GET', '/api/v1/namespaces/default/pods/p/log', undefined, 'CONNECT'],
    ['GET', '/api/v1/namespaces/default/pods/p/status', undefined, 'GET'],
    ['OPTIONS', '/api/v1/namespaces/default/pods', undefined, 'other'],
    ['BREW', '/api/v1/namespaces/default/pods', undefined, 'other'],
    ['GET', '/healthz', undefined, 'GET'],
  ];
  for (const [method, target, ct, want] of cases)
    assert.equal(verbOf(method, target, ct), want, `${method} ${target} ${ct ?? ''}`);
});

test('the scope label (CleanScope)', () => {
  const scope = (method: string, path: string) => cleanScope(parseRequestInfo(method, path, new URLSearchParams()));
  assert.equal(scope('GET', '/api/v1/namespaces/a/pods/p'), 'resource');
  assert.equal(scope('POST', '/api/v1/namespaces/a/pods'), 'resource');
  assert.equal(scope('GET', '/api/v1/namespaces/a/pods'), 'namespace');
  assert.equal(scope('GET', '/api/v1/pods'), 'cluster');
  assert.equal(scope('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles'), 'cluster');
  assert.equal(scope('GET', '/version'), '');
});

test('the dry_run label', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['dryRun=All', 'All'],
    ['dryRun=All&dryRun=All', 'All'],
    ['dryRun=Some', 'invalid'],
    ['dryRun=', 'invalid'],
  ];
  for (const [q, want] of cases) assert.equal(cleanDryRun(new URLSearchParams(q)), want, q);
});

test('client-chosen text never becomes a label value', () => {
  assert.equal(boundedSubresource(''), '');
  assert.equal(boundedSubresource('status'), 'status');
  assert.equal(boundedSubresource('exec'), 'exec');
  assert.equal(boundedSubresource('x'.repeat(200)), undefined);
  assert.equal(boundedPath('/readyz'), '/readyz');
  assert.equal(boundedPath('/metrics'), '/metrics');
  assert.equal(boundedPath('/users/alice/secret-path'), 'other');
});
