// Issue 10, finding 9: JSON nested 5,000–9,999 levels deep got a 500 "Maximum call stack size exceeded".
// kube-apiserver decodes up to Go's limit of 10,000 levels and refuses deeper bodies with the scanner's
// words (`invalid character '{' exceeded max depth`, 400). Every path that walks a body — create, update,
// the three patch types, virtual creates that echo their body, DeleteOptions, error texts that quote a
// value — takes the deepest acceptable body without a RangeError, and the server answers /readyz meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLiveApi, whileProbing, type LiveApi } from './live-api.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const deep = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
/** A ConfigMap whose unknown field x makes the whole body `depth` levels deep. */
const configMap = (name: string, depth: number): string =>
  `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"x":${deep(depth - 1)}}`;

describe("decode depth: Go's 10,000 levels", () => {
  let live: LiveApi;
  before(async () => {
    live = await startLiveApi();
    await live.api.ok('POST', CM, { metadata: { name: 'target' }, data: { a: 'b' } });
    await live.api.ok('POST', '/api/v1/namespaces/demo/pods', {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
  });
  after(async () => live.close());

  for (const depth of [5_000, 10_000]) {
    it(`create: a body ${depth} levels deep is decoded, its unknown field dropped with a warning`, async () => {
      const r = await live.request({ method: 'POST', path: CM, body: configMap(`deep-${depth}`, depth) });
      assert.equal(r.code, 201, r.text.slice(0, 300));
      assert.equal(r.headers.warning, '299 - "unknown field \\"x\\""');
      assert.equal('x' in r.json, false);
      const stored = await live.api.ok('GET', `${CM}/deep-${depth}`);
      assert.equal('x' in stored, false);
    });
  }

  it("create: 10,001 levels is refused as Go's scanner refuses it", async () => {
    const body = configMap('too-deep', 10_001);
    const r = await live.request({ method: 'POST', path: CM, body });
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '{' exceeded max depth (${body.slice(0, 30)} ...)`,
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('create with fieldValidation=Strict: the deep unknown field is refused by name', async () => {
    const r = await live.request({
      method: 'POST',
      path: `${CM}?fieldValidation=Strict`,
      body: configMap('strict', 10_000),
    });
    assert.equal(r.code, 400);
    assert.equal(
      r.json.message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "x"',
    );
  });

  it('update: PUT of a 10,000-level body', async () => {
    const current = await live.api.ok('GET', `${CM}/target`);
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target","resourceVersion":"${current.metadata.resourceVersion}"},"data":{"a":"c"},"x":${deep(9_999)}}`;
    const r = await live.request({ method: 'PUT', path: `${CM}/target`, body });
    assert.equal(r.code, 200, r.text.slice(0, 300));
    assert.deepEqual(r.json.data, { a: 'c' });
  });

  const patches: { type: string; body: string }[] = [
    { type: 'application/merge-patch+json', body: `{"x":${deep(9_999)}}` },
    { type: 'application/strategic-merge-patch+json', body: `{"x":${deep(9_999)}}` },
    {
      type: 'application/json-patch+json',
      body: `[{"op":"add","path":"/x","value":${deep(9_998)}},{"op":"copy","from":"/x","path":"/y"},{"op":"test","path":"/y","value":${deep(9_998)}}]`,
    },
  ];
  for (const p of patches) {
    it(`${p.type}: a 10,000-level patch applies, the unknown field dropped`, async () => {
      const r = await live.request({ method: 'PATCH', path: `${CM}/target`, body: p.body, contentType: p.type });
      assert.equal(r.code, 200, r.text.slice(0, 300));
      assert.equal('x' in r.json, false);
    });
    it(`${p.type}: past 10,000 levels, kube's decoding error`, async () => {
      const body = p.body.replace(deep(9_999), deep(10_000)).replace(deep(9_998), deep(9_999));
      const r = await live.request({ method: 'PATCH', path: `${CM}/target`, body, contentType: p.type });
      assert.equal(r.code, 400);
      const why = "invalid character '{' exceeded max depth";
      assert.equal(r.json.message, p.type.includes('strategic') ? why : `error decoding patch: ${why}`);
    });
  }

  it("a strategic merge error that quotes a 9,000-level value: kube's 500 text, not a stack overflow", async () => {
    const r = await live.request({
      method: 'PATCH',
      path: '/api/v1/namespaces/demo/pods/p',
      contentType: 'application/strategic-merge-patch+json',
      body: `{"spec":{"containers":[{"image":${deep(9_000)}}]}}`,
    });
    assert.equal(r.code, 500);
    assert.equal(r.json.reason, undefined);
    assert.ok(r.json.message.startsWith('map: map[image:map[a:map[a:'), r.json.message.slice(0, 100));
    assert.ok(r.json.message.endsWith('] does not contain declared merge key: name'));
  });

  it('a SubjectAccessReview echoes its body without the deep unknown field (or managedFields)', async () => {
    const body = `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":{"managedFields":[{"manager":"m","fieldsV1":${deep(9_990)}}]},"spec":{"user":"u","resourceAttributes":{"verb":"get","resource":"pods"},"x":${deep(9_990)}}}`;
    const r = await live.request({ method: 'POST', path: '/apis/authorization.k8s.io/v1/subjectaccessreviews', body });
    assert.equal(r.code, 201, r.text.slice(0, 300));
    assert.deepEqual(r.json.spec, { user: 'u', resourceAttributes: { verb: 'get', resource: 'pods' } });
    assert.equal(r.json.metadata.managedFields, undefined);
  });

  it('DeleteOptions 10,000 levels deep', async () => {
    await live.api.ok('POST', CM, { metadata: { name: 'doomed' } });
    const r = await live.request({
      method: 'DELETE',
      path: `${CM}/doomed`,
      body: `{"kind":"DeleteOptions","apiVersion":"v1","x":${deep(9_999)}}`,
    });
    assert.equal(r.code, 200, r.text.slice(0, 300));
  });

  it('/readyz answers while 10,000-level bodies are decoded and patched', async () => {
    const { result, slowestReadyzMs } = await whileProbing(live, () =>
      Promise.all([
        live.request({ method: 'POST', path: `${CM}?dryRun=All`, body: configMap('probe', 10_000) }),
        live.request({
          method: 'PATCH',
          path: `${CM}/target`,
          body: `{"x":${deep(9_999)}}`,
          contentType: 'application/merge-patch+json',
        }),
      ]),
    );
    assert.deepEqual(
      result.map((r) => r.code),
      [201, 200],
    );
    assert.ok(slowestReadyzMs < 3000, `readyz took ${slowestReadyzMs} ms`); // bound for a loaded 2-core CI machine
  });
});
