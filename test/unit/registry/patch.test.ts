// Strategic merge and JSON merge patch as apimachinery applies them, for the list semantics kauth knows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { applyPatch, mergePatch, strategicMerge } from '../../../src/registry/patch.js';

const pod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { a: '1' }, finalizers: ['x'] },
  spec: {
    containers: [
      { name: 'c1', image: 'i1', env: [{ name: 'A', value: '1' }] },
      { name: 'c2', image: 'i2' },
    ],
    volumes: [{ name: 'v1' }],
  },
});

describe('strategic merge patch', () => {
  const cases: { name: string; patch: Record<string, unknown>; check: (o: KubeObject) => void }[] = [
    {
      name: 'merges containers by name',
      patch: { spec: { containers: [{ name: 'c2', image: 'new' }] } },
      check: (o) =>
        assert.deepEqual(
          (o.spec as any).containers.map((c: any) => `${c.name}=${c.image}`),
          ['c1=i1', 'c2=new'],
        ),
    },
    {
      name: 'adds a new container',
      patch: { spec: { containers: [{ name: 'c3', image: 'i3' }] } },
      check: (o) => assert.equal((o.spec as any).containers.length, 3),
    },
    {
      name: '$patch: delete removes by key',
      patch: { spec: { containers: [{ name: 'c1', $patch: 'delete' }] } },
      check: (o) =>
        assert.deepEqual(
          (o.spec as any).containers.map((c: any) => c.name),
          ['c2'],
        ),
    },
    // apimachinery's mergeSlice puts items new to the list before the server-only ones (normalizeElementOrder).
    {
      name: 'merges env inside a container',
      patch: { spec: { containers: [{ name: 'c1', env: [{ name: 'B', value: '2' }] }] } },
      check: (o) =>
        assert.deepEqual(
          (o.spec as any).containers[0].env.map((e: any) => e.name),
          ['B', 'A'],
        ),
    },
    {
      name: 'null deletes a map key',
      patch: { metadata: { labels: { a: null, b: '2' } } },
      check: (o) => assert.deepEqual(o.metadata.labels, { b: '2' }),
    },
    // A merged set of primitives, in the patch's order ("preserve the order from the patch in a merging int list").
    {
      name: 'finalizers are a merged set',
      patch: { metadata: { finalizers: ['y', 'x'] } },
      check: (o) => assert.deepEqual(o.metadata.finalizers, ['y', 'x']),
    },
    {
      name: '$deleteFromPrimitiveList',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
      check: (o) => assert.deepEqual(o.metadata.finalizers, []),
    },
    {
      name: '$setElementOrder reorders',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'c2' }, { name: 'c1' }] } },
      check: (o) =>
        assert.deepEqual(
          (o.spec as any).containers.map((c: any) => c.name),
          ['c2', 'c1'],
        ),
    },
    {
      name: 'lists without a merge key are replaced',
      patch: { spec: { containers: [{ name: 'c1', args: ['b'] }] } },
      check: (o) => assert.deepEqual((o.spec as any).containers[0].args, ['b']),
    },
    {
      name: '$patch: replace on a map',
      patch: { metadata: { labels: { $patch: 'replace', z: '9' } } },
      check: (o) => assert.deepEqual(o.metadata.labels, { z: '9' }),
    },
  ];
  for (const c of cases) {
    it(c.name, () => c.check(strategicMerge('Pod', [], pod() as never, c.patch as never) as unknown as KubeObject));
  }
});

describe('JSON merge patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    assert.deepEqual(mergePatch({ a: 'b' }, { a: 'c' }), { a: 'c' });
    assert.deepEqual(mergePatch({ a: 'b' }, { b: 'c' }), { a: 'b', b: 'c' });
    assert.deepEqual(mergePatch({ a: 'b' }, { a: null }), {});
    assert.deepEqual(mergePatch({ a: ['b'] }, { a: 'c' }), { a: 'c' });
    assert.deepEqual(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } }), { a: { b: 'd' } });
    assert.deepEqual(mergePatch({ a: [{ b: 'c' }] }, { a: [1] }), { a: [1] });
  });
});

describe('applyPatch', () => {
  it('applies a JSON patch and refuses a bad one with 422', () => {
    const out = applyPatch(
      'application/json-patch+json',
      pod(),
      JSON.stringify([{ op: 'replace', path: '/metadata/labels/a', value: '2' }]),
    );
    assert.equal(out.metadata.labels!.a, '2');
    assert.throws(
      () =>
        applyPatch(
          'application/json-patch+json',
          pod(),
          JSON.stringify([{ op: 'test', path: '/metadata/labels/a', value: 'nope' }]),
        ),
      (e: any) => e.code === 422,
    );
  });
  it('refuses malformed bodies with 400 and unknown patch types with 415', () => {
    assert.throws(
      () => applyPatch('application/merge-patch+json', pod(), '{'),
      (e: any) => e.code === 400,
    );
    assert.throws(
      () => applyPatch('application/apply-patch+yaml', pod(), '{}'),
      (e: any) => e.code === 415,
    );
  });
});

