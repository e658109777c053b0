// The EncryptingStore passes the shared Store suite over memory and SQLite (every value under /registry/ encrypted
// with `*.*`), stores only ciphertext underneath, decrypts watch events and prevKv, fails clearly on values it
// cannot read, and picks up a new configuration file when automatic reload is on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseEncryptionConfiguration } from '../../../../src/storage/encryption/config.js';
import { EncryptingStore } from '../../../../src/storage/encryption/encrypting-store.js';
import { encryptionAtRest } from '../../../../src/storage/encryption/index.js';
import { transformerIndex } from '../../../../src/storage/encryption/resources.js';
import { loadSecretbox } from '../../../../src/storage/encryption/secretbox.js';
import type { Store, WatchEvent } from '../../../../src/storage/interface.js';
import { MemoryStore } from '../../../../src/storage/memory.js';
import { SqliteStore } from '../../../../src/storage/sqlite.js';
import { runStoreSuite } from '../store-suite.js';

const configText = (resources: string, providers: { type: string; keys?: [string, Buffer][] }[]): string =>
  [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    `- resources: ${resources}`,
    '  providers:',
    ...providers.map((p) =>
      p.type === 'identity'
        ? '  - identity: {}'
        : `  - ${p.type}: {keys: [${p.keys!.map(([n, s]) => `{name: ${n}, secret: "${s.toString('base64')}"}`).join(', ')}]}`,
    ),
    '',
  ].join('\n');

const everything = () =>
  transformerIndex(
    parseEncryptionConfiguration(configText('["*.*"]', [{ type: 'aesgcm', keys: [['k1', randomBytes(32)]] }])),
  );

runStoreSuite('EncryptingStore over MemoryStore (*.*, aesgcm)', async () => {
  const store = new EncryptingStore(new MemoryStore(), everything());
  return { store, cleanup: () => store.close() };
});

runStoreSuite(
  'EncryptingStore over SqliteStore (*.*, aesgcm)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-enc-store-'));
    const path = join(dir, 'state.db');
    const index = everything();
    const opened: Store[] = [new EncryptingStore(SqliteStore.open(path, { compactInterval: 0 }), index)];
    return {
      store: opened[0]!,
      reopen: async () => {
        const store = new EncryptingStore(SqliteStore.open(path, { compactInterval: 0 }), index);
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const s of opened) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { persistent: true },
);

const SECRET_KEY = '/registry/secrets/default/db';
const CM_KEY = '/registry/configmaps/default/cm';
const VALUE = '{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}';

