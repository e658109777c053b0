// `kauth audit …`: CIS Kubernetes Benchmark v1.10 checks of a node (`node`), RBAC risk and policy checks of a
// cluster (`cluster`), Docker daemon TLS (`docker`), version skew (`versions`) and download checksums
// (`verify-binary`), with kube-bench's text, JSON and JUnit output and a self-contained HTML report.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { auditNode } from '../cis/node-audit.js';
import { renderText } from '../cis/report-text.js';
import type { Report } from '../cis/types.js';

const out = (s: string) => process.stdout.write(s);

interface OutputOptions {
  json?: boolean;
  junit?: boolean;
  html?: string;
  exitCode?: string;
}

function parseExitCode(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new CliError(`--exit-code: want an integer 0-255, not "${v}"`);
  return n;
}

/** Prints the report in the asked format; returns the process exit code (`--exit-code` when a scored check FAILs). */
export async function emit(report: Report, opts: OutputOptions, details?: Map<string, string[]>): Promise<number> {
  const code = parseExitCode(opts.exitCode);
  if (opts.html) {
    const file = resolve(opts.html);
    const { renderHtml } = await import('../cis/report-html.js');
    try {
      writeFileSync(file, renderHtml(report));
    } catch (e) {
      throw new CliError(`${file}: ${(e as NodeJS.ErrnoException).code ?? 'cannot write'}`);
    }
    process.stderr.write(`wrote ${file}\n`);
  }
  if (opts.json) out(`${JSON.stringify(report)}\n`);
  else if (opts.junit) out((await import('../cis/report-junit.js')).renderJunit(report));
  else if (!opts.html) out(renderText(report, { color: process.stdout.isTTY, details }));
  const failed = report.Controls.some((c) =>
    c.tests.some((g) => g.results.some((r) => r.scored && r.status === 'FAIL')),
  );
  return failed ? code : 0;
}

function outputFlags(cmd: Command): Command {
  return cmd
    .option('--json', "kube-bench's JSON (Controls → tests → results)")
    .option('--junit', 'JUnit XML')
    .option('--html <file>', 'write a self-contained HTML report to FILE')
    .option('--exit-code <n>', 'exit with N when a scored check fails (default 0, as kube-bench)');
}

