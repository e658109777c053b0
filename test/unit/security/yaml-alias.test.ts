// Issue 10, finding 7 (YAML): a 1 MB YAML body of aliases became a 30 MB ConfigMap. kube-apiserver decodes
// YAML with sigs.k8s.io/yaml over go-yaml v2, which refuses documents where aliases do most of the decoding
// (`yaml: document contains excessive aliasing`) and nesting past 10,000 levels (`exceeded max depth of
// 10000`); kauth does the same, and also refuses a body whose JSON would be larger than a body may be (413).
// Decoding runs on a worker thread with a deadline, so a slow YAML body does not hold the event loop.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLiveApi, whileProbing, type LiveApi } from './live-api.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const YAML_TYPE = 'application/yaml';
const head = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

/** runtime's summarizeData for a body that does not start with `{`: the first 30 bytes in hex. */
const summary = (text: string): string => `${Buffer.from(text).subarray(0, 30).toString('hex')} ...`;
const unrecognized = (why: string, text: string): unknown => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `the object provided is unrecognized (must be of type ConfigMap): ${why} (${summary(text)})`,
  reason: 'BadRequest',
  code: 400,
});

/** The finding's body: one 300 KB anchor, a hundred aliases of it, ~300 KB of YAML for 30 MB of JSON. */
const thirtyMegabytes =
  head('bomb') +
  `x: &a "${'a'.repeat(300_000)}"\ndata:\n${Array.from({ length: 100 }, (_, i) => `  k${i}: *a`).join('\n')}\n`;

/** Billion laughs: ten of the previous anchor at every level. */
function laughs(levels: number): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${head('laughs')}${lines.join('\n')}\n`;
}

describe('YAML bodies', () => {
  let live: LiveApi;
  before(async () => {
    live = await startLiveApi();
  });
  after(async () => live.close());

  it('aliases that would make 30 MB of JSON: 413, nothing stored', async () => {
    const r = await live.request({ method: 'POST', path: CM, body: thirtyMegabytes, contentType: YAML_TYPE });
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Request entity too large: limit is 3145728',
      reason: 'RequestEntityTooLarge',
      code: 413,
    });
    assert.equal((await live.api.call('GET', `${CM}/bomb`)).code, 404);
  });

  it("billion laughs: go-yaml's excessive aliasing, at once", async () => {
    const body = laughs(9);
    const start = performance.now();
    const r = await live.request({ method: 'POST', path: CM, body, contentType: YAML_TYPE });
    assert.deepEqual(r.json, unrecognized('yaml: document contains excessive aliasing', body));
    assert.ok(performance.now() - start < 3000);
  });

  it('aliases as manifests use them are decoded', async () => {
    const body = `${head('anchors')}  labels: &l {team: a}\n  annotations: *l\ndata: {a: &v hello, b: *v}\n`;
    const r = await live.request({ method: 'POST', path: CM, body, contentType: YAML_TYPE });
    assert.equal(r.code, 201, r.text);
    assert.deepEqual(
      [r.json.metadata.labels, r.json.metadata.annotations, r.json.data],
      [{ team: 'a' }, { team: 'a' }, { a: 'hello', b: 'hello' }],
    );
  });

  it("10,000 levels of flow nesting are decoded; one more is go-yaml's max depth", async () => {
    // The document's root map is one level of JSON: 9,999 flow levels under it make 10,000.
    const ok = `${head('deep')}x: ${'['.repeat(9_999)}${']'.repeat(9_999)}\n`;
    let r = await live.request({ method: 'POST', path: `${CM}?dryRun=All`, body: ok, contentType: YAML_TYPE });
    assert.equal(r.code, 201, r.text.slice(0, 300));
    // Within go-yaml's limit but one level past encoding/json's: the JSON decoder's error.
    const jsonDeep = `${head('deep')}x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    r = await live.request({ method: 'POST', path: CM, body: jsonDeep, contentType: YAML_TYPE });
    assert.deepEqual(
      r.json,
      unrecognized("couldn't get version/kind; json parse error: invalid character '[' exceeded max depth", jsonDeep),
    );
    const yamlDeep = `${head('deep')}x: ${'['.repeat(10_001)}${']'.repeat(10_001)}\n`;
    r = await live.request({ method: 'POST', path: CM, body: yamlDeep, contentType: YAML_TYPE });
    assert.deepEqual(r.json, unrecognized('yaml: line 5: exceeded max depth of 10000', yamlDeep));
  });

  it("repeated keys: the last wins with a warning (Warn), refused under Strict, as go-yaml's strict mode words it", async () => {
    const body = `${head('dup')}data:\n  a: "1"\n  a: "2"\n`;
    let r = await live.request({ method: 'POST', path: CM, body, contentType: YAML_TYPE });
    assert.equal(r.code, 201, r.text);
    assert.deepEqual(r.json.data, { a: '2' });
    assert.equal(
      r.headers.warning,
      `299 - ${JSON.stringify('yaml: unmarshal errors:\n  line 7: key "a" already set in map')}`,
    );
    r = await live.request({
      method: 'POST',
      path: `${CM}?fieldValidation=Strict`,
      body: body.replace('dup', 'dup2'),
      contentType: YAML_TYPE,
    });
    assert.equal(r.code, 400);
    assert.equal(
      r.json.message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 7: key "a" already set in map',
    );
  });

  it('/readyz answers while a slow YAML body (a 1 MiB list of one-letter items) is decoded', async () => {
    const body = `${head('slow')}x:\n${'- a\n'.repeat(256 * 1024)}`;
    const { result, slowestReadyzMs } = await whileProbing(live, () =>
      live.request({ method: 'POST', path: `${CM}?dryRun=All`, body, contentType: YAML_TYPE }),
    );
    assert.equal(result.code, 201, result.text.slice(0, 300));
    assert.ok(slowestReadyzMs < 3000, `readyz took ${slowestReadyzMs} ms`); // bound for a loaded 2-core CI machine
  });
});

describe('the YAML decoding thread', () => {
  it('past its deadline a body is given up (504 upstream), the thread replaced, the next body decoded', async () => {
    const { YamlDecoder, YamlDecodeTimeout } = await import('../../../src/registry/yaml-decode.js');
    const decoder = new YamlDecoder(1000);
    try {
      const slow = decoder.decode(`x:\n${'- a\n'.repeat(1024 * 1024)}`);
      const queued = decoder.decode('a: 1');
      await assert.rejects(slow, YamlDecodeTimeout);
      // Queued behind the slow one, its deadline passed too.
      await assert.rejects(queued, YamlDecodeTimeout);
      assert.deepEqual(await decoder.decode('b: [1, 2]'), { json: '{"b":[1,2]}' });
    } finally {
      await decoder.close();
    }
  });
});
