#!/usr/bin/env node
// The whole suite: unit and end-to-end tests (compiled to dist/test/**/*.test.js, run by node's test
// runner), then the shared black-box acceptance checks in ../shared/acceptance when they are present.
// Fails when it finds no tests, since node --test passes on zero files.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2).find((a) => !a.startsWith('--'));

function find(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const kubectl = spawnSync(process.execPath, [join(root, 'scripts', 'fetch-kubectl.mjs')], { encoding: 'utf8' });
if (kubectl.status !== 0) {
  process.stderr.write(kubectl.stderr);
  process.exit(1);
}
const env = { ...process.env, KUBECTL: kubectl.stdout.trim(), KAUTH_LOG_LEVEL: process.env.KAUTH_LOG_LEVEL ?? 'warn' };

let files = find(join(root, 'dist', 'test')).sort();
if (only) files = files.filter((f) => f.includes(only));
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}
console.log(`run-tests: ${files.length} test files`);
const unit = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  env,
  cwd: root,
});
let failed = unit.status !== 0;

const acceptance = join(root, '..', 'shared', 'acceptance');
const checks = [
  'pki-openssl',
  'kubectl-core',
  'authn-authz',
  'sa-tokens',
  'impersonation',
  'csr',
  'external-identity',
  'gateway',
  'audit',
  'delegated-auth',
  'distributed',
  'access-review',
  'operations',
];
if (!only && existsSync(acceptance) && !process.argv.includes('--no-acceptance')) {
  let pass = 0;
  let fail = 0;
  for (const c of checks) {
    const script = join(acceptance, c);
    if (!existsSync(script)) continue;
    const cmd = c === 'pki-openssl' ? ['bash', [script]] : [process.execPath, [script]];
    const r = spawnSync(cmd[0], cmd[1], {
      stdio: 'inherit',
      env: { ...env, PATH: `${dirname(env.KUBECTL)}:${env.PATH}` },
      cwd: root,
      timeout: 600_000,
    });
    if (r.status === 0) pass++;
    else fail++;
  }
  console.log(`acceptance: ${pass} passed, ${fail} failed`);
  if (fail) failed = true;
}
process.exit(failed ? 1 : 0);
