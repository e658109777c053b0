// Webhook token authentication (apiserver/plugin/pkg/authenticator/token/webhook/webhook.go): the token
// is POSTed as a TokenReview to the service named by --authentication-token-webhook-config-file (a
// kubeconfig; the cluster's server URL is used exactly as written) and its status decides.
//
// Audiences, as kube does them: a request limited to audiences sends them in spec.audiences; the answer's
// status.audiences (or, when it names none, the API audiences) must meet them, else the token is simply
// not authenticated. Failures, as kube's generic webhook does them: every attempt has a 30 s timeout,
// connection resets / 429 / 500 / 504 are retried with backoff (500 ms ×1.5, jitter 0.2, 5 attempts),
// anything else fails at once; a failure is an authentication error (401), logged without the token.
// Results are cached by the caller (createWebhookTokenAuthenticator): --authentication-token-webhook-cache-ttl,
// for "authenticated" and "not authenticated" alike, never for errors.
import http from 'node:http';
import https from 'node:https';
import { loadWebhookKubeconfig, type WebhookClientConfig } from '../authz/webhook-kubeconfig.js';
import { log } from '../log.js';
import { intersectAudiences } from './audiences.js';
import { AuthenticationError, type AuthResponse, type TokenAuthenticator, type UserInfo } from './interfaces.js';
import { CachedTokenAuthenticator } from './token-cache.js';

export type WebhookTokenVersion = 'v1' | 'v1beta1';
export const WEBHOOK_TOKEN_VERSIONS: readonly WebhookTokenVersion[] = ['v1', 'v1beta1'];
/** kube-apiserver's --authentication-token-webhook-version default. */
export const DEFAULT_WEBHOOK_TOKEN_VERSION: WebhookTokenVersion = 'v1beta1';
/** --authentication-token-webhook-cache-ttl default: 2m. */
export const DEFAULT_WEBHOOK_TOKEN_CACHE_TTL_SECONDS = 120;

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

export interface WebhookTokenOptions {
  /** authentication.k8s.io version to speak (kube-apiserver's default: v1beta1). */
  version?: WebhookTokenVersion;
  /** The API audiences: what a token is good for when the webhook names no audiences. */
  implicitAudiences: string[];
  /** Per attempt, reading the answer included (webhook.LoadKubeconfig: 30 s). */
  requestTimeoutMs?: number;
  /** All attempts together (kube-apiserver's request deadline, --request-timeout: 60 s). */
  deadlineMs?: number;
  retry?: RetryBackoff;
  logger?: { error(obj: object, msg: string): void };
}

/** The answer's status, checked field by field. */
export interface ReviewStatus {
  authenticated: boolean;
  user: UserInfo;
  audiences: string[];
  error: string;
}

const MAX_RESPONSE_BYTES = 1 << 20;

class WebhookCallError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'WebhookCallError';
  }
}

export function isWebhookTokenVersion(v: string): v is WebhookTokenVersion {
  return (WEBHOOK_TOKEN_VERSIONS as readonly string[]).includes(v);
}

/** tokenReviewInterfaceFromConfig's refusal of other versions. */
export function unsupportedVersionMessage(version: string): string {
  return `unsupported authentication webhook version "${version}", supported versions are "v1", "v1beta1"`;
}

export class WebhookTokenAuthenticator implements TokenAuthenticator {
  readonly name = 'webhook';
  private readonly version: WebhookTokenVersion;
  private readonly implicitAudiences: string[];
  private readonly requestTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly retry: RetryBackoff;
  private readonly logger: { error(obj: object, msg: string): void };
  private readonly agent: http.Agent;

  constructor(private readonly config: WebhookClientConfig, options: WebhookTokenOptions) {
    const version = options.version ?? DEFAULT_WEBHOOK_TOKEN_VERSION;
    if (!isWebhookTokenVersion(version)) throw new Error(unsupportedVersionMessage(version));
    this.version = version;
    this.implicitAudiences = [...options.implicitAudiences];
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.deadlineMs = options.deadlineMs ?? 60_000;
    this.retry = options.retry ?? DEFAULT_WEBHOOK_RETRY;
    this.logger = options.logger ?? log;
    this.agent = config.server.protocol === 'https:'
      ? new https.Agent({
        keepAlive: true, ca: config.ca, cert: config.cert, key: config.key,
        rejectUnauthorized: !config.insecureSkipTLSVerify, servername: config.tlsServerName,
      })
      : new http.Agent({ keepAlive: true });
  }

  /** Closes kept-alive connections (at shutdown). */
  close(): void {
    this.agent.destroy();
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    let status: ReviewStatus;
    try {
      status = await this.review(token, audiences);
    } catch (e) {
      // An outage or a bad configuration: a 401 for the request, and a log line without the token.
      const message = redact(`webhook token authenticator ${this.config.server.href}: ${(e as Error).message}`, token);
      this.logger.error({ err: message }, 'Failed to make webhook authenticator request');
      throw new AuthenticationError(message);
    }
    let granted: string[] | undefined;
    if (audiences !== undefined) {
      granted = intersectAudiences(audiences, status.audiences.length > 0 ? status.audiences : this.implicitAudiences);
      if (granted.length === 0) return null;
    }
    if (!status.authenticated) {
      if (status.error) throw new AuthenticationError(redact(status.error, token));
      return null;
    }
    return granted === undefined ? { user: status.user } : { user: status.user, audiences: granted };
  }

