// Encryption at rest end to end: `kauth up` encrypts Secrets by default (a generated aesgcm key in
// DATA_DIR/pki/encryption-config.yaml), so no file of the SQLite database holds a Secret's value in plain or base64
// form, while kubectl reads it back; rotation to a second key (new key first, restart, `kubectl get secrets -A -o
// json | kubectl replace -f -` or any write of every Secret, drop the old key) rewrites every Secret; a bad config
// file is a one-line error.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/storage/sqlite.js';
import { kauth, kubectl, sleep, startCluster, type Cluster } from './harness.js';

const SECRET_MARK = `secmark${randomBytes(12).toString('hex')}`;
const CM_MARK = `cmmark${randomBytes(12).toString('hex')}`;

/** The marker and its base64 at each of the three alignments (the middle, free of neighbouring bytes). */
const forms = (m: string): string[] => [
  m,
  ...[0, 1, 2].map((k) =>
    Buffer.from('x'.repeat(k) + m)
      .toString('base64')
      .slice(k ? 4 : 0, -4),
  ),
];
const dbFiles = (c: Cluster): string[] =>
  readdirSync(c.dataDir)
    .filter((f) => f.startsWith('kauth.db'))
    .map((f) => join(c.dataDir, f));
const holding = (files: string[], needles: string[]): string[] =>
  files.filter((f) => {
    const b = readFileSync(f);
    return needles.some((n) => b.includes(n));
  });

