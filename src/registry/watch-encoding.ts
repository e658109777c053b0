// A watch event is encoded once per encoding, not once per watcher: the object a store event decodes to
// is shared by every watcher of that event (ObjectStore.watch), so its JSON line is cached on it — as one
// UTF-8 Buffer, which every watcher's socket writes as is (no per-watcher string-to-bytes conversion).
import type { KubeObject } from '../api/types.js';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

const lines = new WeakMap<KubeObject, Partial<Record<EventType, Buffer>>>();

/** `{"type":…,"object":…}\n`, the JSON watch framing, computed once per (object, type). */
export function encodeWatchEvent(type: EventType, object: KubeObject): Buffer {
  let byType = lines.get(object);
  if (!byType) {
    byType = {};
    lines.set(object, byType);
  }
  let line = byType[type];
  if (line === undefined) {
    line = Buffer.from(`{"type":"${type}","object":${JSON.stringify(object)}}\n`);
    byType[type] = line;
  }
  return line;
}
