// The metrics registry: what each request outcome records (kube's InstrumentRouteFunc, RecordDroppedRequest,
// RecordRequestTermination, RecordLongRunning), the authn/authz wrappers, and the scrape-time gauges and counters
// (apiserver_storage_objects, apiserver_terminated_watchers_total, apiserver_current_inflight_requests).
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import type { Authenticator } from '../../../src/authn/interfaces.js';
import type { Authorizer } from '../../../src/authz/interfaces.js';
import { ApiServerMetrics } from '../../../src/metrics/apiserver-metrics.js';
import {
  instrumentAuthenticator,
  instrumentAuthorizer,
  instrumentRequestAuthorizer,
} from '../../../src/metrics/instrument.js';
import { storageObjectCounts } from '../../../src/metrics/storage-objects.js';
import { MaxInFlightLimiter } from '../../../src/server/filters/max-inflight.js';
import type { RequestScope } from '../../../src/server/request-scope.js';
import { parseRequestInfo } from '../../../src/server/requestinfo.js';
import { MemoryStore } from '../../../src/storage/memory.js';

/** The parts of node's request and response the metrics read (test doubles for node:http objects). */
function exchange(method: string, url: string, code: number, headers: Record<string, string> = {}) {
  const [path, q = ''] = url.split('?');
  const req = { method, url, headers } as unknown as IncomingMessage;
  const res = {
    headersSent: true,
    statusCode: code,
    getHeader: () => undefined,
    hasHeader: () => false,
  } as unknown as ServerResponse;
  const scope: RequestScope = {
    receivedAt: performance.now(),
    info: parseRequestInfo(method, path!, new URLSearchParams(q)),
  };
  return { req, res, scope };
}

const served = new Set(['/v1/pods', '/v1/configmaps', 'rbac.authorization.k8s.io/v1/roles']);
const newMetrics = (extra = {}) =>
  new ApiServerMetrics({
    defaultMetrics: false,
    isServed: (i) => served.has(`${i.apiGroup}/${i.apiVersion}/${i.resource}`),
    ...extra,
  });
const text = async (m: ApiServerMetrics) => (await m.exposition()).text;

