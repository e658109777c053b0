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
import { GenericWebhook, WebhookCallError, type RetryBackoff } from '../webhook/generic-webhook.js';
import { loadWebhookKubeconfig, type WebhookClientConfig } from '../webhook/kubeconfig.js';
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

export { DEFAULT_WEBHOOK_RETRY, type RetryBackoff } from '../webhook/generic-webhook.js';

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
  private readonly logger: { error(obj: object, msg: string): void };
  private readonly webhook: GenericWebhook;

  constructor(
    private readonly config: WebhookClientConfig,
    options: WebhookTokenOptions,
  ) {
    const version = options.version ?? DEFAULT_WEBHOOK_TOKEN_VERSION;
    if (!isWebhookTokenVersion(version)) throw new Error(unsupportedVersionMessage(version));
    this.version = version;
    this.implicitAudiences = [...options.implicitAudiences];
    this.logger = options.logger ?? log;
    this.webhook = new GenericWebhook(config, {
      requestTimeoutMs: options.requestTimeoutMs,
      deadlineMs: options.deadlineMs,
      retry: options.retry,
    });
  }

  /** Closes kept-alive connections (at shutdown). */
  close(): void {
    this.webhook.close();
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

  private review(token: string, audiences: string[] | undefined): Promise<ReviewStatus> {
    const spec: Record<string, unknown> = { token };
    if (audiences && audiences.length > 0) spec.audiences = audiences;
    const body = JSON.stringify({
      kind: 'TokenReview',
      apiVersion: `authentication.k8s.io/${this.version}`,
      metadata: { creationTimestamp: null },
      spec,
      status: { user: {} },
    });
    return this.webhook.post(body, parseReview);
  }
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
  if (
    status.authenticated !== undefined &&
    status.authenticated !== null &&
    typeof status.authenticated !== 'boolean'
  ) {
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
    const extra = Object.fromEntries(
      Object.entries(u.extra).map(([k, v]) => [k, stringList(v, `status.user.extra[${JSON.stringify(k)}]`)]),
    );
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
export function createWebhookTokenAuthenticator(
  configFile: string,
  setup: WebhookTokenSetup,
): {
  authenticator: TokenAuthenticator;
  close(): void;
} {
  const webhook = new WebhookTokenAuthenticator(loadWebhookKubeconfig(configFile), setup);
  const ttlMs = (setup.cacheTtlSeconds ?? DEFAULT_WEBHOOK_TOKEN_CACHE_TTL_SECONDS) * 1000;
  const authenticator =
    ttlMs > 0 ? new CachedTokenAuthenticator(webhook, { successTtlMs: ttlMs, failureTtlMs: ttlMs }) : webhook;
  return { authenticator, close: () => webhook.close() };
}
