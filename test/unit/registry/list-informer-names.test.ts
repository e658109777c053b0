// An informer limited to names (kube's metadata.name field selector), as the ConfigMap informer of the
// root-CA publisher and the authentication-trust controller is: it reads one key per namespace at start,
// caches and hands on only those names, and still sees them appear, change and go afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { Informer } from '../../../src/controllers/informer.js';
import { ObjectStore } from '../../../src/registry/object-store.js';
import { configMaps } from '../../../src/registry/resources/core.js';
import { namespaces } from '../../../src/registry/resources/namespaces.js';
import { MemoryStore } from '../../../src/storage/memory.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const cm = (ns: string, name: string, v = '1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { v },
});
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('Informer limited to names', () => {
  it('caches and delivers only the named objects, at start and from the watch', async () => {
    const store = new MemoryStore();
    const objects = new ObjectStore(store, [namespaces, configMaps]);
    for (const n of ['a', 'b', 'c']) await objects.create(namespaces, ns(n));
    await objects.create(configMaps, cm('a', 'kube-root-ca.crt'));
    await objects.create(configMaps, cm('b', 'kube-root-ca.crt'));
    for (let i = 0; i < 50; i++) await objects.create(configMaps, cm('a', `other-${i}`));
    const seen: string[] = [];
    const informer = new Informer(objects, configMaps, { names: ['kube-root-ca.crt'] }).on({
      upsert: (o) => seen.push(`upsert ${o.metadata.namespace}/${o.metadata.name} ${(o.data as { v: string }).v}`),
      remove: (o) => seen.push(`remove ${o.metadata.namespace}/${o.metadata.name}`),
    });
    await informer.start();
    assert.deepEqual(
      informer
        .list()
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
      ['a/kube-root-ca.crt', 'b/kube-root-ca.crt'],
    );

    const cases: { name: string; act: () => Promise<unknown>; want: string[] }[] = [
      { name: 'another name is ignored', act: () => objects.create(configMaps, cm('c', 'unrelated')), want: [] },
      {
        name: 'the name in a new namespace arrives',
        act: () => objects.create(configMaps, cm('c', 'kube-root-ca.crt')),
        want: ['upsert c/kube-root-ca.crt 1'],
      },
      {
        name: 'an update of the name arrives',
        act: () => objects.guaranteedUpdate(configMaps, 'a', 'kube-root-ca.crt', (o) => ({ ...o, data: { v: '2' } })),
        want: ['upsert a/kube-root-ca.crt 2'],
      },
      {
        name: 'a delete of the name arrives',
        act: () => objects.delete(configMaps, 'b', 'kube-root-ca.crt'),
        want: ['remove b/kube-root-ca.crt'],
      },
      { name: 'a delete of another name is ignored', act: () => objects.delete(configMaps, 'a', 'other-3'), want: [] },
    ];
    for (const c of cases) {
      seen.length = 0;
      await c.act();
      await tick();
      assert.deepEqual(seen, c.want, c.name);
    }
    assert.equal(informer.get('a', 'other-1'), undefined);
    assert.equal(informer.list().length, 2);
    informer.stop();
  });
});
