// Issue 10, finding 4: a JSON patch that copies /x into /x/cN doubles the object with every operation (a
// 1.9 KB patch made a 144 MB object). kube-apiserver caps what one patch's copies may add at 3 MiB
// (JSONPatchMaxCopyBytes → jsonpatch.AccumulatedCopySizeLimit, counted as each copied value's compact JSON)
// and answers a patch past it like any other that does not apply: 422 with the generic text of
// NewGenericServerResponse. The class: patch operation count (10,000 → 413) and the work a patch's array
// edits may do are budgeted too, and the server keeps answering /readyz while such patches arrive.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { applyPatch } from '../../../src/registry/patch.js';
import { startLiveApi, whileProbing, type LiveApi } from './live-api.js';

const JSON_PATCH = 'application/json-patch+json';
/** genericapiserver's JSONPatchMaxCopyBytes. */
const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;
const CM = '/api/v1/namespaces/demo/configmaps';

const INVALID_422 = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server rejected our request due to an error in our request',
  reason: 'Invalid',
  details: {},
  code: 422,
};

function configMap(extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'demo' }, ...extra } as KubeObject;
}

/** The finding's patch: add a value at /x, then copy /x into /x/c1 … /x/cN, each copy twice the last. */
function doublingPatch(seedBytes: number, copies: number): string {
  const ops: unknown[] = [{ op: 'add', path: '/x', value: { seed: 'a'.repeat(seedBytes) } }];
  for (let i = 1; i <= copies; i++) ops.push({ op: 'copy', from: '/x', path: `/x/c${i}` });
  return JSON.stringify(ops);
}

/** One copy of a string whose compact JSON is exactly `bytes` long. */
function copyOf(bytes: number): string {
  return JSON.stringify([
    { op: 'add', path: '/s', value: 'a'.repeat(bytes - 2) },
    { op: 'copy', from: '/s', path: '/t' },
  ]);
}

function rejected(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return (e as { toStatus?: () => unknown }).toStatus?.() ?? e;
  }
  return 'applied';
}

describe('JSON patch copy budget (AccumulatedCopySizeLimit, 3 MiB)', () => {
  const cases: { name: string; patch: string; applies: boolean }[] = [
    { name: 'a few small copies apply', patch: doublingPatch(100, 3), applies: true },
    { name: 'copies adding exactly 3 MiB apply', patch: copyOf(MAX_JSON_PATCH_COPY_BYTES), applies: true },
    { name: 'one byte more is refused', patch: copyOf(MAX_JSON_PATCH_COPY_BYTES + 1), applies: false },
    // 1 KiB doubled 12 times: the copies add 4 MiB. Unbudgeted, 30 copies would make 1 TiB.
    { name: 'the doubling attack is refused', patch: doublingPatch(1024, 12), applies: false },
    { name: "the finding's 30 doublings are refused at once", patch: doublingPatch(1024, 30), applies: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const start = performance.now();
      const out = rejected(() => applyPatch(JSON_PATCH, configMap(), c.patch));
      assert.deepEqual(out, c.applies ? 'applied' : INVALID_422);
      assert.ok(performance.now() - start < 2000, `took ${performance.now() - start} ms`);
    });
  }

  it('counts copies as Go writes them: compact, HTML-escaped, UTF-8', async () => {
    const { encodedSize } = await import('../../../src/registry/json-walk.js');
    const table: [unknown, number][] = [
      ['a', 3],
      ['<&>', 2 + 18],
      ['é', 4],
      ['😀', 6],
      ['\n\t"\\', 10],
      ['\u0001', 8],
      ['\u2028', 8],
      [{ a: [1, true, null] }, '{"a":[1,true,null]}'.length],
      [[], 2],
      [{}, 2],
      [12.5, 4],
    ];
    for (const [value, bytes] of table) assert.equal(encodedSize(value), bytes, JSON.stringify(value));
  });
});

