// Leader election as kube-controller-manager does it (client-go tools/leaderelection with a LeaseLock):
// one coordination.k8s.io/v1 Lease in kube-system, taken when it is free or when the record this process
// last observed has not changed for leaseDuration (local observation time, so clocks need not agree),
// renewed every retryPeriod, given up when no renewal succeeded within renewDeadline, released on a clean
// stop. The Lease lives at kube's key /registry/leases/<ns>/<name> and is written straight through the
// Store (compare-and-swap on its revision), so election works whether or not the leases API is served.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { log } from '../log.js';
import { KeyExistsError, KeyNotFoundError, RevisionMismatchError, type Store } from '../storage/interface.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface LeaderElectionOptions {
  store: Store;
  /** The Lease's namespace and name (kube-controller-manager: kube-system/kube-controller-manager). */
  namespace?: string;
  name?: string;
  /** The Store key of the Lease (default: kube's, /registry/leases/<namespace>/<name>). */
  key?: string;
  /** This candidate's identity (client-go: hostname + "_" + a UUID). */
  identity?: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

/** The etcd key kube-apiserver stores a Lease under. */
export function leaseKey(namespace: string, name: string): string {
  return `/registry/leases/${namespace}/${name}`;
}

/** metav1.MicroTime: RFC 3339 in UTC with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly identity: string;
  private readonly namespace: string;
  private readonly name: string;
  private leading = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  /** The last record seen and when this process first saw it (client-go's observedRecord/observedTime). */
  private observed?: { record: string; at: number; leaseMs: number };
  private lastRenewal = 0;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.namespace = opts.namespace ?? 'kube-system';
    this.name = opts.name ?? 'kube-controller-manager';
    this.identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops campaigning; a leader stops leading and releases the Lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.setLeading(false);
    try {
      await this.write((spec) =>
        spec.holderIdentity === this.identity
          ? {
              holderIdentity: '',
              leaseDurationSeconds: 1,
              acquireTime: microTime(Date.now()),
              renewTime: microTime(Date.now()),
              leaseTransitions: spec.leaseTransitions ?? 0,
            }
          : undefined,
      );
    } catch (err) {
      log.warn(
        { err: (err as Error).message, lease: `${this.namespace}/${this.name}` },
        'could not release the leader lease',
      );
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let acquired = false;
    try {
      acquired = await this.tryAcquireOrRenew();
    } catch (err) {
      log.warn(
        { err: (err as Error).message, lease: `${this.namespace}/${this.name}` },
        'error retrieving or updating the leader lease',
      );
    }
    if (this.stopped) return;
    const now = Date.now();
    if (acquired) {
      this.lastRenewal = now;
      if (!this.leading) {
        log.info({ identity: this.identity, lease: `${this.namespace}/${this.name}` }, 'successfully acquired lease');
        this.setLeading(true);
      }
    } else if (this.leading && now - this.lastRenewal > this.opts.renewDeadlineMs) {
      log.error({ identity: this.identity, lease: `${this.namespace}/${this.name}` }, 'leaderelection lost');
      this.setLeading(false);
    }
    this.schedule(this.nextDelay(now));
  }

  /**
   * A leader renews every retryPeriod. A candidate retries every retryPeriod with client-go's jitter, but
   * also exactly when the holder's lease would expire, so a dead leader is replaced leaseDuration after
   * its last observed renewal rather than up to a retry period later.
   */
  private nextDelay(now: number): number {
    const retry = this.opts.retryPeriodMs;
    if (this.leading) return retry;
    const jittered = retry * (1 + 0.2 * Math.random());
    if (!this.observed) return jittered;
    const untilExpiry = this.observed.at + this.observed.leaseMs - now + 5;
    return Math.max(0, Math.min(jittered, untilExpiry));
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    try {
      if (leading) this.opts.onStartedLeading();
      else this.opts.onStoppedLeading();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'leader election callback failed');
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    const leaseSeconds = Math.round(this.opts.leaseDurationMs / 1000);
    const written = await this.write((spec) => {
      const holder = spec.holderIdentity ?? '';
      const held = holder !== '' && holder !== this.identity;
      if (held && this.observed && this.observed.at + this.observed.leaseMs > now) return undefined;
      if (holder === this.identity) return { ...spec, leaseDurationSeconds: leaseSeconds, renewTime: microTime(now) };
      return {
        holderIdentity: this.identity,
        leaseDurationSeconds: leaseSeconds,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === '' && spec.leaseTransitions === undefined ? 0 : 1),
      };
    });
    if (written) this.observe(written, now);
    return written !== undefined;
  }

  private observe(spec: LeaseSpec, now: number): void {
    const record = JSON.stringify(spec);
    if (this.observed?.record === record) return;
    this.observed = { record, at: now, leaseMs: (spec.leaseDurationSeconds ?? 0) * 1000 };
  }

  /**
   * Reads the Lease, asks decide for the new spec (undefined: leave it), and writes it with
   * compare-and-swap; a lost race is "not acquired". Returns the spec written.
   */
  private async write(decide: (spec: LeaseSpec) => LeaseSpec | undefined): Promise<LeaseSpec | undefined> {
    const key = this.opts.key ?? leaseKey(this.namespace, this.name);
    const kv = await this.opts.store.get(key);
    const now = Date.now();
    try {
      if (!kv) {
        const spec = decide({});
        if (!spec) return undefined;
        const lease = {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: this.name,
            namespace: this.namespace,
            uid: randomUUID(),
            resourceVersion: '',
            creationTimestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
          spec,
        };
        await this.opts.store.create(key, JSON.stringify(lease));
        return spec;
      }
      const lease = JSON.parse(kv.value) as { spec?: LeaseSpec; metadata: Record<string, unknown> };
      const current = lease.spec ?? {};
      this.observe(current, now);
      const spec = decide(current);
      if (!spec) return undefined;
      await this.opts.store.update(
        key,
        JSON.stringify({ ...lease, metadata: { ...lease.metadata, resourceVersion: '' }, spec }),
        kv.modRevision,
      );
      return spec;
    } catch (err) {
      if (err instanceof KeyExistsError || err instanceof RevisionMismatchError || err instanceof KeyNotFoundError)
        return undefined;
      throw err;
    }
  }
}

/** Anything leadership pauses and resumes: the controllers' work queues. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/**
 * The controllers of one replica, run only while it leads: queues join paused (before their informers
 * deliver anything) and all resume when this replica acquires the Lease; they pause again if it is lost.
 */
export class LeaderGate {
  private readonly members: Pausable[] = [];
  private leading = false;

  add(...items: Pausable[]): void {
    for (const item of items) {
      this.members.push(item);
      if (this.leading) item.resume();
      else item.pause();
    }
  }

  started(): void {
    this.leading = true;
    for (const item of this.members) item.resume();
  }

  stopped(): void {
    this.leading = false;
    for (const item of this.members) item.pause();
  }
}
