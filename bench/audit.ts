// Node audit speed: a full `audit node` (every CIS v1.10 node check: static pod flags, kubelet config and
// drop-in, modes and owners of every PKI file) of a node-layout tree, in-process and through the compiled CLI,
// against the way kube-bench audits — one shell process per check (`/bin/sh -c 'stat …'`) — measured here on the
// same tree. Goal: a full node audit ≤ 300 ms.
// Run: npx tsx bench/audit.ts   (the CLI line needs `npx tsc -p tsconfig.json` first)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNodeLayout } from '../src/cis/node-layout.js';
import { auditNode } from '../src/cis/node-audit.js';
import { NODE_CONTROLS } from '../src/cis/benchmarks/cis-1.10/index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const dir = mkdtempSync(join(tmpdir(), 'kauth-bench-audit-'));
const root = join(dir, 'node');
try {
  await writeNodeLayout({ root, advertiseAddress: '192.0.2.10', keyAlgorithm: 'ECDSA-P256' });
  const checks = NODE_CONTROLS.reduce((n, c) => n + c.groups.reduce((m, g) => m + g.checks.length, 0), 0);
  auditNode(root); // warm up module caches
  const inProcess = time(() => auditNode(root), 30);
  const file = join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml');
  // kube-bench's cost model: a shell per check. Measured on 20 checks, scaled to the same number of checks.
  const perShell = time(() => {
    execFileSync('/bin/sh', ['-c', `stat -c permissions=%a ${file}`]);
  }, 20);
  const shellModel = perShell * checks;
  const cli = join(process.cwd(), 'dist/src/cli/main.js');
  const viaCli = existsSync(cli)
    ? time(() => {
        execFileSync(process.execPath, [cli, 'audit', 'node', '--root', root, '--json'], { stdio: 'pipe' });
      }, 5)
    : NaN;
  const bare = time(() => {
    execFileSync(process.execPath, ['-e', '0']);
  }, 5);
  const row = (name: string, ms: number, ref?: number) =>
    console.log(
      `${name.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms${ref ? `   ${(ref / ms).toFixed(1)}× faster than the shell-per-check model` : ''}`,
    );
  console.log(`full node audit: ${checks} checks (CIS v1.10 sections 1–4), median`);
  row('in-process auditNode()', inProcess, shellModel);
  if (!Number.isNaN(viaCli)) row('kauth audit node --json (CLI, incl. node start-up)', viaCli, shellModel);
  row(`reference: one /bin/sh + stat per check (× ${checks})`, shellModel);
  row('reference: bare `node -e 0` start-up on this machine', bare);
  console.log(
    `goal ≤ 300 ms for a full node audit: ${inProcess <= 300 ? 'met' : 'NOT met'} in-process (${inProcess.toFixed(1)} ms); ` +
      `the CLI adds node start-up and module loading: ${Number.isNaN(viaCli) ? 'not built' : `${viaCli.toFixed(1)} ms, ${(viaCli - bare).toFixed(1)} ms beyond a bare node`}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
