// One request's audit events, driven through a real local HTTP server the way src/server/server.ts drives them
// (begin → authenticated → impersonated → authorized → request body → response): the stages kube's WithAudit
// emits, the Audit-ID header, the event fields, annotations, responseStatus from a Status body, the request and
// response objects by level (Secrets' payload only at RequestResponse), omitStages and omitManagedFields.
import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { microTime } from '../../../src/audit/event.js';
import { PolicyChecker } from '../../../src/audit/policy.js';
import { Auditor, type AuditRequestInfo, type RequestAudit } from '../../../src/audit/request-audit.js';
import type { AuditBackend, AuditEvent, Policy } from '../../../src/audit/types.js';
import { isLongRunning } from '../../../src/server/filters/max-inflight.js';
import { parseRequestInfo } from '../../../src/server/requestinfo.js';

/** Test double for a backend: keeps the events in memory. */
class CollectingBackend implements AuditBackend {
  readonly name = 'collect';
  readonly dropped = 0;
  events: AuditEvent[] = [];
  processEvent(json: string): void {
    this.events.push(JSON.parse(json) as AuditEvent);
  }
  async close(): Promise<void> {}
}

const admin = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

interface Scenario {
  /** Runs the request path's audit calls, then answers. */
  serve(audit: RequestAudit, info: AuditRequestInfo, req: IncomingMessage, res: ServerResponse, body: Buffer): void;
}

async function run(
  policy: Policy,
  method: string,
  path: string,
  scenario: Scenario,
  opts: { body?: string; headers?: Record<string, string>; abortAfterMs?: number } = {},
) {
  const backend = new CollectingBackend();
  const auditor = new Auditor(new PolicyChecker(policy), [backend], isLongRunning);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const audit = auditor.begin(req, res, performance.now())!; // enabled: a policy and a backend
      const [p, q = ''] = (req.url ?? '/').split('?');
      const info = parseRequestInfo(req.method ?? 'GET', p!, new URLSearchParams(q));
      scenario.serve(audit, info, req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const answer = await new Promise<{ code: number; headers: http.IncomingHttpHeaders; text: string }>(
    (resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: { 'user-agent': 'kubectl/v1.35.0', 'content-type': 'application/json', ...opts.headers },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      if (opts.abortAfterMs) {
        setTimeout(() => {
          req.destroy();
          resolve({ code: 0, headers: {}, text: '' });
        }, opts.abortAfterMs);
      }
      req.on('error', (e) => (opts.abortAfterMs ? undefined : reject(e)));
      req.end(opts.body);
    },
  );
  for (
    let i = 0;
    i < 50 &&
    !backend.events.some(
      (e) => e.stage === 'ResponseComplete' || (e.stage === 'ResponseStarted' && e.responseStatus?.code === 401),
    );
    i++
  ) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise<void>((r) => server.close(() => r()));
  return { events: backend.events, answer };
}

const json = (res: ServerResponse, code: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(text);
};
const forbidden = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
  reason: 'Forbidden',
  details: { kind: 'pods' },
  code: 403,
};
const metadataForAll: Policy = { rules: [{ level: 'Metadata' }] };