export function registerAuditCommands(program: Command): void {
  // `kauth audit node | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const audit = program
    .command('audit')
    .description('CIS Kubernetes Benchmark v1.10 checks, RBAC risk, Docker TLS, version skew, checksums');

  outputFlags(
    audit
      .command('node')
      .description('audit a kubeadm node: static pod flags, kubelet config and flags, file modes and owners'),
  )
    .option('--root <dir>', 'audit a copied node tree under DIR (default /, which also reads running processes)', '/')
    .option('--fix', 'print the safe remediations as a unified diff (a dry run)')
    .option('--yes', 'with --fix: apply them, after a backup under DIR/var/backups/kauth-audit/')
    .action(async (o: OutputOptions & { root: string; fix?: boolean; yes?: boolean }) => {
      const root = resolve(o.root);
      const { facts, report } = auditNode(root, { live: root === '/' });
      for (const [file, problem] of facts.problems) process.stderr.write(`warning: ${file}: ${problem}\n`);
      if (o.yes && !o.fix) throw new CliError('--yes applies --fix; pass both');
      if (o.fix) {
        const { applyPlan, planFixes, renderPlan } = await import('../cis/fix.js');
        const plan = planFixes(facts, report);
        out(renderPlan(plan) || 'nothing to fix\n');
        if (o.yes) {
          const backup = applyPlan(root, plan);
          out(
            `applied ${plan.contents.size} file edits, ${plan.modes.length} mode and ${plan.owners.length} owner changes; backup in ${backup}\n`,
          );
        } else out('(dry run: pass --yes to apply)\n');
        return;
      }
      process.exitCode = await emit(report, o);
    });

  outputFlags(
    audit.command('cluster').description('the policies section (5.x) and RBAC escalation risks, through the API'),
  )
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: $KUBECONFIG, ~/.kube/config)')
    .option('--include-system', "also flag Kubernetes' own default roles and bindings")
    .action(async (o: OutputOptions & { kubeconfig?: string; includeSystem?: boolean }) => {
      const { apiClient } = await import('./api-client.js');
      const { clusterReport, readRbac } = await import('../cis/cluster-audit.js');
      const client = apiClient(o.kubeconfig);
      let snap;
      try {
        snap = await readRbac(client);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const { report, details } = clusterReport(snap, { includeSystem: o.includeSystem });
      process.exitCode = await emit(report, o, details);
    });

  audit
    .command('versions')
    .description('component versions against the version skew policy; --plan prints the kubeadm upgrade order')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster')
    .option('--kubectl-version <v>', 'also check this kubectl client version')
    .option('--plan <target>', 'print the upgrade order to TARGET (e.g. v1.33.0)')
    .action(async (o: { kubeconfig?: string; kubectlVersion?: string; plan?: string }) => {
      const { apiClient } = await import('./api-client.js');
      const { readComponentVersions } = await import('../cis/cluster-versions.js');
      const { checkSkew, upgradePlan } = await import('../cis/version-skew.js');
      let cv;
      try {
        cv = await readComponentVersions(apiClient(o.kubeconfig));
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      if (o.kubectlVersion) cv.components.push({ component: 'kubectl', where: 'client', version: o.kubectlVersion });
      const findings = checkSkew(cv.components);
      for (const f of findings) out(`[${f.status}] ${f.component} (${f.where}): ${f.message}\n`);
      if (o.plan) {
        const api = cv.components.find((c) => c.component === 'kube-apiserver')?.version ?? '';
        let steps;
        try {
          steps = upgradePlan(api, o.plan, cv.nodes);
        } catch (e) {
          throw new CliError((e as Error).message);
        }
        out(`\n== Upgrade plan ${api} → ${o.plan} ==\n${steps.join('\n')}\n`);
      }
      if (findings.some((f) => f.status === 'FAIL')) process.exitCode = 1;
    });

  outputFlags(
    audit.command('docker').description('audit the Docker daemon: TLS on TCP listeners, key material, socket'),
  )
    .option('--daemon-json <file>', 'daemon.json', '/etc/docker/daemon.json')
    .option('--unit <file>', 'the docker.service unit (reads -H/--tls… from ExecStart)')
    .option('--socket <file>', 'the Docker socket', '/var/run/docker.sock')
    .action(async (o: OutputOptions & { daemonJson: string; unit?: string; socket: string }) => {
      const { auditDocker } = await import('../cis/docker.js');
      process.exitCode = await emit(auditDocker({ daemonJson: o.daemonJson, unit: o.unit, socket: o.socket }), o);
    });

  audit
    .command('verify-binary <file>')
    .description('check a downloaded binary against its published sha256/sha512')
    .option('--sha512 <hex>', 'the expected SHA-512 digest')
    .option('--sha256 <hex>', 'the expected SHA-256 digest')
    .option('--checksum-file <file>', 'a .sha256/.sha512 file (bare digest, or sha512sum lines)')
    .action(async (file: string, o: { sha512?: string; sha256?: string; checksumFile?: string }) => {
      const { readChecksumFile, verifyBinary } = await import('../cis/verify-binary.js');
      const given = [o.sha512, o.sha256, o.checksumFile].filter(Boolean);
      if (given.length !== 1) throw new CliError('pass exactly one of --sha512, --sha256, --checksum-file');
      let expected: string;
      try {
        expected = o.checksumFile ? readChecksumFile(o.checksumFile, file) : (o.sha512 ?? o.sha256)!;
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      let r;
      try {
        r = await verifyBinary(file, expected);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      if (r.ok) {
        out(`${file}: OK (${r.algorithm})\n`);
        return;
      }
      out(`${file}: FAILED (${r.algorithm} mismatch)\n  expected ${r.expected}\n  actual   ${r.actual}\n`);
      process.exitCode = 1;
    });
}
