// A Store decorator that encrypts the values of the configured resources on the way in and decrypts them on the
// way out (get, list, create/update results, delete results, watch events and their prevKv), as kube-apiserver's
// etcd3 store applies its value.Transformer. Keys, revisions and everything else pass through unchanged, so the
// decorator works over any backend (sqlite, memory, etcd).
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, WatchOptions, Watcher } from '../interface.js';
import type { TransformerIndex } from './resources.js';

/** Stale reads remembered at most (the oldest is forgotten first); a rewrite pass reads and writes one by one. */
const STALE_LIMIT = 10_000;

export class EncryptingStore implements Store {
  private readonly closers: (() => void)[] = [];
  /** key → modRevision of values last read with a non-writing provider or key (bounded: see STALE_LIMIT). */
  private readonly staleReads = new Map<string, number>();
  /** Watch events' values, decrypted once for all watchers (keyed by the inner store's shared KeyValue). */
  private readonly decryptedEvents = new WeakMap<KeyValue, KeyValue>();

  constructor(
    private readonly inner: Store,
    private index: TransformerIndex,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  /** Swaps the configuration (automatic reload): later writes use the new first provider, reads every provider. */
  setIndex(index: TransformerIndex): void {
    this.index = index;
  }

  /** Runs fn when the store closes (stops the config file watcher). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  private encrypt(key: string, value: string): string {
    return this.index.forKey(key).toStorage(value, key);
  }

  private decrypt(kv: KeyValue): KeyValue {
    const { value, stale } = this.index.forKey(kv.key).fromStorage(kv.value, kv.key);
    if (stale) {
      if (this.staleReads.size >= STALE_LIMIT) this.staleReads.delete(this.staleReads.keys().next().value!);
      this.staleReads.set(kv.key, kv.modRevision);
    } else if (this.staleReads.size) this.staleReads.delete(kv.key);
    return value === kv.value ? kv : { ...kv, value };
  }

  /**
   * True when the key's value at this revision was read with an older provider or key (kube's `stale`): an
   * update that changes nothing must still be written then, so that `kubectl replace` of every Secret re-encrypts
   * them with the new first key, as kube's GuaranteedUpdate writes stale objects despite equal bytes.
   */
  isStale(key: string, modRevision: number): boolean {
    return this.staleReads.get(key) === modRevision;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(key);
    return kv && this.decrypt(kv);
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    const res = await this.inner.list(prefix, opts);
    return { ...res, items: res.items.map((kv) => this.decrypt(kv)) };
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const kv = await this.inner.create(key, this.encrypt(key, value));
    return { ...kv, value };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    const kv = await this.inner.update(key, this.encrypt(key, value), expectedModRevision);
    return { ...kv, value };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.decrypt(await this.inner.delete(key, expectedModRevision));
  }

  /**
   * The store hands one KeyValue to all its watchers; decrypting it once into one shared object keeps that true
   * above this decorator (registry/shared-decode.ts parses each event once for every watcher).
   */
  private decryptShared(kv: KeyValue): KeyValue {
    let plain = this.decryptedEvents.get(kv);
    if (!plain) {
      plain = this.decrypt(kv);
      this.decryptedEvents.set(kv, plain);
    }
    return plain;
  }

  watch(
    prefix: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
    onError?: (err: Error) => void,
  ): Watcher {
    let failed = false;
    let inner: Watcher | undefined;
    inner = this.inner.watch(
      prefix,
      opts,
      (ev) => {
        if (failed) return;
        let plain: WatchEvent;
        try {
          plain = { ...ev, kv: this.decryptShared(ev.kv) };
          if (ev.prevKv) plain.prevKv = this.decryptShared(ev.prevKv);
        } catch (e) {
          // kube's watcher ends with the transform error instead of the event, never the undecryptable value;
          // the watch ends here too, so that a consumer that lists and watches again gets no duplicates.
          failed = true;
          inner?.stop();
          onError?.(e as Error);
          return;
        }
        onEvent(plain);
      },
      onError,
    );
    if (failed) inner.stop(); // failed during the replay, before watch() returned
    return inner;
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  async close(): Promise<void> {
    for (const fn of this.closers.splice(0)) fn();
    await this.inner.close();
  }
}
