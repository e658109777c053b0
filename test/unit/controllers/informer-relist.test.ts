// An informer whose watch fails (its revision compacted, as after a long etcd outage) lists again, as
// client-go's reflector does: what was deleted meanwhile is removed from the views it feeds, what changed is
// upserted, and the new watch carries on from the new list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { Informer } from '../../../src/controllers/informer.js';
import { ObjectStore } from '../../../src/registry/object-store.js';
import { configMaps } from '../../../src/registry/resources/core.js';
import { CompactedError, type Store } from '../../../src/storage/interface.js';
import { MemoryStore } from '../../../src/storage/memory.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cm = (name: string, v: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { v },
});

describe('Informer relist', () => {
  it('lists again when its watch fails, removing what was deleted and upserting what changed', async () => {
    const memory = new MemoryStore();
    // Watches are recorded so the test can fail the live one, as etcd does with compact_revision.
    const failers: Array<(err: Error) => void> = [];
    const silenced = new Set<number>();
    const store: Store = Object.assign(Object.create(memory) as Store, {
      watch: (
        prefix: string,
        opts: { fromRevision?: number },
        onEvent: Parameters<Store['watch']>[2],
        onError?: (e: Error) => void,
      ) => {
        const id = failers.length;
        failers.push((err) => onError?.(err));
        return memory.watch(
          prefix,
          opts,
          (ev) => {
            if (!silenced.has(id)) onEvent(ev);
          },
          onError,
        );
      },
    });
    const objects = new ObjectStore(store, [configMaps]);
    await objects.create(configMaps, cm('kept', '1'));
    await objects.create(configMaps, cm('gone', '1'));
    const view = new Map<string, string>();
    const informer = new Informer(objects, configMaps).on({
      upsert: (o) => view.set(o.metadata.name!, (o.data as { v: string }).v),
      remove: (o) => view.delete(o.metadata.name!),
    });
    await informer.start();
    assert.deepEqual([...view].sort(), [
      ['gone', '1'],
      ['kept', '1'],
    ]);

    // The watch misses what happens next (its stream is down), then fails as compacted.
    silenced.add(0);
    const kept = (await objects.get('configmaps', 'default', 'kept'))!;
    await objects.update(configMaps, { ...kept, data: { v: '2' } }, Number(kept.metadata.resourceVersion));
    await objects.delete(configMaps, 'default', 'gone');
    await objects.create(configMaps, cm('new', '1'));
    failers[0]!(new CompactedError(1, 5));
    for (let i = 0; i < 100 && view.has('gone'); i++) await sleep(5);
    assert.deepEqual([...view].sort(), [
      ['kept', '2'],
      ['new', '1'],
    ]);
    assert.equal(informer.get('default', 'gone'), undefined);

    // The new watch is live.
    await objects.create(configMaps, cm('after', '1'));
    for (let i = 0; i < 100 && !view.has('after'); i++) await sleep(5);
    assert.equal(view.get('after'), '1');
    assert.equal(failers.length, 2, 'one new watch, from the relist');
    informer.stop();
    await memory.close();
  });
});
