// The csrsigning controller: each signer's rules (tables from k8s/pkg/apis/certificates/helpers_test.go and
// signer_test.go), the lifetime policy, usage mapping, and real signing checked with `openssl verify`.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { Informer } from '../../../src/controllers/informer.js';
import {
  apiServerClientError,
  certificateTtlMs,
  CsrSigningController,
  kubeletClientError,
  kubeletServingError,
  loadSigningCa,
  SignerExpiredError,
  signCsr,
  signerRuleError,
  validityWindow,
  x509Usages,
  type SigningCa,
} from '../../../src/controllers/csr-signing.js';
import { createSelfSignedCa } from '../../../src/pki/certificate.js';
import { parseCsr, type ParsedCsr } from '../../../src/pki/csr.js';
import { asCsr, certificateBytes, conditionsOf } from '../../../src/registry/resources/certificates.js';
import {
  cond,
  csrObject,
  memoryObjects,
  openssl,
  opensslCa,
  opensslCsr,
  opensslKey,
  readText,
  writeTemp,
} from './fixtures.js';

const NODE = '/O=system:nodes/CN=system:node:n1';
const parse = (pem: string): Promise<ParsedCsr> => parseCsr(pem);

describe('signer rules', () => {
  it('kubernetes.io/kube-apiserver-client usages', () => {
    const cases: [string[], string | null][] = [
      [['client auth'], null],
      [['digital signature', 'key encipherment', 'client auth'], null],
      [['digital signature'], 'missing required usage for client certificate: client auth'],
      [['client auth', 'server auth'], 'invalid usage for client certificate: server auth'],
      [['signing', 'client auth'], 'invalid usage for client certificate: signing'],
      [['any'], 'invalid usage for client certificate: any'],
    ];
    for (const [usages, want] of cases) assert.equal(apiServerClientError(usages), want, usages.join(','));
  });

  it('kubernetes.io/kube-apiserver-client-kubelet', async () => {
    const cases: { subj: string; sans?: string; usages: string[]; want: string | null }[] = [
      { subj: NODE, usages: ['digital signature', 'key encipherment', 'client auth'], want: null },
      { subj: NODE, usages: ['digital signature', 'client auth'], want: null },
      {
        subj: '/O=system:nodes/O=extra/CN=system:node:n1',
        usages: ['digital signature', 'client auth'],
        want: 'subject organization is not system:nodes',
      },
      {
        subj: '/CN=system:node:n1',
        usages: ['digital signature', 'client auth'],
        want: 'subject organization is not system:nodes',
      },
      {
        subj: NODE,
        sans: 'DNS:n1',
        usages: ['digital signature', 'client auth'],
        want: 'DNS subjectAltNames are not allowed',
      },
      {
        subj: NODE,
        sans: 'email:a@b.c',
        usages: ['digital signature', 'client auth'],
        want: 'Email subjectAltNames are not allowed',
      },
      {
        subj: NODE,
        sans: 'IP:10.0.0.1',
        usages: ['digital signature', 'client auth'],
        want: 'IP subjectAltNames are not allowed',
      },
      {
        subj: NODE,
        sans: 'URI:spiffe://x/y',
        usages: ['digital signature', 'client auth'],
        want: 'URI subjectAltNames are not allowed',
      },
      {
        subj: '/O=system:nodes/CN=n1',
        usages: ['digital signature', 'client auth'],
        want: 'subject common name does not begin with system:node:',
      },
      {
        subj: NODE,
        usages: ['client auth'],
        want: 'usages did not match [client auth digital signature key encipherment]',
      },
      {
        subj: NODE,
        usages: ['digital signature', 'key encipherment', 'client auth', 'server auth'],
        want: 'usages did not match [client auth digital signature key encipherment]',
      },
    ];
    for (const c of cases) {
      const csr = await parse(opensslCsr(c.subj, { sans: c.sans }));
      assert.equal(kubeletClientError(csr, c.usages), c.want, `${c.subj} ${c.sans ?? ''} ${c.usages}`);
      assert.equal(signerRuleError('kubernetes.io/kube-apiserver-client-kubelet', csr, c.usages), c.want);
    }
  });

  it('kubernetes.io/kubelet-serving', async () => {
    const serving = ['digital signature', 'key encipherment', 'server auth'];
    const cases: { subj: string; sans?: string; usages: string[]; want: string | null }[] = [
      { subj: NODE, sans: 'DNS:n1', usages: serving, want: null },
      { subj: NODE, sans: 'IP:10.0.0.1', usages: ['digital signature', 'server auth'], want: null },
      {
        subj: '/O=other/CN=system:node:n1',
        sans: 'DNS:n1',
        usages: serving,
        want: 'subject organization is not system:nodes',
      },
      { subj: NODE, usages: serving, want: 'DNS or IP subjectAltName is required' },
      { subj: NODE, sans: 'DNS:n1,email:a@b.c', usages: serving, want: 'Email subjectAltNames are not allowed' },
      { subj: NODE, sans: 'DNS:n1,URI:spiffe://x/y', usages: serving, want: 'URI subjectAltNames are not allowed' },
      {
        subj: NODE,
        sans: 'DNS:n1',
        usages: ['server auth'],
        want: 'usages did not match [digital signature key encipherment server auth]',
      },
      {
        subj: '/O=system:nodes/CN=n1',
        sans: 'DNS:n1',
        usages: serving,
        want: 'subject common name does not begin with system:node:',
      },
      // Kubernetes checks usages before the common name.
      {
        subj: '/O=system:nodes/CN=n1',
        sans: 'DNS:n1',
        usages: ['client auth'],
        want: 'usages did not match [digital signature key encipherment server auth]',
      },
    ];
    for (const c of cases) {
      const csr = await parse(opensslCsr(c.subj, { sans: c.sans }));
      assert.equal(kubeletServingError(csr, c.usages), c.want, `${c.subj} ${c.sans ?? ''} ${c.usages}`);
    }
  });

  it('signers kauth does not run are an error, never a silent signature', async () => {
    const csr = await parse(opensslCsr('/CN=x'));
    assert.throws(
      () => signerRuleError('kubernetes.io/legacy-unknown', csr, ['client auth']),
      /unrecognized signerName: "kubernetes.io\/legacy-unknown"/,
    );
  });
});