  /** WithExponentialBackoff + DefaultShouldRetry, inside the overall deadline. */
  private async review(token: string, audiences: string[] | undefined): Promise<ReviewStatus> {
    const spec: Record<string, unknown> = { token };
    if (audiences && audiences.length > 0) spec.audiences = audiences;
    const body = JSON.stringify({
      kind: 'TokenReview',
      apiVersion: `authentication.k8s.io/${this.version}`,
      metadata: { creationTimestamp: null },
      spec,
      status: { user: {} },
    });
    const deadline = Date.now() + this.deadlineMs;
    let wait = this.retry.initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return parseReview(await this.post(body, deadline));
      } catch (e) {
        const retryable = e instanceof WebhookCallError && e.retryable;
        const pause = wait * (1 + Math.random() * this.retry.jitter);
        if (!retryable || attempt >= this.retry.steps || Date.now() + pause >= deadline) throw e;
        await new Promise((r) => setTimeout(r, pause));
        wait *= this.retry.factor;
      }
    }
  }

  private post(body: string, deadline: number): Promise<string> {
    const budget = Math.min(this.requestTimeoutMs, deadline - Date.now());
    if (budget <= 0) return Promise.reject(new WebhookCallError(`timed out after ${this.deadlineMs}ms`, false));
    const url = this.config.server;
    const client = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body),
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
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            done(new WebhookCallError(`response larger than ${MAX_RESPONSE_BYTES} bytes`, false));
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
    if (doc && doc.kind === 'Status' && typeof doc.message === 'string') return `HTTP ${code}: ${doc.message.slice(0, 300)}`;
  } catch { /* not JSON */ }
  return `HTTP ${code}`;
}

/** Whatever the webhook says goes to a log line or a TokenReview: the token never does. */
function redact(text: string, token: string): string {
  return token.length >= 4 ? text.split(token).join('[redacted]') : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new WebhookCallError(`invalid response: ${field} is not a list of strings`, false);
  }
  return v as string[];
}

function optionalString(v: unknown, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new WebhookCallError(`invalid response: ${field} is not a string`, false);
  return v;
}

/** The answer must be a TokenReview with a well-typed status; anything else is an error. */
export function parseReview(text: string): ReviewStatus {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new WebhookCallError('invalid response: not JSON', false);
  }
  if (!isObject(doc)) throw new WebhookCallError('invalid response: not a JSON object', false);
  if (doc.kind !== undefined && doc.kind !== 'TokenReview') {
    throw new WebhookCallError(`invalid response: kind ${JSON.stringify(doc.kind)}, want TokenReview`, false);
  }
  const status = doc.status ?? {};
  if (!isObject(status)) throw new WebhookCallError('invalid response: status is not an object', false);
  if (status.authenticated !== undefined && status.authenticated !== null && typeof status.authenticated !== 'boolean') {
    throw new WebhookCallError('invalid response: status.authenticated is not a boolean', false);
  }
  const u = status.user ?? {};
  if (!isObject(u)) throw new WebhookCallError('invalid response: status.user is not an object', false);
  const user: UserInfo = {
    username: optionalString(u.username, 'status.user.username'),
    groups: stringList(u.groups, 'status.user.groups'),
  };
  const uid = optionalString(u.uid, 'status.user.uid');
  if (uid) user.uid = uid;
  if (u.extra !== undefined && u.extra !== null) {
    if (!isObject(u.extra)) throw new WebhookCallError('invalid response: status.user.extra is not an object', false);
    // Object.fromEntries defines own keys, so even a `__proto__` key is just a key.
    const extra = Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, stringList(v, `status.user.extra[${JSON.stringify(k)}]`)]));
    if (Object.keys(extra).length > 0) user.extra = extra;
  }
  return {
    authenticated: status.authenticated === true,
    user,
    audiences: stringList(status.audiences, 'status.audiences'),
    error: optionalString(status.error, 'status.error'),
  };
}

export interface WebhookTokenSetup extends WebhookTokenOptions {
  /** --authentication-token-webhook-cache-ttl in seconds (default 2m); 0 turns the cache off. */
  cacheTtlSeconds?: number;
}

/**
 * newWebhookTokenAuthenticator: the webhook behind its own cache, answers (authenticated or not) kept
 * for the TTL, errors never. Throws with one line when the kubeconfig or the version is unusable.
 */
export function createWebhookTokenAuthenticator(configFile: string, setup: WebhookTokenSetup): {
  authenticator: TokenAuthenticator;
  close(): void;
} {
  const webhook = new WebhookTokenAuthenticator(loadWebhookKubeconfig(configFile), setup);
  const ttlMs = (setup.cacheTtlSeconds ?? DEFAULT_WEBHOOK_TOKEN_CACHE_TTL_SECONDS) * 1000;
  const authenticator = ttlMs > 0
    ? new CachedTokenAuthenticator(webhook, { successTtlMs: ttlMs, failureTtlMs: ttlMs })
    : webhook;
  return { authenticator, close: () => webhook.close() };
}
