// `audit docker`: the Docker daemon checks of the CKS notes (seed 004) — a TCP listener must verify client
// certificates (tlsverify with tlscacert/tlscert/tlskey; a plain tcp:// host is root on the machine for anyone who
// reaches the port), the TLS material must exist and be readable only by root, and the socket and daemon.json
// must not be loosened. Reads daemon.json and, optionally, the systemd unit's ExecStart (`-H`, `--tlsverify` …).
import { readFileSync, statSync } from 'node:fs';
import { controlResult, count, extraCheckResult, makeReport } from './evaluate.js';
import { ownerOf } from './file-facts.js';
import { splitWords } from './node-reader.js';
import type { CheckResult, Control, Report } from './types.js';

export interface DockerAuditOptions {
  daemonJson?: string;
  unit?: string;
  socket?: string;
}

interface DaemonConfig {
  hosts: string[];
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

const CONTROL: Control = {
  id: 'D',
  text: 'Docker daemon configuration (CKS seed 004; CIS Docker Benchmark 2.x/3.x)',
  nodeType: 'docker',
  groups: [],
};

const result = extraCheckResult.bind(undefined, '');

function parseUnit(text: string): Partial<DaemonConfig> {
  const exec = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('ExecStart=') && l.length > 10)
    .pop();
  const args = splitWords(exec?.slice('ExecStart='.length) ?? '');
  const out: Partial<DaemonConfig> = { hosts: [] };
  for (let i = 0; i < args.length; i++) {
    const [k, inline] = args[i]!.split('=', 2) as [string, string | undefined];
    const val = () => inline ?? args[++i] ?? '';
    if (k === '-H' || k === '--host') out.hosts!.push(val());
    else if (k === '--tlsverify') out.tlsverify = inline === undefined ? true : inline === 'true';
    else if (k === '--tls') out.tls = inline === undefined ? true : inline === 'true';
    else if (k === '--tlscacert') out.tlscacert = val();
    else if (k === '--tlscert') out.tlscert = val();
    else if (k === '--tlskey') out.tlskey = val();
  }
  return out;
}

function readConfig(opts: DockerAuditOptions, results: CheckResult[]): DaemonConfig {
  const cfg: DaemonConfig = { hosts: [] };
  const sources: [string | undefined, 'json' | 'unit'][] = [
    [opts.daemonJson, 'json'],
    [opts.unit, 'unit'],
  ];
  for (const [file, kind] of sources) {
    if (!file) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      results.push(
        result(
          'D.0',
          `Docker ${kind === 'json' ? 'daemon.json' : 'unit'} file ${file} is readable`,
          'FAIL',
          `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot read'}`,
          'a readable file',
          `Check the path ${file}.`,
        ),
      );
      continue;
    }
    if (kind === 'unit') {
      const u = parseUnit(text);
      cfg.hosts.push(...(u.hosts ?? []));
      Object.assign(cfg, { ...u, hosts: cfg.hosts });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      results.push(
        result(
          'D.0',
          `Docker daemon.json ${file} is valid JSON`,
          'FAIL',
          `${file}: malformed JSON (${(e as Error).message})`,
          'valid JSON',
          `Fix the syntax of ${file}; dockerd refuses to start with it.`,
        ),
      );
      continue;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      results.push(
        result(
          'D.0',
          `Docker daemon.json ${file} is a JSON object`,
          'FAIL',
          `${file}: not an object`,
          'a JSON object',
          `Fix ${file}.`,
        ),
      );
      continue;
    }
    const j = json as Record<string, unknown>;
    if (Array.isArray(j.hosts)) cfg.hosts.push(...j.hosts.map(String));
    for (const k of ['tls', 'tlsverify'] as const) if (typeof j[k] === 'boolean') cfg[k] = j[k] as boolean;
    for (const k of ['tlscacert', 'tlscert', 'tlskey'] as const) if (typeof j[k] === 'string') cfg[k] = j[k] as string;
  }
  return cfg;
}

function fileMode(path: string): { mode: number; owner: string } | string {
  try {
    const st = statSync(path);
    return { mode: st.mode & 0o777, owner: ownerOf(st) };
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot stat';
  }
}

