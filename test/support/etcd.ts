// Starts real etcd members (Debian's /usr/bin/etcd) for tests: free loopback ports, a temp data dir each,
// fast elections, and clean-up that kills every member it started. Never assumes an etcd is running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BINARY = process.env.ETCD_BINARY ?? 'etcd';

export function etcdInstalled(): boolean {
  return spawnSync('sh', ['-c', `command -v ${ETCD_BINARY}`]).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  child?: ChildProcess;
}

export interface EtcdCluster {
  dir: string;
  members: EtcdMember[];
  /** Every member's client URL, comma-separated, as --etcd-servers takes them. */
  endpoints: string[];
  /** kill -9 of one member. */
  kill(index: number): void;
  /** Starts a killed member again on its data dir. */
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function healthy(member: EtcdMember): Promise<boolean> {
  // With client TLS the HTTP health endpoint needs a client certificate: a TCP connect is enough then.
  if (member.clientUrl.startsWith('https:')) {
    const port = Number(new URL(member.clientUrl).port);
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  }
  try {
    const res = await fetch(`${member.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

/** Client TLS for the members: serving cert/key and the CA client certificates must chain to (kubeadm's pki/etcd). */
export interface EtcdTls {
  certFile: string;
  keyFile: string;
  trustedCaFile: string;
}

/** Starts an etcd cluster of `size` members and waits until every member reports healthy. */
export async function startEtcd(size = 1, tls?: EtcdTls): Promise<EtcdCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-etcd-'));
  const ports = new Set<number>();
  while (ports.size < size * 2) ports.add(await freePort());
  const list = [...ports];
  const members: EtcdMember[] = Array.from({ length: size }, (_, i) => ({
    name: `m${i}`,
    clientUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${list[2 * i]}`,
    peerUrl: `http://127.0.0.1:${list[2 * i + 1]}`,
  }));
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const launch = (m: EtcdMember, state: 'new' | 'existing'): void => {
    const log = openSync(join(dir, `${m.name}.log`), 'a');
    m.child = spawn(
      ETCD_BINARY,
      [
        '--name',
        m.name,
        '--data-dir',
        join(dir, m.name),
        '--listen-client-urls',
        m.clientUrl,
        '--advertise-client-urls',
        m.clientUrl,
        '--listen-peer-urls',
        m.peerUrl,
        '--initial-advertise-peer-urls',
        m.peerUrl,
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-state',
        state,
        '--initial-cluster-token',
        'kauth-test',
        '--heartbeat-interval',
        '50',
        '--election-timeout',
        '500',
        '--logger',
        'zap',
        '--log-level',
        'error',
        ...(tls
          ? [
              '--cert-file',
              tls.certFile,
              '--key-file',
              tls.keyFile,
              '--trusted-ca-file',
              tls.trustedCaFile,
              '--client-cert-auth',
            ]
          : []),
      ],
      { stdio: ['ignore', log, log], detached: true },
    );
  };
  const waitHealthy = async (targets: EtcdMember[]): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!(await Promise.all(targets.map(healthy))).every(Boolean)) {
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy (logs in ${dir})`);
      await sleep(100);
    }
  };
  const killMember = (m: EtcdMember): void => {
    if (m.child?.pid && m.child.exitCode === null && m.child.signalCode === null) {
      try {
        process.kill(-m.child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  const cluster: EtcdCluster = {
    dir,
    members,
    endpoints: members.map((m) => m.clientUrl),
    kill: (i) => killMember(members[i]!),
    restart: async (i) => {
      launch(members[i]!, 'existing');
      await waitHealthy([members[i]!]);
    },
    stop: async () => {
      for (const m of members) killMember(m);
      await Promise.all(
        members.map((m) =>
          m.child && m.child.exitCode === null && m.child.signalCode === null
            ? new Promise((resolve) => {
                m.child!.once('exit', resolve);
                setTimeout(resolve, 3000);
              })
            : undefined,
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
  process.once('exit', () => {
    for (const m of members) killMember(m);
  });
  for (const m of members) launch(m, 'new');
  try {
    await waitHealthy(members);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
