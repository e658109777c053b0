// Routing answers (go-restful's 404 vs 405 with NewGenericServerResponse's texts) and hostile bodies:
// whatever a client sends, the answer is a Status with a 4xx code, never a crash or an unexplained 500.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Api } from './harness.js';

const NOT_FOUND = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server could not find the requested resource',
  reason: 'NotFound',
  details: {},
  code: 404,
};
const NOT_ALLOWED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server does not allow this method on the requested resource',
  reason: 'MethodNotAllowed',
  details: {},
  code: 405,
};

let api: Api;
beforeEach(async () => {
  api = new Api();
  await api.namespace('demo');
  await api.ok('POST', '/api/v1/namespaces/demo/configmaps', { metadata: { name: 'a' } });
});

describe('routes: 404 or 405', () => {
  const cases: [string, string, typeof NOT_FOUND | typeof NOT_ALLOWED][] = [
    ['GET', '/api/v1/namespaces/demo/configmaps/a/status', NOT_FOUND], // configmaps have no subresources
    ['GET', '/api/v1/namespaces/demo/pods/p/exec', NOT_FOUND],
    ['DELETE', '/api/v1/namespaces/demo/pods/p/status', NOT_ALLOWED],
    ['POST', '/api/v1/namespaces/demo/configmaps/a', NOT_ALLOWED],
    ['POST', '/api/v1/configmaps', NOT_ALLOWED], // the cross-namespace path is list/watch only
    ['DELETE', '/api/v1/configmaps', NOT_ALLOWED],
    ['GET', '/api/v1/configmaps/a', NOT_FOUND],
    ['GET', '/api/v1/namespaces/demo/nodes', NOT_FOUND],
    ['GET', '/api/v1/namespaces/demo/finalize', NOT_ALLOWED], // finalize is PUT-only
    ['GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', NOT_ALLOWED],
    ['GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/x', NOT_FOUND],
    ['POST', '/apis/authorization.k8s.io/v1/localsubjectaccessreviews', NOT_FOUND],
    ['POST', '/api/v1/namespaces/demo/pods/p/status', NOT_ALLOWED],
    ['GET', '/apis/example.com/v1/widgets', NOT_FOUND],
  ];
  for (const [method, path, want] of cases) {
    it(`${method} ${path}`, async () => {
      const r = await api.call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      assert.deepEqual(r.body, want);
    });
  }

  it('HEAD is served like GET, without a body', async () => {
    const r = await api.call('HEAD', '/api/v1/namespaces/demo/configmaps/a');
    assert.equal(r.code, 200);
    assert.equal(r.text, '');
  });

  it('a HEAD watch is 405 instead of a stream that can never send anything (found by the fuzz suite)', async () => {
    const r = await api.call('HEAD', '/api/v1/namespaces/demo/configmaps?watch=1');
    assert.equal(r.code, 405);
  });

  it('null values in Secret and ConfigMap data decode as empty, as Go does (was a 500)', async () => {
    const secret = await api.ok('POST', '/api/v1/namespaces/demo/secrets', {
      metadata: { name: 'nulls' },
      data: { k: null },
    });
    assert.deepEqual(secret.data, { k: '' });
    const cm = await api.ok('POST', '/api/v1/namespaces/demo/configmaps', {
      metadata: { name: 'nulls' },
      data: { k: null },
    });
    assert.deepEqual(cm.data, { k: '' });
  });

  it('names arrive percent-decoded, as Go\'s URL.Path gives them (client-node escapes ":")', async () => {
    await api.ok('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'system:auth-delegator' },
      rules: [],
    });
    assert.equal(
      (await api.ok('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aauth-delegator')).metadata.name,
      'system:auth-delegator',
    );
    assert.equal((await api.call('GET', '/api/v1/namespaces/demo/configmaps/%zz')).code, 400);
  });
});