/** The live value of every Secret (the newest row per key that is not a deletion), read from the file. */
function liveSecretValues(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT k.value AS value FROM kine k WHERE k.name LIKE '/registry/secrets/%'
      AND k.id = (SELECT MAX(id) FROM kine WHERE name = k.name) AND k.deleted = 0`)
      .all() as { value: Buffer | string }[];
    return rows.map((r) => r.value.toString());
  } finally {
    db.close();
  }
}

/** aesgcm with these keys, then identity (or identity first: decrypt to plaintext). */
const configWith = (keys: [string, string][], identityFirst = false): string => {
  const aesgcm = `      - aesgcm: {keys: [${keys.map(([n, s]) => `{name: ${n}, secret: "${s}"}`).join(', ')}]}`;
  const providers = identityFirst ? ['      - identity: {}', aesgcm] : [aesgcm, '      - identity: {}'];
  const head = ['apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:'];
  return [...head, '  - resources: [secrets]', '    providers:', ...providers, ''].join('\n');
};

describe('encryption at rest (kauth up default, rotation)', () => {
  let c: Cluster;
  let configPath: string;
  before(async () => {
    c = await startCluster();
    configPath = join(c.dataDir, 'pki', 'encryption-config.yaml');
  });
  after(async () => {
    await c.stop();
    c.cleanup();
  });

  it('writes a 0600 config with an aesgcm key for secrets', () => {
    assert.ok(existsSync(configPath));
    assert.equal(statSync(configPath).mode & 0o777, 0o600);
    assert.match(readFileSync(configPath, 'utf8'), /- secrets\n\s+providers:\n\s+- aesgcm:/);
  });

  it("no database file holds a Secret's value; a ConfigMap's is there; kubectl reads the Secret back", () => {
    let k = kubectl(c, ['create', 'configmap', 'plain', '-n', 'default', `--from-literal=v=${CM_MARK}`]);
    assert.equal(k.code, 0, k.err);
    k = kubectl(c, ['create', 'secret', 'generic', 'sealed', '-n', 'default', `--from-literal=v=${SECRET_MARK}`]);
    assert.equal(k.code, 0, k.err);
    // apply puts the whole object in an annotation too: the whole stored value is encrypted.
    k = kubectl(c, ['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'applied', namespace: 'default' },
        stringData: { v: `${SECRET_MARK}-applied` },
      }),
    });
    assert.equal(k.code, 0, k.err);
    const files = dbFiles(c);
    assert.ok(
      files.some((f) => f.endsWith('kauth.db')),
      files.join(' '),
    );
    assert.ok(holding(files, [CM_MARK]).length > 0, 'control: the ConfigMap is stored in these files');
    assert.deepEqual(holding(files, forms(SECRET_MARK)), []);
    assert.ok(holding(files, ['k8s:enc:aesgcm:v1:key1:']).length > 0);
    k = kubectl(c, ['get', 'secret', 'sealed', '-n', 'default', '-o', 'jsonpath={.data.v}']);
    assert.equal(Buffer.from(k.out, 'base64').toString(), SECRET_MARK, k.err);
    assert.ok(!forms(SECRET_MARK).some((f) => c.output().includes(f)), "never in kauth's own output");
  });

  it('rotation: new key first, restart, rewrite every Secret, drop the old key', async () => {
    const key1 = /name: key1\n\s+secret: (\S+)/.exec(readFileSync(configPath, 'utf8'))![1]!;
    const key2 = randomBytes(32).toString('base64');
    await c.stop();
    writeFileSync(
      configPath,
      configWith([
        ['key2', key2],
        ['key1', key1],
      ]),
      { mode: 0o600 },
    );
    c = await startCluster({ dir: c.dir, port: c.port });
    let k = kubectl(c, ['get', 'secrets', '-A', '-o', 'json']);
    assert.equal(k.code, 0, k.err);
    assert.ok(k.out.includes(Buffer.from(SECRET_MARK).toString('base64')), 'key1 still reads');
    // Rewrite every Secret as kube's docs say: a replace that changes nothing is still written when the object was
    // read with an outdated key (GuaranteedUpdate's `stale`), so every Secret is re-encrypted with key2.
    const listed = kubectl(c, ['get', 'secrets', '-A', '-o', 'json']);
    k = kubectl(c, ['replace', '-f', '-'], { input: listed.out });
    assert.equal(k.code, 0, k.err);
    // A second replace is a no-op: the Secrets now read with the first key, nothing is stale.
    const rv = kubectl(c, [
      'get',
      'secret',
      'sealed',
      '-n',
      'default',
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]).out;
    assert.equal(
      kubectl(c, ['replace', '-f', '-'], { input: kubectl(c, ['get', 'secrets', '-A', '-o', 'json']).out }).code,
      0,
    );
    assert.equal(
      kubectl(c, ['get', 'secret', 'sealed', '-n', 'default', '-o', 'jsonpath={.metadata.resourceVersion}']).out,
      rv,
    );
    await c.stop();
    const db = join(c.dataDir, 'kauth.db');
    const live = liveSecretValues(db);
    assert.ok(live.length >= 2, `${live.length} secrets`);
    assert.deepEqual(
      live.filter((v) => !v.startsWith('k8s:enc:aesgcm:v1:key2:')).map((v) => v.slice(0, 30)),
      [],
    );
    // History (old rows, and each live row's previous value) keeps the key1 values until compaction, and free pages
    // keep their bytes until a VACUUM (etcd: compaction, then defrag); after both the file holds key2's ciphertext only.
    const store = SqliteStore.open(db, { compactInterval: 0 });
    await store.compact(await store.currentRevision());
    await store.close();
    const vacuum = new Database(db);
    vacuum.exec('VACUUM');
    vacuum.close();
    assert.deepEqual(holding(dbFiles(c), ['k8s:enc:aesgcm:v1:key1:']), []);
    assert.ok(holding(dbFiles(c), ['k8s:enc:aesgcm:v1:key2:']).length > 0);
    // The old key dropped: every Secret still reads, so every one was rewritten with key2.
    writeFileSync(configPath, configWith([['key2', key2]]), { mode: 0o600 });
    c = await startCluster({ dir: c.dir, port: c.port, args: ['--encryption-provider-config-automatic-reload'] });
    k = kubectl(c, ['get', 'secret', 'sealed', '-n', 'default', '-o', 'jsonpath={.data.v}']);
    assert.equal(Buffer.from(k.out, 'base64').toString(), SECRET_MARK, k.err);
    k = kubectl(c, ['get', 'secrets', '-A', '-o', 'name']);
    assert.equal(k.code, 0, k.err);
  });

  it('automatic reload, decrypting to identity: identity first writes plaintext, aesgcm still reads', async () => {
    const key2 = /name: key2, secret: "([^"]+)"/.exec(readFileSync(configPath, 'utf8'))![1]!;
    writeFileSync(configPath, configWith([['key2', key2]], true), { mode: 0o600 });
    // The file is polled every second: write Secrets until one is stored in plaintext.
    let found = '';
    for (let i = 0; i < 20 && !found; i++) {
      await sleep(250);
      const mark = `plainmark${i}x${randomBytes(6).toString('hex')}`;
      const k = kubectl(c, [
        'create',
        'secret',
        'generic',
        `after-reload-${i}`,
        '-n',
        'default',
        `--from-literal=v=${mark}`,
      ]);
      assert.equal(k.code, 0, k.err);
      if (holding(dbFiles(c), [Buffer.from(mark).toString('base64')]).length) found = mark;
    }
    assert.ok(found, 'a Secret written after the reload is stored unencrypted');
    const k = kubectl(c, ['get', 'secret', 'sealed', '-n', 'default', '-o', 'jsonpath={.data.v}']);
    assert.equal(Buffer.from(k.out, 'base64').toString(), SECRET_MARK, `still read with key2: ${k.err}`);
  });

  it('a bad --encryption-provider-config is a one-line start-up error', () => {
    const bad = join(c.dir, 'bad-encryption.yaml');
    writeFileSync(bad, configWith([['k', Buffer.alloc(8).toString('base64')]]));
    const pki = join(c.dataDir, 'pki');
    const r = kauth([
      'server',
      '--tls-cert-file',
      join(pki, 'apiserver.crt'),
      '--tls-private-key-file',
      join(pki, 'apiserver.key'),
      '--storage-path',
      join(c.dir, 'unused.db'),
      '--encryption-provider-config',
      bad,
    ]);
    assert.notEqual(r.code, 0);
    assert.equal(
      r.err,
      'error: --encryption-provider-config: error while parsing file: resources[0].providers[0].aesgcm.keys[0].secret: ' +
        'Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of [16 24 32]\n',
    );
  });
});
