// Docker daemon checks, download checksums and the unified diff --fix prints, as tables.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditDocker } from '../../../src/cis/docker.js';
import { expectedFromChecksumFile, verifyBinary } from '../../../src/cis/verify-binary.js';
import { unifiedDiff } from '../../../src/cis/unified-diff.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-cis-docker-'));
const file = (name: string, text: string, mode = 0o600) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
};
const statuses = (daemon: object | string, unit?: string) => {
  const p = file(
    `d-${Math.random().toString(36).slice(2)}.json`,
    typeof daemon === 'string' ? daemon : JSON.stringify(daemon),
    0o644,
  );
  const r = auditDocker({ daemonJson: p, unit, socket: join(dir, 'no-socket') });
  return Object.fromEntries(r.Controls[0]!.tests[0]!.results.map((x) => [x.test_number, x.status]));
};

describe('audit docker', () => {
  const key = file('key.pem', 'k', 0o600),
    loose = file('loose-key.pem', 'k', 0o644),
    crt = file('crt.pem', 'c', 0o644);
  const cases: { name: string; daemon: object | string; unit?: string; want: Record<string, string> }[] = [
    { name: 'unix socket only', daemon: { hosts: ['unix:///var/run/docker.sock'] }, want: { 'D.1': 'PASS' } },
    {
      name: 'plain tcp 2375',
      daemon: { hosts: ['tcp://0.0.0.0:2375'] },
      want: { 'D.1': 'FAIL', 'D.2': 'FAIL', 'D.3': 'WARN' },
    },
    { name: 'bare host:port is TCP too', daemon: { hosts: ['0.0.0.0:2375'] }, want: { 'D.1': 'FAIL' } },
    {
      name: 'tls without verify',
      daemon: { hosts: ['tcp://0.0.0.0:2376'], tls: true, tlscacert: crt, tlscert: crt, tlskey: key },
      want: { 'D.1': 'FAIL', 'D.2': 'FAIL' },
    },
    {
      name: 'tlsverify on 2376',
      daemon: { hosts: ['tcp://0.0.0.0:2376'], tlsverify: true, tlscacert: crt, tlscert: crt, tlskey: key },
      want: { 'D.1': 'PASS', 'D.2': 'PASS', 'D.3': 'PASS', 'D.4': 'PASS', 'D.6': 'PASS' },
    },
    {
      name: 'key readable by others',
      daemon: { hosts: ['tcp://0.0.0.0:2376'], tlsverify: true, tlscacert: crt, tlscert: crt, tlskey: loose },
      want: { 'D.6': 'FAIL' },
    },
    {
      name: 'missing key file',
      daemon: {
        hosts: ['tcp://0.0.0.0:2376'],
        tlsverify: true,
        tlscacert: crt,
        tlscert: crt,
        tlskey: join(dir, 'nope.pem'),
      },
      want: { 'D.6': 'FAIL' },
    },
    { name: 'malformed daemon.json', daemon: '{"hosts": [', want: { 'D.0': 'FAIL' } },
    {
      name: 'unit ExecStart -H tcp without TLS',
      daemon: {},
      unit: file('docker.service', '[Service]\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n'),
      want: { 'D.1': 'FAIL' },
    },
    {
      name: 'unit ExecStart with --tlsverify',
      daemon: {},
      unit: file(
        'docker-tls.service',
        `[Service]\nExecStart=/usr/bin/dockerd --tlsverify --tlscacert=${crt} --tlscert=${crt} --tlskey=${key} -H=0.0.0.0:2376\n`,
      ),
      want: { 'D.1': 'PASS', 'D.2': 'PASS' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = statuses(c.daemon, c.unit);
      for (const [id, st] of Object.entries(c.want)) assert.equal(got[id], st, `${id}: ${JSON.stringify(got)}`);
    });
  }
});

describe('verify-binary', () => {
  const bin = file('kubectl', 'not really kubectl\n');
  const sha512 = createHash('sha512').update('not really kubectl\n').digest('hex');
  const sha256 = createHash('sha256').update('not really kubectl\n').digest('hex');
  it('matching sha512 and sha256', async () => {
    assert.equal((await verifyBinary(bin, sha512)).ok, true);
    assert.equal((await verifyBinary(bin, sha256.toUpperCase())).ok, true);
  });
  it('mismatch', async () =>
    assert.equal(
      (
        await verifyBinary(
          bin,
          sha512.replace(/^./, (c) => (c === '0' ? '1' : '0')),
        )
      ).ok,
      false,
    ));
  it('bad digest length and missing file are errors naming the problem', async () => {
    await assert.rejects(verifyBinary(bin, 'abc'), /want 64 \(sha256\) or 128 \(sha512\) hex digits/);
    await assert.rejects(verifyBinary(join(dir, 'missing'), sha512), /missing: no such file/);
  });
  it('checksum files: bare digest (dl.k8s.io) and sha512sum lines', () => {
    assert.equal(expectedFromChecksumFile(`${sha512}\n`, 'kubectl', 'kubectl.sha512'), sha512);
    assert.equal(expectedFromChecksumFile(`${sha256}  kubelet\n${sha512}  kubectl\n`, '/tmp/kubectl', 'SUMS'), sha512);
    assert.throws(
      () => expectedFromChecksumFile(`${sha256}  kubelet\n${sha512}  kubeadm\n`, 'kubectl', 'SUMS'),
      /SUMS: no sha256\/sha512 digest for kubectl/,
    );
  });
});

describe('unifiedDiff', () => {
  it('one changed line with context, hunk header like diff -u', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\n',
      b = 'a\nb\nc\nD\ne\nf\ng\n';
    assert.equal(
      unifiedDiff('a/x', 'b/x', a, b),
      '--- a/x\n+++ b/x\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n',
    );
  });
  it('two distant changes make two hunks; additions at the end', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
    const b = a.replace('l1\n', 'L1\n') + 'extra\n';
    const d = unifiedDiff('a', 'b', a, b);
    assert.equal((d.match(/^@@ /gm) ?? []).length, 2);
    assert.match(d, /^@@ -1,5 \+1,5 @@$/m);
    assert.match(d, /^@@ -18,3 \+18,4 @@$/m); // as GNU diff -u prints it
    assert.match(d, /^\+extra$/m);
  });
  it('no change → empty', () => assert.equal(unifiedDiff('a', 'b', 'x\n', 'x\n'), ''));
});
