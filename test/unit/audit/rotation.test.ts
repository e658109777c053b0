// The audit log file's rotation, as lumberjack does it for --audit-log-maxsize/-maxbackup/-maxage: a line that
// would not fit starts a new file, the old one becomes `<name>-<UTC time><ext>`, backups beyond the count or the
// age are removed, and every file is 0600. Also the log backend's JSON lines.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogBackend } from '../../../src/audit/log-backend.js';
import { backupTimestamp, RotatingFile } from '../../../src/audit/rotating-file.js';

const line = (i: number): string => `${JSON.stringify({ i, pad: 'x'.repeat(80) })}\n`; // 97 bytes each

/** A clock that moves one second per call, so each rotation gets its own backup name. */
function steppingClock(start = Date.parse('2026-11-29T00:33:22.123Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

test("backup names use lumberjack's UTC time format", () => {
  assert.equal(backupTimestamp(new Date('2026-11-29T00:33:22.123Z')), '2026-11-29T00-33-22.123');
});

test('rotation by size keeps maxBackups files, newest first, all 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-rot-'));
  const path = join(dir, 'audit.log');
  writeFileSync(join(dir, 'unrelated.log'), 'x');
  const file = new RotatingFile({ path, maxSizeBytes: 1000, maxBackups: 2, maxAgeDays: 0, now: steppingClock() });
  await file.open();
  // 10 lines per file: 45 lines → 4 rotations; 2 backups survive.
  for (let i = 0; i < 45; i++) await file.writeLines([line(i)]);
  await file.close();
  const backups = readdirSync(dir)
    .filter((f) => f.startsWith('audit-'))
    .sort();
  assert.deepEqual(backups, ['audit-2026-11-29T00-33-25.123.log', 'audit-2026-11-29T00-33-26.123.log']);
  assert.ok(readdirSync(dir).includes('unrelated.log'), 'other files are left alone');
  // The live file holds the last 5 lines, the newest backup the 10 before.
  assert.deepEqual(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).i),
    [40, 41, 42, 43, 44],
  );
  assert.equal(JSON.parse(readFileSync(join(dir, backups[1]!), 'utf8').split('\n')[0]!).i, 30);
  for (const f of [path, ...backups.map((b) => join(dir, b))]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
});

test('a batch of lines is split across files at the size limit; a line never straddles two files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-rot-'));
  const path = join(dir, 'audit.log');
  const file = new RotatingFile({ path, maxSizeBytes: 350, maxBackups: 0, maxAgeDays: 0, now: steppingClock() });
  await file.writeLines(Array.from({ length: 7 }, (_, i) => line(i)));
  await file.close();
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 3, files.join(' '));
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    assert.ok(text.length <= 350);
    for (const l of text.trim().split('\n')) JSON.parse(l);
  }
});

test('maxAge removes backups older than the given days; maxBackups 0 keeps the rest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-rot-'));
  const path = join(dir, 'audit.log');
  writeFileSync(join(dir, 'audit-2026-11-01T00-00-00.000.log'), 'old\n');
  writeFileSync(join(dir, 'audit-2026-11-28T12-00-00.000.log'), 'recent\n');
  const file = new RotatingFile({ path, maxSizeBytes: 150, maxBackups: 0, maxAgeDays: 7, now: steppingClock() });
  await file.writeLines([line(1), line(2)]);
  await file.close();
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['audit-2026-11-28T12-00-00.000.log', 'audit-2026-11-29T00-33-23.123.log', 'audit.log']);
});

test('a line larger than the limit is refused, as lumberjack refuses it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-rot-'));
  const file = new RotatingFile({ path: join(dir, 'a.log'), maxSizeBytes: 50, maxBackups: 0, maxAgeDays: 0 });
  await assert.rejects(file.writeLines([line(1)]), /write length 97 exceeds maximum file size 50/);
  await file.close();
});

test('the log backend writes one JSON event per line, creating the file 0600 at start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-log-'));
  const path = join(dir, 'nested', 'audit.log');
  const backend = await LogBackend.open({ path, maxAgeDays: 0, maxBackups: 0, maxSizeMegabytes: 0 });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700);
  for (let i = 0; i < 3; i++) backend.processEvent(JSON.stringify({ kind: 'Event', n: i }));
  await backend.close();
  assert.deepEqual(readFileSync(path, 'utf8').split('\n'), [
    '{"kind":"Event","n":0}',
    '{"kind":"Event","n":1}',
    '{"kind":"Event","n":2}',
    '',
  ]);
  assert.equal(backend.dropped, 0);
});

test('the log backend drops (and counts) events beyond its buffer instead of waiting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-log-'));
  const path = join(dir, 'audit.log');
  const backend = await LogBackend.open({ path, maxAgeDays: 0, maxBackups: 0, maxSizeMegabytes: 0, bufferSize: 5 });
  for (let i = 0; i < 8; i++) backend.processEvent(`{"n":${i}}`);
  assert.equal(backend.dropped, 3);
  await backend.close();
  assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 5);
});
