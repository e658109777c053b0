// The max-in-flight limit (apiserver/pkg/server/filters/maxinflight.go, WithMaxInFlightLimit): two pools of
// seats, read-only (get, list, watch) and mutating (everything else); a request that finds its pool full gets
// 429 with `Retry-After: 1`. Long-running requests (BasicLongRunningRequestCheck) take no seat, and a user in
// system:masters is served even when the pool is full ("a system:master is so powerful that they should always
// get an answer"). A limit of 0 turns its pool off. It runs after impersonation and before authorization.
//
// kauth has no API Priority and Fairness. With --enable-priority-and-fairness (kube's default, true) it keeps
// these two limits and adds the exemptions of kube's default APF configuration: the mandatory `exempt`
// FlowSchema (group system:masters: never limited, never counted) and the suggested `probes` FlowSchema
// (GET /healthz, /livez, /readyz by anyone, authenticated or not). With =false it is maxinflight.go exactly,
// where a probe takes a read-only seat like any other GET.
import { tooManyRequests } from '../../api/errors.js';
import type { UserInfo } from '../../authn/interfaces.js';
import type { RequestInfo } from '../requestinfo.js';

/** maxinflight.go's nonMutatingRequestVerbs. Non-resource verbs are the lower-cased method, so HEAD is mutating. */
const NON_MUTATING_VERBS = new Set(['get', 'list', 'watch']);
/** kube's LongRunningFunc for kube-apiserver: these verbs and subresources. */
const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
/** The `probes` FlowSchema's nonResourceURLs (exact paths) and verb. */
const PROBE_PATHS = new Set(['/healthz', '/livez', '/readyz']);
const SYSTEM_MASTERS = 'system:masters';

export type RequestKind = 'readOnly' | 'mutating';

/** BasicLongRunningRequestCheck: watch/proxy, the streaming subresources, /debug/pprof/. */
export function isLongRunning(info: Pick<RequestInfo, 'verb' | 'isResourceRequest' | 'subresource' | 'path'>): boolean {
  if (LONG_RUNNING_VERBS.has(info.verb)) return true;
  if (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource)) return true;
  return !info.isResourceRequest && info.path.startsWith('/debug/pprof/');
}

export function requestKind(info: Pick<RequestInfo, 'verb'>): RequestKind {
  return NON_MUTATING_VERBS.has(info.verb) ? 'readOnly' : 'mutating';
}

export interface MaxInFlightOptions {
  /** --max-requests-inflight (0: no limit). */
  maxRequestsInFlight: number;
  /** --max-mutating-requests-inflight (0: no limit). */
  maxMutatingRequestsInFlight: number;
  /** --enable-priority-and-fairness: add the default APF exemptions (see the file comment). */
  priorityAndFairnessExemptions: boolean;
  /** Told of each 429 (the metrics' RecordDroppedRequest). */
  onDropped?: (kind: RequestKind) => void;
}

/** What admit decided: a seat to give back when the response ends, or none needed. */
export type Seat = { release(): void } | undefined;

export class MaxInFlightLimiter {
  private readonly inUse: Record<RequestKind, number> = { readOnly: 0, mutating: 0 };
  /** The highest use since the last sample (kube reports the maximum of the last second). */
  private readonly watermark: Record<RequestKind, number> = { readOnly: 0, mutating: 0 };
  private readonly limits: Record<RequestKind, number>;

  constructor(private readonly opts: MaxInFlightOptions) {
    this.limits = { readOnly: opts.maxRequestsInFlight, mutating: opts.maxMutatingRequestsInFlight };
  }

  /** Takes a seat for the request, or throws kube's 429 when its pool is full. */
  admit(info: RequestInfo, user: UserInfo): Seat {
    if (isLongRunning(info)) return undefined;
    const exempt = this.opts.priorityAndFairnessExemptions;
    if (exempt && (isMaster(user) || isProbe(info))) return undefined;
    const kind = requestKind(info);
    const limit = this.limits[kind];
    if (limit <= 0) return undefined;
    if (this.inUse[kind] >= limit) {
      if (isMaster(user)) return undefined;
      this.opts.onDropped?.(kind);
      throw tooManyRequests(1);
    }
    this.inUse[kind]++;
    if (this.inUse[kind] > this.watermark[kind]) this.watermark[kind] = this.inUse[kind];
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inUse[kind]--;
      },
    };
  }

  /** Seats in use now. */
  inFlight(kind: RequestKind): number {
    return this.inUse[kind];
  }

  /** The most seats used since the last call (apiserver_current_inflight_requests), then starts a new period. */
  sampleWatermark(kind: RequestKind): number {
    const high = Math.max(this.watermark[kind], this.inUse[kind]);
    this.watermark[kind] = this.inUse[kind];
    return high;
  }
}

function isMaster(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_MASTERS);
}

function isProbe(info: RequestInfo): boolean {
  return !info.isResourceRequest && info.verb === 'get' && PROBE_PATHS.has(info.path);
}