describe('JSON patch operation and work budgets', () => {
  it('more than 10,000 operations: 413 as patch.go words it', () => {
    const ops = JSON.stringify(
      Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' })),
    );
    assert.deepEqual(
      rejected(() => applyPatch(JSON_PATCH, configMap(), ops)),
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
        reason: 'RequestEntityTooLarge',
        code: 413,
      },
    );
  });

  it('10,000 inserts at the head of a 200,000-element array are refused, quickly', () => {
    const ops: unknown[] = [{ op: 'add', path: '/x', value: new Array(200_000).fill(0) }];
    for (let i = 0; i < 9_999; i++) ops.push({ op: 'add', path: '/x/0', value: 1 });
    const start = performance.now();
    assert.deepEqual(
      rejected(() => applyPatch(JSON_PATCH, configMap(), JSON.stringify(ops))),
      INVALID_422,
    );
    assert.ok(performance.now() - start < 2000, `took ${performance.now() - start} ms`);
  });

  it('keeps evanphx/json-patch v4 semantics', () => {
    const table: { ops: unknown[]; want: unknown }[] = [
      {
        ops: [
          { op: 'add', path: '/data', value: { a: 'b' } },
          { op: 'copy', from: '/data/a', path: '/data/c' },
        ],
        want: { a: 'b', c: 'b' },
      },
      // A negative index counts from the end of the grown array: -1 appends.
      {
        ops: [
          { op: 'add', path: '/data', value: { l: [1, 2] } },
          { op: 'add', path: '/data/l/-1', value: 9 },
        ],
        want: { l: [1, 2, 9] },
      },
      {
        ops: [
          { op: 'add', path: '/data', value: { l: [1, 2] } },
          { op: 'remove', path: '/data/l/-2' },
        ],
        want: { l: [2] },
      },
      {
        ops: [
          { op: 'add', path: '/data', value: { l: [1, 2] } },
          { op: 'move', from: '/data/l/0', path: '/data/l/-' },
        ],
        want: { l: [2, 1] },
      },
      // v4's replace of a missing object key adds it.
      { ops: [{ op: 'replace', path: '/data', value: { a: 'x' } }], want: { a: 'x' } },
      {
        ops: [
          { op: 'add', path: '/data', value: { a: null } },
          { op: 'test', path: '/data/b', value: null },
        ],
        want: { a: null },
      },
      {
        ops: [
          { op: 'add', path: '/data', value: { 'a/b': 1, 'c~d': 2 } },
          { op: 'remove', path: '/data/a~1b' },
          { op: 'test', path: '/data/c~0d', value: 2 },
        ],
        want: { 'c~d': 2 },
      },
    ];
    for (const { ops, want } of table) {
      const out = applyPatch(JSON_PATCH, configMap(), JSON.stringify(ops)) as unknown as { data: unknown };
      assert.deepEqual(out.data, want, JSON.stringify(ops));
    }
    for (const ops of [
      [{ op: 'remove', path: '/nope' }],
      [{ op: 'add', path: '', value: {} }],
      [{ op: 'test', path: '/kind', value: 'Pod' }],
      [{ op: 'add', path: '/x/y', value: 1 }],
      [{ op: 'copy', from: '/metadata', path: '/metadata/labels/x/y' }],
      [{ op: 'frob', path: '/a' }],
    ]) {
      assert.deepEqual(
        rejected(() => applyPatch(JSON_PATCH, configMap(), JSON.stringify(ops))),
        INVALID_422,
        JSON.stringify(ops),
      );
    }
  });
});

describe('JSON patch attacks against a running server', () => {
  let live: LiveApi;
  before(async () => {
    live = await startLiveApi();
    await live.api.ok('POST', CM, { metadata: { name: 'target' }, data: { a: 'b' } });
  });
  after(async () => live.close());

  it('the doubling patch: 422, nothing stored, /readyz answering throughout', async () => {
    const { result, slowestReadyzMs, elapsedMs } = await whileProbing(live, () =>
      live.request({
        method: 'PATCH',
        path: `${CM}/target`,
        body: doublingPatch(1024, 14),
        contentType: JSON_PATCH,
      }),
    );
    assert.equal(result.code, 422, result.text.slice(0, 300));
    assert.deepEqual(result.json, INVALID_422);
    assert.ok(slowestReadyzMs < 3000 && elapsedMs < 5000, `readyz ${slowestReadyzMs} ms, patch ${elapsedMs} ms`);
    const stored = await live.api.ok('GET', `${CM}/target`);
    assert.deepEqual(stored.data, { a: 'b' });
  });

  it('head inserts into a large array: 422 within the work budget, /readyz answering', async () => {
    const ops: unknown[] = [{ op: 'add', path: '/x', value: new Array(200_000).fill(0) }];
    for (let i = 0; i < 9_999; i++) ops.push({ op: 'add', path: '/x/0', value: 1 });
    const { result, slowestReadyzMs, elapsedMs } = await whileProbing(live, () =>
      live.request({
        method: 'PATCH',
        path: `${CM}/target?dryRun=All`,
        body: JSON.stringify(ops),
        contentType: JSON_PATCH,
      }),
    );
    assert.deepEqual(result.json, INVALID_422);
    assert.ok(slowestReadyzMs < 3000 && elapsedMs < 5000, `readyz ${slowestReadyzMs} ms, patch ${elapsedMs} ms`);
  });
});
