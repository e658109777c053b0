// bench/ssa.ts — server-side apply of a 200-object bundle ÷ client-side `kubectl apply` of the same bundle, in the
// same run against one kauth: the first apply (creates), a re-apply (no changes) and an apply with one change per
// object, each into its own namespace so neither path sees the other's objects. Goal: server-side ≤ 1× client-side
// (kubectl does the merge itself on the client side: a GET and a PATCH per object; server-side sends one PATCH).
// Run: npm run build && node dist/bench/ssa.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, startCluster } from '../test/e2e/harness.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 200);

function bundle(ns: string, version: string): string {
  const docs: string[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    if (i % 4 === 0) {
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\n  namespace: ${ns}\n  labels: {app: d${i}}\nspec:\n` +
          `  replicas: 2\n  selector:\n    matchLabels: {app: d${i}}\n  template:\n    metadata:\n      labels: {app: d${i}}\n    spec:\n` +
          `      containers:\n      - name: app\n        image: nginx:${version}\n        ports: [{containerPort: 80}]\n` +
          `        env: [{name: A, value: "1"}, {name: B, value: "2"}]\n`,
      );
    } else {
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: ${ns}\n  labels: {bundle: bench}\ndata:\n` +
          `  version: "${version}"\n  a: "alpha"\n  b: "beta"\n`,
      );
    }
  }
  return docs.join('---\n');
}

function timed(label: string, args: string[], c: Parameters<typeof kubectl>[0]): number {
  const t = process.hrtime.bigint();
  const k = kubectl(c, args);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (k.code !== 0) throw new Error(`${label}: ${k.err.slice(0, 400)}`);
  return ms;
}

const cluster = await startCluster();
try {
  for (const ns of ['csa', 'ssa']) kubectl(cluster, ['create', 'ns', ns]);
  const file = (ns: string, version: string) => {
    const f = join(cluster.dir, `${ns}-${version}.yaml`);
    writeFileSync(f, bundle(ns, version));
    return f;
  };
  console.log(`${OBJECTS} objects (1/4 Deployments, 3/4 ConfigMaps), real kubectl, one kauth`);
  const rows: [string, number, number][] = [];
  for (const [step, version] of [
    ['first apply (creates)', '1.27'],
    ['re-apply, no change', '1.27'],
    ['apply, one change each', '1.28'],
  ] as const) {
    const csa = timed(`client-side ${step}`, ['apply', '-f', file('csa', version)], cluster);
    const ssa = timed(`server-side ${step}`, ['apply', '--server-side', '-f', file('ssa', version)], cluster);
    rows.push([step, csa, ssa]);
  }
  for (const [step, csa, ssa] of rows) {
    console.log(
      `  ${step.padEnd(24)} client-side ${csa.toFixed(0).padStart(6)} ms   server-side ${ssa.toFixed(0).padStart(6)} ms   ` +
        `ratio ${(ssa / csa).toFixed(2)} (goal ≤ 1)`,
    );
  }
} finally {
  await cluster.stop();
  cluster.cleanup();
}
