// kube-apiserver's metrics, with its names, help texts, labels and buckets (apiserver/pkg/endpoints/metrics,
// endpoints/filters/metrics.go, authorization/metrics, storage's apiserver_storage_objects, the cacher's
// apiserver_terminated_watchers_total), plus prom-client's process_* and nodejs_* defaults. One registry per
// control plane: two in one process (tests) never share counts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';
import { isLongRunning, type MaxInFlightLimiter, type RequestKind } from '../server/filters/max-inflight.js';
import type { RequestInfo } from '../server/requestinfo.js';
import type { RequestObserver, RequestScope } from '../server/request-scope.js';
import { boundedPath, boundedSubresource, cleanDryRun, cleanScope, reportedVerb } from './labels.js';

/** requestLatencies' buckets (request_duration_seconds). */
export const REQUEST_DURATION_BUCKETS = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];
/** ExponentialBuckets(0.001, 2, 15): authentication_duration_seconds and authorization_duration_seconds. */
export const AUTH_DURATION_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);
/** ExponentialBuckets(1000, 10, 7): apiserver_response_sizes. */
export const RESPONSE_SIZE_BUCKETS = Array.from({ length: 7 }, (_, i) => 1000 * 10 ** i);

const COMPONENT = 'apiserver';
const REQUEST_LABELS = [
  'verb',
  'dry_run',
  'group',
  'version',
  'resource',
  'subresource',
  'scope',
  'component',
  'code',
] as const;
const TERMINATION_LABELS = [
  'verb',
  'group',
  'version',
  'resource',
  'subresource',
  'scope',
  'component',
  'code',
] as const;
const LONG_RUNNING_LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

export type AuthenticationResult = 'success' | 'failure' | 'error';
export type AuthorizationResultLabel = 'allowed' | 'denied' | 'no-opinion' | 'error';

export interface ApiServerMetricsOptions {
  /** Whether a resource request names a resource kauth serves (others have no route and are not recorded). */
  isServed?: (info: RequestInfo) => boolean;
  /** Objects stored per resource, for apiserver_storage_objects (called at scrape time). */
  storageObjects?: () => Promise<ReadonlyMap<string, number>>;
  /** Watchers ended for falling behind, per resource (storage/watch-buffer's counter). */
  terminatedWatchers?: () => ReadonlyMap<string, number>;
  /** prom-client's process_* and nodejs_* metrics (default on). */
  defaultMetrics?: boolean;
}

export class ApiServerMetrics implements RequestObserver {
  private readonly active = new Map<RequestScope, IncomingMessage>();
  private limiter?: MaxInFlightLimiter;
  private readonly requestTotal: HotCounter<(typeof REQUEST_LABELS)[number]>;
  private readonly requestDuration: HotHistogram<Exclude<(typeof REQUEST_LABELS)[number], 'code'>>;
  private readonly responseSizes: HotHistogram<(typeof LONG_RUNNING_LABELS)[number]>;
  private readonly terminations: HotCounter<(typeof TERMINATION_LABELS)[number]>;
  private readonly authnAttempts: HotCounter<'result'>;
  private readonly authnDuration: HotHistogram<'result'>;
  private readonly authzAttempts: HotCounter<'result'>;
  private readonly authzDuration: HotHistogram<'result'>;
  private readonly authzDecisions: HotCounter<'type' | 'name' | 'decision'>;
  /**
   * prom-client's registry, made on the first scrape or load(): prom-client and its process metrics are ~90
   * modules, loaded after the server is ready rather than before. What requests record lives in the hot metrics
   * above (ours), so nothing is lost meanwhile; only the process_* and nodejs_* series start a moment later.
   */
  private registry?: Promise<Registry>;

