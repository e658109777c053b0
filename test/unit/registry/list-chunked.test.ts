// Unpaged LISTs encoded in chunks (src/registry/list-encoder.ts): byte for byte the document a single
// encode would give (compact and pretty), across chunk boundaries and with selectors, and other
// requests are answered between the chunks instead of after the whole list.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LIST_CHUNK } from '../../../src/registry/list-encoder.js';
import { Api } from './harness.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const COUNT = LIST_CHUNK * 2 + 37;

let api: Api;
before(async () => {
  api = new Api();
  await api.namespace('demo');
  const def = api.objects.def('configmaps');
  await Promise.all(
    Array.from({ length: COUNT }, (_, i) =>
      api.objects.create(def, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `cm-${String(i).padStart(5, '0')}`,
          namespace: 'demo',
          labels: { even: String(i % 2 === 0) },
        },
        data: { i: String(i) },
      }),
    ),
  );
});

/** Every item, walked with limit/continue: the reference the chunked answer must equal. */
async function walk(query = ''): Promise<unknown[]> {
  const items: unknown[] = [];
  let token = '';
  for (;;) {
    const page = await api.ok('GET', `${CM}?limit=100${query}${token ? `&continue=${token}` : ''}`);
    items.push(...page.items);
    if (!page.metadata.continue) return items;
    token = page.metadata.continue;
  }
}

describe('unpaged list in chunks', () => {
  const cases = [
    { name: 'compact JSON', query: '', userAgent: 'kubectl/v1.31', pretty: false },
    { name: 'pretty JSON for curl', query: '', userAgent: 'curl/8.5.0', pretty: true },
    {
      name: 'a label selector across chunks',
      query: '&labelSelector=even%3Dtrue',
      userAgent: 'kubectl/v1.31',
      pretty: false,
    },
    {
      name: 'a selector that matches nothing, pretty',
      query: '&labelSelector=even%3Dmaybe',
      userAgent: 'curl/8.5.0',
      pretty: true,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await api.call('GET', `${CM}?${c.query.slice(1)}`, undefined, { userAgent: c.userAgent });
      assert.equal(r.code, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      const want = {
        kind: 'ConfigMapList',
        apiVersion: 'v1',
        metadata: { resourceVersion: r.body.metadata.resourceVersion },
        items: await walk(c.query),
      };
      assert.equal(r.text, c.pretty ? `${JSON.stringify(want, null, 2)}\n` : `${JSON.stringify(want)}\n`);
    });
  }

  it('answers a GET that arrives while a large LIST is being written', async () => {
    const order: string[] = [];
    const list = api.call('GET', CM).then(() => order.push('list'));
    const get = api.call('GET', `${CM}/cm-00001`).then(() => order.push('get'));
    await Promise.all([list, get]);
    assert.deepEqual(order, ['get', 'list']);
  });
});
