// --authorization-mode=Webhook (apiserver/plugin/pkg/authorizer/webhook/webhook.go): each request is
// POSTed to a remote service as a SubjectAccessReview and its status decides — allowed → Allow, denied →
// Deny, neither → NoOpinion, with the service's reason. Answers are cached (allowed 5 min, not allowed
// 30 s, as kube-apiserver's defaults). A failure — timeout, refused connection, non-2xx, garbage — never
// hangs or throws: it is no opinion with an error (the request is then refused), and it is logged.
import type { UserInfo } from '../authn/interfaces.js';
import { log } from '../log.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesResult } from './interfaces.js';
import { GenericWebhook, WebhookCallError } from '../webhook/generic-webhook.js';
import { loadWebhookKubeconfig, type WebhookClientConfig } from '../webhook/kubeconfig.js';

export {
  WebhookConfigError,
  loadWebhookKubeconfig,
  parseWebhookKubeconfig,
  type WebhookClientConfig,
} from '../webhook/kubeconfig.js';

export interface WebhookAuthorizerOptions {
  /** authorization.k8s.io version to speak: v1 (default) or v1beta1 (kube-apiserver's --authorization-webhook-version). */
  version?: 'v1' | 'v1beta1';
  /** Total time budget per decision, retries included (default 5000 ms). */
  timeoutMs?: number;
  /** --authorization-webhook-cache-authorized-ttl (default 5 min). */
  authorizedTTLms?: number;
  /** --authorization-webhook-cache-unauthorized-ttl (default 30 s). */
  unauthorizedTTLms?: number;
  /** Cached answers kept (default 8192, as kube-apiserver). */
  cacheSize?: number;
  /** Retries on reset connections, 429, 500, 504 (kube's DefaultShouldRetry) within the budget (default 500 ms ×1.5, 5 attempts). */
  retry?: { initialMs: number; factor: number; attempts: number };
  logger?: { error(obj: object, msg: string): void };
  /** Clock for the cache (tests). */
  now?: () => number;
}

interface ReviewStatus {
  allowed: boolean;
  denied: boolean;
  reason: string;
  evaluationError: string;
}

/** Requester-controlled attributes larger than this are not cached (a DoS guard, as kube-apiserver). */
const MAX_CACHED_ATTRIBUTE_SIZE = 10000;
export class WebhookAuthorizer implements Authorizer, RuleResolver {
  readonly name = 'Webhook';
  private readonly version: 'v1' | 'v1beta1';
  private readonly authorizedTTL: number;
  private readonly unauthorizedTTL: number;
  private readonly cacheSize: number;
  private readonly logger: { error(obj: object, msg: string): void };
  private readonly now: () => number;
  private readonly cache = new Map<string, { status: ReviewStatus; expires: number }>();
  private readonly webhook: GenericWebhook;

  constructor(
    private readonly config: WebhookClientConfig,
    options: WebhookAuthorizerOptions = {},
  ) {
    this.version = options.version ?? 'v1';
    this.authorizedTTL = options.authorizedTTLms ?? 5 * 60_000;
    this.unauthorizedTTL = options.unauthorizedTTLms ?? 30_000;
    this.cacheSize = options.cacheSize ?? 8192;
    this.logger = options.logger ?? log;
    this.now = options.now ?? Date.now;
    const timeoutMs = options.timeoutMs ?? 5000;
    const retry = options.retry ?? { initialMs: 500, factor: 1.5, attempts: 5 };
    this.webhook = new GenericWebhook(config, {
      requestTimeoutMs: timeoutMs,
      deadlineMs: timeoutMs,
      retry: { initialMs: retry.initialMs, factor: retry.factor, jitter: 0.2, steps: retry.attempts },
    });
  }

  /** Builds the authorizer from --authorization-webhook-config-file; throws WebhookConfigError. */
  static fromKubeconfigFile(path: string, options: WebhookAuthorizerOptions = {}): WebhookAuthorizer {
    return new WebhookAuthorizer(loadWebhookKubeconfig(path), options);
  }

