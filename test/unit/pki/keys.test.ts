import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { PkiError } from '../../../src/pki/errors.js';
import {
  describeKey,
  generateKeyPair,
  keyAlgorithmOf,
  loadPrivateKeyPem,
  loadPublicKeyPem,
  parseKeyAlgorithm,
  privateKeyToPem,
  publicKeyToPem,
  sameKey,
  type KeyAlgorithm,
} from '../../../src/pki/keys.js';
import { openssl, opensslOk, tempDir, write } from './helpers.js';

const dir = tempDir();

describe('generateKeyPair and PEM encoding', () => {
  // kubeadm writes RSA as PKCS#1 and EC as SEC1; Ed25519 only exists as PKCS#8.
  const cases: { alg: KeyAlgorithm; header: string; describe: string; opensslType: RegExp }[] = [
    { alg: 'rsa-2048', header: 'RSA PRIVATE KEY', describe: 'RSA 2048', opensslType: /Private-Key: \(2048 bit/ },
    { alg: 'rsa-3072', header: 'RSA PRIVATE KEY', describe: 'RSA 3072', opensslType: /Private-Key: \(3072 bit/ },
    { alg: 'ecdsa-p256', header: 'EC PRIVATE KEY', describe: 'ECDSA P-256', opensslType: /NIST CURVE: P-256/ },
    { alg: 'ecdsa-p384', header: 'EC PRIVATE KEY', describe: 'ECDSA P-384', opensslType: /NIST CURVE: P-384/ },
    { alg: 'ed25519', header: 'PRIVATE KEY', describe: 'Ed25519', opensslType: /ED25519 Private-Key/ },
  ];
  for (const c of cases) {
    it(`${c.alg}: default format ${c.header}, readable by openssl, round-trips`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(c.alg);
      assert.equal(keyAlgorithmOf(privateKey), c.alg);
      assert.equal(describeKey(publicKey), c.describe);
      const pem = privateKeyToPem(privateKey);
      assert.match(pem, new RegExp(`^-----BEGIN ${c.header}-----\n`));
      const keyFile = write(dir, `${c.alg}.key`, pem);
      assert.match(opensslOk(['pkey', '-in', keyFile, '-noout', '-text']), c.opensslType);
      // sa.pub is SPKI: exactly what `openssl pkey -pubout` prints.
      assert.equal(publicKeyToPem(publicKey), opensslOk(['pkey', '-in', keyFile, '-pubout']));
      const loaded = loadPrivateKeyPem(pem);
      assert.ok(sameKey(loaded, publicKey));
      assert.ok(sameKey(loadPrivateKeyPem(privateKeyToPem(privateKey, 'pkcs8')), publicKey));
    });
  }
  it('rsa-4096 generates a 4096-bit key', async () => {
    const { publicKey } = await generateKeyPair('rsa-4096');
    assert.equal(publicKey.asymmetricKeyDetails?.modulusLength, 4096);
  });
  it('refuses formats that cannot hold the key', async () => {
    const ec = await generateKeyPair('ecdsa-p256');
    const rsa = await generateKeyPair('rsa-2048');
    assert.throws(() => privateKeyToPem(ec.privateKey, 'pkcs1'), PkiError);
    assert.throws(() => privateKeyToPem(rsa.privateKey, 'sec1'), PkiError);
    assert.throws(() => privateKeyToPem(rsa.publicKey), PkiError);
  });
});

describe('parseKeyAlgorithm', () => {
  const cases: [string, KeyAlgorithm | null][] = [
    ['RSA-2048', 'rsa-2048'],
    ['rsa-3072', 'rsa-3072'],
    ['RSA_4096', 'rsa-4096'],
    ['ECDSA-P256', 'ecdsa-p256'],
    ['ecdsa-p384', 'ecdsa-p384'],
    ['Ed25519', 'ed25519'],
    ['p256', 'ecdsa-p256'],
    ['DSA-1024', null],
    ['RSA-1024', null],
    ['', null],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${want ?? 'error'}`, () => {
      if (want) assert.equal(parseKeyAlgorithm(input), want);
      else
        assert.throws(
          () => parseKeyAlgorithm(input),
          (e: unknown) =>
            e instanceof PkiError && e.code === 'ERR_PKI_ALGORITHM' && /unknown key algorithm/.test(e.message),
        );
    });
  }
});

describe('loadPrivateKeyPem with what openssl writes', () => {
  it('reads `openssl genrsa` (PKCS#8 in OpenSSL 3), `-traditional` PKCS#1 and `ecparam -genkey` (with EC PARAMETERS)', () => {
    const cases: [string, RegExp][] = [
      [opensslOk(['genrsa', '2048']), /^-----BEGIN PRIVATE KEY-----/],
      [opensslOk(['genrsa', '-traditional', '2048']), /^-----BEGIN RSA PRIVATE KEY-----/],
      [
        opensslOk(['ecparam', '-name', 'prime256v1', '-genkey']),
        /^-----BEGIN EC PARAMETERS-----[\s\S]*-----BEGIN EC PRIVATE KEY-----/,
      ],
    ];
    for (const [text, shape] of cases) {
      assert.match(text, shape);
      const fromOpenssl = loadPrivateKeyPem(opensslOk(['pkey'], text));
      assert.ok(sameKey(loadPrivateKeyPem(text), fromOpenssl));
    }
    assert.equal(keyAlgorithmOf(loadPrivateKeyPem(cases[2]![0])), 'ecdsa-p256');
  });

  const bad: [string, string, RegExp][] = [
    ['empty', '', /found no PEM block/],
    ['garbage', 'garbage\n', /found no PEM block/],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', /found CERTIFICATE/],
    [
      'corrupt base64 body',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n',
      /not a valid private key/,
    ],
    [
      'encrypted PKCS#8',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n',
      /encrypted private keys are not supported/,
    ],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name} with a one-line PkiError`, () => {
      assert.throws(
        () => loadPrivateKeyPem(text),
        (e: unknown) => e instanceof PkiError && message.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
  it('refuses a traditionally encrypted key (Proc-Type header)', () => {
    const enc = opensslOk(['genrsa', '-traditional', '-aes128', '-passout', 'pass:secret', '2048']);
    assert.match(enc, /Proc-Type: 4,ENCRYPTED/);
    assert.throws(() => loadPrivateKeyPem(enc), /encrypted private keys are not supported/);
  });
});

describe('loadPublicKeyPem', () => {
  it('accepts SPKI, PKCS#1 RSA PUBLIC KEY and a certificate, all the same key', async () => {
    const keyFile = write(dir, 'pub.key', opensslOk(['genrsa', '2048']));
    const spki = opensslOk(['rsa', '-in', keyFile, '-pubout']);
    const pkcs1 = opensslOk(['rsa', '-in', keyFile, '-RSAPublicKey_out']);
    assert.match(pkcs1, /BEGIN RSA PUBLIC KEY/);
    const cert = opensslOk(['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=x', '-days', '1']);
    const keys = [spki, pkcs1, cert].map((p) => loadPublicKeyPem(p));
    const priv = loadPrivateKeyPem(opensslOk(['pkey', '-in', keyFile]));
    for (const k of keys) assert.ok(sameKey(k, createPublicKey(priv)));
  });
  it('refuses a private key and garbage', () => {
    assert.throws(() => loadPublicKeyPem(opensslOk(['genrsa', '2048'])), /expected a PEM public key/);
    assert.throws(() => loadPublicKeyPem('garbage'), PkiError);
  });
  it('openssl reads what publicKeyToPem writes for every algorithm', async () => {
    for (const alg of ['rsa-2048', 'ecdsa-p384', 'ed25519'] as const) {
      const { publicKey } = await generateKeyPair(alg);
      const r = openssl(['pkey', '-pubin', '-noout', '-text'], publicKeyToPem(publicKey));
      assert.equal(r.status, 0, r.stderr);
    }
  });
});
