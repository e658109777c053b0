// The fuzz suite's running server and its users: forks server-host.ts (a real control plane on loopback),
// seeds namespaces, objects and narrowly scoped RBAC grants through the API as an admin, and sends raw
// HTTPS requests exactly as generated, timing each one and collecting what the server did for it.
import { fork, type ChildProcess } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueCertificate } from '../../../src/pki/certificate.js';
import {
  FUZZ_ID_HEADER,
  type AuthnEvent,
  type AuthzEvent,
  type DefInfo,
  type HostMessage,
  type StoreEvent,
} from './protocol.js';

/** A TLS client identity: PEM certificate (chain) and key. */
export interface Identity {
  cert: string;
  key: string;
}

export interface FuzzRequest {
  method: string;
  /** The request target exactly as sent (path and query, already escaped). */
  target: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer;
  who?: Identity;
  /** A new TLS connection for this request (certificate fuzzing), instead of a kept-alive one. */
  fresh?: boolean;
}

export interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Milliseconds to the whole answer (to the headers, for a stream). */
  ms: number;
  /** The answer was still streaming after STREAM_WINDOW_MS and was cut off (a watch). */
  streamed: boolean;
  /** A transport failure (reset, timeout) instead of an answer. */
  error?: string;
}

export interface Observed {
  authn?: AuthnEvent;
  authz: AuthzEvent[];
  store: StoreEvent[];
}

/** How long a 200 may keep streaming before the client takes it for a watch and closes it. */
const STREAM_WINDOW_MS = 300;
/** The client gives up on an answer after this long (the properties' bound is far lower). */
const HARD_TIMEOUT_MS = 15_000;

const here = dirname(fileURLToPath(import.meta.url));

/** The narrowly scoped users the fuzzers act as; see seed() for what each may do. */
export type UserName = 'getter' | 'lister' | 'viewer' | 'writer' | 'nsadmin' | 'impersonator' | 'node' | 'admin';

