import 'reflect-metadata';
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as px509 from '@peculiar/x509';
import { AuthenticationError, type AuthRequest, type AuthResponse } from '../../../src/authn/interfaces.js';
import { X509Authenticator } from '../../../src/authn/x509.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-x509-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
function openssl(...args: string[]): Buffer {
  return execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

// A kubeadm-like PKI, made with openssl.
function ca(name: string, subject: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path(`${name}.key`),
    '-out',
    path(`${name}.crt`),
    '-subj',
    subject,
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  );
}
function cert(name: string, subject: string, issuer: string, ext: string): void {
  openssl(
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path(`${name}.key`),
    '-out',
    path(`${name}.csr`),
    '-subj',
    subject,
  );
  writeFileSync(path(`${name}.ext`), ext);
  openssl(
    'x509',
    '-req',
    '-in',
    path(`${name}.csr`),
    '-CA',
    path(`${issuer}.crt`),
    '-CAkey',
    path(`${issuer}.key`),
    '-CAcreateserial',
    '-out',
    path(`${name}.crt`),
    '-days',
    '10',
    '-extfile',
    path(`${name}.ext`),
  );
}
ca('ca', '/CN=kubernetes');
ca('other-ca', '/CN=kubernetes');
cert(
  'admin',
  '/O=system:masters/CN=kubernetes-admin',
  'ca',
  'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
);
cert('multi', '/O=dev/O=ops, on-call/CN=jane', 'ca', 'extendedKeyUsage=clientAuth\n');
cert('no-eku', '/CN=legacy-client', 'ca', 'basicConstraints=CA:FALSE\n');
cert('any-eku', '/CN=anything', 'ca', 'extendedKeyUsage=anyExtendedKeyUsage\n');
cert('server', '/CN=kube-apiserver', 'ca', 'extendedKeyUsage=serverAuth\n');
cert('no-cn', '/O=system:masters', 'ca', 'extendedKeyUsage=clientAuth\n');
cert('foreign', '/O=system:masters/CN=kubernetes-admin', 'other-ca', 'extendedKeyUsage=clientAuth\n');
cert(
  'intermediate',
  '/CN=kubernetes-intermediate',
  'ca',
  'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n',
);
cert('via-intermediate', '/O=team-a/CN=bob', 'intermediate', 'extendedKeyUsage=clientAuth\n');
cert(
  'fake-intermediate',
  '/CN=not-a-ca',
  'ca',
  'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign,digitalSignature\n',
);
cert('via-fake', '/CN=mallory', 'fake-intermediate', 'extendedKeyUsage=clientAuth\n');
openssl(
  'req',
  '-x509',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-keyout',
  path('short-ca.key'),
  '-out',
  path('short-ca.crt'),
  '-subj',
  '/CN=short-lived-ca',
  '-days',
  '1',
);
cert('outlives-ca', '/CN=carol', 'short-ca', 'extendedKeyUsage=clientAuth\n');

