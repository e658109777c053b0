// Several kauth replicas on one etcd, as real processes on loopback: a 3-member etcd cluster (Debian's etcd,
// started here), three `kauth up --etcd-servers …` replicas sharing one PKI, haproxy in front (TCP, health-checked
// on /readyz) and the real kubectl through it. Revocation through one replica denies on another within 1 s
// (p99 of 100); kill -9 of a replica and of an etcd member under writers loses no acknowledged write; killing
// the controllers' leader hands CSR signing over within 20 s; a compacted watch gets 410 and kubectl's
// reflector recovers.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { etcdInstalled, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { clientCert, freePort, KUBECTL, kubectl, sleep, startCluster, type Cluster } from './harness.js';

if (!etcdInstalled())
  throw new Error('etcd is not installed (apt-get install etcd-server): the distributed tests need it');
if (spawnSync('sh', ['-c', 'command -v haproxy']).status !== 0)
  throw new Error('haproxy is not installed (apt-get install haproxy)');

interface Reply {
  code: number;
  json: any;
} // eslint-disable-line @typescript-eslint/no-explicit-any
type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;

const agents: https.Agent[] = [];

/** An admin client over keep-alive mTLS to one replica (many small requests: no handshake each). */
function adminClient(c: Cluster): Call {
  const cert = clientCert(c, 'kubernetes-admin', ['system:masters']);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 16,
    ca: readFileSync(c.caFile),
    cert: cert.cert,
    key: cert.key,
  });
  agents.push(agent);
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        {
          method,
          host: '127.0.0.1',
          port: c.port,
          path,
          agent,
          headers: {
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString());
            } catch {
              /* not JSON */
            }
            resolve({ code: res.statusCode ?? 0, json });
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.end(payload);
    });
}

/** haproxy in TCP mode over the replicas, health-checked on /readyz over TLS (the config docs/ha.md shows). */
function haproxyConfig(port: number, replicas: Cluster[]): string {
  return [
    'global',
    '  maxconn 512',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    'frontend kauth',
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    ...replicas.map(
      (r, i) => `  server r${i} 127.0.0.1:${r.port} check check-ssl verify none inter 500ms fall 2 rise 2`,
    ),
    '',
  ].join('\n');
}

