// In-process fan-out of committed writes to watchers. The server is one process and every write goes
// through it, so a watcher is registered in the same synchronous step that reads its replay from the log:
// no write can fall between the replay and the live stream (no gap), and live events at or below the
// replayed revision are dropped (no duplicate).
import { log } from '../log.js';
import type { WatchEvent, Watcher } from './interface.js';
import { rowEvent, type LogRow } from './log_row.js';

/** Delivered to open watchers when their store closes, so that long-running watch requests end. */
export class StoreClosedError extends Error {
  constructor() {
    super('store closed');
    this.name = 'StoreClosedError';
  }
}

interface Subscription {
  prefix: string;
  /** Only events with a greater revision are delivered. */
  afterRevision: number;
  onEvent: (ev: WatchEvent) => void;
  onError?: (err: Error) => void;
  /** Events waiting for the first (asynchronous) flush; undefined once live events go straight through. */
  backlog?: WatchEvent[];
  stopped: boolean;
}

export class WatchHub {
  private readonly subscriptions = new Set<Subscription>();

  /**
   * Starts a watcher. `replay` holds the log rows after `afterRevision` for this prefix, read in the same
   * synchronous step as this call. They are delivered on a microtask, so the caller has its Watcher
   * before the first event; live events that arrive meanwhile queue behind them.
   */
  watch(
    prefix: string,
    afterRevision: number,
    replay: LogRow[],
    onEvent: (ev: WatchEvent) => void,
    onError?: (err: Error) => void,
  ): Watcher {
    const sub: Subscription = {
      prefix,
      afterRevision,
      onEvent,
      onError,
      backlog: replay.map(rowEvent),
      stopped: false,
    };
    this.subscriptions.add(sub);
    queueMicrotask(() => this.flush(sub));
    return { stop: () => this.stop(sub) };
  }

  /** A watcher that only reports err (e.g. CompactedError), asynchronously like any other delivery. */
  failed(err: Error, onError?: (err: Error) => void): Watcher {
    let stopped = false;
    queueMicrotask(() => {
      if (!stopped) onError?.(err);
    });
    return {
      stop: () => {
        stopped = true;
      },
    };
  }

  /** Called after each committed write, in revision order. */
  publish(row: LogRow): void {
    if (this.subscriptions.size === 0) return;
    let event: WatchEvent | undefined;
    for (const sub of Array.from(this.subscriptions)) {
      if (sub.stopped || row.id <= sub.afterRevision || !row.name.startsWith(sub.prefix)) continue;
      event ??= rowEvent(row);
      if (sub.backlog) sub.backlog.push(event);
      else this.deliver(sub, event);
    }
  }

  /** Stops every watcher and tells it the store is gone. */
  close(): void {
    for (const sub of Array.from(this.subscriptions)) {
      this.stop(sub);
      report(sub, new StoreClosedError());
    }
  }

  private flush(sub: Subscription): void {
    const backlog = sub.backlog;
    if (!backlog) return;
    // Deliveries may trigger writes that append to the backlog; keep going until it is drained.
    for (let i = 0; i < backlog.length && !sub.stopped; i++) this.deliver(sub, backlog[i]!);
    sub.backlog = undefined;
  }

  private deliver(sub: Subscription, event: WatchEvent): void {
    if (sub.stopped) return;
    try {
      sub.onEvent(event);
    } catch (err) {
      // A watcher's failure must not surface in the writer's call, whose write has already committed.
      this.stop(sub);
      report(sub, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private stop(sub: Subscription): void {
    sub.stopped = true;
    sub.backlog = undefined;
    this.subscriptions.delete(sub);
  }
}

function report(sub: Subscription, err: Error): void {
  try {
    if (sub.onError) sub.onError(err);
    else if (!(err instanceof StoreClosedError)) log.warn({ err, prefix: sub.prefix }, 'storage watcher stopped');
  } catch (thrown) {
    log.warn({ err: thrown, prefix: sub.prefix }, 'storage watcher onError threw');
  }
}
