// The gateway's audit file: one JSON line per record, 0600, rotated by size keeping maxBackups files.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GatewayAuditLog, type GatewayAuditRecord } from '../../../src/gateway/audit.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-gw-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const record = (i: number): GatewayAuditRecord => ({
  time: new Date(0).toISOString(),
  caller: { username: 'alice', groups: ['devs'] },
  user: { username: 'alice', groups: ['devs'] },
  originalUser: 'alice',
  impersonated: false,
  cluster: 'east',
  verb: 'list',
  path: `/api/v1/pods/${i}`,
  code: 200,
  latencyMs: 1,
});

describe('GatewayAuditLog', () => {
  it('writes one JSON line per record to a 0600 file', () => {
    const path = join(dir, 'one', 'audit.log');
    const log = new GatewayAuditLog({ path, maxSize: 1 << 20, maxBackups: 1 });
    log.write(record(1));
    log.write(record(2));
    log.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.path),
      ['/api/v1/pods/1', '/api/v1/pods/2'],
    );
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('rotates by size, keeping maxBackups older files and dropping the oldest', () => {
    const path = join(dir, 'rot', 'audit.log');
    const lineSize = JSON.stringify(record(10)).length + 1;
    const log = new GatewayAuditLog({ path, maxSize: lineSize * 3, maxBackups: 2 });
    for (let i = 10; i < 20; i++) log.write(record(i)); // 10 lines, 3 per file → 4 files, 3 kept
    log.close();
    const paths = (p: string) =>
      readFileSync(p, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).path.slice(-2));
    assert.deepEqual(paths(path), ['19']);
    assert.deepEqual(paths(`${path}.1`), ['16', '17', '18']);
    assert.deepEqual(paths(`${path}.2`), ['13', '14', '15']);
    assert.equal(existsSync(`${path}.3`), false);
    for (const p of [path, `${path}.1`, `${path}.2`]) assert.ok(statSync(p).size <= lineSize * 3);
  });
});
