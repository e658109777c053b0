import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withFileLock } from '../../../src/login/cache-lock.js';
import { tempDir } from '../pki/helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('withFileLock', () => {
  it('runs holders one after the other and removes the lock', async () => {
    const lock = join(tempDir('kauth-lock-'), 'k.lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withFileLock(lock, 5_000, async () => {
        events.push(`${name} in`);
        await sleep(150);
        events.push(`${name} out`);
        return name;
      });
    const results = await Promise.all([holder('a'), holder('b')]);
    assert.deepEqual(results, ['a', 'b']);
    assert.deepEqual(events, ['a in', 'a out', 'b in', 'b out']);
    assert.equal(existsSync(lock), false);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = join(tempDir('kauth-lock-'), 'k.lock');
    await assert.rejects(
      withFileLock(lock, 1_000, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(existsSync(lock), false);
  });

  it('takes over a lock whose owner has exited', async () => {
    const lock = join(tempDir('kauth-lock-'), 'k.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, `${dead.stdout}\n`);
    assert.equal(await withFileLock(lock, 1_000, async () => 'got it'), 'got it');
  });

  it('gives up after the wait when a live process holds it, naming the lock', async () => {
    const lock = join(tempDir('kauth-lock-'), 'k.lock');
    writeFileSync(lock, `${process.pid}\n`);
    await assert.rejects(
      withFileLock(lock, 300, async () => 'never'),
      (e: Error) => e.message.includes(lock) && /gave up waiting/.test(e.message),
    );
    assert.equal(existsSync(lock), true, 'a live owner keeps its lock');
  });
});