test("a request that reached its handler is counted with kube's labels; refused or unrouted ones are not", async () => {
  const m = newMetrics();
  const cases: [string, string, number, Partial<RequestScope>][] = [
    ['GET', '/api/v1/namespaces/default/pods', 200, { authorized: true }],
    ['GET', '/api/v1/namespaces/default/pods', 200, { authorized: true }],
    ['POST', '/api/v1/namespaces/default/configmaps?dryRun=All', 201, { authorized: true }],
    ['GET', '/api/v1/namespaces/default/pods', 403, {}], // authorization said no: kube has no route metric for it
    ['GET', '/api/v1/namespaces/default/widgets', 404, { authorized: true }], // no such resource: no route
    ['GET', '/api/v1/namespaces/default/pods/p/x-made-up', 404, { authorized: true }],
    ['GET', '/version', 200, { authorized: true }],
  ];
  for (const [method, url, code, extra] of cases) {
    const { req, res, scope } = exchange(method, url, code);
    Object.assign(scope, extra);
    m.begin(req, scope);
    m.end(req, res, scope);
  }
  const t = await text(m);
  assert.match(
    t,
    /^apiserver_request_total\{verb="LIST",dry_run="",group="",version="v1",resource="pods",subresource="",scope="namespace",component="apiserver",code="200"\} 2$/m,
  );
  assert.match(
    t,
    /^apiserver_request_total\{verb="POST",dry_run="All",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver",code="201"\} 1$/m,
  );
  assert.equal(t.split('\n').filter((l) => l.startsWith('apiserver_request_total{')).length, 2, t);
  assert.match(
    t,
    /^apiserver_request_duration_seconds_count\{verb="LIST",dry_run="",group="",version="v1",resource="pods",subresource="",scope="namespace",component="apiserver"\} 2$/m,
  );
  assert.match(t, /^apiserver_request_duration_seconds_bucket\{le="60",verb="LIST"/m);
  assert.doesNotMatch(t, /widgets|x-made-up|\/version/);
});

test('a 429 from the limiter is a request and a termination; a 504 is a termination', async () => {
  const m = newMetrics();
  const dropped = exchange('GET', '/api/v1/namespaces/default/configmaps', 429);
  dropped.scope.throttled = true;
  m.end(dropped.req, dropped.res, dropped.scope);
  const probe = exchange('GET', '/readyz', 429);
  probe.scope.throttled = true;
  m.end(probe.req, probe.res, probe.scope);
  const odd = exchange('GET', '/some/user/path', 429);
  odd.scope.throttled = true;
  m.end(odd.req, odd.res, odd.scope);
  const late = exchange('POST', '/api/v1/namespaces/default/configmaps', 504);
  Object.assign(late.scope, { authorized: true, timedOut: true });
  m.end(late.req, late.res, late.scope);
  const t = await text(m);
  assert.match(
    t,
    /^apiserver_request_total\{verb="LIST",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="namespace",component="apiserver",code="429"\} 1$/m,
  );
  assert.match(
    t,
    /^apiserver_request_terminations_total\{verb="LIST",group="",version="v1",resource="configmaps",subresource="",scope="namespace",component="apiserver",code="429"\} 1$/m,
  );
  assert.match(
    t,
    /^apiserver_request_terminations_total\{verb="GET",group="",version="",resource="",subresource="\/readyz",scope="",component="apiserver",code="429"\} 1$/m,
  );
  assert.match(
    t,
    /^apiserver_request_terminations_total\{verb="GET",group="",version="",resource="",subresource="other",scope="",component="apiserver",code="429"\} 1$/m,
  );
  assert.match(
    t,
    /^apiserver_request_terminations_total\{verb="POST",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver",code="504"\} 1$/m,
  );
  assert.match(t, /^apiserver_request_total\{verb="POST",.*resource="configmaps".*code="504"\} 1$/m);
  assert.doesNotMatch(t, /some\/user/);
});

test('long-running requests are counted while they run', async () => {
  const m = newMetrics();
  const w = exchange('GET', '/api/v1/namespaces/default/pods?watch=1', 200);
  w.scope.authorized = true;
  m.begin(w.req, w.scope);
  assert.match(
    await text(m),
    /^apiserver_longrunning_requests\{verb="WATCH",group="",version="v1",resource="pods",subresource="",scope="namespace",component="apiserver"\} 1$/m,
  );
  m.end(w.req, w.res, w.scope);
  assert.doesNotMatch(await text(m), /^apiserver_longrunning_requests\{/m);
});

test("authentication and authorization results, per kube's result labels", async () => {
  const m = newMetrics();
  const answers: (() => Promise<unknown>)[] = [
    async () => ({ user: { username: 'a', groups: [] } }),
    async () => null,
    async () => {
      throw new Error('bad token');
    },
  ];
  for (const answer of answers) {
    const authn = instrumentAuthenticator({ name: 't', authenticate: answer } as Authenticator, m);
    await authn.authenticate({ headers: {}, peerCertificates: [] }).catch(() => undefined);
  }
  const decide = (decision: string, error?: string): Authorizer =>
    ({ name: 't', authorize: async () => ({ decision, reason: '', error }) }) as Authorizer;
  const attrs = {
    user: { username: 'a', groups: [] },
    verb: 'get',
    isResourceRequest: false,
    path: '/',
    namespace: '',
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
  };
  for (const [d, e] of [['Allow'], ['Deny'], ['NoOpinion'], ['NoOpinion', 'webhook down']] as [string, string?][]) {
    await instrumentRequestAuthorizer(decide(d, e), m).authorize(attrs);
    await instrumentAuthorizer('RBAC', 'rbac', decide(d, e), m).authorize(attrs);
  }
  const t = await text(m);
  for (const result of ['success', 'failure', 'error'])
    assert.match(t, new RegExp(`^authentication_attempts\\{result="${result}"\\} 1$`, 'm'));
  assert.match(t, /^authentication_duration_seconds_bucket\{le="0.001",result="success"\}/m);
  for (const result of ['allowed', 'denied', 'no-opinion', 'error'])
    assert.match(t, new RegExp(`^authorization_attempts_total\\{result="${result}"\\} 1$`, 'm'));
  assert.match(t, /^apiserver_authorization_decisions_total\{type="RBAC",name="rbac",decision="allowed"\} 1$/m);
  assert.match(t, /^apiserver_authorization_decisions_total\{type="RBAC",name="rbac",decision="denied"\} 1$/m);
  assert.equal(t.split('\n').filter((l) => l.startsWith('apiserver_authorization_decisions_total{')).length, 2);
});

test('scrape-time values: stored objects (cached), terminated watchers, the in-flight watermark', async () => {
  const store = new MemoryStore();
  await store.create('/registry/pods/default/a', '{}');
  await store.create('/registry/pods/default/b', '{}');
  await store.create('/registry/rbac.authorization.k8s.io/roles/default/r', '{}');
  let now = 0;
  const defs = [
    { resource: 'pods', group: '', version: 'v1' },
    { resource: 'roles', group: 'rbac.authorization.k8s.io', version: 'v1' },
    {
      resource: 'selfsubjectaccessreviews',
      group: 'authorization.k8s.io',
      version: 'v1',
      virtualCreate: () => undefined,
    },
  ] as never[];
  const storageObjects = storageObjectCounts({
    store,
    defs: () => defs,
    maxAgeMs: 1000,
    now: () => now,
    prefixOf: (d: { resource: string; group: string }) => `/registry/${d.group ? `${d.group}/` : ''}${d.resource}/`,
  });
  const terminated = new Map([['configmaps', 2]]);
  const m = newMetrics({ storageObjects, terminatedWatchers: () => terminated });
  const limiter = new MaxInFlightLimiter({
    maxRequestsInFlight: 5,
    maxMutatingRequestsInFlight: 5,
    priorityAndFairnessExemptions: false,
  });
  m.attachLimiter(limiter);
  limiter.admit(parseRequestInfo('GET', '/api/v1/pods', new URLSearchParams()), { username: 'a', groups: [] });

  let t = await text(m);
  assert.match(t, /^apiserver_storage_objects\{resource="pods"\} 2$/m);
  assert.match(t, /^apiserver_storage_objects\{resource="roles.rbac.authorization.k8s.io"\} 1$/m);
  assert.doesNotMatch(t, /selfsubjectaccessreviews/);
  assert.match(t, /^apiserver_terminated_watchers_total\{resource="configmaps"\} 2$/m);
  assert.match(t, /^apiserver_current_inflight_requests\{request_kind="readOnly"\} 1$/m);
  assert.match(t, /^apiserver_current_inflight_requests\{request_kind="mutating"\} 0$/m);

  await store.create('/registry/pods/default/c', '{}');
  terminated.set('configmaps', 3);
  t = await text(m);
  assert.match(t, /^apiserver_storage_objects\{resource="pods"\} 2$/m, 'counted again only after maxAgeMs');
  assert.match(t, /^apiserver_terminated_watchers_total\{resource="configmaps"\} 3$/m);
  now = 1000;
  assert.match(await text(m), /^apiserver_storage_objects\{resource="pods"\} 3$/m);
  await store.close();
});

test("process_* and nodejs_* are prom-client's defaults", async () => {
  const t = await text(new ApiServerMetrics({}));
  for (const name of [
    'process_cpu_user_seconds_total',
    'process_cpu_system_seconds_total',
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'process_open_fds',
    'process_start_time_seconds',
    'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes',
    'nodejs_version_info',
  ]) {
    assert.match(t, new RegExp(`^${name}(\\{[^}]*\\})? [0-9.e+-]+$`, 'm'), name);
  }
  assert.match(t, /^# TYPE nodejs_gc_duration_seconds histogram$/m);
});