  /** Closes kept-alive connections (at shutdown). */
  close(): void {
    this.webhook.close();
  }

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    const spec = reviewSpec(attrs, this.version);
    const key = JSON.stringify(spec);
    let status = this.cached(key);
    if (status === undefined) {
      try {
        status = await this.review(spec);
      } catch (e) {
        const message = `webhook authorizer ${this.config.server.href}: ${(e as Error).message}`;
        this.logger.error(
          { err: message, user: attrs.user.username, verb: attrs.verb },
          'Failed to make webhook authorizer request',
        );
        return { decision: 'NoOpinion', reason: '', error: message };
      }
      if (controlledAttributeSize(attrs) < MAX_CACHED_ATTRIBUTE_SIZE) this.remember(key, status);
    }
    if (status.allowed && status.denied) {
      return {
        decision: 'Deny',
        reason: status.reason,
        error: 'webhook subject access review returned both allow and deny response',
      };
    }
    if (status.denied) return { decision: 'Deny', reason: status.reason };
    if (status.allowed) return { decision: 'Allow', reason: status.reason };
    return { decision: 'NoOpinion', reason: status.reason };
  }

  rulesFor(_user: UserInfo, _namespace: string): RulesResult {
    return {
      resourceRules: [],
      nonResourceRules: [],
      incomplete: true,
      evaluationError: 'webhook authorizer does not support user rule resolution',
    };
  }

  private cached(key: string): ReviewStatus | undefined {
    const entry = this.cache.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.now()) {
      this.cache.delete(key);
      return undefined;
    }
    // Least-recently-used order: move to the back.
    this.cache.delete(key);
    this.cache.set(key, entry);
    return entry.status;
  }

  private remember(key: string, status: ReviewStatus): void {
    this.cache.delete(key);
    this.cache.set(key, { status, expires: this.now() + (status.allowed ? this.authorizedTTL : this.unauthorizedTTL) });
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  /** POSTs the review; the generic webhook retries transient failures with backoff inside the time budget. */
  private review(spec: Record<string, unknown>): Promise<ReviewStatus> {
    const body = JSON.stringify({
      kind: 'SubjectAccessReview',
      apiVersion: `authorization.k8s.io/${this.version}`,
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: false },
    });
    return this.webhook.post(body, parseReview);
  }
}

/** SubjectAccessReviewSpec, in Go's field order (v1beta1 calls the groups `group`). */
function reviewSpec(a: Attributes, version: 'v1' | 'v1beta1'): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (a.isResourceRequest) {
    spec.resourceAttributes = omitEmpty({
      namespace: a.namespace,
      verb: a.verb,
      group: a.apiGroup,
      version: a.apiVersion,
      resource: a.resource,
      subresource: a.subresource,
      name: a.name,
    });
  } else {
    spec.nonResourceAttributes = omitEmpty({ path: a.path, verb: a.verb });
  }
  if (a.user.username) spec.user = a.user.username;
  if (a.user.groups.length > 0) spec[version === 'v1' ? 'groups' : 'group'] = [...a.user.groups];
  if (a.user.extra && Object.keys(a.user.extra).length > 0) {
    // Sorted like Go's encoding of a map, so equal requests share a cache entry.
    spec.extra = Object.fromEntries(
      Object.keys(a.user.extra)
        .sort()
        .map((k) => [k, [...a.user.extra![k]!]]),
    );
  }
  if (a.user.uid) spec.uid = a.user.uid;
  return spec;
}

function omitEmpty(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v) out[k] = v;
  return out;
}

/** Reads the answer; anything but a SubjectAccessReview with a well-typed status is an error. */
function parseReview(text: string): ReviewStatus {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new WebhookCallError(`invalid response: not JSON (${JSON.stringify(text.slice(0, 60))})`, false);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new WebhookCallError('invalid response: not a JSON object', false);
  const review = doc as Record<string, unknown>;
  if (review.kind !== undefined && review.kind !== 'SubjectAccessReview')
    throw new WebhookCallError(
      `invalid response: kind ${JSON.stringify(review.kind)}, want SubjectAccessReview`,
      false,
    );
  const status = review.status ?? {};
  if (status === null || typeof status !== 'object' || Array.isArray(status))
    throw new WebhookCallError('invalid response: status is not an object', false);
  const s = status as Record<string, unknown>;
  const bool = (k: string): boolean => {
    if (s[k] === undefined || s[k] === null) return false;
    if (typeof s[k] !== 'boolean') throw new WebhookCallError(`invalid response: status.${k} is not a boolean`, false);
    return s[k] as boolean;
  };
  const string = (k: string): string => {
    if (s[k] === undefined || s[k] === null) return '';
    if (typeof s[k] !== 'string') throw new WebhookCallError(`invalid response: status.${k} is not a string`, false);
    return s[k] as string;
  };
  return {
    allowed: bool('allowed'),
    denied: bool('denied'),
    reason: string('reason'),
    evaluationError: string('evaluationError'),
  };
}

function controlledAttributeSize(a: Attributes): number {
  return (
    a.namespace.length +
    a.verb.length +
    a.apiGroup.length +
    a.apiVersion.length +
    a.resource.length +
    a.subresource.length +
    a.name.length +
    a.path.length
  );
}
