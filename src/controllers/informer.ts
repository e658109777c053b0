// List-then-watch over one resource, as client-go's informers do, but in-process: handlers see
// every object once at start and every change after, in revision order, whichever replica wrote it
// (on etcd the watch carries other replicas' writes). A write resolves only after this process's
// watchers have seen it (SQLite publishes synchronously after the commit; etcd waits for its own
// watch), so a handler that feeds an index (RBAC, Node graph) is current before the write's HTTP
// response leaves — a binding works on the very next request.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { KubeObject } from '../api/types.js';
import { log } from '../log.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { ResourceDef } from '../registry/types.js';
import type { Watcher } from '../storage/interface.js';

export interface InformerHandlers {
  upsert?(obj: KubeObject, old: KubeObject | undefined): void;
  remove?(obj: KubeObject): void;
}

export class Informer {
  private watcher?: Watcher;
  private stopped = false;
  private readonly handlers: InformerHandlers[] = [];
  private readonly cache = new Map<string, KubeObject>();

  /** Only objects of these names are listed, cached and handed on (kube's metadata.name field selector). */
  private readonly names?: ReadonlySet<string>;

  constructor(
    private readonly objects: ObjectStore,
    readonly def: ResourceDef,
    opts: InformerOptions = {},
  ) {
    if (opts.names) this.names = new Set(opts.names);
  }

  on(h: InformerHandlers): this {
    this.handlers.push(h);
    return this;
  }

  /** Current objects (the informer's cache), keyed `ns/name` or `name`. */
  get(namespace: string, name: string): KubeObject | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): KubeObject[] {
    return [...this.cache.values()];
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listAndWatch();
  }

  /**
   * Lists, then watches from the list's revision. When the watch fails (its revision was compacted, or a
   * shared store's stream broke for good) the informer lists again, as client-go's reflector does: objects
   * gone meanwhile are removed, the rest upserted, so the views it feeds converge.
   */
  private async listAndWatch(): Promise<void> {
    const page = this.names
      ? await listNamed(this.objects, this.def, this.names)
      : await this.objects.list(this.def, '');
    if (this.stopped) return;
    const present = new Set<string>();
    for (const o of page.items) present.add(keyOf(o));
    for (const [key, o] of [...this.cache]) if (!present.has(key)) this.apply('remove', o, undefined);
    for (const o of page.items) this.apply('upsert', o, undefined);
    this.watcher = this.objects.watch(
      this.def,
      '',
      page.revision,
      (ev) => {
        if (this.names && !this.names.has(ev.object.metadata.name!)) return;
        if (ev.type === 'DELETED') this.apply('remove', ev.object, undefined);
        else this.apply('upsert', ev.object, ev.old);
      },
      (err) => {
        if (this.stopped || err.name === 'StoreClosedError') return;
        log.warn({ resource: this.def.resource, err: err.message }, 'informer watch failed; listing again');
        const relist = (): void => {
          if (this.stopped) return;
          this.listAndWatch().catch((e: Error) => {
            log.error({ resource: this.def.resource, err: e.message }, 'informer relist failed');
            setTimeout(relist, 1000).unref();
          });
        };
        relist();
      },
    );
  }

  private apply(kind: 'upsert' | 'remove', obj: KubeObject, old: KubeObject | undefined): void {
    const key = keyOf(obj);
    if (kind === 'remove') this.cache.delete(key);
    else this.cache.set(key, obj);
    for (const h of this.handlers) {
      try {
        if (kind === 'remove') h.remove?.(obj);
        else h.upsert?.(obj, old ?? this.cache.get(key));
      } catch (e) {
        log.error(
          { resource: this.def.resource, name: obj.metadata.name, err: (e as Error).message },
          'informer handler failed',
        );
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
  }
}

/**
 * The objects of the given names: one read per name (per namespace, for a namespaced resource), so the
 * cost follows the namespaces, not the objects — a start-up with 100,000 ConfigMaps reads a few keys.
 * The reads are not one snapshot; the watch starts at the revision read first, so whatever changed
 * meanwhile is delivered again, which level-triggered handlers absorb.
 */
async function listNamed(
  objects: ObjectStore,
  def: ResourceDef,
  names: ReadonlySet<string>,
): Promise<{ items: KubeObject[]; revision: number }> {
  const revision = await objects.store.currentRevision();
  const namespaces = def.namespaced ? await namespaceNames(objects) : [''];
  const items: KubeObject[] = [];
  for (const ns of namespaces) {
    for (const name of names) {
      const kv = await objects.store.get(objects.key(def, ns, name));
      if (kv) items.push(objects.decode(kv, def));
    }
  }
  return { items, revision };
}

/** Namespace names from their keys, read in chunks with a yield between them. */
async function namespaceNames(objects: ObjectStore): Promise<string[]> {
  const prefix = objects.prefix(objects.def('namespaces'));
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await objects.store.list(prefix, { limit: 1000, after });
    for (const kv of page.items) out.push(kv.key.slice(prefix.length));
    const last = page.items[page.items.length - 1];
    if (!page.remaining || !last) return out;
    after = last.key;
    await yieldToEventLoop();
  }
}

export interface InformerOptions {
  /** Cache only objects with these names, e.g. `kube-root-ca.crt` ConfigMaps for the root-CA publisher. */
  names?: readonly string[];
}

function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

/** A tiny work queue for controllers: keys deduplicated, handled one at a time, retried with backoff. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private running = false;
  private stopped = false;
  private readonly retries = new Map<string, number>();
  /** Paused (a replica not holding the controllers' Lease): keys are kept, not handled. */
  private paused = false;

  constructor(
    private readonly name: string,
    private readonly handle: (key: string) => Promise<void>,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.running && !this.paused) setImmediate(() => void this.drain());
  }

  /** Stops handling keys after the one in hand; they accumulate (deduplicated) until resume. */
  pause(): void {
    this.paused = true;
  }

  /** Handles everything that accumulated while paused: controllers are level-triggered, so nothing is lost. */
  resume(): void {
    this.paused = false;
    if (this.pending.size && !this.running) setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.pending.size && !this.stopped && !this.paused) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      try {
        await this.handle(key);
        this.retries.delete(key);
      } catch (e) {
        const n = (this.retries.get(key) ?? 0) + 1;
        this.retries.set(key, n);
        log.warn({ controller: this.name, key, attempt: n, err: (e as Error).message }, 'controller sync failed');
        if (n < 10) setTimeout(() => this.add(key), Math.min(5000, 50 * 2 ** n)).unref();
      }
    }
    this.running = false;
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  /** Resolves when the queue is empty (tests and start-up use it). */
  async idle(): Promise<void> {
    while ((this.pending.size && !this.paused) || this.running) await new Promise((r) => setTimeout(r, 5));
  }
}
