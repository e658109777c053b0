// EncryptionConfiguration parsing and validation, with kube-apiserver's texts
// (apis/apiserver/validation/validation_encryption.go), and the key → resource matching.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  loadEncryptionConfiguration,
  parseEncryptionConfiguration,
} from '../../../../src/storage/encryption/config.js';
import { ensureDefaultEncryptionConfig } from '../../../../src/storage/encryption/default-config.js';
import { groupResourceOf, transformerIndex } from '../../../../src/storage/encryption/resources.js';
import { loadSecretbox } from '../../../../src/storage/encryption/secretbox.js';

const K16 = Buffer.alloc(16, 1).toString('base64');
const K32 = Buffer.alloc(32, 2).toString('base64');
const K8 = Buffer.alloc(8, 3).toString('base64');
const HEAD = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n';
const one = (resources: string, providers: string): string =>
  `${HEAD}resources:\n- resources: ${resources}\n  providers: ${providers}\n`;

describe('EncryptionConfiguration validation', () => {
  const cases: { name: string; text: string; error?: string }[] = [
    {
      name: 'aescbc then identity',
      text: one('[secrets]', `[{aescbc: {keys: [{name: k1, secret: "${K32}"}]}}, {identity: {}}]`),
    },
    {
      name: 'aesgcm 16-byte key, wildcards',
      text: one('["*.apps", "configmaps"]', `[{aesgcm: {keys: [{name: k1, secret: "${K16}"}]}}]`),
    },
    {
      name: 'JSON form',
      text: JSON.stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'EncryptionConfiguration',
        resources: [{ resources: ['*.*'], providers: [{ secretbox: { keys: [{ name: 'k', secret: K32 }] } }] }],
      }),
    },
    {
      name: 'wrong kind',
      text: 'apiVersion: v1\nkind: ConfigMap\n',
      error: 'no kind "ConfigMap" is registered for version "v1" in scheme',
    },
    {
      name: 'no resources',
      text: `${HEAD}resources: []\n`,
      error: 'resources: Required value: at least one resources is required',
    },
    {
      name: 'no providers',
      text: one('[secrets]', '[]'),
      error: 'resources[0].providers: Required value: at least one resources[0].providers is required',
    },
    {
      name: 'empty resources list',
      text: one('[]', '[{identity: {}}]'),
      error: 'resources[0].resources: Required value: at least one resources[0].resources is required',
    },
    {
      name: 'short AES key (secret REDACTED)',
      text: one('[secrets]', `[{aescbc: {keys: [{name: k1, secret: "${K8}"}]}}]`),
      error:
        'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of [16 24 32]',
    },
    {
      name: 'secretbox wants 32 bytes',
      text: one('[secrets]', `[{secretbox: {keys: [{name: k1, secret: "${K16}"}]}}]`),
      error:
        'resources[0].providers[0].secretbox.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 16, expected one of [32]',
    },
    {
      name: 'not base64',
      text: one('[secrets]', '[{aesgcm: {keys: [{name: k1, secret: "not base64!"}]}}]'),
      error:
        'resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded',
    },
    {
      name: 'key without name',
      text: one('[secrets]', `[{aesgcm: {keys: [{secret: "${K32}"}]}}]`),
      error: 'resources[0].providers[0].aesgcm.keys[0].name: Required value: name is a mandatory field for a key',
    },
    {
      name: 'no keys',
      text: one('[secrets]', '[{aesgcm: {keys: []}}]'),
      error: 'resources[0].providers[0].aesgcm.keys: Required value: at least one keys is required',
    },
    {
      name: 'two providers in one element',
      text: one('[secrets]', `[{identity: {}, aesgcm: {keys: [{name: k, secret: "${K32}"}]}}]`),
      error: 'more than one provider specified in a single element, should split into different list elements',
    },
    {
      name: 'unknown provider',
      text: one('[secrets]', '[{rot13: {}}]'),
      error: 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity',
    },
    {
      name: 'kms refused',
      text: one('[secrets]', '[{kms: {name: x, endpoint: "unix:///k.sock"}}]'),
      error: 'KMS providers are not supported by kauth',
    },
    {
      name: 'capital letters',
      text: one('[Secrets]', '[{identity: {}}]'),
      error: 'resources[0].resources[0]: Invalid value: "Secrets": resource name should not contain capital letters',
    },
    {
      name: 'bare star',
      text: one('["*"]', '[{identity: {}}]'),
      error: "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources",
    },
    {
      name: 'events.k8s.io',
      text: one('["events.events.k8s.io"]', '[{identity: {}}]'),
      error: "objects are stored using the 'events' API group in etcd",
    },
    {
      name: 'extensions',
      text: one('["*.extensions"]', '[{identity: {}}]'),
      error: "'extensions' group has been removed and cannot be used for encryption",
    },
    {
      name: 'resource across groups',
      text: one('["secrets.*"]', '[{identity: {}}]'),
      error: 'encrypting the same resource across groups is not supported',
    },
    {
      name: 'overlap',
      text: one('[secrets, "*."]', '[{identity: {}}]'),
      error: "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed",
    },
    {
      name: 'duplicate',
      text: one('[secrets, secrets]', '[{identity: {}}]'),
      error: 'the same resource cannot be specified multiple times',
    },
    {
      name: 'not REST',
      text: one('[serviceipallocations]', '[{identity: {}}]'),
      error: 'resources which do not have REST API/s cannot be encrypted',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (!c.error) {
        assert.ok(parseEncryptionConfiguration(c.text).resources.length > 0);
        return;
      }
      assert.throws(
        () => parseEncryptionConfiguration(c.text),
        (e: Error) => {
          assert.ok(e.message.includes(c.error!), e.message);
          assert.ok(
            !e.message.includes(K8) && !e.message.includes(K16) && !e.message.includes(K32),
            'never the secret',
          );
          return true;
        },
      );
    });
  }

  it('several problems are reported together', () => {
    assert.throws(
      () => parseEncryptionConfiguration(one('[Secrets]', '[]')),
      /\[resources\[0\]\.resources\[0\]: Invalid value.*, resources\[0\]\.providers: Required value/,
    );
  });

  it("file errors read as kube-apiserver's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-enc-'));
    try {
      const empty = join(dir, 'empty.yaml');
      writeFileSync(empty, '');
      assert.throws(() => loadEncryptionConfiguration(empty), {
        message: `error while parsing file: encryption provider configuration file "${empty}" is empty`,
      });
      assert.throws(
        () => loadEncryptionConfiguration(join(dir, 'missing.yaml')),
        /error while parsing file: error opening encryption provider configuration file ".*missing.yaml"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('storage key → resource', () => {
  before(() => loadSecretbox());
  const cases: { key: string; want?: { group: string; resource: string } }[] = [
    { key: '/registry/secrets/default/db', want: { group: '', resource: 'secrets' } },
    { key: '/registry/namespaces/default', want: { group: '', resource: 'namespaces' } },
    { key: '/registry/apps/deployments/default/web', want: { group: 'apps', resource: 'deployments' } },
    {
      key: '/registry/rbac.authorization.k8s.io/roles/ns/r',
      want: { group: 'rbac.authorization.k8s.io', resource: 'roles' },
    },
    { key: '/registry/example.com/widgets/ns/w', want: { group: 'example.com', resource: 'widgets' } },
    { key: '/registry/pods', want: { group: '', resource: 'pods' } },
    { key: '123' },
    { key: '/other/secrets/x' },
  ];
  for (const c of cases) it(c.key, () => assert.deepEqual(groupResourceOf(c.key), c.want));

  it('exact resource, then *.group, then *.*; the first entry naming a resource wins', () => {
    const config = parseEncryptionConfiguration(`${HEAD}resources:
- resources: [secrets]
  providers: [{secretbox: {keys: [{name: s, secret: "${K32}"}]}}]
- resources: ["*.apps"]
  providers: [{aesgcm: {keys: [{name: g, secret: "${K32}"}]}}]
- resources: [secrets]
  providers: [{aescbc: {keys: [{name: masked, secret: "${K32}"}]}}]
- resources: ["*.*"]
  providers: [{aescbc: {keys: [{name: c, secret: "${K32}"}]}}]
`);
    const index = transformerIndex(config);
    const prefixOf = (key: string) => index.forKey(key).toStorage('{}', key).split(':').slice(0, 5).join(':');
    assert.equal(prefixOf('/registry/secrets/ns/a'), 'k8s:enc:secretbox:v1:s');
    assert.equal(prefixOf('/registry/apps/deployments/ns/a'), 'k8s:enc:aesgcm:v1:g');
    assert.equal(prefixOf('/registry/configmaps/ns/a'), 'k8s:enc:aescbc:v1:c');
    assert.equal(index.forKey('123').toStorage('456', '123'), '456', 'keys outside /registry/ pass through');
    const onlySecrets = transformerIndex(
      parseEncryptionConfiguration(one('[secrets]', `[{aesgcm: {keys: [{name: g, secret: "${K32}"}]}}]`)),
    );
    assert.equal(
      onlySecrets.forKey('/registry/configmaps/a/b').toStorage('{"x":1}', '/registry/configmaps/a/b'),
      '{"x":1}',
    );
    assert.throws(
      () =>
        onlySecrets
          .forKey('/registry/configmaps/a/b')
          .fromStorage('k8s:enc:aesgcm:v1:g:AAAA', '/registry/configmaps/a/b'),
      /identity transformer tried to read encrypted data/,
    );
  });
});

describe('kauth up default config', () => {
  it('writes a 0600 aesgcm config for secrets once, then reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-enc-'));
    try {
      const path = ensureDefaultEncryptionConfig(dir);
      assert.equal(path, join(dir, 'pki', 'encryption-config.yaml'), 'in pki/, which replicas copy');
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const first = readFileSync(path, 'utf8');
      const config = loadEncryptionConfiguration(path);
      assert.deepEqual(config.resources[0]!.resources, ['secrets']);
      assert.deepEqual(
        config.resources[0]!.providers.map((p) => p.type),
        ['aesgcm', 'identity'],
      );
      assert.equal(ensureDefaultEncryptionConfig(dir), path);
      assert.equal(readFileSync(path, 'utf8'), first, 'the key is kept across starts');
      const other = mkdtempSync(join(tmpdir(), 'kauth-enc-'));
      try {
        assert.notEqual(readFileSync(ensureDefaultEncryptionConfig(other), 'utf8'), first, 'a fresh key per data dir');
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
