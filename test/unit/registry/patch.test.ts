// Strategic merge and JSON merge patch as apimachinery applies them, for the list semantics kauth knows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { applyPatch, mergePatch, strategicMerge } from '../../../src/registry/patch.js';

const pod = (): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' }, finalizers: ['x'] },
  spec: { containers: [{ name: 'c1', image: 'i1', env: [{ name: 'A', value: '1' }] }, { name: 'c2', image: 'i2' }], volumes: [{ name: 'v1' }] },
});

describe('strategic merge patch', () => {
  const cases: { name: string; patch: Record<string, unknown>; check: (o: KubeObject) => void }[] = [
    { name: 'merges containers by name', patch: { spec: { containers: [{ name: 'c2', image: 'new' }] } }, check: (o) => assert.deepEqual((o.spec as any).containers.map((c: any) => `${c.name}=${c.image}`), ['c1=i1', 'c2=new']) },
    { name: 'adds a new container', patch: { spec: { containers: [{ name: 'c3', image: 'i3' }] } }, check: (o) => assert.equal((o.spec as any).containers.length, 3) },
    { name: '$patch: delete removes by key', patch: { spec: { containers: [{ name: 'c1', $patch: 'delete' }] } }, check: (o) => assert.deepEqual((o.spec as any).containers.map((c: any) => c.name), ['c2']) },
    { name: 'merges env inside a container', patch: { spec: { containers: [{ name: 'c1', env: [{ name: 'B', value: '2' }] }] } }, check: (o) => assert.deepEqual((o.spec as any).containers[0].env.map((e: any) => e.name), ['A', 'B']) },
    { name: 'null deletes a map key', patch: { metadata: { labels: { a: null, b: '2' } } }, check: (o) => assert.deepEqual(o.metadata.labels, { b: '2' }) },
    { name: 'finalizers are a merged set', patch: { metadata: { finalizers: ['y', 'x'] } }, check: (o) => assert.deepEqual(o.metadata.finalizers, ['x', 'y']) },
    { name: '$deleteFromPrimitiveList', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }, check: (o) => assert.deepEqual(o.metadata.finalizers, []) },
    { name: '$setElementOrder reorders', patch: { spec: { '$setElementOrder/containers': [{ name: 'c2' }, { name: 'c1' }] } }, check: (o) => assert.deepEqual((o.spec as any).containers.map((c: any) => c.name), ['c2', 'c1']) },
    { name: 'lists without a merge key are replaced', patch: { spec: { containers: [{ name: 'c1', args: ['b'] }] } }, check: (o) => assert.deepEqual((o.spec as any).containers[0].args, ['b']) },
    { name: '$patch: replace on a map', patch: { metadata: { labels: { $patch: 'replace', z: '9' } } }, check: (o) => assert.deepEqual(o.metadata.labels, { z: '9' }) },
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
    const out = applyPatch('application/json-patch+json', pod(), JSON.stringify([{ op: 'replace', path: '/metadata/labels/a', value: '2' }]));
    assert.equal(out.metadata.labels!.a, '2');
    assert.throws(() => applyPatch('application/json-patch+json', pod(), JSON.stringify([{ op: 'test', path: '/metadata/labels/a', value: 'nope' }])), (e: any) => e.code === 422);
  });
  it('refuses malformed bodies with 400 and unknown patch types with 415', () => {
    assert.throws(() => applyPatch('application/merge-patch+json', pod(), '{'), (e: any) => e.code === 400);
    assert.throws(() => applyPatch('application/apply-patch+yaml', pod(), '{}'), (e: any) => e.code === 415);
  });
});
