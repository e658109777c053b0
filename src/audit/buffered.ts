// A bounded buffer between the request path and a slow writer (kube's plugin/pkg/audit/buffered): the request
// only appends to an array; batches leave on a timer or when full, one batch in flight at a time. When the buffer
// is full the event is dropped and counted, never waited for: an audit sink must not slow or fail a request.
import { log } from '../log.js';
import type { AuditBackend } from './types.js';

export interface BufferedOptions {
  /** Events held at most (kube's --audit-*-batch-buffer-size). */
  bufferSize: number;
  /** Events per batch (--audit-*-batch-max-size). */
  maxBatchSize: number;
  /** How long a partial batch waits, ms (--audit-*-batch-max-wait); 0: as soon as the event loop is free. */
  maxWaitMs: number;
}

export class BufferedSender {
  private queue: string[] = [];
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private sending?: Promise<void>;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly name: string,
    private readonly opts: BufferedOptions,
    /** Delivers one batch; a rejection counts the batch as dropped. */
    private readonly send: (batch: string[]) => Promise<void>,
  ) {}

  add(json: string): void {
    if (this.queue.length >= this.opts.bufferSize) {
      this.drop(1, 'audit buffer queue blocked');
      return;
    }
    this.queue.push(json);
    if (this.queue.length >= this.opts.maxBatchSize) this.kick();
    else if (this.opts.maxWaitMs === 0) this.immediate ??= setImmediate(() => this.kick());
    else this.timer ??= setTimeout(() => this.kick(), this.opts.maxWaitMs).unref();
  }

  /** Sends everything queued, then stops taking events. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.sending || this.queue.length) {
      this.kick();
      await this.sending;
    }
  }

  /** Resolves once everything queued so far has been handed to the writer (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.sending || this.queue.length) {
      this.kick();
      await this.sending;
    }
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    if (this.sending || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.opts.maxBatchSize);
    this.sending = this.send(batch)
      .catch((e: Error) => this.drop(batch.length, e.message))
      .finally(() => {
        this.sending = undefined;
        if (
          this.queue.length >= this.opts.maxBatchSize ||
          (this.queue.length && (this.closed || this.opts.maxWaitMs === 0))
        )
          this.kick();
        else if (this.queue.length) this.timer ??= setTimeout(() => this.kick(), this.opts.maxWaitMs).unref();
      });
  }

  private lastWarning = 0;

  /** Counted always; logged at most every 10 s. The message never carries event content. */
  private drop(count: number, why: string): void {
    this.dropped += count;
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    log.warn({ backend: this.name, dropped: this.dropped, reason: why }, 'audit events dropped');
  }
}

/** What the log and webhook backends share: events go into a BufferedSender; each says how a batch is delivered. */
export abstract class BufferedBackend implements AuditBackend {
  abstract readonly name: string;
  protected abstract readonly sender: BufferedSender;

  get dropped(): number {
    return this.sender.dropped;
  }

  processEvent(json: string): void {
    this.sender.add(json);
  }

  flush(): Promise<void> {
    return this.sender.flush();
  }

  abstract close(): Promise<void>;
}
