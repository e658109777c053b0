// kube's GenericWebhook (k8s.io/apiserver/pkg/util/webhook): one JSON POST to the service a webhook kubeconfig
// names, retried with backoff on what DefaultShouldRetry calls transient (connection resets, 429, 500, 504, a
// 5xx with Retry-After), each attempt bounded by its own timeout and all of them by one deadline. Shared by
// token authentication, authorization and the audit webhook, so the three fail alike.
import http from 'node:http';
import https from 'node:https';
import type { WebhookClientConfig } from './kubeconfig.js';

export interface RetryBackoff {
  initialMs: number;
  factor: number;
  /** Each wait grows by up to this fraction, at random (wait.Jitter). */
  jitter: number;
  /** Attempts in all, the first included. */
  steps: number;
}

/** DefaultAuthWebhookRetryBackoff. */
export const DEFAULT_WEBHOOK_RETRY: RetryBackoff = { initialMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };

export interface GenericWebhookOptions {
  /** Per attempt, reading the answer included (webhook.LoadKubeconfig: 30 s). */
  requestTimeoutMs?: number;
  /** All attempts together. */
  deadlineMs?: number;
  retry?: RetryBackoff;
  /** Largest answer read (default 1 MiB); a longer one fails the call. */
  maxResponseBytes?: number;
}

/** A failed call; `retryable` says whether DefaultShouldRetry would try again. */
export class WebhookCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'WebhookCallError';
  }
}

export class GenericWebhook {
  private readonly requestTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly retry: RetryBackoff;
  private readonly maxResponseBytes: number;
  private readonly agent: http.Agent;

  constructor(
    readonly config: WebhookClientConfig,
    options: GenericWebhookOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.deadlineMs = options.deadlineMs ?? 60_000;
    this.retry = options.retry ?? DEFAULT_WEBHOOK_RETRY;
    this.maxResponseBytes = options.maxResponseBytes ?? 1 << 20;
    this.agent =
      config.server.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ca: config.ca,
            cert: config.cert,
            key: config.key,
            rejectUnauthorized: !config.insecureSkipTLSVerify,
            servername: config.tlsServerName,
          })
        : new http.Agent({ keepAlive: true });
  }

  /**
   * POSTs the body and hands each 2xx answer to `accept`, which may throw a WebhookCallError (an unreadable
   * answer); transient failures are retried (WithExponentialBackoff) until the steps or the deadline run out.
   */
  async post<T>(body: string, accept: (text: string) => T): Promise<T> {
    const deadline = Date.now() + this.deadlineMs;
    let wait = this.retry.initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return accept(await this.attempt(body, deadline));
      } catch (e) {
        const retryable = e instanceof WebhookCallError && e.retryable;
        const pause = wait * (1 + Math.random() * this.retry.jitter);
        if (!retryable || attempt >= this.retry.steps || Date.now() + pause >= deadline) throw e;
        await new Promise((r) => setTimeout(r, pause));
        wait *= this.retry.factor;
      }
    }
  }

  /** Closes kept-alive connections (at shutdown). */
  close(): void {
    this.agent.destroy();
  }

  private attempt(body: string, deadline: number): Promise<string> {
    const budget = Math.min(this.requestTimeoutMs, deadline - Date.now());
    const url = this.config.server;
    if (budget <= 0)
      return Promise.reject(new WebhookCallError(`Post "${url.href}": context deadline exceeded`, false));
    const client = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Content-Length': Buffer.byteLength(body),
    };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    return new Promise<string>((resolvePost, rejectPost) => {
      let settled = false;
      const done = (err: Error | undefined, value?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) rejectPost(err);
        else resolvePost(value!);
      };
      const req = client.request(url, { method: 'POST', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxResponseBytes) {
            req.destroy();
            done(new WebhookCallError(`response larger than ${this.maxResponseBytes} bytes`, false));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (code >= 200 && code <= 299) return done(undefined, text);
          done(new WebhookCallError(httpFailure(code, text), retryableStatus(code, res.headers['retry-after'])));
        });
        res.on('error', (e) => done(new WebhookCallError(e.message, true)));
      });
      // http.Client.Timeout: the whole exchange, answer included.
      const timer = setTimeout(() => {
        req.destroy();
        done(new WebhookCallError(`Post "${url.href}": context deadline exceeded (Client.Timeout exceeded)`, false));
      }, budget);
      req.on('error', (e: NodeJS.ErrnoException) => {
        const reset = e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.message === 'socket hang up';
        done(new WebhookCallError(`Post "${url.href}": ${e.code ? `${e.code}: ` : ''}${e.message}`, reset));
      });
      req.end(body);
    });
  }
}

/** DefaultShouldRetry for HTTP answers: InternalError (500), Timeout (504), TooManyRequests, Retry-After. */
function retryableStatus(code: number, retryAfter: string | undefined): boolean {
  return code === 429 || code === 500 || code === 504 || (code >= 500 && retryAfter !== undefined);
}

/** A non-2xx answer: a Status message when it is one, never the raw body (it could echo the request). */
function httpFailure(code: number, text: string): string {
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (doc && doc.kind === 'Status' && typeof doc.message === 'string')
      return `HTTP ${code}: ${doc.message.slice(0, 300)}`;
  } catch {
    /* not JSON */
  }
  return `HTTP ${code}`;
}