  constructor(private readonly opts: ApiServerMetricsOptions = {}) {
    this.requestTotal = new HotCounter(
      'apiserver_request_total',
      '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      REQUEST_LABELS,
    );
    this.requestDuration = new HotHistogram(
      'apiserver_request_duration_seconds',
      '[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      REQUEST_LABELS.filter((l) => l !== 'code'),
      REQUEST_DURATION_BUCKETS,
    );
    this.responseSizes = new HotHistogram(
      'apiserver_response_sizes',
      '[STABLE] Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.',
      LONG_RUNNING_LABELS,
      RESPONSE_SIZE_BUCKETS,
    );
    this.terminations = new HotCounter(
      'apiserver_request_terminations_total',
      '[ALPHA] Number of requests which apiserver terminated in self-defense.',
      TERMINATION_LABELS,
    );
    this.authnAttempts = new HotCounter('authentication_attempts', '[ALPHA] Counter of authenticated attempts.', [
      'result',
    ]);
    this.authnDuration = new HotHistogram(
      'authentication_duration_seconds',
      '[ALPHA] Authentication duration in seconds broken out by result.',
      ['result'],
      AUTH_DURATION_BUCKETS,
    );
    this.authzAttempts = new HotCounter(
      'authorization_attempts_total',
      "[ALPHA] Counter of authorization attempts broken down by result. It can be either 'allowed', 'denied', 'no-opinion' or 'error'.",
      ['result'],
    );
    this.authzDuration = new HotHistogram(
      'authorization_duration_seconds',
      '[ALPHA] Authorization duration in seconds broken out by result.',
      ['result'],
      AUTH_DURATION_BUCKETS,
    );
    this.authzDecisions = new HotCounter(
      'apiserver_authorization_decisions_total',
      '[ALPHA] Total number of terminal decisions made by an authorizer split by authorizer type, name, and decision.',
      ['type', 'name', 'decision'],
    );
  }

  /** Loads prom-client and makes the registry (once); the first scrape does it too. */
  async load(): Promise<void> {
    await (this.registry ??= this.makeRegistry());
  }

  /** Every metric, registered in the order the exposition lists them; the scrape-time ones read their sources. */
  private async makeRegistry(): Promise<Registry> {
    const { collectDefaultMetrics, Counter, Gauge, Registry } = await import('prom-client');
    const registry = new Registry();
    const registers = [registry];
    for (const m of [this.requestTotal, this.requestDuration, this.responseSizes, this.terminations])
      registry.registerMetric(m as never);
    const active = this.active;
    new Gauge({
      name: 'apiserver_longrunning_requests',
      registers,
      labelNames: LONG_RUNNING_LABELS,
      help: '[STABLE] Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
      // Counted at scrape time from the requests in flight: nothing to keep in step when one ends.
      collect() {
        this.reset();
        for (const [scope, req] of active) {
          if (!scope.info || !scope.authorized || !isLongRunning(scope.info)) continue;
          this.inc(longRunningLabels(req, scope.info));
        }
      },
    });
    const sample = (kind: RequestKind): number => this.limiter?.sampleWatermark(kind) ?? 0;
    new Gauge({
      name: 'apiserver_current_inflight_requests',
      registers,
      labelNames: ['request_kind'],
      help: '[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      collect() {
        this.set({ request_kind: 'readOnly' }, sample('readOnly'));
        this.set({ request_kind: 'mutating' }, sample('mutating'));
      },
    });
    for (const m of [
      this.authnAttempts,
      this.authnDuration,
      this.authzAttempts,
      this.authzDuration,
      this.authzDecisions,
    ])
      registry.registerMetric(m as never);
    const storageObjects = this.opts.storageObjects;
    new Gauge({
      name: 'apiserver_storage_objects',
      registers,
      labelNames: ['resource'],
      help: '[STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
      async collect() {
        if (!storageObjects) return;
        let counts: ReadonlyMap<string, number>;
        try {
          counts = await storageObjects();
        } catch {
          return;
        }
        this.reset();
        for (const [resource, n] of counts) this.set({ resource }, n);
      },
    });
    const terminated = this.opts.terminatedWatchers;
    const reported = new Map<string, number>();
    new Counter({
      name: 'apiserver_terminated_watchers_total',
      registers,
      labelNames: ['resource'],
      help: '[STABLE] Counter of watchers closed due to unresponsiveness broken by resource type.',
      // The watch buffer keeps the running totals; a counter only goes up, so it is advanced by the difference.
      collect() {
        for (const [resource, total] of terminated?.() ?? []) {
          const delta = total - (reported.get(resource) ?? 0);
          if (delta > 0) this.inc({ resource }, delta);
          reported.set(resource, total);
        }
      },
    });
    if (this.opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
    return registry;
  }

  /** The limiter whose seats apiserver_current_inflight_requests reports. */
  attachLimiter(limiter: MaxInFlightLimiter): void {
    this.limiter = limiter;
  }

