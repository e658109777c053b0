// The request audit log against the real `kauth up` with --audit-policy-file and --audit-log-path, driven by the
// real kubectl and raw HTTPS: `kubectl --as jane` logs the authenticated user and the impersonated one with the
// authorization annotations; a `level: None` rule for a user (matched on the authenticated user) silences them;
// a Secret created at Metadata level leaves no trace of its value; a failed authentication is one 401 event with
// no token in any log; a watch has ResponseStarted then ResponseComplete; and --audit-log-maxsize/-maxbackup
// rotate the file keeping that many 0600 backups.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clientCert, kubectl, request, sleep, startCluster, type Cluster } from './harness.js';

interface Event {
  stage: string;
  level: string;
  verb: string;
  auditID: string;
  requestURI: string;
  user: { username?: string; groups?: string[] };
  impersonatedUser?: { username?: string };
  objectRef?: Record<string, string>;
  responseStatus?: Record<string, unknown>;
  annotations?: Record<string, string>;
  responseObject?: unknown;
  requestObject?: unknown;
}

let c: Cluster;
let logPath: string;
const policy = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  users: ["silent-sam"]
- level: RequestResponse
  namespaces: ["bulk"]
  resources: [{group: "", resources: ["configmaps"]}]
- level: Metadata
`;

before(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'kauth-audit-'));
  writeFileSync(join(dir, 'policy.yaml'), policy);
  logPath = join(dir, 'log', 'audit.log');
  c = await startCluster({
    dir,
    args: [
      '--audit-policy-file',
      join(dir, 'policy.yaml'),
      '--audit-log-path',
      logPath,
      '--audit-log-maxsize',
      '1',
      '--audit-log-maxbackup',
      '2',
    ],
  });
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

const admin = () => ({ cert: clientCert(c, 'ops-admin', ['system:masters']) });

function events(): Event[] {
  if (!existsSync(logPath)) return [];
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);
}

async function waitFor(find: (e: Event) => boolean): Promise<Event> {
  for (let i = 0; i < 50; i++) {
    const e = events().find(find);
    if (e) return e;
    await sleep(50);
  }
  assert.fail(`no such event among ${events().length}`);
}

test('kubectl --as jane: the event carries the admin as user, jane as impersonatedUser, and the decision', async () => {
  assert.equal(kubectl(c, ['create', 'role', 'pod-lister', '--verb=list', '--resource=pods', '-n', 'default']).code, 0);
  assert.equal(
    kubectl(c, ['create', 'rolebinding', 'jane-pods', '--role=pod-lister', '--user=jane', '-n', 'default']).code,
    0,
  );
  const k = kubectl(c, ['--as', 'jane', 'get', 'pods', '-n', 'default']);
  assert.equal(k.code, 0, k.err);
  const e = await waitFor(
    (x) => x.impersonatedUser?.username === 'jane' && x.stage === 'ResponseComplete' && x.verb === 'list',
  );
  assert.equal(e.user.username, 'kubernetes-admin');
  assert.ok(e.user.groups?.includes('kubeadm:cluster-admins'));
  assert.equal(e.level, 'Metadata');
  assert.deepEqual(e.objectRef, { resource: 'pods', namespace: 'default', apiVersion: 'v1' });
  assert.deepEqual(e.responseStatus, { metadata: {}, code: 200 });
  assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'allow');
  assert.match(
    e.annotations?.['authorization.k8s.io/reason'] ?? '',
    /^RBAC: allowed by RoleBinding "jane-pods\/default" of Role "pod-lister" to User "jane"$/,
  );
  // The RequestReceived event of the same request was written before impersonation.
  const received = events().find((x) => x.auditID === e.auditID && x.stage === 'RequestReceived');
  assert.equal(received?.impersonatedUser, undefined);

  const denied = kubectl(c, ['--as', 'jane', 'get', 'secrets', '-n', 'default']);
  assert.notEqual(denied.code, 0);
  const forbid = await waitFor(
    (x) =>
      x.impersonatedUser?.username === 'jane' && x.objectRef?.resource === 'secrets' && x.stage === 'ResponseComplete',
  );
  assert.equal(forbid.annotations?.['authorization.k8s.io/decision'], 'forbid');
  assert.equal(forbid.responseStatus?.code, 403);
  assert.equal(forbid.responseStatus?.reason, 'Forbidden');
});

test("the Audit-ID response header names the request's events", async () => {
  const r = await request(c, {
    path: '/api/v1/namespaces/default/configmaps',
    who: { cert: clientCert(c, 'loud-lou') },
  });
  assert.equal(r.code, 403);
  const id = r.headers['audit-id'] as string;
  assert.match(id, /^[0-9a-f-]{36}$/);
  const e = await waitFor((x) => x.auditID === id && x.stage === 'ResponseComplete');
  assert.equal(e.user.username, 'loud-lou');
});

test('a level None rule for a user silences that user (matched on the authenticated user); others are logged', async () => {
  await request(c, { path: '/api/v1/namespaces/default/pods', who: { cert: clientCert(c, 'silent-sam') } });
  // silent-sam impersonating someone is still silent-sam's request.
  await request(c, {
    path: '/api/v1/namespaces/default/pods',
    who: { cert: clientCert(c, 'silent-sam') },
    headers: { 'Impersonate-User': 'jane' },
  });
  await request(c, { path: '/api/v1/namespaces/default/pods', who: { cert: clientCert(c, 'loud-lou') } });
  await waitFor((x) => x.user.username === 'loud-lou' && x.requestURI === '/api/v1/namespaces/default/pods');
  assert.ok(!events().some((x) => x.user.username === 'silent-sam'));
});

test('a Secret created at Metadata level leaves no trace of its value in the audit log', async () => {
  const mark = `auditmark${Date.now()}`;
  const k = kubectl(c, ['create', 'secret', 'generic', 'audited', '-n', 'default', `--from-literal=v=${mark}`]);
  assert.equal(k.code, 0, k.err);
  const e = await waitFor(
    (x) => x.verb === 'create' && x.objectRef?.resource === 'secrets' && x.stage === 'ResponseComplete',
  );
  assert.equal(e.objectRef?.name, 'audited');
  assert.equal(e.requestObject, undefined);
  const raw = readFileSync(logPath, 'utf8');
  assert.ok(!raw.includes(mark) && !raw.includes(Buffer.from(mark).toString('base64').slice(0, 16)));
  assert.ok(!c.output().includes(mark));
});

test('a failed authentication is audited once, at ResponseStarted, without the token anywhere', async () => {
  const token = 'abcdef.0123456789abcdef';
  const r = await request(c, { path: '/api/v1/namespaces/default/pods', who: { token } });
  assert.equal(r.code, 401);
  const e = await waitFor((x) => x.auditID === r.headers['audit-id']);
  assert.equal(e.stage, 'ResponseStarted');
  assert.deepEqual(e.user, {});
  assert.deepEqual(e.responseStatus, {
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
  assert.equal(events().filter((x) => x.auditID === e.auditID).length, 1);
  assert.ok(!readFileSync(logPath, 'utf8').includes(token) && !c.output().includes(token));
});

test('a watch: ResponseStarted when it starts streaming, ResponseComplete when it ends', async () => {
  const r = await request(c, { path: '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1', who: admin() });
  assert.equal(r.code, 200);
  const id = r.headers['audit-id'] as string;
  await waitFor((x) => x.auditID === id && x.stage === 'ResponseComplete');
  assert.deepEqual(
    events()
      .filter((x) => x.auditID === id)
      .map((x) => x.stage),
    ['RequestReceived', 'ResponseStarted', 'ResponseComplete'],
  );
  assert.equal(events().find((x) => x.auditID === id)!.verb, 'watch');
});

test('--audit-log-maxsize 1 --audit-log-maxbackup 2: the log rotates and keeps 2 backups, all 0600', async () => {
  assert.equal(kubectl(c, ['create', 'namespace', 'bulk']).code, 0);
  const big = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'big', namespace: 'bulk' },
    data: { v: 'y'.repeat(300_000) },
  };
  assert.equal(
    (await request(c, { method: 'POST', path: '/api/v1/namespaces/bulk/configmaps', body: big, who: admin() })).code,
    201,
  );
  // Each GET logs the 300 kB object at RequestResponse: about three per megabyte.
  for (let i = 0; i < 15; i++)
    assert.equal((await request(c, { path: '/api/v1/namespaces/bulk/configmaps/big', who: admin() })).code, 200);
  const dir = join(logPath, '..');
  let backups: string[] = [];
  for (let i = 0; i < 50; i++) {
    backups = readdirSync(dir).filter((f) => /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/.test(f));
    if (backups.length === 2 && statSync(logPath).size > 0) break;
    await sleep(50);
  }
  assert.deepEqual(
    readdirSync(dir).filter((f) => !backups.includes(f)),
    ['audit.log'],
  );
  assert.equal(backups.length, 2, readdirSync(dir).join(' '));
  for (const f of [...backups, 'audit.log']) {
    const st = statSync(join(dir, f));
    assert.equal(st.mode & 0o777, 0o600, f);
    assert.ok(st.size <= 1024 * 1024, `${f} within --audit-log-maxsize`);
  }
  const last = events()
    .filter((x) => x.stage === 'ResponseComplete' && x.objectRef?.name === 'big')
    .at(-1);
  assert.ok(last, 'the newest GET is in the live file');
  assert.equal((last.responseObject as { data: { v: string } }).data.v.length, 300_000);
});