describe('lifetime', () => {
  const YEAR = 365 * 24 * 3600 * 1000;
  it('ttl: requested, capped by --cluster-signing-duration, at least 10 minutes', () => {
    const cases: [number | undefined, number, number][] = [
      [undefined, YEAR, YEAR],
      [86400, YEAR, 86400_000],
      [2 * 365 * 86400, YEAR, YEAR],
      [600, YEAR, 600_000],
      [60, YEAR, 600_000],
      [86400, 3600_000, 3600_000],
    ];
    for (const [req, max, want] of cases) assert.equal(certificateTtlMs(req, max), want, `${req} ${max}`);
  });

  it('backdates 5 minutes; long certificates end ttl after the backdated start, short ones (< 8h) end ttl after now', () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const far = new Date('2040-01-01T00:00:00Z');
    const cases: [number, string, string][] = [
      [86400_000, '2030-01-01T11:55:00.000Z', '2030-01-02T11:55:00.000Z'],
      [8 * 3600_000, '2030-01-01T11:55:00.000Z', '2030-01-01T19:55:00.000Z'],
      [8 * 3600_000 - 1000, '2030-01-01T11:55:00.000Z', '2030-01-01T19:59:59.000Z'],
      [600_000, '2030-01-01T11:55:00.000Z', '2030-01-01T12:10:00.000Z'],
    ];
    for (const [ttl, nb, na] of cases) {
      const w = validityWindow(now, ttl, far);
      assert.equal(w.notBefore.toISOString(), nb);
      assert.equal(w.notAfter.toISOString(), na, String(ttl));
    }
  });

  it('never outlives the signer; refuses when the signer has expired', () => {
    const now = new Date('2030-01-01T12:00:00Z');
    const w = validityWindow(now, 86400_000, new Date('2030-01-01T13:00:00Z'));
    assert.equal(w.notAfter.toISOString(), '2030-01-01T13:00:00.000Z');
    assert.throws(
      () => validityWindow(now, 86400_000, new Date('2030-01-01T11:50:00Z')),
      (e: unknown) =>
        e instanceof SignerExpiredError &&
        e.message === 'the signer has expired: NotAfter=2030-01-01 11:50:00 +0000 UTC',
    );
    assert.throws(
      () => validityWindow(now, 86400_000, new Date('2030-01-01T11:58:00Z')),
      (e: unknown) =>
        e instanceof SignerExpiredError &&
        e.message === 'refusing to sign a certificate that expired in the past: NotAfter=2030-01-01 11:58:00 +0000 UTC',
    );
  });
});