  /** The text format Prometheus scrapes, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    const registry = await (this.registry ??= this.makeRegistry());
    return { text: await registry.metrics(), contentType: registry.contentType };
  }

  begin(req: IncomingMessage, scope: RequestScope): void {
    this.active.set(scope, req);
  }

  /** At the end of every request: what kube's InstrumentRouteFunc, RecordDroppedRequest and the timeout filter record. */
  end(req: IncomingMessage, res: ServerResponse, scope: RequestScope): void {
    this.active.delete(scope);
    const info = scope.info;
    if (!info) return;
    const code = String(res.headersSent ? res.statusCode : 0);
    const query = scope.query ?? queryOf(req);
    const verb = reportedVerb({ method: req.method ?? 'GET', contentType: req.headers['content-type'], query, info });
    const scopeLabel = cleanScope(info);
    const dryRun = cleanDryRun(query);
    if (scope.throttled) {
      // RecordDroppedRequest and RecordRequestTermination, as maxinflight.go calls them.
      const resource = info.isResourceRequest && this.served(info);
      const g = resource
        ? {
            group: info.apiGroup,
            version: info.apiVersion,
            resource: info.resource,
            subresource: boundedSubresource(info.subresource) ?? 'other',
          }
        : { group: '', version: '', resource: '', subresource: '' };
      this.requestTotal.inc({ verb, dry_run: dryRun, ...g, scope: scopeLabel, component: COMPONENT, code: '429' });
      this.terminations.inc({
        verb,
        ...g,
        subresource: resource ? g.subresource : boundedPath(info.path),
        scope: scopeLabel,
        component: COMPONENT,
        code: '429',
      });
      return;
    }
    if (scope.timedOut) {
      const resource = info.isResourceRequest && this.served(info);
      this.terminations.inc({
        verb,
        group: resource ? info.apiGroup : '',
        version: resource ? info.apiVersion : '',
        resource: resource ? info.resource : '',
        subresource: resource ? (boundedSubresource(info.subresource) ?? 'other') : boundedPath(info.path),
        scope: scopeLabel,
        component: COMPONENT,
        code: '504',
      });
    }
    // Only requests that reached their handler: kube instruments the REST routes, behind authorization.
    if (!scope.authorized || !info.isResourceRequest || !this.served(info)) return;
    const subresource = boundedSubresource(info.subresource);
    if (subresource === undefined) return;
    const labels = {
      verb,
      dry_run: dryRun,
      group: info.apiGroup,
      version: info.apiVersion,
      resource: info.resource,
      subresource,
      scope: scopeLabel,
      component: COMPONENT,
    };
    this.requestTotal.inc({ ...labels, code: scope.timedOut ? '504' : code });
    this.requestDuration.observe(labels, (performance.now() - scope.receivedAt) / 1000);
    if (verb === 'GET' || verb === 'LIST') {
      // The size of responses sent whole; a list streamed in chunks has no Content-Length and is left out.
      const size = Number(res.getHeader('content-length'));
      const { dry_run: _dryRun, ...sizeLabels } = labels;
      if (Number.isFinite(size) && res.hasHeader('content-length')) this.responseSizes.observe(sizeLabels, size);
    }
  }

  /** authentication_attempts and authentication_duration_seconds (WithAuthentication). */
  recordAuthentication(result: AuthenticationResult, seconds: number): void {
    this.authnAttempts.inc({ result });
    this.authnDuration.observe({ result }, seconds);
  }

  /** authorization_attempts_total and authorization_duration_seconds (WithAuthorization). */
  recordAuthorization(result: AuthorizationResultLabel, seconds: number): void {
    this.authzAttempts.inc({ result });
    this.authzDuration.observe({ result }, seconds);
  }

  /** apiserver_authorization_decisions_total: one authorizer's Allow or Deny (its NoOpinion is not terminal). */
  recordAuthorizerDecision(type: string, name: string, decision: 'allowed' | 'denied'): void {
    this.authzDecisions.inc({ type, name, decision });
  }

  private served(info: RequestInfo): boolean {
    return this.opts.isServed ? this.opts.isServed(info) : true;
  }
}

/** RecordLongRunning's labels: the verb as cleanVerb reports it, the resource or (bounded) path. */
function longRunningLabels(
  req: IncomingMessage,
  info: RequestInfo,
): Record<(typeof LONG_RUNNING_LABELS)[number], string> {
  const verb = reportedVerb({
    method: req.method ?? 'GET',
    contentType: req.headers['content-type'],
    query: queryOf(req),
    info,
  });
  const [scope, component] = [cleanScope(info), COMPONENT];
  if (!info.isResourceRequest)
    return { verb, group: '', version: '', resource: '', subresource: boundedPath(info.path), scope, component };
  const subresource = boundedSubresource(info.subresource) ?? 'other';
  return {
    verb,
    group: info.apiGroup,
    version: info.apiVersion,
    resource: info.resource,
    subresource,
    scope,
    component,
  };
}

function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
}