test("a Metadata-level request: RequestReceived then ResponseComplete, the Audit-ID header, kube's fields", async () => {
  const { events, answer } = await run(
    metadataForAll,
    'GET',
    '/api/v1/namespaces/default/pods?limit=500',
    {
      serve(audit, info, _req, res) {
        audit.authenticated(info, admin);
        audit.impersonated({ username: 'jane', groups: ['system:authenticated'] });
        audit.authorized({ decision: 'forbid', reason: '' });
        json(res, 403, forbidden);
      },
    },
    { headers: { 'x-forwarded-for': '10.0.0.1, bogus, 10.0.0.2' } },
  );
  assert.equal(answer.code, 403);
  assert.deepEqual(
    events.map((e) => e.stage),
    ['RequestReceived', 'ResponseComplete'],
  );
  const [received, complete] = events as [AuditEvent, AuditEvent];
  assert.equal(answer.headers['audit-id'], complete.auditID);
  assert.equal(received.auditID, complete.auditID);
  assert.match(complete.auditID, /^[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(complete), [
    'kind',
    'apiVersion',
    'level',
    'auditID',
    'stage',
    'requestURI',
    'verb',
    'user',
    'impersonatedUser',
    'sourceIPs',
    'userAgent',
    'objectRef',
    'responseStatus',
    'requestReceivedTimestamp',
    'stageTimestamp',
    'annotations',
  ]);
  assert.equal(complete.kind, 'Event');
  assert.equal(complete.apiVersion, 'audit.k8s.io/v1');
  assert.equal(complete.level, 'Metadata');
  assert.equal(complete.requestURI, '/api/v1/namespaces/default/pods?limit=500');
  assert.equal(complete.verb, 'list');
  assert.deepEqual(complete.user, { username: 'admin', groups: ['system:masters', 'system:authenticated'] });
  assert.deepEqual(complete.impersonatedUser, { username: 'jane', groups: ['system:authenticated'] });
  assert.deepEqual(complete.sourceIPs, ['10.0.0.1', '10.0.0.2', '127.0.0.1']);
  assert.equal(complete.userAgent, 'kubectl/v1.35.0');
  assert.deepEqual(complete.objectRef, { resource: 'pods', namespace: 'default', apiVersion: 'v1' });
  assert.deepEqual(complete.responseStatus, {
    metadata: {},
    status: 'Failure',
    message: forbidden.message,
    reason: 'Forbidden',
    details: { kind: 'pods' },
    code: 403,
  });
  assert.deepEqual(complete.annotations, {
    'authorization.k8s.io/decision': 'forbid',
    'authorization.k8s.io/reason': '',
  });
  // RequestReceived comes before impersonation and authorization: neither shows in it.
  assert.equal(received.impersonatedUser, undefined);
  assert.equal(received.annotations, undefined);
  assert.equal(received.responseStatus, undefined);
  assert.equal(received.stageTimestamp, received.requestReceivedTimestamp);
  assert.match(complete.stageTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.ok(complete.stageTimestamp >= complete.requestReceivedTimestamp);
  assert.equal('requestObject' in complete || 'responseObject' in complete, false);
});

test('MicroTime keeps microseconds', () => {
  assert.equal(microTime(Date.parse('2026-11-29T00:33:22.123Z') + 0.4567), '2026-11-29T00:33:22.123456Z');
});

test('a watch: ResponseStarted when its headers go out, ResponseComplete when it ends', async () => {
  const { events } = await run(metadataForAll, 'GET', '/api/v1/namespaces/default/configmaps?watch=true', {
    serve(audit, info, _req, res) {
      audit.authenticated(info, admin);
      audit.authorized({ decision: 'allow', reason: 'RBAC: allowed' });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      res.write('{"type":"ADDED","object":{}}\n');
      setTimeout(() => res.end(), 50);
    },
  });
  assert.deepEqual(
    events.map((e) => e.stage),
    ['RequestReceived', 'ResponseStarted', 'ResponseComplete'],
  );
  assert.equal(events[1]!.verb, 'watch');
  assert.deepEqual(events[1]!.responseStatus, { metadata: {}, code: 200 });
  assert.deepEqual(events[2]!.responseStatus, { metadata: {}, code: 200 });
  assert.equal(events[2]!.annotations?.['authorization.k8s.io/decision'], 'allow');
});

test('a watch whose client leaves before any header: a faked ResponseStarted, then ResponseComplete', async () => {
  const { events } = await run(
    metadataForAll,
    'GET',
    '/api/v1/pods?watch=1',
    {
      serve(audit, info) {
        audit.authenticated(info, admin);
        // never answers
      },
    },
    { abortAfterMs: 50 },
  );
  assert.deepEqual(
    events.map((e) => e.stage),
    ['RequestReceived', 'ResponseStarted', 'ResponseComplete'],
  );
  assert.deepEqual(events[2]!.responseStatus, {
    metadata: {},
    status: 'Success',
    message: 'Connection closed early',
    code: 200,
  });
});

test('failed authentication: one ResponseStarted event without a user, with the 401 Status', async () => {
  const unauthorized = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  };
  const { events } = await run(
    { rules: [{ level: 'None', userGroups: ['system:authenticated'] }, { level: 'Metadata' }] },
    'GET',
    '/api/v1/pods',
    {
      serve(audit, info, _req, res) {
        audit.authenticationFailed(info);
        json(res, 401, unauthorized);
      },
    },
    { headers: { authorization: 'Bearer not-a-token' } },
  );
  assert.deepEqual(
    events.map((e) => e.stage),
    ['ResponseStarted'],
  );
  assert.deepEqual(events[0]!.user, {});
  assert.deepEqual(events[0]!.responseStatus, {
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
  assert.ok(!JSON.stringify(events).includes('not-a-token'));
});

test("level None: no events, but the response still carries an Audit-ID; a client's Audit-ID is kept", async () => {
  const { events, answer } = await run(
    { rules: [{ level: 'None' }] },
    'GET',
    '/version',
    {
      serve(audit, info, _req, res) {
        audit.authenticated(info, admin);
        json(res, 200, {});
      },
    },
    { headers: { 'audit-id': 'from-the-client' } },
  );
  assert.deepEqual(events, []);
  assert.equal(answer.headers['audit-id'], 'from-the-client');
});

test('omitStages drops those stages', async () => {
  const { events } = await run({ omitStages: ['RequestReceived'], rules: [{ level: 'Metadata' }] }, 'GET', '/healthz', {
    serve(audit, info, _req, res) {
      audit.authenticated(info, admin);
      json(res, 200, {});
    },
  });
  assert.deepEqual(
    events.map((e) => e.stage),
    ['ResponseComplete'],
  );
  assert.equal(events[0]!.objectRef, undefined, 'non-resource requests have no objectRef');
});

const secretBody = JSON.stringify({
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: { name: 'db', managedFields: [{ manager: 'kubectl' }] },
  data: { password: 'c2VjcmV0' },
  stringData: { token: 'plain' },
});
const secretPolicy = (level: 'Metadata' | 'Request' | 'RequestResponse', omitManagedFields = false): Policy => ({
  rules: [{ level, omitManagedFields }],
});
function createSecret(audit: RequestAudit, info: AuditRequestInfo, res: ServerResponse, body: Buffer): void {
  audit.authenticated(info, admin);
  audit.authorized({ decision: 'allow', reason: '' });
  audit.requestBody(body);
  const created = JSON.parse(body.toString());
  json(res, 201, { ...created, metadata: { ...created.metadata, namespace: 'default', uid: 'u1' } });
}

test('objects by level: Metadata none (but the created name), Request the request without Secret payload, RequestResponse both', async () => {
  const path = '/api/v1/namespaces/default/secrets';
  const meta = (
    await run(
      secretPolicy('Metadata'),
      'POST',
      path,
      { serve: (a, i, _q, r, b) => createSecret(a, i, r, b) },
      { body: secretBody },
    )
  ).events.at(-1)!;
  assert.deepEqual(meta.objectRef, { resource: 'secrets', namespace: 'default', name: 'db', apiVersion: 'v1' });
  assert.equal(meta.requestObject, undefined);
  assert.equal(meta.responseObject, undefined);
  assert.deepEqual(meta.responseStatus, { metadata: {}, code: 201 });

  const request = (
    await run(
      secretPolicy('Request'),
      'POST',
      path,
      { serve: (a, i, _q, r, b) => createSecret(a, i, r, b) },
      { body: secretBody },
    )
  ).events.at(-1)!;
  assert.deepEqual(request.requestObject, {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 'db', managedFields: [{ manager: 'kubectl' }] },
  });
  assert.equal(request.responseObject, undefined);
  assert.ok(!JSON.stringify(request).includes('c2VjcmV0') && !JSON.stringify(request).includes('plain'));

  const full = (
    await run(
      secretPolicy('RequestResponse', true),
      'POST',
      path,
      { serve: (a, i, _q, r, b) => createSecret(a, i, r, b) },
      { body: secretBody },
    )
  ).events.at(-1)!;
  assert.deepEqual(full.requestObject, {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 'db' },
    data: { password: 'c2VjcmV0' },
    stringData: { token: 'plain' },
  });
  assert.deepEqual((full.responseObject as { metadata: unknown }).metadata, {
    name: 'db',
    namespace: 'default',
    uid: 'u1',
  });
});

test("RequestResponse on a list drops each item's managedFields when omitManagedFields is set", async () => {
  const list = {
    kind: 'ConfigMapList',
    apiVersion: 'v1',
    metadata: {},
    items: [{ metadata: { name: 'a', managedFields: [{}] } }, { metadata: { name: 'b' } }],
  };
  const { events } = await run(
    { omitManagedFields: true, rules: [{ level: 'RequestResponse' }] },
    'GET',
    '/api/v1/configmaps',
    {
      serve(audit, info, _req, res) {
        audit.authenticated(info, admin);
        json(res, 200, list);
      },
    },
  );
  assert.deepEqual(events.at(-1)!.responseObject, {
    ...list,
    items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
  });
});
