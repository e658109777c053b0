// Store throughput: gets, pages of 500, and compare-and-swap updates, SQLite against the in-memory store
// measured in the same run. Run: npx tsx bench/store.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../src/storage/interface.js';
import { MemoryStore } from '../src/storage/memory.js';
import { SqliteStore } from '../src/storage/sqlite.js';

const KEYS = 10_000;
const VALUE = JSON.stringify({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name: 'x', namespace: 'bench' },
  data: { pad: 'x'.repeat(400) },
});

async function opsPerSecond(ms: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) await op(n++);
  return (n * 1000) / (performance.now() - start);
}

async function measure(store: Store): Promise<Record<string, number>> {
  const revisions: number[] = [];
  for (let i = 0; i < KEYS; i++)
    revisions.push((await store.create(`/registry/configmaps/bench/cm${i}`, VALUE)).modRevision);
  const key = (i: number) => `/registry/configmaps/bench/cm${(i * 7919) % KEYS}`;
  return {
    'get/s': await opsPerSecond(1000, (i) => store.get(key(i))),
    'list 500/s': await opsPerSecond(1000, (i) =>
      store.list('/registry/configmaps/bench/', { limit: 500, after: key(i) }),
    ),
    'update/s': await opsPerSecond(2000, async (i) => {
      const k = i % KEYS;
      revisions[k] = (await store.update(`/registry/configmaps/bench/cm${k}`, VALUE, revisions[k]!)).modRevision;
    }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'kauth-bench-'));
try {
  const memory = new MemoryStore();
  const sqlite = SqliteStore.open(join(dir, 'state.db'), { compactInterval: 0 });
  const reference = await measure(memory);
  const measured = await measure(sqlite);
  await memory.close();
  await sqlite.close();
  console.log(
    `${'operation'.padEnd(12)}${'memory'.padStart(12)}${'sqlite'.padStart(12)}${'sqlite/memory'.padStart(15)}  sqlite µs/op`,
  );
  for (const [op, ref] of Object.entries(reference)) {
    const got = measured[op]!;
    console.log(
      `${op.padEnd(12)}${ref.toFixed(0).padStart(12)}${got.toFixed(0).padStart(12)}${(got / ref).toFixed(3).padStart(15)}  ${(1e6 / got).toFixed(1)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