/** A client certificate whose validity ended last year, signed by the real CA (node-made: openssl 3.0 cannot back-date). */
async function expiredCert(): Promise<X509Certificate> {
  px509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof px509.cryptoProvider.set>[0]);
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const caKeyDer = Buffer.from(readFileSync(path('ca.key'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const caKey = await webcrypto.subtle.importKey('pkcs8', caKeyDer, alg, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(
    { ...alg, publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
    true,
    ['sign', 'verify'],
  );
  const caCert = new px509.X509Certificate(readFileSync(path('ca.crt'), 'utf8'));
  const c = await px509.X509CertificateGenerator.create({
    serialNumber: '0a1b2c',
    subject: 'CN=old-admin, O=system:masters',
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 400 * 86400_000),
    notAfter: new Date(Date.now() - 35 * 86400_000),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [new px509.ExtendedKeyUsageExtension([px509.ExtendedKeyUsage.clientAuth])],
  });
  return new X509Certificate(Buffer.from(c.rawData));
}

const pem = (name: string) => readFileSync(path(`${name}.crt`), 'utf8');
const x = (name: string) => new X509Certificate(pem(name));
const req = (...chain: X509Certificate[]): AuthRequest => ({ headers: {}, peerCertificates: chain });
const fingerprint = (name: string) =>
  createHash('sha256')
    .update(openssl('x509', '-in', path(`${name}.crt`), '-outform', 'DER'))
    .digest('hex');
const serial = (name: string) =>
  BigInt(
    `0x${
      openssl('x509', '-in', path(`${name}.crt`), '-noout', '-serial')
        .toString()
        .trim()
        .split('=')[1]
    }`,
  ).toString();

type Outcome = 'null' | RegExp | ((r: AuthResponse) => void);
async function expect(p: Promise<AuthResponse | null>, outcome: Outcome): Promise<void> {
  if (outcome === 'null') return assert.equal(await p, null);
  if (outcome instanceof RegExp) {
    return assert.rejects(
      p,
      (e: Error) =>
        (e instanceof AuthenticationError && outcome.test(e.message)) || assert.fail(`${e.name}: ${e.message}`),
    );
  }
  const r = await p;
  assert.ok(r);
  outcome(r);
}

describe('X509Authenticator', () => {
  const auth = new X509Authenticator([pem('ca')]);
  const cases: { name: string; chain: () => X509Certificate[]; outcome: Outcome }[] = [
    {
      name: 'admin.conf client: CN → user, O → groups, credential id',
      chain: () => [x('admin')],
      outcome: (r) =>
        assert.deepEqual(r.user, {
          username: 'kubernetes-admin',
          groups: ['system:masters'],
          extra: { 'authentication.kubernetes.io/credential-id': [`X509SHA256=${fingerprint('admin')}`] },
        }),
    },
    {
      name: 'several O, in order, commas kept',
      chain: () => [x('multi')],
      outcome: (r) => assert.deepEqual(r.user.groups, ['dev', 'ops, on-call']),
    },
    {
      name: 'no ExtKeyUsage counts as any',
      chain: () => [x('no-eku')],
      outcome: (r) => assert.equal(r.user.username, 'legacy-client'),
    },
    {
      name: 'anyExtendedKeyUsage',
      chain: () => [x('any-eku')],
      outcome: (r) => assert.equal(r.user.username, 'anything'),
    },
    {
      name: 'via an intermediate the client presents',
      chain: () => [x('via-intermediate'), x('intermediate')],
      outcome: (r) => assert.deepEqual([r.user.username, r.user.groups], ['bob', ['team-a']]),
    },
    { name: 'no client certificate', chain: () => [], outcome: 'null' },
    { name: 'empty CN identifies nobody', chain: () => [x('no-cn')], outcome: 'null' },
    {
      name: 'server-only certificate',
      chain: () => [x('server')],
      outcome: /failed: x509: certificate specifies an incompatible key usage$/,
    },
    {
      name: 'another CA with the same name',
      chain: () => [x('foreign')],
      outcome: new RegExp(
        `^verifying certificate SN=${serial('foreign')}, SKID=([0-9A-F]{2}:){19}[0-9A-F]{2}, AKID=([0-9A-F]{2}:){19}[0-9A-F]{2} failed: x509: certificate signed by unknown authority$`,
      ),
    },
    {
      name: 'intermediate not presented',
      chain: () => [x('via-intermediate')],
      outcome: /x509: certificate signed by unknown authority$/,
    },
    {
      name: 'the intermediate presented is not a CA',
      chain: () => [x('via-fake'), x('fake-intermediate')],
      outcome: /x509: certificate is not authorized to sign other certificates$/,
    },
    {
      name: 'a CA certificate presented as the intermediate does not rescue a foreign leaf',
      chain: () => [x('foreign'), x('ca')],
      outcome: /signed by unknown authority$/,
    },
  ];
  for (const c of cases) test(c.name, () => expect(auth.authenticate(req(...c.chain())), c.outcome));

  test('an expired client certificate', async () => {
    await expect(
      auth.authenticate(req(await expiredCert())),
      /^verifying certificate SN=662316, .* failed: x509: certificate has expired or is not yet valid: current time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ is after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });
  test('a certificate that is not valid yet', async () => {
    const early = new X509Authenticator([pem('ca')], { now: () => new Date(Date.now() - 86400_000) });
    await expect(
      early.authenticate(req(x('admin'))),
      /x509: certificate has expired or is not yet valid: current time .* is before /,
    );
  });
  test('an expired leaf is reported before the chain is even built', async () => {
    const late = new X509Authenticator([pem('other-ca')], { now: () => new Date(Date.now() + 20 * 86400_000) });
    await expect(
      late.authenticate(req(x('admin'))),
      /failed: x509: certificate has expired or is not yet valid: current time .* is after /,
    );
  });
  test('a valid leaf under an expired CA', async () => {
    const auth = new X509Authenticator([pem('short-ca')]);
    await expect(auth.authenticate(req(x('outlives-ca'))), (r) => assert.equal(r.user.username, 'carol'));
    const later = new X509Authenticator([pem('short-ca')], { now: () => new Date(Date.now() + 5 * 86400_000) });
    await expect(
      later.authenticate(req(x('outlives-ca'))),
      /x509: certificate has expired or is not yet valid: current time .* is after /,
    );
  });
  test('a chain verified on one connection is remembered for the next, but never past its CA or its expiry', async () => {
    let now = Date.now();
    const auth = new X509Authenticator([pem('short-ca')], { now: () => new Date(now) });
    // Each connection hands in its own parsed objects of the same bytes.
    await expect(auth.authenticate(req(x('outlives-ca'))), (r) => assert.equal(r.user.username, 'carol'));
    await expect(auth.authenticate(req(x('outlives-ca'))), (r) => assert.equal(r.user.username, 'carol'));
    now += 5 * 86400_000; // the CA has expired meanwhile: the remembered result must not outlive the check
    await expect(auth.authenticate(req(x('outlives-ca'))), /current time .* is after /);
  });
  test('a bundle with several CAs in one PEM accepts each', async () => {
    const both = new X509Authenticator([pem('other-ca') + pem('ca')]);
    await expect(both.authenticate(req(x('admin'))), (r) => assert.equal(r.user.username, 'kubernetes-admin'));
    await expect(both.authenticate(req(x('foreign'))), (r) => assert.equal(r.user.username, 'kubernetes-admin'));
  });
  test('no client CA configured: certificates authenticate nobody', async () => {
    await expect(new X509Authenticator([]).authenticate(req(x('admin'))), 'null');
  });
});
