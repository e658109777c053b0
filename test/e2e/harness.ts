// End-to-end harness: starts the real `kauth up` (the compiled CLI) on a free loopback port in a temp
// dir and drives it with the real kubectl, curl and openssl. Used by every test in test/e2e.
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The project root, whether this runs from test/e2e (tsx) or dist/test/e2e (compiled). */
export const ROOT = resolve(here, here.includes(`${join('dist', 'test')}`) ? '../../..' : '../..');
export const KUBECTL = process.env.KUBECTL ?? join(ROOT, '.tools', 'kubectl');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
/** The `kauth` bin as package.json names it (the bundle, scripts/bundle-cli.mjs): what users and benches run. */
export const KAUTH_BIN = resolve(
  ROOT,
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { kauth: string } }).bin.kauth,
);

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
    s.on('error', rej);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Cluster {
  dir: string;
  dataDir: string;
  port: number;
  server: string;
  adminKubeconfig: string;
  caFile: string;
  caKeyFile: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  cleanup(): void;
}

/** Runs the compiled CLI once (not the server) and returns its result. */
export function kauth(
  args: string[],
  opts: { cwd?: string; input?: string } = {},
): { code: number; out: string; err: string } {
  try {
    const out = execFileSync(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      input: opts.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    return { code: 0, out: out.toString(), err: '' };
  } catch (e) {
    const err = e as { status?: number; stdout?: Buffer; stderr?: Buffer };
    return { code: err.status ?? 1, out: (err.stdout ?? '').toString(), err: (err.stderr ?? '').toString() };
  }
}

/** `cli`: another build of the CLI to run (default: tsc's dist/src/cli/main.js). */
export async function startCluster(
  opts: { args?: string[]; dir?: string; port?: number; cli?: string } = {},
): Promise<Cluster> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'kauth-e2e-'));
  const dataDir = join(dir, 'data');
  const port = opts.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      opts.cli ?? CLI,
      'up',
      '--data-dir',
      dataDir,
      '--secure-port',
      String(port),
      '--bind-address',
      '127.0.0.1',
      ...(opts.args ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KAUTH_LOG_LEVEL: process.env.KAUTH_LOG_LEVEL ?? 'warn' },
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const cluster: Cluster = {
    dir,
    dataDir,
    port,
    server: `https://127.0.0.1:${port}`,
    adminKubeconfig: join(dataDir, 'admin.conf'),
    caFile: join(dataDir, 'pki', 'ca.crt'),
    caKeyFile: join(dataDir, 'pki', 'ca.key'),
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((res) => {
        if (child.exitCode !== null) return res(child.exitCode);
        child.once('exit', (code) => res(code));
        child.kill(signal);
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (existsSync(cluster.caFile)) {
      try {
        const r = await request(cluster, { path: '/readyz' });
        if (r.code === 200) return cluster;
      } catch {
        /* not listening yet */
      }
    }
    await sleep(50);
  }
  await cluster.stop('SIGKILL');
  throw new Error(`kauth up did not become ready: ${out.slice(-2000)}`);
}

export interface Response {
  code: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, string | string[] | undefined>;
}

export interface Who {
  cert?: { cert: Buffer; key: Buffer };
  token?: string;
}

export function request(
  c: Pick<Cluster, 'server' | 'caFile'>,
  o: { method?: string; path: string; body?: unknown; headers?: Record<string, string | string[]>; who?: Who },
): Promise<Response> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(o.path, c.server);
    const headers: Record<string, string | string[] | number> = { Accept: 'application/json', ...(o.headers ?? {}) };
    if (o.who?.token !== undefined) headers.Authorization = `Bearer ${o.who.token}`;
    let payload: string | undefined;
    if (o.body !== undefined) {
      payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const req = https.request(
      {
        method: o.method ?? 'GET',
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers,
        ca: readFileSync(c.caFile),
        cert: o.who?.cert?.cert,
        key: o.who?.cert?.key,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolvePromise({ code: res.statusCode ?? 0, text, json, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    if (payload) req.write(payload);
    req.end();
  });
}

export interface KubectlResult {
  code: number;
  out: string;
  err: string;
}

export function kubectl(
  c: Pick<Cluster, 'adminKubeconfig'>,
  args: string[],
  o: { kubeconfig?: string; input?: string } = {},
): KubectlResult {
  const kubeconfig = o.kubeconfig ?? c.adminKubeconfig;
  // HOME beside the kubeconfig keeps kubectl's discovery cache per test cluster.
  const r = spawnSync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {
    input: o.input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: join(dirname(kubeconfig), '.home') },
  });
  return { code: r.status ?? 1, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** kubectl without blocking the event loop (needed when this process also serves, e.g. a webhook). */
export function kubectlAsync(
  c: Pick<Cluster, 'adminKubeconfig'>,
  args: string[],
  o: { kubeconfig?: string } = {},
): Promise<KubectlResult> {
  return new Promise((res) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', o.kubeconfig ?? c.adminKubeconfig, ...args],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
      },
    );
  });
}

/** A client certificate for user/groups, signed by the cluster CA with openssl. */
export function clientCert(
  c: Pick<Cluster, 'dir' | 'caFile' | 'caKeyFile'>,
  user: string,
  groups: string[] = [],
): { cert: Buffer; key: Buffer; certFile: string; keyFile: string } {
  const base = join(c.dir, `client-${(user + '_' + groups.join('_')).replace(/[^a-zA-Z0-9]/g, '_')}`);
  if (!existsSync(`${base}.crt`)) {
    const esc = (s: string): string => s.replace(/[/\\=+,]/g, (ch) => `\\${ch}`);
    const subj = `/CN=${esc(user)}${groups.map((g) => `/O=${esc(g)}`).join('')}`;
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${base}.key`,
        '-subj',
        subj,
        '-out',
        `${base}.csr`,
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(
      `${base}.ext`,
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        c.caFile,
        '-CAkey',
        c.caKeyFile,
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.crt`,
      ],
      { stdio: 'ignore' },
    );
  }
  return {
    cert: readFileSync(`${base}.crt`),
    key: readFileSync(`${base}.key`),
    certFile: `${base}.crt`,
    keyFile: `${base}.key`,
  };
}

/** A kubeconfig for a client certificate (or a token). */
export function kubeconfigFor(
  c: Pick<Cluster, 'dir' | 'caFile' | 'caKeyFile' | 'server'>,
  user: string,
  groups: string[] = [],
  token?: string,
): string {
  const file = join(
    c.dir,
    `kubeconfig-${(user + '_' + groups.join('_')).replace(/[^a-zA-Z0-9]/g, '_')}${token ? '-token' : ''}.json`,
  );
  const u: Record<string, string> = {};
  if (token) u.token = token;
  else {
    const cc = clientCert(c, user, groups);
    u['client-certificate'] = cc.certFile;
    u['client-key'] = cc.keyFile;
  }
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: c.server, 'certificate-authority': c.caFile } }],
      users: [{ name: 'u', user: u }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  return file;
}