describe('usages → X.509', () => {
  it('maps as keyUsagesFromStrings, extended usages in Go’s order', () => {
    const cases: [string[], string[], string[]][] = [
      [['client auth'], [], ['clientAuth']],
      [
        ['digital signature', 'key encipherment', 'client auth'],
        ['digitalSignature', 'keyEncipherment'],
        ['clientAuth'],
      ],
      [['client auth', 'server auth'], [], ['serverAuth', 'clientAuth']],
      [['signing', 'digital signature'], ['digitalSignature'], []],
      [['s/mime', 'email protection', 'any'], [], ['anyExtendedKeyUsage', 'emailProtection']],
      [
        ['netscape sgc', 'timestamping', 'cert sign', 'content commitment'],
        ['nonRepudiation', 'keyCertSign'],
        ['timeStamping', 'netscapeServerGatedCrypto'],
      ],
    ];
    for (const [usages, ku, eku] of cases) {
      const got = x509Usages(usages);
      assert.deepEqual([...got.keyUsages].sort(), [...ku].sort(), usages.join(','));
      assert.deepEqual(got.extKeyUsages, eku, usages.join(','));
    }
  });
});

function opensslText(pem: string): string {
  return openssl(['x509', '-noout', '-text', '-in', writeTemp('leaf.crt', pem)]);
}

describe('signing with openssl-made CAs and CSRs', () => {
  for (const caKind of ['rsa', 'ec'] as const) {
    for (const keyKind of ['rsa', 'ec'] as const) {
      it(`${caKind.toUpperCase()} CA, ${keyKind.toUpperCase()} request: openssl verify accepts it; subject, SANs and usages as asked`, async () => {
        const ca = opensslCa(caKind);
        const signing = loadSigningCa(ca.certFile, ca.keyFile);
        const csrPem = opensslCsr('/O=system:nodes/CN=system:node:n1', {
          kind: keyKind,
          sans: 'DNS:n1.example,IP:10.0.0.7',
        });
        const pem = await signCsr({
          ca: signing,
          csr: await parse(csrPem),
          usages: ['digital signature', 'key encipherment', 'server auth'],
          expirationSeconds: 86400,
          maxTtlSeconds: 365 * 86400,
        });
        const leaf = writeTemp('leaf.crt', pem);
        assert.match(openssl(['verify', '-CAfile', ca.certFile, leaf]), /: OK/);
        const text = opensslText(pem);
        assert.match(text, /Subject: O ?= ?system:nodes, CN ?= ?system:node:n1/);
        assert.match(text, /DNS:n1\.example, IP Address:10\.0\.0\.7/);
        assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
        assert.match(text, /X509v3 Extended Key Usage:\s+TLS Web Server Authentication\n/);
        assert.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
        const dates = openssl(['x509', '-noout', '-startdate', '-enddate', '-in', leaf]);
        const nb = Date.parse(/notBefore=(.*)/.exec(dates)![1]!);
        const na = Date.parse(/notAfter=(.*)/.exec(dates)![1]!);
        assert.equal(na - nb, 86400_000);
        assert.ok(Math.abs(Date.now() - 5 * 60_000 - nb) < 5_000, 'backdated 5 minutes');
      });
    }
  }

  it('client auth only: no keyUsage extension, clientAuth EKU, subject copied', async () => {
    const ca = opensslCa('ec');
    const pem = await signCsr({
      ca: loadSigningCa(ca.certFile, ca.keyFile),
      csr: await parse(opensslCsr('/CN=jane/O=devs/O=ops')),
      usages: ['client auth'],
      maxTtlSeconds: 3600,
    });
    const text = opensslText(pem);
    assert.doesNotMatch(text, /X509v3 Key Usage/);
    assert.match(text, /X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
    assert.match(text, /Subject: O ?= ?devs, O ?= ?ops, CN ?= ?jane/);
    const dates = openssl(['x509', '-noout', '-startdate', '-enddate', '-in', writeTemp('c.crt', pem)]);
    const nb = Date.parse(/notBefore=(.*)/.exec(dates)![1]!);
    const na = Date.parse(/notAfter=(.*)/.exec(dates)![1]!);
    assert.equal(na - nb, 3600_000 + 5 * 60_000, 'a 1h certificate is short: it keeps its full hour after now');
  });

  it('a CA that expires soon caps the certificate', async () => {
    const key = createPrivateKey(readText(opensslKey('ec')));
    const notAfter = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000);
    const certPem = await createSelfSignedCa({
      commonName: 'short-ca',
      privateKey: key,
      notBefore: new Date(Date.now() - 3600_000),
      notAfter,
    });
    const ca: SigningCa = { certPem, privateKey: key, notAfter };
    const pem = await signCsr({
      ca,
      csr: await parse(opensslCsr('/CN=jane')),
      usages: ['client auth'],
      expirationSeconds: 86400,
      maxTtlSeconds: 365 * 86400,
    });
    const dates = openssl(['x509', '-noout', '-enddate', '-in', writeTemp('c.crt', pem)]);
    assert.equal(Date.parse(/notAfter=(.*)/.exec(dates)![1]!), notAfter.getTime());
  });

  it('refuses a request whose signature does not verify', async () => {
    const ca = opensslCa('ec');
    const parsed = await parse(opensslCsr('/CN=jane'));
    await assert.rejects(
      signCsr({
        ca: loadSigningCa(ca.certFile, ca.keyFile),
        csr: { ...parsed, signatureValid: false },
        usages: ['client auth'],
        maxTtlSeconds: 3600,
      }),
      /unable to verify certificate request signature: x509: ECDSA verification failure/,
    );
  });
});

