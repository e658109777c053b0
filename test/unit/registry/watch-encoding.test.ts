// A watch event is encoded once and the same bytes go to every watcher (src/registry/watch-encoding.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { encodeWatchEvent } from '../../../src/registry/watch-encoding.js';

const cm = (name: string, value: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, resourceVersion: '7' }, data: { v: value } }) as KubeObject;

describe('encodeWatchEvent', () => {
  const cases: { name: string; type: 'ADDED' | 'MODIFIED' | 'DELETED'; obj: KubeObject }[] = [
    { name: 'ascii', type: 'ADDED', obj: cm('a', 'x') },
    { name: 'multi-byte UTF-8', type: 'MODIFIED', obj: cm('b', 'ünïcødé ✓') },
    { name: 'deleted', type: 'DELETED', obj: cm('c', '') },
  ];
  for (const c of cases) {
    it(`frames ${c.name} as one JSON line of UTF-8 bytes`, () => {
      const line = encodeWatchEvent(c.type, c.obj);
      assert.ok(Buffer.isBuffer(line));
      assert.equal(line.toString('utf8'), `${JSON.stringify({ type: c.type, object: c.obj })}\n`);
    });
  }

  it('returns the same Buffer for every watcher of one event, a different one per type', () => {
    const obj = cm('shared', 'x');
    const first = encodeWatchEvent('ADDED', obj);
    assert.equal(encodeWatchEvent('ADDED', obj), first, 'encoded once, shared');
    const deleted = encodeWatchEvent('DELETED', obj);
    assert.notEqual(deleted, first);
    assert.match(deleted.toString(), /^\{"type":"DELETED"/);
  });
});
