// The operations wiring of one control plane: the metrics registry, the /metrics route (a non-resource URL that
// RBAC decides, as `get /metrics` for the group system:monitoring), and the max-in-flight limiter it reports on.
import type { ControlPlaneConfig } from '../controlplane/config.js';
import type { ResourceDef } from '../registry/types.js';
import { MaxInFlightLimiter } from '../server/filters/max-inflight.js';
import type { NonResourceHandler } from '../server/server.js';
import type { Store } from '../storage/interface.js';
import { terminatedWatchers } from '../storage/watch-buffer.js';
import { ApiServerMetrics } from './apiserver-metrics.js';
import { storageObjectCounts } from './storage-objects.js';

export { ApiServerMetrics } from './apiserver-metrics.js';
export { instrumentAuthenticator, instrumentAuthorizer, instrumentRequestAuthorizer } from './instrument.js';

export interface OperationsParts {
  store: Store;
  defs: () => readonly ResourceDef[];
  prefixOf: (def: ResourceDef) => string;
}

export interface Operations {
  metrics: ApiServerMetrics;
  /** GET /metrics: the Prometheus text exposition. */
  metricsRoute: NonResourceHandler;
  /** Absent when both limits are 0. */
  limiter?: MaxInFlightLimiter;
}

export function setupOperations(
  config: Pick<ControlPlaneConfig, 'maxRequestsInflight' | 'maxMutatingRequestsInflight' | 'enablePriorityAndFairness'>,
  parts: OperationsParts,
): Operations {
  const served = new Set<string>();
  let seen: readonly ResourceDef[] | undefined;
  let seenLength = -1;
  const isServed = (info: { apiGroup: string; apiVersion: string; resource: string }): boolean => {
    const defs = parts.defs();
    // The registry's list is mutated in place when CRDs change: rebuild when it looks different.
    if (defs !== seen || defs.length !== seenLength) {
      served.clear();
      for (const d of defs) served.add(`${d.group}/${d.version}/${d.resource}`);
      seen = defs;
      seenLength = defs.length;
    }
    return served.has(`${info.apiGroup}/${info.apiVersion}/${info.resource}`);
  };
  const metrics = new ApiServerMetrics({
    isServed,
    storageObjects: storageObjectCounts({ store: parts.store, defs: parts.defs, prefixOf: parts.prefixOf }),
    terminatedWatchers,
  });
  let limiter: MaxInFlightLimiter | undefined;
  if (config.maxRequestsInflight > 0 || config.maxMutatingRequestsInflight > 0) {
    limiter = new MaxInFlightLimiter({
      maxRequestsInFlight: config.maxRequestsInflight,
      maxMutatingRequestsInFlight: config.maxMutatingRequestsInflight,
      priorityAndFairnessExemptions: config.enablePriorityAndFairness,
    });
    metrics.attachLimiter(limiter);
  }
  // Any method RBAC allowed is served the exposition, as kube's promhttp handler does (HEAD without a body).
  const metricsRoute: NonResourceHandler = async ({ req, res }) => {
    const { text, contentType } = await metrics.exposition();
    if (res.headersSent) return;
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  return { metrics, metricsRoute, limiter };
}
