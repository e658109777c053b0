// LIST and WATCH through the real RestHandler: pagination, resourceVersion semantics, ListOptions
// validation (apimachinery internalversion/validation), selectors, and the watch event stream
// (cacher/watch_cache.go: initial events, selector transitions, 410 Expired, bookmarks).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Api, tick } from './harness.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const names = (list: { items: { metadata: { name: string } }[] }): string[] => list.items.map((i) => i.metadata.name);

let api: Api;
beforeEach(async () => {
  api = new Api();
  await api.namespace('demo');
});

describe('list: pagination', () => {
  it('limit and continue walk the whole list at one resourceVersion, with remainingItemCount', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await api.ok('POST', CM, { metadata: { name: n } });
    const first = await api.ok('GET', `${CM}?limit=2`);
    assert.deepEqual(names(first), ['a', 'b']);
    assert.equal(first.metadata.remainingItemCount, 3);
    await api.ok('POST', CM, { metadata: { name: 'f' } }); // after the snapshot: not in this walk
    const second = await api.ok('GET', `${CM}?limit=2&continue=${first.metadata.continue}`);
    assert.deepEqual(names(second), ['c', 'd']);
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
    const third = await api.ok('GET', `${CM}?limit=2&continue=${second.metadata.continue}`);
    assert.deepEqual(names(third), ['e']);
    assert.equal(third.metadata.continue, undefined);
  });

  it('with a selector the page is filled from matching items and remainingItemCount is left out', async () => {
    for (let i = 0; i < 6; i++)
      await api.ok('POST', CM, { metadata: { name: `c${i}`, labels: { even: String(i % 2 === 0) } } });
    const first = await api.ok('GET', `${CM}?limit=2&labelSelector=even%3Dtrue`);
    assert.deepEqual(names(first), ['c0', 'c2']);
    assert.equal(first.metadata.remainingItemCount, undefined);
    const rest = await api.ok('GET', `${CM}?limit=2&labelSelector=even%3Dtrue&continue=${first.metadata.continue}`);
    assert.deepEqual(names(rest), ['c4']);
  });

  const refusals: { name: string; query: string; code: number; message: string }[] = [
    {
      name: 'a continue token that is not base64',
      query: 'continue=%25%25',
      code: 400,
      message: 'invalid continue token: continue key is not valid: illegal base64 data at input byte 0',
    },
    {
      name: 'a continue token of another version',
      query: `continue=${Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: 'a' })).toString('base64url')}`,
      code: 400,
      message: 'invalid continue token: continue key is not valid: server does not recognize this encoded version x',
    },
    {
      name: 'a continue token with a resourceVersion',
      query: `continue=${Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, start: 'a' })).toString('base64url')}&resourceVersion=5`,
      code: 400,
      message: 'specifying resource version is not allowed when using continue',
    },
    {
      name: 'a limit that is not a number',
      query: 'limit=ten',
      code: 400,
      message: 'strconv.ParseInt: parsing "ten": invalid syntax',
    },
    {
      name: 'resourceVersionMatch without resourceVersion',
      query: 'resourceVersionMatch=NotOlderThan',
      code: 422,
      message:
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    },
    {
      name: 'Exact at resourceVersion 0',
      query: 'resourceVersionMatch=Exact&resourceVersion=0',
      code: 422,
      message:
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    },
    {
      name: 'an unknown resourceVersionMatch',
      query: 'resourceVersionMatch=Newest&resourceVersion=1',
      code: 422,
      message:
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
    },
    {
      name: 'sendInitialEvents on a list',
      query: 'sendInitialEvents=true',
      code: 422,
      message:
        'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
    },
    {
      name: 'a malformed label selector',
      query: 'labelSelector=a%20in%20b',
      code: 400,
      message: "unable to parse requirement: found 'b' expected: '('",
    },
    {
      name: 'an unknown includeObject',
      query: 'includeObject=Everything',
      code: 422,
      message:
        "TableOptions.meta.k8s.io \"\" is invalid: includeObject: Invalid value: \"Everything\": must be 'Metadata', 'Object', 'None', or empty",
    },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name}`, async () => {
      const r = await api.call(
        'GET',
        `${CM}?${c.query}`,
        undefined,
        c.query.startsWith('includeObject') ? { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } : {},
      );
      assert.equal(r.code, c.code, r.text);
      assert.equal(r.body.message, c.message);
    });
  }
});

describe('list: resourceVersion', () => {
  it('resourceVersionMatch=Exact lists the state at that revision', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const at = (await api.ok('GET', CM)).metadata.resourceVersion;
    await api.ok('POST', CM, { metadata: { name: 'b' } });
    await api.ok('DELETE', `${CM}/a`);
    assert.deepEqual(names(await api.ok('GET', `${CM}?resourceVersion=${at}&resourceVersionMatch=Exact`)), ['a']);
    assert.deepEqual(names(await api.ok('GET', `${CM}?resourceVersion=0`)), ['b']);
  });

  it('an exact revision past compaction is 410 Expired', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    await api.ok('PATCH', `${CM}/a`, { data: { x: '1' } }, { contentType: 'application/merge-patch+json' });
    await api.store.compact(await api.store.currentRevision());
    const r = await api.call('GET', `${CM}?resourceVersion=1&resourceVersionMatch=Exact`);
    assert.equal(r.code, 410);
    assert.deepEqual(r.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'The resourceVersion for the provided list is too old.',
      reason: 'Expired',
      code: 410,
    });
  });
});

describe('list: field selectors', () => {
  it("metadata.name, metadata.namespace and the kind's own fields; others are 400", async () => {
    await api.ok('POST', '/api/v1/namespaces/demo/secrets', { metadata: { name: 's1' }, type: 'Opaque' });
    await api.ok('POST', '/api/v1/namespaces/demo/secrets', {
      metadata: { name: 's2' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': '', 'tls.key': '' },
    });
    assert.deepEqual(
      names(await api.ok('GET', '/api/v1/namespaces/demo/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls')),
      ['s2'],
    );
    assert.deepEqual(
      names(await api.ok('GET', '/api/v1/secrets?fieldSelector=metadata.namespace%3Ddemo,metadata.name!%3Ds2')),
      ['s1'],
    );
    assert.equal(
      (await api.call('GET', '/api/v1/namespaces/demo/secrets?fieldSelector=spec.x%3Dy')).body.message,
      'field label not supported: spec.x',
    );
  });
});

describe('watch', () => {
  it('starts with the current state as ADDED, then streams changes with their resourceVersions', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const w = api.watch(`${CM}?watch=true`);
    await w.started;
    assert.equal(w.code(), 200);
    await api.ok('PATCH', `${CM}/a`, { data: { k: 'v' } }, { contentType: 'application/merge-patch+json' });
    await api.ok('DELETE', `${CM}/a`);
    await tick();
    const evs = w.events();
    assert.deepEqual(
      evs.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED a', 'MODIFIED a', 'DELETED a'],
    );
    assert.deepEqual(Object.keys(evs[0]!.object).slice(0, 3), ['kind', 'apiVersion', 'metadata']);
    assert.ok(Number(evs[2]!.object.metadata.resourceVersion) > Number(evs[1]!.object.metadata.resourceVersion));
    await w.close();
    assert.ok(w.ended());
  });

  it('from a resourceVersion, only what happened after it; an object leaving or entering the selector is DELETED or ADDED', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a', labels: { app: 'x' } } });
    const rv = (await api.ok('GET', CM)).metadata.resourceVersion;
    const w = api.watch(`${CM}?watch=1&resourceVersion=${rv}&labelSelector=app%3Dx`);
    await w.started;
    const merge = { contentType: 'application/merge-patch+json' };
    await api.ok('PATCH', `${CM}/a`, { metadata: { labels: { app: 'y' } } }, merge);
    await api.ok('PATCH', `${CM}/a`, { data: { ignored: 'while it does not match' } }, merge);
    await api.ok('PATCH', `${CM}/a`, { metadata: { labels: { app: 'x' } } }, merge);
    await tick();
    assert.deepEqual(
      w.events().map((e) => e.type),
      ['DELETED', 'ADDED'],
    );
    await w.close();
  });

  it('a single object by its path (/watch/…/<name>) or by fieldSelector metadata.name', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    await api.ok('POST', CM, { metadata: { name: 'b' } });
    for (const path of [
      '/api/v1/watch/namespaces/demo/configmaps/b',
      `${CM}?watch=true&fieldSelector=metadata.name%3Db`,
    ]) {
      const w = api.watch(path);
      await w.started;
      assert.deepEqual(
        w.events().map((e) => e.object.metadata.name),
        ['b'],
        path,
      );
      await w.close();
    }
  });

  it("a compacted resourceVersion is one ERROR event with 410 Expired, in the watch cache's words, then the end", async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    await api.ok('POST', CM, { metadata: { name: 'b' } });
    const compacted = await api.store.currentRevision();
    await api.store.compact(compacted);
    const w = api.watch(`${CM}?watch=true&resourceVersion=1`);
    await w.started;
    await tick();
    assert.equal(w.code(), 200);
    assert.deepEqual(w.events(), [
      {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: 1 (${compacted})`,
          reason: 'Expired',
          code: 410,
        },
      },
    ]);
    assert.ok(w.ended());
  });

  it('sendInitialEvents=true ends the initial state with the initial-events-end bookmark', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const w = api.watch(
      `${CM}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    await w.started;
    const evs = w.events();
    assert.deepEqual(
      evs.map((e) => e.type),
      ['ADDED', 'BOOKMARK'],
    );
    assert.deepEqual(evs[1]!.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    assert.equal(evs[1]!.object.kind, 'ConfigMap');
    await w.close();
  });

  it('sendInitialEvents=false without a resourceVersion starts at the current state without replaying it', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const w = api.watch(`${CM}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan`);
    await w.started;
    await api.ok('POST', CM, { metadata: { name: 'b' } });
    await tick();
    assert.deepEqual(
      w.events().map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED b'],
    );
    await w.close();
  });

  const refusals: { query: string; code: number; message: string }[] = [
    {
      query: 'resourceVersion=abc',
      code: 400,
      message: 'resourceVersion: Invalid value: "abc": must be a non-negative integer',
    },
    {
      query: 'sendInitialEvents=true',
      code: 422,
      message:
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    },
    {
      query: 'resourceVersionMatch=NotOlderThan',
      code: 422,
      message:
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    },
    { query: 'timeoutSeconds=x', code: 400, message: 'strconv.ParseInt: parsing "x": invalid syntax' },
  ];
  for (const c of refusals) {
    it(`refuses ${c.query} before any event`, async () => {
      const r = await api.call('GET', `${CM}?watch=true&${c.query}`);
      assert.equal(r.code, c.code, r.text);
      assert.equal(r.body.message, c.message);
    });
  }

  it('timeoutSeconds ends the stream', async () => {
    const w = api.watch(`${CM}?watch=true&timeoutSeconds=1`);
    await w.started;
    assert.equal(w.ended(), false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(w.ended(), true);
  });
});