// Cases from apimachinery's strategicpatch/patch_test.go (customStrategicMergePatchTestCaseData and the raw
// cases), on Pod lists with the same patch metadata: containers merge by name, finalizers are a merged set.
describe("strategic merge patch: apimachinery's ordering cases", () => {
  const containers = (...names: string[]): { name: string; image: string }[] =>
    names.map((n) => ({ name: n, image: `i${n}` }));
  const podWith = (list: unknown[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: list },
  });
  const cases: { name: string; original: unknown[]; patch: Record<string, unknown>; want: string[] }[] = [
    {
      name: 'preserve the order from the patch in a merging list',
      original: containers('1', '2', '3'),
      patch: {
        containers: [
          { name: '3', image: 'c' },
          { name: '1', image: 'a' },
          { name: '2', image: 'b' },
        ],
      },
      want: ['3', '1', '2'],
    },
    {
      name: 'preserve the order from the patch in a merging list 2',
      original: containers('1', '2', '3'),
      patch: {
        containers: [
          { name: '3', image: 'c' },
          { name: '1', image: 'a' },
        ],
      },
      want: ['2', '3', '1'],
    },
    {
      name: 'a new item comes before the server-only ones',
      original: containers('1', '2'),
      patch: { containers: [{ name: '3', image: 'c' }] },
      want: ['3', '1', '2'],
    },
    {
      name: 'merge lists of maps with $setElementOrder',
      original: containers('1', '2'),
      patch: {
        '$setElementOrder/containers': [{ name: '4' }, { name: '1' }, { name: '2' }, { name: '3' }],
        containers: [
          { name: '4', image: 'd' },
          { name: '3', image: 'c' },
        ],
      },
      want: ['4', '1', '2', '3'],
    },
    {
      name: '$setElementOrder naming an item the list lacks',
      original: containers('1', '3'),
      patch: {
        '$setElementOrder/containers': [{ name: '3' }, { name: '2' }, { name: '1' }],
        containers: [
          { name: '3', image: 'x' },
          { name: '1', image: 'y' },
        ],
      },
      want: ['3', '1'],
    },
    {
      name: 'server-only items keep their place among ordered ones',
      original: containers('a', 'b', 'c'),
      patch: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'x' }] },
      want: ['b', 'c', 'a'],
    },
    {
      name: '$patch: replace inside the list',
      original: containers('1', '2'),
      patch: { containers: [{ name: '9', image: 'z' }, { $patch: 'replace' }] },
      want: ['9'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = strategicMerge(
        'Pod',
        [],
        podWith(c.original) as never,
        { spec: c.patch } as never,
      ) as unknown as KubeObject;
      assert.deepEqual(
        (out.spec as { containers: { name: string }[] }).containers.map((x) => x.name),
        c.want,
      );
    });
  }

  const primitives: { name: string; original: string[]; patch: Record<string, unknown>; want: string[] }[] = [
    {
      name: 'unique scalars when merging lists',
      original: ['a', 'b'],
      patch: { finalizers: ['b', 'c'] },
      want: ['a', 'b', 'c'],
    },
    {
      name: 'preserve the order from the patch in a merging int list',
      original: ['1', '2', '3'],
      patch: { finalizers: ['3', '1'] },
      want: ['2', '3', '1'],
    },
    {
      name: 'add and delete items in lists of scalars',
      original: ['1', '2', '3', '4'],
      patch: {
        '$setElementOrder/finalizers': ['1', '2', '4'],
        '$deleteFromPrimitiveList/finalizers': ['3'],
        finalizers: ['4'],
      },
      want: ['1', '2', '4'],
    },
  ];
  for (const c of primitives) {
    it(c.name, () => {
      const out = strategicMerge(
        'Pod',
        [],
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: c.original } } as never,
        { metadata: c.patch } as never,
      ) as unknown as KubeObject;
      assert.deepEqual(out.metadata.finalizers, c.want);
    });
  }

  it('$retainKeys clears keys it does not list; a patch key outside it is invalid', () => {
    const original = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
    };
    const out = strategicMerge(
      'Pod',
      [],
      original as never,
      { spec: { strategy: { $retainKeys: ['type'], type: 'RollingUpdate' } } } as never,
    ) as unknown as KubeObject;
    assert.deepEqual((out.spec as Record<string, unknown>).strategy, { type: 'RollingUpdate' });
    assert.throws(
      () =>
        strategicMerge(
          'Pod',
          [],
          original as never,
          { spec: { strategy: { $retainKeys: ['type'], other: 1 } } } as never,
        ),
      (e: any) => e.code === 400 && e.message === 'invalid patch format of retainKeys',
    );
  });

  it('an order list that contradicts the patch list is the plain error kube-apiserver passes through', () => {
    assert.throws(
      () =>
        strategicMerge(
          'Pod',
          [],
          podWith(containers('1', '2', '3')) as never,
          {
            spec: {
              '$setElementOrder/containers': [{ name: '1' }, { name: '2' }, { name: '3' }],
              containers: [
                { name: '3', image: 'x' },
                { name: '1', image: 'y' },
              ],
            },
          } as never,
        ),
      (e: any) =>
        e.code === 500 && /^The order in patch list:\n.*\n doesn't match \$setElementOrder\/ list:\n/.test(e.message),
    );
  });

  it('$patch: delete on a merge-keyed list item needs the key', () => {
    assert.throws(
      () =>
        strategicMerge(
          'Pod',
          [],
          podWith(containers('1')) as never,
          { spec: { containers: [{ $patch: 'delete' }] } } as never,
        ),
      (e: any) => e.message === 'map: map[$patch:delete] does not contain declared merge key: name',
    );
  });
});

describe('patch safety', () => {
  it('a __proto__ key is set as data by merge and strategic patches', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"x":"y"}}}}');
    for (const out of [
      mergePatch(pod() as never, patch),
      strategicMerge('Pod', [], pod() as never, patch),
    ] as unknown as KubeObject[]) {
      const labels = out.metadata.labels as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(labels), Object.prototype);
      assert.deepEqual(Object.prototype.hasOwnProperty.call(labels, '__proto__'), true);
      assert.equal((labels as { x?: string }).x, undefined);
    }
  });
});