describe('hostile bodies', () => {
  const CM = '/api/v1/namespaces/demo/configmaps';
  const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
  const cases: {
    name: string;
    method?: string;
    path?: string;
    body: string;
    contentType?: string;
    code: number;
    message?: RegExp;
  }[] = [
    {
      name: "nesting beyond Go's 10000 levels",
      body: `{"metadata":{"name":"x"},"data":${deep(20000)}}`,
      code: 400,
      message: /exceeded max depth/,
    },
    {
      name: 'nesting in a patch',
      method: 'PATCH',
      path: `${CM}/a`,
      body: `{"data":${deep(20000)}}`,
      contentType: 'application/merge-patch+json',
      code: 400,
      message: /exceeded max depth/,
    },
    {
      name: 'nesting in YAML',
      body: `metadata: {name: x}\ndata: ${'['.repeat(12000)}${']'.repeat(12000)}`,
      contentType: 'application/yaml',
      code: 400,
    },
    {
      name: 'nesting in DeleteOptions',
      method: 'DELETE',
      path: `${CM}/a`,
      body: `{"preconditions":${deep(20000)}}`,
      code: 400,
    },
    {
      name: 'truncated JSON',
      body: '{"metadata":',
      code: 400,
      message:
        /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: /,
    },
    { name: 'a JSON string', body: '"hello"', code: 400 },
    { name: 'an empty body', body: '', code: 400, message: /^the body of the request was empty$/ },
    { name: 'an unknown content type', body: '{}', contentType: 'text/csv', code: 415 },
    {
      name: 'data values that are objects',
      body: '{"metadata":{"name":"x"},"data":{"k":{"v":1}}}',
      code: 400,
      message: /cannot unmarshal object into Go struct field ConfigMap\.data of type string/,
    },
    {
      name: 'a huge array of wrong elements',
      body: JSON.stringify({ metadata: { name: 'x', finalizers: Array.from({ length: 100000 }, (_, i) => i) } }),
      code: 400,
      message: /cannot unmarshal number into Go struct field ObjectMeta\.metadata\.finalizers of type string/,
    },
    {
      name: 'a SubjectAccessReview with a numeric user',
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: '{"spec":{"user":5,"resourceAttributes":{"verb":"get"}}}',
      code: 400,
      message:
        /^SubjectAccessReview in version "v1" cannot be handled as a SubjectAccessReview: json: cannot unmarshal number into Go struct field SubjectAccessReviewSpec\.spec\.user of type string$/,
    },
    {
      name: 'a TokenReview whose token is an object',
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: '{"spec":{"token":{}}}',
      code: 400,
    },
    {
      name: 'a patch that makes metadata a string',
      method: 'PATCH',
      path: `${CM}/a`,
      body: '{"metadata":"x"}',
      contentType: 'application/merge-patch+json',
      code: 422,
    },
    {
      name: 'a JSON patch that removes metadata',
      method: 'PATCH',
      path: `${CM}/a`,
      body: '[{"op":"remove","path":"/metadata"}]',
      contentType: 'application/json-patch+json',
      code: 422,
    },
    {
      name: 'a strategic patch with an unknown directive',
      method: 'PATCH',
      path: `${CM}/a`,
      body: '{"metadata":{"$patch":"explode"}}',
      contentType: 'application/strategic-merge-patch+json',
      code: 500,
      message: /^unknown patch type: explode in map: map\[\$patch:explode\]$/,
    },
    {
      name: 'a strategic patch whose $retainKeys is not a list',
      method: 'PATCH',
      path: `${CM}/a`,
      body: '{"metadata":{"$retainKeys":"name"}}',
      contentType: 'application/strategic-merge-patch+json',
      code: 400,
      message: /^invalid patch format of retainKeys$/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await api.call(c.method ?? 'POST', c.path ?? CM, c.body, {
        contentType: c.contentType ?? 'application/json',
        raw: true,
      });
      assert.equal(r.code, c.code, r.text.slice(0, 300));
      assert.equal(r.body.kind, 'Status');
      if (c.message) assert.match(r.body.message, c.message);
      if (c.code === 500) assert.equal(r.body.reason, undefined, 'a pass-through error, not a crash');
    });
  }

  it('__proto__ keys stay data: they neither pollute prototypes nor pass validation', async () => {
    const body = '{"metadata":{"name":"x","labels":{"__proto__":"v"}},"data":{"__proto__":"y"}}';
    const r = await api.call('POST', CM, body, { raw: true });
    assert.equal(r.code, 422);
    assert.match(r.body.message, /metadata\.labels: Invalid value: "__proto__"/);
    const patched = await api.call('PATCH', `${CM}/a`, '{"data":{"__proto__":{"polluted":"yes"}}}', {
      contentType: 'application/merge-patch+json',
      raw: true,
    });
    assert.notEqual(patched.code, 500);
    const smp = await api.call('PATCH', `${CM}/a`, '{"metadata":{"annotations":{"__proto__":"x"}}}', {
      contentType: 'application/strategic-merge-patch+json',
      raw: true,
    });
    assert.notEqual(smp.code, 500);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });
});

describe('response encoding', () => {
  it('curl gets pretty JSON unless ?pretty=false; ?pretty=true gets it for anyone', async () => {
    const path = '/api/v1/namespaces/demo/configmaps/a';
    assert.match(
      (await api.call('GET', path, undefined, { userAgent: 'curl/8.5.0' })).text,
      /^\{\n {2}"kind": "ConfigMap"/,
    );
    assert.match(
      (await api.call('GET', `${path}?pretty=false`, undefined, { userAgent: 'curl/8.5.0' })).text,
      /^\{"kind":"ConfigMap"/,
    );
    assert.match(
      (await api.call('GET', `${path}?pretty=1`, undefined, { userAgent: 'kubectl/v1.35.0' })).text,
      /^\{\n/,
    );
    assert.match((await api.call('GET', path, undefined, { userAgent: 'kubectl/v1.35.0' })).text, /^\{"kind"/);
  });
});
