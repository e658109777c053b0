// kill -9 in the middle of a stream of writes: every write the store acknowledged must be there after
// reopening. The writer is a separate Node process, so the kill is real; it runs from .ts under tsx or
// from compiled .js in dist/, whichever this test itself is.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../../src/storage/sqlite.js';

const ACKNOWLEDGED_BEFORE_KILL = 300;

interface Acknowledged {
  revision: number;
  key: string;
  value: string;
}

function writerCommand(dbPath: string): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const writer = join(dirname(here), 'fixtures', `crash-writer${ext}`);
  return ext === '.ts' ? ['--import', import.meta.resolve('tsx'), writer, dbPath] : [writer, dbPath];
}

/** Runs the writer, SIGKILLs it after enough acknowledged writes, and returns every line it got out. */
async function writeThenKill(dbPath: string): Promise<{ acknowledged: Acknowledged[]; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, writerCommand(dbPath), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const acknowledged: Acknowledged[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const [revision, key, value] = line.split('\t');
    acknowledged.push({ revision: Number(revision), key: key!, value: value! });
    if (acknowledged.length === ACKNOWLEDGED_BEFORE_KILL) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => {
      if (sig === null) reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
      else resolve(sig);
    });
  });
  return { acknowledged, signal };
}

describe('SqliteStore durability', () => {
  it('keeps every acknowledged write across kill -9', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kauth-crash-'));
    const dbPath = join(dir, 'state.db');
    try {
      const { acknowledged, signal } = await writeThenKill(dbPath);
      assert.equal(signal, 'SIGKILL');
      assert.ok(acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL, `acknowledged ${acknowledged.length}`);

      const store = SqliteStore.open(dbPath, { compactInterval: 0 });
      try {
        const last = acknowledged[acknowledged.length - 1]!;
        assert.ok(
          (await store.currentRevision()) >= last.revision,
          'the revision counter covers every acknowledged write',
        );
        // Each acknowledged write, read back as of its own revision.
        for (const ack of acknowledged) {
          const { items } = await store.list(ack.key, { revision: ack.revision });
          const kv = items.find((item) => item.key === ack.key);
          assert.deepEqual(
            kv && { value: kv.value, modRevision: kv.modRevision },
            { value: ack.value, modRevision: ack.revision },
            ack.key,
          );
        }
        // And the latest state: each key at its last acknowledged write, or one unacknowledged write later.
        const latestAck = new Map(acknowledged.map((ack) => [ack.key, ack]));
        for (const [key, ack] of latestAck) {
          const kv = await store.get(key);
          assert.ok(kv && kv.modRevision >= ack.revision, key);
          if (kv.modRevision === ack.revision) assert.equal(kv.value, ack.value, key);
        }
        // The store is writable again where the writer left off.
        const next = await store.update(last.key, 'after the crash', (await store.get(last.key))!.modRevision);
        assert.ok(next.modRevision > last.revision);
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