describe('CsrSigningController', () => {
  async function run(
    objs: ReturnType<typeof csrObject>[],
    ca: SigningCa | undefined,
  ): Promise<ReturnType<typeof memoryObjects>> {
    const objects = memoryObjects();
    const def = objects.def('certificatesigningrequests');
    for (const o of objs) await objects.create(def, o);
    const informer = new Informer(objects, def);
    const controller = new CsrSigningController(objects, informer, () => ca, 365 * 86400);
    await informer.start();
    await controller.queue.idle();
    informer.stop();
    controller.queue.stop();
    return objects;
  }
  const caFiles = opensslCa('rsa');
  const ca = loadSigningCa(caFiles.certFile, caFiles.keyFile);

  it('signs approved requests, marks rule violations Failed, leaves the rest alone', async () => {
    const request = opensslCsr('/CN=jane');
    const objects = await run(
      [
        csrObject({ name: 'approved', request, conditions: [cond('Approved')], expirationSeconds: 86400 }),
        csrObject({ name: 'pending', request }),
        csrObject({ name: 'denied', request, conditions: [cond('Denied')] }),
        csrObject({
          name: 'server-auth',
          request,
          usages: ['client auth', 'server auth'],
          conditions: [cond('Approved')],
        }),
        csrObject({ name: 'failed-before', request, conditions: [cond('Approved'), cond('Failed')] }),
        csrObject({ name: 'other-signer', request, signerName: 'example.com/mine', conditions: [cond('Approved')] }),
        csrObject({
          name: 'kubelet-bad',
          request,
          signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
          usages: ['digital signature', 'client auth'],
          conditions: [cond('Approved')],
        }),
      ],
      ca,
    );
    const get = async (n: string) => (await objects.get('certificatesigningrequests', '', n))!;
    const approved = await get('approved');
    const pem = certificateBytes(approved).toString();
    assert.match(openssl(['verify', '-CAfile', caFiles.certFile, writeTemp('a.crt', pem)]), /: OK/);
    for (const n of ['pending', 'denied', 'failed-before', 'other-signer']) {
      const o = await get(n);
      assert.equal(certificateBytes(o).length, 0, n);
    }
    const sa = conditionsOf(await get('server-auth'));
    assert.equal(sa.length, 2);
    assert.deepEqual(
      { ...sa[1], lastUpdateTime: undefined, lastTransitionTime: undefined },
      {
        type: 'Failed',
        status: 'True',
        reason: 'SignerValidationFailure',
        message: 'invalid usage for client certificate: server auth',
        lastUpdateTime: undefined,
        lastTransitionTime: undefined,
      },
    );
    assert.equal(certificateBytes(await get('server-auth')).length, 0);
    assert.equal(conditionsOf(await get('kubelet-bad'))[1]!.message, 'subject organization is not system:nodes');
    assert.equal(conditionsOf(await get('failed-before')).length, 2, 'no second Failed condition');
  });

  it('without a signing CA nothing is signed', async () => {
    const objects = await run([csrObject({ name: 'approved', conditions: [cond('Approved')] })], undefined);
    const o = (await objects.get('certificatesigningrequests', '', 'approved'))!;
    assert.equal(certificateBytes(o).length, 0);
    assert.equal(asCsr(o).spec.signerName, 'kubernetes.io/kube-apiserver-client');
  });
});