const percentile = (sorted: number[], p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

describe('kauth replicas on a 3-member etcd behind haproxy', () => {
  let etcd: EtcdCluster;
  let replicas: Cluster[] = [];
  let calls: Call[] = [];
  let haproxy: ChildProcess | undefined;
  let haPort = 0;
  let haCfg = '';
  const startHaproxy = (): void => {
    haproxy = spawn('haproxy', ['-db', '-f', haCfg], { stdio: 'ignore' });
  };
  let args: string[] = [];
  const viaHa = (kubectlArgs: string[]): ReturnType<typeof kubectl> =>
    kubectl(replicas[0]!, ['--server', `https://127.0.0.1:${haPort}`, ...kubectlArgs]);

  /** A replica started from a copy of the first one's pki/ and kubeconfigs (no database: the state is in etcd). */
  async function startReplica(
    from: Cluster,
    dir = mkdtempSync(join(tmpdir(), 'kauth-replica-')),
    port?: number,
  ): Promise<Cluster> {
    const data = join(dir, 'data');
    mkdirSync(data, { recursive: true });
    cpSync(join(from.dataDir, 'pki'), join(data, 'pki'), { recursive: true });
    for (const f of readdirSync(from.dataDir)) if (f.endsWith('.conf')) cpSync(join(from.dataDir, f), join(data, f));
    return startCluster({ dir, port, args });
  }

  before(async () => {
    // Info logs carry "successfully acquired lease" with the identity: how the test finds the leader.
    process.env.KAUTH_LOG_LEVEL = 'info';
    etcd = await startEtcd(3);
    args = ['--etcd-servers', etcd.endpoints.join(','), '--etcd-compaction-interval', '0'];
    const first = await startCluster({ args });
    replicas = [first, ...(await Promise.all([startReplica(first), startReplica(first)]))];
    calls = replicas.map(adminClient);
    haPort = await freePort();
    haCfg = join(replicas[0]!.dir, 'haproxy.cfg');
    writeFileSync(haCfg, haproxyConfig(haPort, replicas));
    startHaproxy();
    await sleep(1500); // first health checks
  });

  after(async () => {
    for (const agent of agents) agent.destroy();
    haproxy?.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    for (const r of replicas) r.cleanup();
    await etcd?.stop();
  });

  it('serves kubectl through haproxy, every replica reading the same object and resourceVersion', async () => {
    const created = viaHa([
      'create',
      'configmap',
      'through-lb',
      '-n',
      'default',
      '--from-literal=k=v',
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);
    assert.equal(created.code, 0, created.err);
    for (const [i, call] of calls.entries()) {
      const r = await call('GET', '/api/v1/namespaces/default/configmaps/through-lb');
      assert.equal(r.code, 200, `replica ${i}`);
      assert.equal(r.json.metadata.resourceVersion, created.out, `replica ${i}: resourceVersion is the etcd revision`);
    }
    const reads = Array.from({ length: 6 }, () =>
      viaHa(['get', 'configmap', 'through-lb', '-n', 'default', '-o', 'jsonpath={.data.k}']),
    );
    assert.deepEqual(
      reads.map((r) => r.out),
      Array(6).fill('v'),
      reads.map((r) => r.err).join(''),
    );
    const raw = new Etcd3({ hosts: etcd.endpoints });
    try {
      assert.ok(await raw.get('/registry/configmaps/default/through-lb').string(), "stored under kube's key");
    } finally {
      raw.close();
    }
  });

  it('a RoleBinding deleted through replica A denies on replica B within 1 s (p99 of 100)', async () => {
    const [a, b] = [calls[0]!, calls[1]!];
    await a('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'cm-reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    });
    const allowedOnB = async (): Promise<boolean> =>
      (
        await b('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: 'dana', resourceAttributes: { namespace: 'default', verb: 'get', resource: 'configmaps' } },
        })
      ).json?.status?.allowed === true;
    const waitOnB = async (want: boolean): Promise<number> => {
      const t0 = performance.now();
      while (performance.now() - t0 < 3000) {
        if ((await allowedOnB()) === want) return performance.now() - t0;
        await sleep(2);
      }
      return Infinity;
    };
    const revocations: number[] = [];
    for (let i = 0; i < 100; i++) {
      const created = await a('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `dana-${i}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'dana' }],
      });
      assert.equal(created.code, 201);
      assert.ok((await waitOnB(true)) < Infinity, `trial ${i}: the grant reached B`);
      const deleted = await a('DELETE', `/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/dana-${i}`);
      assert.equal(deleted.code, 200);
      revocations.push(await waitOnB(false));
    }
    revocations.sort((x, y) => x - y);
    const [p50, p99] = [percentile(revocations, 0.5), percentile(revocations, 0.99)];
    console.log(
      `revocation via A → denied on B: 100 trials, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${revocations[99]!.toFixed(1)} ms`,
    );
    assert.ok(p99 <= 1000, `p99 ${p99} ms`);
  });

  it('kill -9 of a replica and of an etcd member under writers: no acknowledged write lost, resourceVersions monotonic', async () => {
    const acked: Array<{ name: string; rv: bigint; writer: number }> = [];
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const name = `load-${w}-${i}`;
        const via = calls[(w + i) % calls.length]!;
        try {
          const r = await via('POST', '/api/v1/namespaces/default/configmaps', {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name },
            data: { v: name },
          });
          if (r.code === 201) acked.push({ name, rv: BigInt(r.json.metadata.resourceVersion), writer: w });
          else await sleep(20);
        } catch {
          await sleep(20); // the killed replica refuses connections
        }
      }
    });
    await sleep(1500);
    const victim = replicas[2]!;
    await victim.stop('SIGKILL');
    await sleep(1000);
    etcd.kill(0);
    const ackedAtKill = acked.length;
    await sleep(2500);
    stop = true;
    await Promise.all(writers);
    console.log(
      `writes acknowledged: ${acked.length} (${acked.length - ackedAtKill} after an etcd member was killed too)`,
    );
    assert.ok(
      acked.length > 50 && acked.length - ackedAtKill > 10,
      `${acked.length} acknowledged, ${acked.length - ackedAtKill} after the kills`,
    );
    for (let w = 0; w < 8; w++) {
      const rvs = acked.filter((x) => x.writer === w).map((x) => x.rv);
      assert.ok(
        rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]!),
        `writer ${w}: each acknowledged write has a greater resourceVersion`,
      );
    }
    let lost = 0;
    for (const x of acked) {
      for (const call of calls.slice(0, 2)) {
        const r = await call('GET', `/api/v1/namespaces/default/configmaps/${x.name}`);
        if (r.code !== 200 || r.json.data.v !== x.name || BigInt(r.json.metadata.resourceVersion) !== x.rv) lost++;
      }
    }
    assert.equal(lost, 0, `${lost} of ${acked.length * 2} reads lost or changed`);
    // The killed replica comes back on its data dir and port; revisions carry on above every acknowledged one.
    replicas[2] = await startReplica(replicas[0]!, victim.dir, victim.port);
    calls[2] = adminClient(replicas[2]);
    await etcd.restart(0);
    const max = acked.reduce((m, x) => (x.rv > m ? x.rv : m), 0n);
    const after = await calls[2]('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'after-restart' },
    });
    assert.equal(after.code, 201);
    assert.ok(BigInt(after.json.metadata.resourceVersion) > max);
  });

  it("killing the controllers' leader hands CSR signing to another replica within 20 s", async () => {
    const raw = new Etcd3({ hosts: etcd.endpoints });
    let holder = '';
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !holder) {
        const lease = (await raw.get('/registry/leases/kube-system/kube-controller-manager').json()) as {
          spec?: { holderIdentity?: string };
        } | null;
        holder = lease?.spec?.holderIdentity ?? '';
        if (!holder) await sleep(200);
      }
    } finally {
      raw.close();
    }
    assert.ok(holder, 'a replica holds the kube-controller-manager Lease');
    const leaderIndex = replicas.findIndex((r) => r.output().includes(holder));
    assert.ok(leaderIndex >= 0, `the holder ${holder} is one of the replicas`);
    const csr = (name: string): string => {
      const key = join(replicas[0]!.dir, `${name}.key`);
      spawnSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
      const req = spawnSync('openssl', ['req', '-new', '-key', key, '-subj', `/CN=${name}`], {
        encoding: 'utf8',
      }).stdout;
      return JSON.stringify({
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name },
        spec: {
          request: Buffer.from(req).toString('base64'),
          signerName: 'kubernetes.io/kube-apiserver-client',
          usages: ['client auth'],
        },
      });
    };
    const signedWithin = async (name: string, via: Cluster, ms: number): Promise<number> => {
      const t0 = Date.now();
      assert.equal(kubectl(via, ['create', '-f', '-'], { input: csr(name) }).code, 0);
      assert.equal(kubectl(via, ['certificate', 'approve', name]).code, 0);
      while (Date.now() - t0 < ms) {
        if (kubectl(via, ['get', 'csr', name, '-o', 'jsonpath={.status.certificate}']).out.length > 0)
          return Date.now() - t0;
        await sleep(250);
      }
      return Infinity;
    };
    const survivor = replicas[(leaderIndex + 1) % replicas.length]!;
    assert.ok(
      (await signedWithin('before-kill', survivor, 10_000)) < Infinity,
      'the leader signs a CSR approved through another replica',
    );
    const killedAt = Date.now();
    await replicas[leaderIndex]!.stop('SIGKILL');
    const name = 'after-kill';
    assert.equal(kubectl(survivor, ['create', '-f', '-'], { input: csr(name) }).code, 0);
    assert.equal(kubectl(survivor, ['certificate', 'approve', name]).code, 0);
    let handover = Infinity;
    while (Date.now() - killedAt < 25_000) {
      if (kubectl(survivor, ['get', 'csr', name, '-o', 'jsonpath={.status.certificate}']).out.length > 0) {
        handover = Date.now() - killedAt;
        break;
      }
      await sleep(250);
    }
    console.log(`controller leader killed → CSR signed by another replica after ${handover} ms`);
    assert.ok(handover <= 20_000, `${handover} ms`);
    const dead = replicas[leaderIndex]!;
    replicas[leaderIndex] = await startReplica(replicas[0] === dead ? survivor : replicas[0]!, dead.dir, dead.port);
    calls[leaderIndex] = adminClient(replicas[leaderIndex]!);
  });

  it("a watch from a compacted revision gets 410, and kubectl's reflector recovers through haproxy", async () => {
    const call = calls[0]!;
    const flag = await call('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'flag' },
      data: { phase: 'waiting' },
    });
    assert.equal(flag.code, 201);
    // kubectl wait lists and watches (client-go's reflector, UntilWithSync) through the balancer.
    const waiter = spawn(
      KUBECTL,
      [
        '--kubeconfig',
        replicas[0]!.adminKubeconfig,
        '--server',
        `https://127.0.0.1:${haPort}`,
        'wait',
        '--for=jsonpath={.data.phase}=done',
        'configmap/flag',
        '-n',
        'default',
        '--timeout=60s',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let waitOut = '';
    waiter.stdout.on('data', (d) => {
      waitOut += d;
    });
    waiter.stderr.on('data', (d) => {
      waitOut += d;
    });
    const exited = new Promise<number | null>((resolve) => waiter.on('exit', resolve));
    await sleep(1500);
    // Move the revision on and compact etcd past the reflector's resourceVersion.
    for (let i = 0; i < 20; i++)
      await call('POST', '/api/v1/namespaces/default/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `churn-${i}` },
      });
    const raw = new Etcd3({ hosts: etcd.endpoints });
    try {
      const revision = Number((await raw.get('/registry/configmaps/default/churn-19').exec()).header.revision);
      await raw.kv.compact({ revision, physical: true });
    } finally {
      raw.close();
    }
    const oldRv = Number(flag.json.metadata.resourceVersion);
    const tooOld = await call(
      'GET',
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${oldRv}&timeoutSeconds=2`,
    );
    const event = tooOld.json as { type: string; object: { code: number; reason: string; message: string } };
    assert.equal(event?.type, 'ERROR');
    assert.equal(event.object.code, 410);
    assert.equal(event.object.reason, 'Expired');
    assert.match(event.object.message, new RegExp(`^too old resource version: ${oldRv} \\(\\d+\\)$`));
    // Break kubectl's watch (the balancer restarts): its reflector re-watches from a compacted revision.
    haproxy?.kill('SIGKILL');
    await sleep(200);
    startHaproxy();
    await sleep(1500);
    const done = await call('PUT', '/api/v1/namespaces/default/configmaps/flag', {
      ...flag.json,
      data: { phase: 'done' },
    });
    assert.equal(done.code, 200);
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') waiter.kill('SIGKILL');
    assert.equal(code, 0, waitOut);
    assert.match(waitOut, /configmap\/flag condition met/);
  });
});
