// One decoded object per stored event, shared by every watcher and informer of it: the store hands the
// same KeyValue to all its watchers, so 10,000 watchers parse an event's JSON once, not 10,000 times,
// and the objects informers cache are the ones the watch delivered (held once). Readers must not mutate.
import type { KubeObject } from '../api/types.js';
import type { KeyValue } from '../storage/interface.js';
import type { ResourceDef } from './types.js';

const byDef = new WeakMap<ResourceDef, WeakMap<KeyValue, KubeObject>>();

export function decodeShared(kv: KeyValue, def: ResourceDef, decode: (kv: KeyValue) => KubeObject): KubeObject {
  let cache = byDef.get(def);
  if (!cache) {
    cache = new WeakMap();
    byDef.set(def, cache);
  }
  let obj = cache.get(kv);
  if (!obj) {
    obj = decode(kv);
    cache.set(kv, obj);
  }
  return obj;
}
