// List-then-watch over one resource, as client-go's informers do, but in-process: handlers see
// every object once at start and every change after, in revision order. The store notifies
// watchers synchronously after a commit, so a handler that feeds an index (RBAC, Node graph) is
// current before the write's HTTP response leaves — a binding works on the very next request.
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
  private readonly handlers: InformerHandlers[] = [];
  private readonly cache = new Map<string, KubeObject>();

  constructor(private readonly objects: ObjectStore, readonly def: ResourceDef) {}

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
    const page = await this.objects.list(this.def, '');
    for (const o of page.items) this.apply('upsert', o, undefined);
    this.watcher = this.objects.watch(this.def, '', page.revision, (ev) => {
      if (ev.type === 'DELETED') this.apply('remove', ev.object, undefined);
      else this.apply('upsert', ev.object, ev.old);
    }, (err) => log.error({ resource: this.def.resource, err: err.message }, 'informer watch failed'));
  }

  private apply(kind: 'upsert' | 'remove', obj: KubeObject, old: KubeObject | undefined): void {
    const key = obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
    if (kind === 'remove') this.cache.delete(key);
    else this.cache.set(key, obj);
    for (const h of this.handlers) {
      try {
        if (kind === 'remove') h.remove?.(obj);
        else h.upsert?.(obj, old ?? this.cache.get(key));
      } catch (e) {
        log.error({ resource: this.def.resource, name: obj.metadata.name, err: (e as Error).message }, 'informer handler failed');
      }
    }
  }

  stop(): void {
    this.watcher?.stop();
  }
}

/** A tiny work queue for controllers: keys deduplicated, handled one at a time, retried with backoff. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private running = false;
  private stopped = false;
  private readonly retries = new Map<string, number>();

  constructor(private readonly name: string, private readonly handle: (key: string) => Promise<void>) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.running) setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.pending.size && !this.stopped) {
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
    while (this.pending.size || this.running) await new Promise((r) => setTimeout(r, 5));
  }
}
