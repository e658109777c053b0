import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  algorithmForKey,
  KeyFileError,
  keyIdFromPublicKey,
  loadPublicKeys,
  loadSigningKey,
  parsePrivateKeyPem,
  parsePublicKeysPem,
} from '../../../src/serviceaccount/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-sa-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): Buffer {
  return execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

function file(name: string): string {
  return join(dir, name);
}

// The sa.pub and kid of a real cluster (seed 000: the pod token's header names this kid).
const SEED = readFileSync('/work/shared/seeds/000_2730a278d3b620dc.txt', 'utf8');
const SEED_PUB = SEED.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/)![0];

// Keys made by openssl in the formats kubeadm and users produce.
openssl('genrsa', '-traditional', '-out', file('sa-pkcs1.key'), '2048');
openssl('rsa', '-in', file('sa-pkcs1.key'), '-pubout', '-out', file('sa.pub'));
openssl('rsa', '-in', file('sa-pkcs1.key'), '-RSAPublicKey_out', '-out', file('sa-rsapub.pem'));
openssl('pkcs8', '-topk8', '-nocrypt', '-in', file('sa-pkcs1.key'), '-out', file('sa-pkcs8.key'));
openssl('ecparam', '-name', 'prime256v1', '-genkey', '-out', file('ec256-sec1.key'));
openssl('ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-out', file('ec384.key'));
openssl('ecparam', '-name', 'secp521r1', '-genkey', '-noout', '-out', file('ec521.key'));
openssl('req', '-x509', '-new', '-key', file('sa-pkcs1.key'), '-subj', '/CN=sa', '-days', '1', '-out', file('sa.crt'));
openssl('genpkey', '-algorithm', 'ed25519', '-out', file('ed.key'));

/** The kid computed with openssl alone: SHA-256 of the DER SubjectPublicKeyInfo, base64url. */
function opensslKid(keyFile: string): string {
  const der = openssl('pkey', '-in', keyFile, '-pubout', '-outform', 'DER');
  return createHash('sha256').update(der).digest('base64url');
}

describe('keyIdFromPublicKey', () => {
  test('matches the kid of a real kube-apiserver (seed 000)', () => {
    assert.equal(keyIdFromPublicKey(createPublicKey(SEED_PUB)), 'D4fFYKkTjHOgpprBwxXmm6DMc1CG_r_LF-Rp3aygv4s');
  });
  test("matches SHA-256 over openssl's PKIX DER, for public and private inputs", () => {
    const expected = opensslKid(file('sa-pkcs1.key'));
    assert.equal(keyIdFromPublicKey(createPublicKey(readFileSync(file('sa.pub')))), expected);
    assert.equal(keyIdFromPublicKey(parsePrivateKeyPem(readFileSync(file('sa-pkcs1.key'), 'utf8'))), expected);
    assert.doesNotMatch(expected, /[=+/]/);
  });
});

describe('parsePublicKeysPem (--service-account-key-file)', () => {
  const rsaKid = () => opensslKid(file('sa-pkcs1.key'));
  const cases: { name: string; pem: () => string; kids: () => string[] }[] = [
    { name: 'PKIX public key (sa.pub)', pem: () => readFileSync(file('sa.pub'), 'utf8'), kids: () => [rsaKid()] },
    { name: 'PKCS#1 RSA PUBLIC KEY', pem: () => readFileSync(file('sa-rsapub.pem'), 'utf8'), kids: () => [rsaKid()] },
    {
      name: 'PKCS#1 RSA PRIVATE KEY (sa.key)',
      pem: () => readFileSync(file('sa-pkcs1.key'), 'utf8'),
      kids: () => [rsaKid()],
    },
    { name: 'PKCS#8 PRIVATE KEY', pem: () => readFileSync(file('sa-pkcs8.key'), 'utf8'), kids: () => [rsaKid()] },
    { name: 'certificate', pem: () => readFileSync(file('sa.crt'), 'utf8'), kids: () => [rsaKid()] },
    {
      name: 'SEC1 EC key after an EC PARAMETERS block',
      pem: () => readFileSync(file('ec256-sec1.key'), 'utf8'),
      kids: () => [opensslKid(file('ec256-sec1.key'))],
    },
    {
      name: 'several blocks in one file, in order',
      pem: () =>
        readFileSync(file('ec384.key'), 'utf8') +
        readFileSync(file('sa.pub'), 'utf8') +
        readFileSync(file('ec521.key'), 'utf8'),
      kids: () => [opensslKid(file('ec384.key')), rsaKid(), opensslKid(file('ec521.key'))],
    },
    {
      name: 'ed25519 skipped next to an RSA key',
      pem: () => readFileSync(file('ed.key'), 'utf8') + readFileSync(file('sa.pub'), 'utf8'),
      kids: () => [rsaKid()],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(parsePublicKeysPem(c.pem()).map(keyIdFromPublicKey), c.kids());
    });
  }
  for (const [name, pem] of [
    ['empty', ''],
    ['not PEM', 'hello'],
    ['only ed25519', () => readFileSync(file('ed.key'), 'utf8')],
    ['garbage block', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'],
  ] as const) {
    test(`refuses ${name}`, () => {
      const text = typeof pem === 'function' ? pem() : pem;
      assert.throws(
        () => parsePublicKeysPem(text),
        (e: Error) =>
          e instanceof KeyFileError && e.message === 'data does not contain any valid RSA or ECDSA public keys',
      );
    });
  }
});

describe('algorithmForKey', () => {
  const cases: [string, string][] = [
    ['sa-pkcs1.key', 'RS256'],
    ['ec256-sec1.key', 'ES256'],
    ['ec384.key', 'ES384'],
    ['ec521.key', 'ES512'],
  ];
  for (const [name, alg] of cases) {
    test(`${name} → ${alg}`, () =>
      assert.equal(algorithmForKey(parsePrivateKeyPem(readFileSync(file(name), 'utf8'))), alg));
  }
  test('ed25519 is not a service-account key type', () => {
    assert.throws(() => algorithmForKey(createPublicKey(readFileSync(file('ed.key')))), KeyFileError);
  });
});

describe('loadSigningKey / loadPublicKeys', () => {
  test('PKCS#1 sa.key (which jose.importPKCS8 refuses) loads, with the kid of its public half', () => {
    const key = loadSigningKey(file('sa-pkcs1.key'));
    assert.equal(key.alg, 'RS256');
    assert.equal(key.kid, opensslKid(file('sa-pkcs1.key')));
    assert.equal(key.privateKey.type, 'private');
    assert.equal(key.key.type, 'public');
  });
  test('SEC1 EC key signs with ES256', () => {
    assert.equal(loadSigningKey(file('ec256-sec1.key')).alg, 'ES256');
  });
  test('a public key is not a signing key', () => {
    assert.throws(() => loadSigningKey(file('sa.pub')), /data does not contain a valid RSA or ECDSA private key/);
  });
  test('several key files, every key, file order', () => {
    const keys = loadPublicKeys([file('sa.pub'), file('ec384.key')]);
    assert.deepEqual(
      keys.map((k) => k.alg),
      ['RS256', 'ES384'],
    );
  });
  test('a missing or keyless file names the file', () => {
    writeFileSync(file('empty.pem'), 'nothing here\n');
    assert.throws(
      () => loadPublicKeys([file('empty.pem')]),
      /failed to parse key file ".*empty\.pem": data does not contain any valid RSA or ECDSA public keys/,
    );
    assert.throws(() => loadPublicKeys([file('missing.pem')]), /missing\.pem/);
  });
});