export function auditDocker(opts: DockerAuditOptions): Report {
  const results: CheckResult[] = [];
  const cfg = readConfig(opts, results);
  // dockerd takes `tcp://host:port` and the bare `host:port` / `:port` forms as TCP listeners.
  const tcp = cfg.hosts.filter((h) => h.startsWith('tcp://') || (!h.includes('://') && h.includes(':')));
  const verify = cfg.tlsverify === true;
  results.push(
    result(
      'D.1',
      'Ensure the Docker daemon does not listen on TCP without TLS client verification (Automated)',
      tcp.length === 0 || verify ? 'PASS' : 'FAIL',
      tcp.length ? `hosts: ${tcp.join(', ')}; tlsverify: ${String(cfg.tlsverify ?? false)}` : 'no TCP listener',
      'no tcp:// host, or tlsverify: true',
      'Set "tlsverify": true with "tlscacert", "tlscert" and "tlskey" in daemon.json and listen on 2376, or remove the tcp:// host; never expose tcp://…:2375.',
    ),
  );
  if (tcp.length) {
    const missing = (['tlscacert', 'tlscert', 'tlskey'] as const).filter((k) => !cfg[k]);
    results.push(
      result(
        'D.2',
        'Ensure TLS authentication for the Docker daemon is configured: tlscacert, tlscert, tlskey (Automated)',
        verify && missing.length === 0 ? 'PASS' : 'FAIL',
        missing.length ? `missing: ${missing.join(', ')}` : 'all set',
        'tlscacert, tlscert and tlskey set',
        'Create a CA, a server certificate and key, and set them in daemon.json with "tlsverify": true.',
      ),
    );
    const plain2375 = tcp.filter((h) => h.endsWith(':2375'));
    results.push(
      result(
        'D.3',
        'Ensure the Docker TCP listener uses the TLS port 2376, not 2375 (Manual)',
        plain2375.length ? 'WARN' : 'PASS',
        tcp.join(', '),
        'port 2376',
        'Listen on tcp://<address>:2376 with TLS.',
        false,
      ),
    );
  }
  const material: [string, string, string | undefined, number][] = [
    ['D.4', 'CA certificate', cfg.tlscacert, 0o644],
    ['D.5', 'server certificate', cfg.tlscert, 0o644],
    ['D.6', 'server key', cfg.tlskey, 0o600],
  ];
  for (const [id, what, path, mask] of material) {
    if (!path) continue;
    const st = fileMode(path);
    const ok = typeof st !== 'string' && (st.mode & ~mask) === 0;
    results.push(
      result(
        id,
        `Ensure the Docker TLS ${what} file exists and its permissions are ${mask.toString(8)} or more restrictive (Automated)`,
        ok ? 'PASS' : 'FAIL',
        typeof st === 'string' ? `${path}: ${st}` : `permissions=${st.mode.toString(8)} ${path}`,
        `permissions ${mask.toString(8)} or more restrictive`,
        `chmod ${mask === 0o600 ? '600' : '644'} ${path}${mask === 0o600 ? ' (the key must be readable only by root)' : ''}`,
      ),
    );
    if (typeof st !== 'string') {
      results.push(
        result(
          `${id}.1`,
          `Ensure the Docker TLS ${what} file ownership is set to root:root (Manual)`,
          st.owner === 'root:root' ? 'PASS' : 'WARN',
          `${st.owner} ${path}`,
          'root:root',
          `chown root:root ${path}`,
          false,
        ),
      );
    }
  }
  const socket = opts.socket ?? '/var/run/docker.sock';
  const sock = fileMode(socket);
  if (typeof sock === 'string')
    results.push(
      result(
        'D.7',
        'Ensure the Docker socket file permissions are 660 or more restrictive (Automated)',
        'INFO',
        `${socket}: ${sock}`,
        '660',
        'chmod 660 /var/run/docker.sock',
        false,
      ),
    );
  else {
    results.push(
      result(
        'D.7',
        'Ensure the Docker socket file permissions are 660 or more restrictive (Automated)',
        (sock.mode & ~0o660) === 0 ? 'PASS' : 'FAIL',
        `permissions=${sock.mode.toString(8)} ${socket}`,
        '660 or more restrictive',
        `chmod 660 ${socket}`,
      ),
    );
    results.push(
      result(
        'D.8',
        'Ensure the Docker socket file ownership is set to root:docker (Automated)',
        sock.owner === 'root:docker' ? 'PASS' : 'WARN',
        `${sock.owner} ${socket}`,
        'root:docker',
        `chown root:docker ${socket}`,
        false,
      ),
    );
  }
  if (opts.daemonJson) {
    const dj = fileMode(opts.daemonJson);
    if (typeof dj !== 'string')
      results.push(
        result(
          'D.9',
          'Ensure the daemon.json file permissions are 644 or more restrictive (Automated)',
          (dj.mode & ~0o644) === 0 ? 'PASS' : 'FAIL',
          `permissions=${dj.mode.toString(8)} ${opts.daemonJson}`,
          '644 or more restrictive',
          `chmod 644 ${opts.daemonJson}`,
        ),
      );
  }
  const group = { section: 'D.1', type: '', desc: 'Docker daemon', ...count(results), results };
  return makeReport([controlResult(CONTROL, 'kauth-docker-1', [group])]);
}