describe('EncryptingStore', () => {
  before(() => loadSecretbox());
  it('stores ciphertext for covered keys, plaintext for the rest, and returns plaintext from every call', async () => {
    const inner = new MemoryStore();
    const k = randomBytes(32);
    const store = new EncryptingStore(
      inner,
      transformerIndex(
        parseEncryptionConfiguration(configText('[secrets]', [{ type: 'secretbox', keys: [['k', k]] }])),
      ),
    );
    try {
      const events: WatchEvent[] = [];
      const w = store.watch('/registry/', {}, (ev) => events.push(ev));
      const other: WatchEvent[] = [];
      const w2 = store.watch('/registry/secrets/', {}, (ev) => other.push(ev));
      const created = await store.create(SECRET_KEY, VALUE);
      assert.equal(created.value, VALUE);
      await store.create(CM_KEY, '{"data":{"a":"b"}}');
      const raw = (await inner.get(SECRET_KEY))!.value;
      assert.ok(raw.startsWith('k8s:enc:secretbox:v1:k:') && !raw.includes('aHVudGVyMg'), raw.slice(0, 40));
      assert.equal((await inner.get(CM_KEY))!.value, '{"data":{"a":"b"}}');
      assert.equal((await store.get(SECRET_KEY))!.value, VALUE);
      assert.deepEqual(
        (await store.list('/registry/secrets/')).items.map((kv) => kv.value),
        [VALUE],
      );
      const updated = await store.update(SECRET_KEY, VALUE.replace('aHVudGVyMg', 'c2VjcmV0'), created.modRevision);
      assert.ok(updated.value.includes('c2VjcmV0'));
      const deleted = await store.delete(SECRET_KEY);
      assert.ok(deleted.value.includes('c2VjcmV0'));
      for (let i = 0; i < 100 && events.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
      w.stop();
      w2.stop();
      const secretEvents = events.filter((e) => e.kv.key === SECRET_KEY);
      assert.equal(other[0]!.kv, secretEvents[0]!.kv, 'one decrypted KeyValue shared by every watcher');
      assert.deepEqual(
        secretEvents.map((e) => e.kv.value.includes('data')),
        [true, true, true],
      );
      assert.equal(secretEvents[1]!.prevKv!.value, VALUE, 'prevKv decrypted');
      assert.ok(!JSON.stringify(events).includes('k8s:enc:'));
    } finally {
      await store.close();
    }
  });

  it('remembers stale reads (an older key), so that an unchanged rewrite is still written', async () => {
    const inner = new MemoryStore();
    const k1 = randomBytes(32);
    const index = (keys: [string, Buffer][]) =>
      transformerIndex(parseEncryptionConfiguration(configText('[secrets]', [{ type: 'aesgcm', keys }])));
    const old = new EncryptingStore(inner, index([['key1', k1]]));
    const created = await old.create(SECRET_KEY, VALUE);
    await old.get(SECRET_KEY);
    assert.equal(old.isStale(SECRET_KEY, created.modRevision), false);
    const rotated = new EncryptingStore(
      inner,
      index([
        ['key2', randomBytes(32)],
        ['key1', k1],
      ]),
    );
    assert.equal((await rotated.get(SECRET_KEY))!.value, VALUE);
    assert.equal(rotated.isStale(SECRET_KEY, created.modRevision), true);
    const rewritten = await rotated.update(SECRET_KEY, VALUE, created.modRevision);
    assert.equal((await rotated.list('/registry/secrets/')).items[0]!.value, VALUE);
    assert.equal(rotated.isStale(SECRET_KEY, rewritten.modRevision), false);
    await inner.close();
  });

  it('a value no provider can read is an error, in reads and in watch, never the stored text', async () => {
    const inner = new MemoryStore();
    const index = (key: Buffer) =>
      transformerIndex(parseEncryptionConfiguration(configText('[secrets]', [{ type: 'aesgcm', keys: [['k', key]] }])));
    const writer = new EncryptingStore(inner, index(randomBytes(32)));
    await writer.create(SECRET_KEY, VALUE);
    await inner.create('/registry/secrets/default/plain', VALUE);
    const reader = new EncryptingStore(inner, index(randomBytes(32)));
    await assert.rejects(reader.get(SECRET_KEY), {
      message: `unable to transform key "${SECRET_KEY}": failed to decrypt with aesgcm key "k": cipher: message authentication failed`,
    });
    await assert.rejects(reader.get('/registry/secrets/default/plain'), {
      message: 'unable to transform key "/registry/secrets/default/plain": no matching prefix found',
    });
    await assert.rejects(reader.list('/registry/secrets/'), /unable to transform key/);
    const errors: Error[] = [];
    const seen: WatchEvent[] = [];
    const w = reader.watch(
      '/registry/',
      { fromRevision: 0 },
      (ev) => seen.push(ev),
      (e) => errors.push(e),
    );
    await writer.update(SECRET_KEY, VALUE, (await inner.get(SECRET_KEY))!.modRevision);
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    // The watch ended with the error: a consumer that watches again must not also get this one's events.
    await reader.create(CM_KEY, '{}');
    await new Promise((r) => setTimeout(r, 30));
    w.stop();
    assert.equal(errors.length, 1);
    assert.equal(seen.length, 0);
    assert.match(errors[0]!.message, /unable to transform key/);
    await inner.close();
  });

  it('automatic reload: a new first key writes; a bad file keeps the previous configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-enc-reload-'));
    const path = join(dir, 'enc.yaml');
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    writeFileSync(path, configText('[secrets]', [{ type: 'aesgcm', keys: [['key1', k1]] }]));
    const inner = new MemoryStore();
    const store = (await encryptionAtRest({ path, automaticReload: true, reloadIntervalMs: 20 }))(inner);
    const rawPrefix = async () => (await inner.get(SECRET_KEY))!.value.slice(0, 23);
    const waitFor = async (want: string) => {
      for (let i = 0; i < 200; i++) {
        const kv = (await store.get(SECRET_KEY))!;
        await store.update(SECRET_KEY, VALUE, kv.modRevision);
        if ((await rawPrefix()) === want) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail(`never wrote with ${want}; last ${await rawPrefix()}`);
    };
    try {
      await store.create(SECRET_KEY, VALUE);
      assert.equal(await rawPrefix(), 'k8s:enc:aesgcm:v1:key1:');
      writeFileSync(
        path,
        configText('[secrets]', [
          {
            type: 'aesgcm',
            keys: [
              ['key2', k2],
              ['key1', k1],
            ],
          },
        ]),
      );
      await waitFor('k8s:enc:aesgcm:v1:key2:');
      writeFileSync(path, 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: []\n');
      await new Promise((r) => setTimeout(r, 150));
      const kv = (await store.get(SECRET_KEY))!;
      await store.update(SECRET_KEY, VALUE, kv.modRevision);
      assert.equal(await rawPrefix(), 'k8s:enc:aesgcm:v1:key2:', 'the bad file was not applied');
      assert.equal((await store.get(SECRET_KEY))!.value, VALUE);
      assert.ok(readFileSync(path, 'utf8').includes('resources: []'));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