export class FuzzCluster {
  private readonly events = new Map<string, Observed>();
  private flushes = 0;
  private readonly flushWaiters = new Map<number, () => void>();
  private exit?: string;
  private stderr = '';
  readonly users = {} as Record<UserName, Identity>;
  /** Connections are kept alive per identity (the agent keys them by certificate); see FuzzRequest.fresh. */
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
    readonly defs: DefInfo[],
    readonly caPem: string,
  ) {}

  static async start(): Promise<FuzzCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-fuzz-'));
    const ext = fileURLToPath(import.meta.url).endsWith('.ts') ? 'ts' : 'js';
    // execArgv carries tsx's loader when the tests run from sources.
    const child = fork(join(here, `server-host.${ext}`), [dir], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, KAUTH_LOG_LEVEL: process.env.KAUTH_LOG_LEVEL ?? 'error' },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000);
    });
    const ready = await new Promise<{ port: number; defs: DefInfo[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fuzz server did not start: ${stderr}`)), 60_000);
      child.once('exit', (code) => reject(new Error(`fuzz server exited (${code}) while starting: ${stderr}`)));
      child.on('message', (m: HostMessage) => {
        if (m.t === 'failed') reject(new Error(m.error));
        if (m.t === 'ready') {
          clearTimeout(timer);
          resolve(m);
        }
      });
    });
    const cluster = new FuzzCluster(
      child,
      dir,
      ready.port,
      ready.defs,
      readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8'),
    );
    cluster.stderr = stderr;
    child.stderr!.on('data', (d: Buffer) => {
      cluster.stderr = (cluster.stderr + d.toString()).slice(-20_000);
    });
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => {
      cluster.exit = `exited with ${code ?? signal}`;
    });
    child.on('message', (m: HostMessage) => cluster.onMessage(m));
    await cluster.seed();
    return cluster;
  }

  private onMessage(m: HostMessage): void {
    if (m.t === 'authn' || m.t === 'authz' || m.t === 'store') {
      let o = this.events.get(m.id);
      if (!o) this.events.set(m.id, (o = { authz: [], store: [] }));
      if (m.t === 'authn') o.authn = m;
      else if (m.t === 'authz') o.authz.push(m);
      else o.store.push(m);
    } else if (m.t === 'flushed') {
      this.flushWaiters.get(m.n)?.();
    }
  }

  /** The identity of a fuzz user; none for anonymous. */
  who(user: UserName | 'anonymous'): Identity | undefined {
    return user === 'anonymous' ? undefined : this.users[user];
  }

  /** Why the server is gone (undefined while it runs), with the end of its stderr. */
  crashed(): string | undefined {
    return this.exit && `${this.exit}: ${this.stderr.slice(-4000)}`;
  }

  /** The end of the server's log (errors only, unless KAUTH_LOG_LEVEL says otherwise). */
  log(): string {
    return this.stderr;
  }

  /** Everything the server did for the requests sent so far has arrived (the IPC channel keeps order). */
  async flush(): Promise<void> {
    if (this.exit) return;
    const n = ++this.flushes;
    await new Promise<void>((resolve) => {
      this.flushWaiters.set(n, resolve);
      this.child.send({ t: 'flush', n });
    });
    this.flushWaiters.delete(n);
  }

  /** What the server did for request id (and forgets it). */
  take(id: string): Observed {
    const o = this.events.get(id) ?? { authz: [], store: [] };
    this.events.delete(id);
    return o;
  }

  /** A client certificate for user/groups signed by the cluster CA. */
  async identity(user: string, groups: string[] = []): Promise<Identity> {
    const ca = readFileSync(join(this.dir, 'pki', 'ca.crt'), 'utf8');
    const caKey = createPrivateKey(readFileSync(join(this.dir, 'pki', 'ca.key')));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Date.now();
    const cert = await issueCertificate({
      issuer: { certPem: ca, privateKey: caKey },
      publicKey: privateKey,
      subject: { commonName: user, organizations: groups },
      extKeyUsages: ['clientAuth'],
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
    });
    return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  }

  /** Sends one request as given; `id` tags it so that take(id) returns what the server did for it. */
  send(r: FuzzRequest, id?: string): Promise<Exchange> {
    const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
    if (id) headers[FUZZ_ID_HEADER] = id;
    if (r.body !== undefined) headers['content-length'] = String(r.body.length);
    const start = performance.now();
    return new Promise((resolve) => {
      let done = false;
      const finish = (x: Omit<Exchange, 'ms'>, at = performance.now()): void => {
        if (done) return;
        done = true;
        clearTimeout(hard);
        resolve({ ...x, ms: at - start });
      };
      const chunks: Buffer[] = [];
      let req: ReturnType<typeof https.request>;
      try {
        req = https.request(
          {
            host: '127.0.0.1',
            port: this.port,
            method: r.method,
            path: r.target,
            headers,
            agent: r.fresh || r.method === 'HEAD' ? false : this.agent,
            ca: this.caPem,
            cert: r.who?.cert,
            key: r.who?.key,
            servername: 'localhost',
          },
          (res) => {
            const headersAt = performance.now();
            const answer = (streamed: boolean, at?: number): void =>
              finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), streamed }, at);
            // An answer with a length ends; one without (chunked: a watch) is cut off after a while.
            const window =
              res.headers['content-length'] === undefined
                ? setTimeout(() => {
                    answer(true, headersAt);
                    req.destroy();
                  }, STREAM_WINDOW_MS)
                : undefined;
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => {
              clearTimeout(window);
              answer(false);
            });
            res.on('error', () => {
              clearTimeout(window);
              answer(false);
            });
          },
        );
      } catch (e) {
        return finish({
          status: 0,
          headers: {},
          body: Buffer.alloc(0),
          streamed: false,
          error: `client refused the request: ${(e as Error).message}`,
        });
      }
      const hard = setTimeout(() => {
        finish({
          status: 0,
          headers: {},
          body: Buffer.alloc(0),
          streamed: false,
          error: `no answer within ${HARD_TIMEOUT_MS} ms`,
        });
        req.destroy();
      }, HARD_TIMEOUT_MS);
      req.on('error', (e: NodeJS.ErrnoException) =>
        finish({
          status: 0,
          headers: {},
          body: Buffer.concat(chunks),
          streamed: false,
          error: `${e.code ?? ''} ${e.message}`,
        }),
      );
      if (r.body !== undefined) req.write(r.body);
      req.end();
    });
  }

  /** A request whose answer the caller needs (seeding): JSON in and out, failing loudly. */
  async api(who: Identity, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    // eslint-disable-line @typescript-eslint/no-explicit-any
    const ex = await this.send({
      method,
      target: path,
      who,
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    });
    let json: unknown;
    try {
      json = JSON.parse(ex.body.toString());
    } catch {
      /* not JSON */
    }
    return { status: ex.status, json };
  }

  /** /readyz, anonymous as a load balancer asks it: its status and how long it took. */
  async readyz(): Promise<{ status: number; ms: number }> {
    const ex = await this.send({ method: 'GET', target: '/readyz' });
    return { status: ex.status, ms: ex.ms };
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.send({ t: 'stop' });
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Namespaces fz-a … fz-e with configmaps cm-1, cm-2 and secret s-1 each, node n1 running pod fz-c/p1 (which
   * mounts s-1 and cm-1), and the users:
   * - getter: get configmaps/cm-1 in fz-a (a Role with resourceNames);
   * - lister: list and watch configmaps in fz-b;
   * - viewer: the built-in `view` ClusterRole in fz-c through a RoleBinding;
   * - writer: every verb on configmaps and secrets in fz-d, and create/get/list/watch/delete of CSRs;
   * - nsadmin: get/list/watch/create/update/patch namespaces through a Role in fz-e (kube: only fz-e itself);
   * - impersonator: may impersonate user getter and group fz-group, nothing else;
   * - node: system:node:n1 (Node authorizer and NodeRestriction);
   * - admin: system:masters (the fuzzers only read as admin).
   */
  private async seed(): Promise<void> {
    const u = this.users;
    const made = await Promise.all([
      this.identity('fz-admin', ['system:masters']),
      this.identity('fz-getter'),
      this.identity('fz-lister'),
      this.identity('fz-viewer'),
      this.identity('fz-writer'),
      this.identity('fz-nsadmin'),
      this.identity('fz-impersonator'),
      this.identity('system:node:n1', ['system:nodes']),
    ]);
    [u.admin, u.getter, u.lister, u.viewer, u.writer, u.nsadmin, u.impersonator, u.node] = made;
    const must = async (method: string, path: string, body: unknown): Promise<void> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const r = await this.api(u.admin, method, path, body);
        if (r.status < 300) return;
        // The default service account (pods) or the namespace cache may not be there yet.
        if (Date.now() > deadline) throw new Error(`seeding ${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    };
    const namespaces = ['fz-a', 'fz-b', 'fz-c', 'fz-d', 'fz-e'];
    await Promise.all(
      namespaces.map((ns) => must('POST', '/api/v1/namespaces', { metadata: { name: ns, labels: { fuzz: 'yes' } } })),
    );
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    const role = (ns: string, name: string, rules: unknown[]) =>
      must('POST', `${rbac}/namespaces/${ns}/roles`, { metadata: { name }, rules });
    const bind = (ns: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, user: string) =>
      must('POST', `${rbac}/namespaces/${ns}/rolebindings`, {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      });
    await Promise.all([
      ...namespaces.flatMap((ns) => [
        must('POST', `/api/v1/namespaces/${ns}/configmaps`, {
          metadata: { name: 'cm-1', labels: { app: 'one', tier: 'a' } },
          data: { k: 'v1' },
        }),
        must('POST', `/api/v1/namespaces/${ns}/configmaps`, {
          metadata: { name: 'cm-2', labels: { app: 'two' } },
          data: { k: 'v2' },
        }),
        must('POST', `/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 's-1' }, stringData: { password: 'p' } }),
      ]),
      role('fz-a', 'getter', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['cm-1'] }]),
      role('fz-b', 'lister', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'watch'] }]),
      role('fz-d', 'writer', [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['*'] }]),
      role('fz-e', 'nsadmin', [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
      ]),
      bind('fz-a', 'getter', 'Role', 'getter', 'fz-getter'),
      bind('fz-b', 'lister', 'Role', 'lister', 'fz-lister'),
      bind('fz-c', 'viewer', 'ClusterRole', 'view', 'fz-viewer'),
      bind('fz-d', 'writer', 'Role', 'writer', 'fz-writer'),
      bind('fz-e', 'nsadmin', 'Role', 'nsadmin', 'fz-nsadmin'),
      must('POST', `${rbac}/clusterroles`, {
        metadata: { name: 'fz-impersonate' },
        rules: [
          { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['fz-getter'] },
          { apiGroups: [''], resources: ['groups'], verbs: ['impersonate'], resourceNames: ['fz-group'] },
        ],
      }),
      must('POST', `${rbac}/clusterrolebindings`, {
        metadata: { name: 'fz-impersonate' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'fz-impersonate' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'fz-impersonator' }],
      }),
      must('POST', `${rbac}/clusterroles`, {
        metadata: { name: 'fz-csr' },
        rules: [
          {
            apiGroups: ['certificates.k8s.io'],
            resources: ['certificatesigningrequests'],
            verbs: ['create', 'get', 'list', 'watch', 'delete'],
          },
        ],
      }),
      must('POST', `${rbac}/clusterrolebindings`, {
        metadata: { name: 'fz-csr' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'fz-csr' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'fz-writer' }],
      }),
      must('POST', '/api/v1/nodes', { metadata: { name: 'n1' } }),
    ]);
    await must('POST', '/api/v1/namespaces/fz-c/pods', {
      metadata: { name: 'p1' },
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'c', image: 'busybox' }],
        volumes: [
          { name: 's', secret: { secretName: 's-1' } },
          { name: 'c', configMap: { name: 'cm-1' } },
        ],
      },
    });
    // The first YAML body starts kauth's decoding worker: a one-time cost, not a request's, so it is paid here.
    await this.send({
      method: 'POST',
      target: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      who: u.admin,
      headers: { 'content-type': 'application/yaml' },
      body: Buffer.from(
        'apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectRulesReview\nspec:\n  namespace: fz-a\n',
      ),
    });
    // The grants are live once the RBAC and Node indexes have caught up.
    await Promise.all([
      this.until(u.getter, '/api/v1/namespaces/fz-a/configmaps/cm-1'),
      this.until(u.impersonator, '/api/v1/namespaces/fz-a/configmaps/cm-1', { 'impersonate-user': 'fz-getter' }),
      this.until(u.node, '/api/v1/namespaces/fz-c/secrets/s-1'),
      this.until(u.nsadmin, '/api/v1/namespaces/fz-e'),
      this.until(u.writer, '/api/v1/namespaces/fz-d/secrets/s-1'),
      this.until(u.lister, '/api/v1/namespaces/fz-b/configmaps'),
      this.until(u.viewer, '/api/v1/namespaces/fz-c/configmaps'),
    ]);
  }

  private async until(who: Identity, path: string, headers: Record<string, string> = {}): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await this.send({ method: 'GET', target: path, who, headers })).status !== 200) {
      if (Date.now() > deadline) throw new Error(`seeding: GET ${path} never allowed`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

/** A fresh id for one fuzz request. */
export function requestId(): string {
  return randomUUID();
}
