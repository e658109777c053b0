// Kubernetes objects on top of the etcd-shaped Store: keys, JSON, and resourceVersion = modRevision.
// Store errors become the Statuses kube-apiserver answers with (404, 409 AlreadyExists, 409 Conflict).
import {
  alreadyExists,
  conflict,
  etcdRequestTooLarge,
  gone,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
} from '../api/errors.js';
import type { KubeObject, ObjectGetter } from '../api/types.js';
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionMismatchError,
  type KeyValue,
  type Store,
  type WatchEvent,
  type Watcher,
} from '../storage/interface.js';
import type { ResourceDef } from './types.js';
import { inGoOrder } from './json-types.js';
import { stringifyJson } from './json-walk.js';
import { MAX_STORED_OBJECT_BYTES } from './limits.js';
import { decodeShared } from './shared-decode.js';

export interface ListPage {
  items: KubeObject[];
  revision: number;
  /** The last key returned, when more remain. */
  lastKey?: string;
  remaining: number;
  /** `remaining` is a lower bound only (ListResult.remainingUncounted): no remainingItemCount. */
  remainingUncounted?: boolean;
}

export interface ObjectEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  old?: KubeObject;
  revision: number;
}

export class ObjectStore implements ObjectGetter {
  private readonly byName = new Map<string, ResourceDef>();

  constructor(
    readonly store: Store,
    readonly defs: ResourceDef[],
  ) {
    this.reindex();
  }

  /** Rebuilds the name index after `defs` changed in place (CRDs registered or removed: ResourceRegistry). */
  reindex(): void {
    this.byName.clear();
    for (const d of this.defs) {
      // A plain resource name means its first def (the core group wins, as `events` does in kubectl).
      if (!this.byName.has(d.resource)) this.byName.set(d.resource, d);
      this.byName.set(d.group ? `${d.resource}.${d.group}` : d.resource, d);
    }
  }

  /** `pods`, `clusterroles.rbac.authorization.k8s.io`, … */
  def(resource: string): ResourceDef {
    const d = this.byName.get(resource);
    if (!d) throw new Error(`unknown resource ${resource}`);
    return d;
  }

