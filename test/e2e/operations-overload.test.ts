// /metrics, the max-in-flight limits and the request deadline against the real `kauth up`, driven by kubectl and
// raw HTTPS clients: kube-apiserver's metric names and labels, RBAC on /metrics (system:monitoring may, others get
// 403), a flood above --max-requests-inflight 4 / --max-mutating-requests-inflight 2 answered 429 with kube's text
// while a watch opened before keeps streaming, system:masters is never refused and /readyz stays 200, and
// ?timeout= (400 when unparsable, kube's 504 Timeout Status when a request runs past it).
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { clientCert, kubectl, request, sleep, startCluster, type Cluster, type Response } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startCluster({ args: ['--max-requests-inflight', '4', '--max-mutating-requests-inflight', '2'] });
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

/** `name{labels} value` lines of one metric whose labels include every pair in `match`. */
function samples(text: string, name: string, match: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labels = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`)))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function metricsText(): string {
  const r = kubectl(c, ['get', '--raw', '/metrics']);
  assert.equal(r.code, 0, r.err);
  return r.out;
}

test("/metrics counts the LIST just made, with kube-apiserver's names and labels", () => {
  const listPods = {
    verb: 'LIST',
    resource: 'pods',
    group: '',
    version: 'v1',
    scope: 'namespace',
    component: 'apiserver',
    code: '200',
    dry_run: '',
  };
  const before = samples(metricsText(), 'apiserver_request_total', listPods);
  assert.equal(kubectl(c, ['get', 'pods', '-n', 'default']).code, 0);
  const text = metricsText();
  assert.equal(samples(text, 'apiserver_request_total', listPods), before + 1);
  assert.ok(samples(text, 'apiserver_request_duration_seconds_count', { verb: 'LIST', resource: 'pods' }) >= 1);
  assert.match(text, /^apiserver_request_duration_seconds_bucket\{le="0\.005",verb="LIST"/m);
  assert.ok(samples(text, 'authentication_attempts', { result: 'success' }) >= 2);
  assert.ok(samples(text, 'authorization_attempts_total', { result: 'allowed' }) >= 2);
  // admin.conf (kubeadm:cluster-admins) is allowed by RBAC's binding to cluster-admin, as kube counts it.
  assert.ok(
    samples(text, 'apiserver_authorization_decisions_total', { decision: 'allowed', name: 'rbac', type: 'RBAC' }) >= 1,
  );
  assert.ok(samples(text, 'apiserver_storage_objects', { resource: 'clusterroles.rbac.authorization.k8s.io' }) > 10);
  assert.match(text, /^apiserver_current_inflight_requests\{request_kind="readOnly"\} \d+/m);
  assert.match(text, /^# TYPE apiserver_terminated_watchers_total counter/m);
  assert.match(text, /^process_resident_memory_bytes \d+/m);
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  // No user name or free path becomes a label value.
  assert.doesNotMatch(text, /kubernetes-admin/);
});

test("/metrics is decided by RBAC: system:monitoring may get it, another user gets kube's 403", async () => {
  const monitor = await request(c, { path: '/metrics', who: { cert: clientCert(c, 'prom', ['system:monitoring']) } });
  assert.equal(monitor.code, 200);
  assert.match(String(monitor.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const nobody = await request(c, { path: '/metrics', who: { cert: clientCert(c, 'nobody') } });
  assert.equal(nobody.code, 403);
  assert.equal(nobody.json.message, 'forbidden: User "nobody" cannot get path "/metrics"');
  const anonymous = await request(c, { path: '/metrics' });
  assert.equal(anonymous.code, 403);
});

/** Many requests at once over a shared keep-alive agent (one TLS handshake per socket). */
function flood(
  agent: https.Agent,
  n: number,
  mk: (i: number) => { method: string; path: string; body?: unknown },
): Promise<(Response | Error)[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      const o = mk(i);
      return new Promise<Response | Error>((resolve) => {
        const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
        const req = https.request(
          {
            agent,
            hostname: '127.0.0.1',
            port: c.port,
            method: o.method,
            path: o.path,
            headers: {
              Accept: 'application/json',
              ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () =>
              resolve({
                code: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString(),
                json: undefined,
                headers: res.headers,
              }),
            );
          },
        );
        req.on('error', (e) => resolve(e));
        req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
        req.end(payload);
      });
    }),
  );
}

test("a flood above the limits gets 429 with kube's text; watch, masters and /readyz are not refused", async () => {
  assert.equal(kubectl(c, ['create', 'ns', 'flood']).code, 0);
  assert.equal(
    kubectl(c, ['create', 'role', 'cm', '--verb=get,list,watch,create', '--resource=configmaps', '-n', 'flood']).code,
    0,
  );
  assert.equal(
    kubectl(c, ['create', 'rolebinding', 'flooder-cm', '--role=cm', '--user=flooder', '-n', 'flood']).code,
    0,
  );
  const ca = readFileSync(c.caFile);
  const flooder = clientCert(c, 'flooder');
  const masters = clientCert(c, 'root', ['system:masters']);
  const cm = (name: string): unknown => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: { v: 'x'.repeat(1024) },
  });
  const rootAgent = new https.Agent({ keepAlive: true, maxSockets: 20, ca, cert: masters.cert, key: masters.key });
  // Seed: lists of these take a while, so seats stay taken (system:masters writes past the mutating limit of 2).
  const seeded = await flood(rootAgent, 60, (i) => ({
    method: 'POST',
    path: '/api/v1/namespaces/flood/configmaps',
    body: cm(`seed-${i}`),
  }));
  assert.deepEqual(
    seeded.filter((r) => r instanceof Error || r.code !== 201),
    [],
  );

  // A watch opened before the flood: long-running, it takes no seat.
  let watched = '';
  const watch = https.get(
    {
      hostname: '127.0.0.1',
      port: c.port,
      path: '/api/v1/namespaces/flood/configmaps?watch=1&resourceVersion=0',
      ca,
      cert: flooder.cert,
      key: flooder.key,
      agent: false,
    },
    (res) =>
      res.on('data', (d: Buffer) => {
        watched += d.toString();
      }),
  );
  watch.on('error', () => undefined);
  await sleep(500);
  const before = watched.length;

  let flooding = true;
  const readyz: number[] = [];
  const prober = (async () => {
    while (flooding) {
      readyz.push((await request(c, { path: '/readyz' })).code); // anonymous, as a load balancer probes
      await sleep(50);
    }
  })();
  // 2,000 requests, 250 at a time on keep-alive connections: 60 times the read-only limit. (2,000 fresh TLS
  // connections at once measure the handshakes, not the limiter: ~25 s of server CPU on this machine.)
  const agent = new https.Agent({ keepAlive: true, maxSockets: 250, ca, cert: flooder.cert, key: flooder.key });
  const floodDone = flood(agent, 2000, (i) =>
    i % 4 === 3
      ? { method: 'POST', path: '/api/v1/namespaces/flood/configmaps', body: cm(`flood-${i}`) }
      : { method: 'GET', path: '/api/v1/namespaces/flood/configmaps' },
  );
  // system:masters in the middle of the flood: served even when every seat is taken.
  await sleep(100);
  const rootDuring = await flood(rootAgent, 20, () => ({
    method: 'GET',
    path: '/api/v1/namespaces/flood/configmaps?limit=1',
  }));
  const results = await floodDone;
  flooding = false;
  await prober;
  agent.destroy();
  rootAgent.destroy();

  const responses = results.filter((r): r is Response => !(r instanceof Error));
  const codes: Record<number, number> = {};
  for (const r of responses) codes[r.code] = (codes[r.code] ?? 0) + 1;
  assert.equal(
    responses.length,
    results.length,
    `client errors: ${results
      .filter((r) => r instanceof Error)
      .slice(0, 3)
      .join('; ')}`,
  );
  const refused = responses.filter((r) => r.code === 429);
  assert.ok(refused.length > 100, JSON.stringify(codes));
  for (const r of refused) {
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.text, 'Too many requests, please try again later.\n');
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
  }
  assert.ok((codes[200] ?? 0) > 0 && (codes[201] ?? 0) > 0, JSON.stringify(codes));
  assert.deepEqual(Object.keys(codes).sort(), ['200', '201', '429'], JSON.stringify(codes));
  assert.deepEqual(
    rootDuring.map((r) => (r instanceof Error ? r.message : r.code)),
    Array(20).fill(200),
  );
  assert.ok(readyz.length >= 2, JSON.stringify(readyz));
  assert.deepEqual(
    readyz.filter((code) => code !== 200),
    [],
  );
  await sleep(300);
  assert.match(watched.slice(before), /"name":"flood-\d+"/);
  watch.destroy();

  const text = metricsText();
  const dropped = samples(text, 'apiserver_request_total', { code: '429', resource: 'configmaps' });
  assert.equal(dropped, refused.length);
  assert.equal(
    samples(text, 'apiserver_request_terminations_total', { code: '429', resource: 'configmaps' }),
    refused.length,
  );
  assert.equal(
    samples(text, 'apiserver_request_total', { code: '429', verb: 'LIST' }) +
      samples(text, 'apiserver_request_total', { code: '429', verb: 'POST' }),
    refused.length,
  );
});

test("?timeout=: kube's 400 when unparsable, and kube's 504 Timeout Status when the request runs past it", async () => {
  const root = { cert: clientCert(c, 'root', ['system:masters']) };
  const bad = await request(c, { path: '/api/v1/namespaces/default/configmaps?timeout=abc', who: root });
  assert.equal(bad.code, 400);
  assert.equal(bad.json.message, 'invalid timeout specified in the request URL - time: invalid duration "abc"');
  const unit = await request(c, { path: '/api/v1/namespaces/default/configmaps?timeout=10', who: root });
  assert.equal(unit.json.message, 'invalid timeout specified in the request URL - time: missing unit in duration "10"');
  // A watch is long-running: its ?timeout= is the watch's own, not a deadline, and is never refused here.
  assert.equal(
    (
      await request(c, {
        path: '/api/v1/namespaces/default/configmaps?timeout=1ms&watch=1&timeoutSeconds=1',
        who: root,
      })
    ).code,
    200,
  );

  // A create whose body stalls: the deadline (300ms) passes while the server is still reading it.
  const started = Date.now();
  const timedOut = await new Promise<Response>((resolve, reject) => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    const req = https.request(
      {
        hostname: '127.0.0.1',
        port: c.port,
        method: 'POST',
        path: '/api/v1/namespaces/default/configmaps?timeout=300ms',
        agent: false,
        ca: readFileSync(c.caFile),
        cert: root.cert.cert,
        key: root.cert.key,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            code: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            json: JSON.parse(Buffer.concat(chunks).toString()),
            headers: res.headers,
          }),
        );
        // The rest of the body arrives after the answer: the handler's late response goes nowhere.
        req.end(body.slice(10));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 10));
  });
  assert.equal(timedOut.code, 504);
  assert.ok(Date.now() - started >= 290);
  assert.deepEqual(timedOut.json, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
    reason: 'Timeout',
    details: {},
    code: 504,
  });
  await sleep(200);
  assert.equal((await request(c, { path: '/readyz' })).code, 200);
  assert.ok(
    samples(metricsText(), 'apiserver_request_terminations_total', {
      code: '504',
      verb: 'POST',
      resource: 'configmaps',
    }) >= 1,
  );
});
