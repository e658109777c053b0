// kube-controller-manager's csrcleaner (k8s/pkg/controller/certificates/cleaner/cleaner.go): requests pile up
// (every kubelet renews), so old ones are deleted — issued 1h after approval, denied or failed 1h after the
// decision, pending 24h after creation, and any whose issued certificate has expired. Runs hourly.
import type { KubeObject } from '../api/types.js';
import { log } from '../log.js';
import { readCertificate } from '../pki/certificate.js';
import type { ObjectStore } from '../registry/object-store.js';
import { certificateBytes, conditionsOf } from '../registry/resources/certificates.js';
import { WorkQueue, type Informer } from './informer.js';

const HOUR = 3_600_000;
export const APPROVED_EXPIRATION_MS = HOUR;
export const DENIED_EXPIRATION_MS = HOUR;
export const FAILED_EXPIRATION_MS = HOUR;
export const PENDING_EXPIRATION_MS = 24 * HOUR;
export const POLLING_INTERVAL_MS = HOUR;

/** isOlderThan: a set timestamp more than `ms` before now. */
function olderThan(ts: string | undefined, ms: number, now: Date): boolean {
  if (!ts) return false;
  const t = Date.parse(ts);
  return !Number.isNaN(t) && now.getTime() - t > ms;
}

function issuedExpired(csr: KubeObject, now: Date): boolean {
  const pem = certificateBytes(csr);
  if (!pem.length) return false;
  try {
    return now > readCertificate(pem.toString('latin1')).notAfter;
  } catch {
    return false;
  }
}

/** Why the cleaner deletes this request now, or null to keep it. */
export function cleanupReason(csr: KubeObject, now = new Date()): string | null {
  const conds = conditionsOf(csr);
  const issued = certificateBytes(csr).length > 0;
  for (const c of conds) {
    if (c.type === 'Approved' && issued && olderThan(c.lastUpdateTime, APPROVED_EXPIRATION_MS, now))
      return 'approved and issued more than 1h ago';
    if (c.type === 'Denied' && olderThan(c.lastUpdateTime, DENIED_EXPIRATION_MS, now)) return 'denied more than 1h ago';
    if (c.type === 'Failed' && olderThan(c.lastUpdateTime, FAILED_EXPIRATION_MS, now)) return 'failed more than 1h ago';
  }
  if (conds.length === 0 && olderThan(csr.metadata.creationTimestamp, PENDING_EXPIRATION_MS, now))
    return 'pending for more than 24h';
  if (issued && conds.some((c) => c.type === 'Approved') && issuedExpired(csr, now))
    return 'its certificate has expired';
  return null;
}

export class CsrCleaner {
  private timer?: NodeJS.Timeout;
  /** Each pass is a queue item, so that leader election pauses the cleaner with the other controllers. */
  readonly queue = new WorkQueue('csrcleaner', async () => {
    await this.runOnce();
  });

  constructor(
    private readonly objects: ObjectStore,
    private readonly csrs: Informer,
    private readonly intervalMs = POLLING_INTERVAL_MS,
  ) {}

  start(): void {
    this.queue.add('pass');
    this.timer = setInterval(() => this.queue.add('pass'), this.intervalMs);
    this.timer.unref();
  }

  /** One pass over the informer's cache; returns the names deleted. */
  async runOnce(now = new Date()): Promise<string[]> {
    const deleted: string[] = [];
    const def = this.objects.def('certificatesigningrequests');
    for (const csr of this.csrs.list()) {
      const why = cleanupReason(csr, now);
      if (!why) continue;
      try {
        await this.objects.delete(def, '', csr.metadata.name!, Number(csr.metadata.resourceVersion));
        deleted.push(csr.metadata.name!);
        log.info({ csr: csr.metadata.name, why }, 'cleaning up csr');
      } catch (e) {
        log.debug({ csr: csr.metadata.name, err: (e as Error).message }, 'csr cleanup skipped');
      }
    }
    return deleted;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.queue.stop();
  }
}
