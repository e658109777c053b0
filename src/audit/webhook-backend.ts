// --audit-webhook-config-file: events POSTed in batches as an audit.k8s.io/v1 EventList to the service a
// kubeconfig names (kube's plugin/pkg/audit/webhook in its default "batch" mode). Delivery retries with
// exponential backoff from --audit-webhook-initial-backoff; a batch that still fails is dropped and counted.
// The request path only ever appends to the buffer.
import { GenericWebhook } from '../webhook/generic-webhook.js';
import type { WebhookClientConfig } from '../webhook/kubeconfig.js';
import { BufferedBackend, BufferedSender } from './buffered.js';

export interface WebhookBackendOptions {
  /** --audit-webhook-batch-max-size (kube: 400). */
  maxBatchSize: number;
  /** --audit-webhook-batch-max-wait, ms (kube: 30 s). */
  maxWaitMs: number;
  /** --audit-webhook-batch-buffer-size (kube: 10000). */
  bufferSize: number;
  /** --audit-webhook-initial-backoff, ms (kube: 10 s). */
  initialBackoffMs: number;
  /** Per POST (kube's webhook client: 30 s). */
  requestTimeoutMs?: number;
}

/** The EventList around already-encoded events: each event is encoded once, when it happens. */
export function eventListJson(events: string[]): string {
  return `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${events.join(',')}]}`;
}

export class WebhookBackend extends BufferedBackend {
  readonly name = 'webhook';
  protected readonly sender: BufferedSender;
  private readonly client: GenericWebhook;

  constructor(config: WebhookClientConfig, opts: WebhookBackendOptions) {
    super();
    // DefaultRetryBackoffWithInitialDelay: factor 1.5, jitter 0.2, 5 steps.
    this.client = new GenericWebhook(config, {
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      deadlineMs: Math.max(60_000, opts.initialBackoffMs * 20),
      retry: { initialMs: opts.initialBackoffMs, factor: 1.5, jitter: 0.2, steps: 5 },
    });
    this.sender = new BufferedSender('webhook', opts, async (batch) => {
      await this.client.post(eventListJson(batch), () => undefined);
    });
  }

  /** Sends what is buffered (kube's shutdown flush), then closes the connections. */
  async close(graceMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // A webhook that is down must not hold the shutdown for its whole retry budget.
    await Promise.race([
      this.sender.close(),
      new Promise((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.client.close();
  }
}
