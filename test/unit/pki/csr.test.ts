import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCsr, parseCsr, parseVerifiedCsr, verifyCsrSignature } from '../../../src/pki/csr.js';
import { PkiError } from '../../../src/pki/errors.js';
import { generateKeyPair, loadPrivateKeyPem, sameKey, type KeyAlgorithm } from '../../../src/pki/keys.js';
import { openssl, opensslOk, tempDir, write } from './helpers.js';

const dir = tempDir();

describe('createCsr: openssl accepts what kauth makes', () => {
  const algs: KeyAlgorithm[] = ['rsa-2048', 'ecdsa-p256', 'ecdsa-p384', 'ed25519'];
  for (const alg of algs) {
    it(`${alg}: self-signature verifies, subject and SANs as given`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      const pem = await createCsr({
        subject: { commonName: 'jane', organizations: ['devs', 'ops'], organizationalUnits: ['team-a'] },
        dnsNames: ['jane.example.com'],
        ipAddresses: ['10.0.0.7', '2001:db8::1'],
        privateKey,
      });
      assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
      const file = write(dir, `${alg}.csr`, pem);
      const r = openssl(['req', '-in', file, '-noout', '-verify', '-subject', '-text']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout + r.stderr, /verify OK/);
      assert.match(r.stdout, /subject=O = devs, O = ops, OU = team-a, CN = jane/);
      assert.match(r.stdout, /DNS:jane\.example\.com, IP Address:10\.0\.0\.7, IP Address:2001:DB8:0:0:0:0:0:1/);
      const parsed = await parseCsr(pem);
      assert.ok(parsed.signatureValid);
      assert.ok(sameKey(parsed.publicKey, publicKey));
      assert.deepEqual(parsed.ipAddresses, ['10.0.0.7', '2001:db8::1']);
    });
  }
  it('omits the extension request when there are no SANs, as openssl does', async () => {
    const { privateKey } = await generateKeyPair('ecdsa-p256');
    const text = opensslOk(['req', '-noout', '-text'], await createCsr({ subject: { commonName: 'bob' }, privateKey }));
    assert.doesNotMatch(text, /Subject Alternative Name/);
  });
});

describe('parseCsr: requests made by `openssl req`', () => {
  const cases: { name: string; keygen: string[]; subj: string; san?: string; want: Record<string, unknown> }[] = [
    {
      name: 'seed 002: RSA, /CN=jane',
      keygen: ['genrsa', '2048'],
      subj: '/CN=jane',
      want: { commonName: 'jane', organizations: [], dnsNames: [], ipAddresses: [], publicKeyAlgorithm: 'RSA' },
    },
    {
      name: 'RSA with groups and SANs',
      keygen: ['genrsa', '2048'],
      subj: '/CN=system:node:worker-1/O=system:nodes',
      san: 'subjectAltName=DNS:worker-1,DNS:worker-1.local,IP:192.168.1.20,email:ops@example.com,URI:spiffe://cluster/ns/x',
      want: {
        commonName: 'system:node:worker-1',
        organizations: ['system:nodes'],
        dnsNames: ['worker-1', 'worker-1.local'],
        ipAddresses: ['192.168.1.20'],
        emailAddresses: ['ops@example.com'],
        uris: ['spiffe://cluster/ns/x'],
        publicKeyAlgorithm: 'RSA',
      },
    },
    {
      name: 'ECDSA P-256, two O and an OU',
      keygen: ['ecparam', '-name', 'prime256v1', '-genkey'],
      subj: '/O=devs/O=ops/OU=platform/CN=alice',
      want: {
        commonName: 'alice',
        organizations: ['devs', 'ops'],
        organizationalUnits: ['platform'],
        publicKeyAlgorithm: 'ECDSA',
      },
    },
    {
      name: 'Ed25519',
      keygen: ['genpkey', '-algorithm', 'ed25519'],
      subj: '/CN=edna',
      want: { commonName: 'edna', publicKeyAlgorithm: 'Ed25519' },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const keyFile = write(dir, `${c.name.replace(/\W+/g, '_')}.key`, opensslOk(c.keygen));
      const args = ['req', '-new', '-key', keyFile, '-subj', c.subj];
      if (c.san) args.push('-addext', c.san);
      const pem = opensslOk(args);
      const parsed = await parseCsr(pem);
      const flat: Record<string, unknown> = { ...parsed.subject, ...parsed };
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(flat[k], v, k);
      assert.equal(parsed.signatureValid, true);
      assert.ok(sameKey(parsed.publicKey, loadPrivateKeyPem(opensslOk(['pkey', '-in', keyFile]))));
      // DER input gives the same answer.
      assert.deepEqual((await parseCsr(parsed.raw)).subject, parsed.subject);
    });
  }
});

describe('tampered and malformed requests', () => {
  async function opensslCsr(): Promise<Buffer> {
    const keyFile = write(dir, 'tamper.key', opensslOk(['genrsa', '2048']));
    const pem = opensslOk(['req', '-new', '-key', keyFile, '-subj', '/CN=bob/O=qa']);
    return (await parseCsr(pem)).raw;
  }
  const toPem = (der: Buffer) =>
    `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;

  it('a changed subject (CN=bob → CN=Bob) fails the signature check, as openssl says', async () => {
    const der = Buffer.from(await opensslCsr());
    der[der.indexOf('bob')] = 'B'.charCodeAt(0);
    const pem = toPem(der);
    const r = openssl(['req', '-noout', '-verify'], pem);
    assert.match(r.stdout + r.stderr, /verify failure/);
    const parsed = await parseCsr(pem);
    assert.equal(parsed.subject.commonName, 'Bob');
    assert.equal(parsed.signatureValid, false);
    assert.equal(await verifyCsrSignature(pem), false);
    await assert.rejects(
      parseVerifiedCsr(pem),
      (e: unknown) => e instanceof PkiError && e.code === 'ERR_PKI_SIGNATURE' && /signature is invalid/.test(e.message),
    );
  });
  it('a flipped signature bit fails the signature check', async () => {
    const der = Buffer.from(await opensslCsr());
    der[der.length - 5]! ^= 0x01;
    assert.equal(await verifyCsrSignature(der), false);
  });
  const garbage: [string, string | Uint8Array, RegExp][] = [
    ['text without PEM', 'hello', /found no PEM block/],
    [
      'a certificate PEM',
      opensslOk([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        '/dev/null',
        '-subj',
        '/CN=x',
      ]),
      /found CERTIFICATE/,
    ],
    ['random bytes', Buffer.from('3082ffff0102030405', 'hex'), /not a valid PKCS#10/],
    [
      'a CSR PEM with a truncated body',
      '-----BEGIN CERTIFICATE REQUEST-----\nMIICVjCCAT4CAQAwETEPMA0GA1UEAwwGYW5nZWxh\n-----END CERTIFICATE REQUEST-----\n',
      /not a valid PKCS#10/,
    ],
  ];
  for (const [name, input, message] of garbage) {
    it(`refuses ${name} with a PkiError`, async () => {
      await assert.rejects(parseCsr(input), (e: unknown) => e instanceof PkiError && message.test(e.message));
    });
  }
});