  prefix(def: ResourceDef, namespace = ''): string {
    const at = def.storedAs ?? def;
    const base = `/registry/${at.group ? `${at.group}/` : ''}${at.resource}/`;
    return def.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  key(def: ResourceDef, namespace: string, name: string): string {
    return def.namespaced ? `${this.prefix(def)}${namespace}/${name}` : `${this.prefix(def)}${name}`;
  }

  /** The stored object, seen through def when def is another group's view of it (ResourceDef.storedAs). */
  decode(kv: KeyValue, def?: ResourceDef): KubeObject {
    const obj = JSON.parse(kv.value) as KubeObject;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return def?.storedAs ? def.storedAs.fromStored(obj) : obj;
  }

  /**
   * Stored in the Go encoder's key order, with an empty resourceVersion holding its place (decode fills
   * it in), so reads are served as stored without re-ordering each response. What etcd would refuse as
   * larger than its default --max-request-bytes is refused here with etcd's error.
   */
  private encode(def: ResourceDef, key: string, obj: KubeObject): string {
    if (def.storedAs) obj = def.storedAs.toStored(obj);
    const value = stringifyJson(inGoOrder({ ...obj, metadata: { ...obj.metadata, resourceVersion: '' } }));
    if (Buffer.byteLength(key) + Buffer.byteLength(value) > MAX_STORED_OBJECT_BYTES) throw etcdRequestTooLarge();
    return value;
  }

  /** The object was read with an outdated encryption key: a no-op update must still be written (Store.isStale). */
  isStale(def: ResourceDef, obj: KubeObject): boolean {
    return (
      this.store.isStale?.(
        this.key(def, obj.metadata.namespace ?? '', obj.metadata.name!),
        Number(obj.metadata.resourceVersion),
      ) ?? false
    );
  }

  async get(resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    const def = this.def(resource);
    const kv = await this.store.get(this.key(def, namespace, name));
    return kv ? this.decode(kv, def) : undefined;
  }

  async mustGet(def: ResourceDef, namespace: string, name: string): Promise<KubeObject> {
    const kv = await this.store.get(this.key(def, namespace, name));
    if (!kv) throw notFound(def, name);
    return this.decode(kv, def);
  }

  async list(
    def: ResourceDef,
    namespace: string,
    opts: { limit?: number; after?: string; revision?: number } = {},
  ): Promise<ListPage> {
    try {
      const res = await this.store.list(this.prefix(def, namespace), opts);
      const items = res.items.map((kv) => this.decode(kv, def));
      const page: ListPage = { items, revision: res.revision, remaining: res.remaining };
      if (res.remainingUncounted) page.remainingUncounted = true;
      if (res.remaining > 0 && res.items.length) page.lastKey = res.items[res.items.length - 1]!.key;
      return page;
    } catch (e) {
      // etcd3 store's interpretListError: a continue token or an exact resourceVersion past compaction.
      if (e instanceof CompactedError && opts.after !== undefined)
        throw gone(
          `The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.`,
        );
      if (e instanceof CompactedError) throw gone('The resourceVersion for the provided list is too old.');
      throw e;
    }
  }

  async create(def: ResourceDef, obj: KubeObject): Promise<KubeObject> {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name!;
    try {
      const key = this.key(def, ns, name);
      const kv = await this.store.create(key, this.encode(def, key, obj));
      return this.decode(kv, def);
    } catch (e) {
      if (e instanceof KeyExistsError) throw alreadyExists(def, name);
      throw e;
    }
  }

  /** Writes obj if the stored revision still equals expectedRevision. */
  async update(def: ResourceDef, obj: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name!;
    try {
      const key = this.key(def, ns, name);
      const kv = await this.store.update(key, this.encode(def, key, obj), expectedRevision);
      return this.decode(kv, def);
    } catch (e) {
      if (e instanceof RevisionMismatchError) throw conflict(def, name, OPTIMISTIC_LOCK_MESSAGE);
      if (e instanceof KeyNotFoundError) throw notFound(def, name);
      throw e;
    }
  }

  async delete(def: ResourceDef, namespace: string, name: string, expectedRevision?: number): Promise<KubeObject> {
    try {
      const kv = await this.store.delete(this.key(def, namespace, name), expectedRevision);
      return this.decode(kv, def);
    } catch (e) {
      if (e instanceof RevisionMismatchError) throw conflict(def, name, OPTIMISTIC_LOCK_MESSAGE);
      if (e instanceof KeyNotFoundError) throw notFound(def, name);
      throw e;
    }
  }

  /**
   * Read-modify-write with retries on conflict, for controllers and internal writers.
   * mutate returns the new object, or undefined to leave it alone.
   */
  async guaranteedUpdate(
    def: ResourceDef,
    namespace: string,
    name: string,
    mutate: (cur: KubeObject) => KubeObject | undefined,
  ): Promise<KubeObject | undefined> {
    for (let attempt = 0; attempt < 16; attempt++) {
      const kv = await this.store.get(this.key(def, namespace, name));
      if (!kv) return undefined;
      const cur = this.decode(kv, def);
      const next = mutate(structuredClone(cur));
      if (!next) return cur;
      try {
        return await this.update(def, next, kv.modRevision);
      } catch (e) {
        if ((e as { reason?: string }).reason === 'Conflict') continue;
        throw e;
      }
    }
    throw conflict(def, name, OPTIMISTIC_LOCK_MESSAGE);
  }

  /** Object-level events for one resource (optionally one namespace), from a revision. */
  watch(
    def: ResourceDef,
    namespace: string,
    fromRevision: number,
    onEvent: (ev: ObjectEvent) => void,
    onError?: (e: Error) => void,
  ): Watcher {
    // Decoded once per store event and shared by all its watchers (shared-decode.ts): never mutate them.
    const decode = (kv: KeyValue): KubeObject => decodeShared(kv, def, (v) => this.decode(v, def));
    return this.store.watch(
      this.prefix(def, namespace),
      { fromRevision },
      (ev: WatchEvent) => {
        if (ev.type === 'DELETE') {
          const object = decode(ev.kv);
          onEvent({ type: 'DELETED', object, revision: ev.kv.modRevision });
        } else {
          onEvent({
            type: ev.created ? 'ADDED' : 'MODIFIED',
            object: decode(ev.kv),
            old: ev.prevKv ? decode(ev.prevKv) : undefined,
            revision: ev.kv.modRevision,
          });
        }
      },
      onError,
    );
  }
}
