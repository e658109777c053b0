import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import * as tls from 'node:tls';
import {
  certificateMatchesKey,
  createSelfSignedCa,
  explainChainFailure,
  issueCertificate,
  readCertificate,
  readCertificates,
  verifyChain,
  type ExtKeyUsageName,
} from '../../../src/pki/certificate.js';
import { parseCsr } from '../../../src/pki/csr.js';
import { PkiError } from '../../../src/pki/errors.js';
import { generateKeyPair, loadPrivateKeyPem, privateKeyToPem, type KeyAlgorithm } from '../../../src/pki/keys.js';
import { openssl, opensslOk, opensslVerifies, tempDir, write } from './helpers.js';

const dir = tempDir();
const HOUR = 3_600_000;
const now = new Date();
const inHours = (h: number) => new Date(now.getTime() + h * HOUR);

async function makeCa(alg: KeyAlgorithm = 'ecdsa-p256', commonName = 'kubernetes') {
  const { privateKey } = await generateKeyPair(alg);
  const certPem = await createSelfSignedCa({
    commonName,
    privateKey,
    notBefore: inHours(-1),
    notAfter: inHours(24 * 365),
  });
  return { certPem, privateKey };
}

function text(pem: string): string {
  return opensslOk(['x509', '-noout', '-text'], pem);
}

describe('createSelfSignedCa', () => {
  const cases: { alg: KeyAlgorithm; keyUsage: string; sig: RegExp }[] = [
    {
      alg: 'rsa-2048',
      keyUsage: 'Digital Signature, Key Encipherment, Certificate Sign',
      sig: /sha256WithRSAEncryption/,
    },
    { alg: 'ecdsa-p256', keyUsage: 'Digital Signature, Certificate Sign', sig: /ecdsa-with-SHA256/ },
    { alg: 'ecdsa-p384', keyUsage: 'Digital Signature, Certificate Sign', sig: /ecdsa-with-SHA384/ },
    { alg: 'ed25519', keyUsage: 'Digital Signature, Certificate Sign', sig: /ED25519/ },
  ];
  for (const c of cases) {
    it(`${c.alg}: a CA as kubeadm's, trusted by openssl`, async () => {
      const ca = await makeCa(c.alg);
      const t = text(ca.certPem);
      assert.match(t, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
      assert.match(t, new RegExp(`X509v3 Key Usage: critical\\n\\s+${c.keyUsage}\\n`));
      assert.match(t, /X509v3 Subject Key Identifier/);
      assert.doesNotMatch(t, /Authority Key Identifier/);
      assert.match(t, /DNS:kubernetes\n/);
      assert.match(t, c.sig);
      assert.ok(opensslVerifies(dir, ca.certPem, ca.certPem));
      const info = readCertificate(ca.certPem);
      assert.equal(info.isCA, true);
      assert.equal(info.selfSigned, true);
      assert.equal(info.subject.commonName, 'kubernetes');
      assert.equal(info.issuerString, 'CN=kubernetes');
      assert.ok(certificateMatchesKey(ca.certPem, ca.privateKey));
    });
  }
  it('computes the subject key identifier exactly as openssl does (SHA-1 of the public key bits)', async () => {
    for (const alg of ['rsa-2048', 'ecdsa-p256', 'ed25519'] as const) {
      const ca = await makeCa(alg);
      const keyFile = write(dir, `ski-${alg}.key`, privateKeyToPem(ca.privateKey));
      const theirs = opensslOk(['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=x', '-days', '1']);
      assert.equal(readCertificate(ca.certPem).subjectKeyId, readCertificate(theirs).subjectKeyId, alg);
    }
  });
});

describe('issueCertificate', () => {
  const usageCases: { eku: ExtKeyUsageName[]; text: string }[] = [
    { eku: ['clientAuth'], text: 'TLS Web Client Authentication' },
    { eku: ['serverAuth'], text: 'TLS Web Server Authentication' },
    { eku: ['serverAuth', 'clientAuth'], text: 'TLS Web Server Authentication, TLS Web Client Authentication' },
  ];
  for (const alg of ['rsa-2048', 'ecdsa-p256'] as const) {
    for (const u of usageCases) {
      it(`${alg} CA, ${u.eku.join('+')}: extensions as kubeadm's, verified by openssl`, async () => {
        const ca = await makeCa(alg);
        const leaf = await generateKeyPair(alg);
        const pem = await issueCertificate({
          issuer: ca,
          publicKey: leaf.publicKey,
          subject: { commonName: 'kube-apiserver-kubelet-client', organizations: ['kubeadm:cluster-admins'] },
          dnsNames: ['kubernetes', 'kubernetes.default.svc.cluster.local'],
          ipAddresses: ['10.96.0.1', '::1'],
          extKeyUsages: u.eku,
          notBefore: inHours(-1),
          notAfter: inHours(24),
        });
        assert.ok(opensslVerifies(dir, ca.certPem, pem));
        const t = text(pem);
        assert.match(t, /Subject: O = kubeadm:cluster-admins, CN = kube-apiserver-kubelet-client/);
        assert.match(t, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
        assert.match(
          t,
          new RegExp(
            `X509v3 Key Usage: critical\\n\\s+Digital Signature${alg === 'rsa-2048' ? ', Key Encipherment' : ''}\\n`,
          ),
        );
        assert.match(t, new RegExp(`X509v3 Extended Key Usage: \\n\\s+${u.text}\\n`));
        assert.match(
          t,
          /DNS:kubernetes, DNS:kubernetes.default.svc.cluster.local, IP Address:10.96.0.1, IP Address:0:0:0:0:0:0:0:1/,
        );
        const info = readCertificate(pem);
        assert.equal(info.authorityKeyId, readCertificate(ca.certPem).subjectKeyId);
        assert.deepEqual(info.extKeyUsages, u.eku);
        assert.equal(info.isCA, false);
        assert.equal(info.notAfter.getTime(), Math.floor(inHours(24).getTime() / 1000) * 1000);
        assert.match(info.serialNumber, /^[0-9a-f]+$/);
        assert.ok(certificateMatchesKey(pem, leaf.privateKey));
        assert.ok(!certificateMatchesKey(pem, ca.privateKey));
      });
    }
  }

  it('signs a CSR made by `openssl req` and the result works in a real mutual-TLS handshake', async () => {
    const ca = await makeCa('rsa-2048');
    const serverKey = write(dir, 'srv.key', opensslOk(['genrsa', '2048']));
    const clientKey = write(dir, 'cli.key', opensslOk(['genrsa', '2048']));
    const serverCsr = await parseCsr(
      opensslOk([
        'req',
        '-new',
        '-key',
        serverKey,
        '-subj',
        '/CN=kube-apiserver',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]),
    );
    const clientCsr = await parseCsr(opensslOk(['req', '-new', '-key', clientKey, '-subj', '/CN=jane/O=devs']));
    const issue = (csr: typeof serverCsr, eku: ExtKeyUsageName[]) =>
      issueCertificate({
        issuer: ca,
        publicKey: csr.publicKey,
        subject: csr.subject,
        ipAddresses: csr.ipAddresses,
        extKeyUsages: eku,
        notBefore: inHours(-1),
        notAfter: inHours(1),
      });
    const serverCert = await issue(serverCsr, ['serverAuth']);
    const clientCert = await issue(clientCsr, ['clientAuth']);
    const server = tls.createServer(
      {
        key: opensslOk(['pkey', '-in', serverKey]),
        cert: serverCert,
        ca: ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (s) => {
        s.end(`${s.getPeerCertificate().subject.CN}/${s.getPeerCertificate().subject.O}`);
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        ca: ca.certPem,
        key: opensslOk(['pkey', '-in', clientKey]),
        cert: clientCert,
      });
      let body = '';
      socket.on('data', (d) => (body += d));
      await once(socket, 'end');
      assert.equal(socket.authorized, true);
      assert.equal(body, 'jane/devs');
    } finally {
      server.close();
    }
  });

  it('is issued by an openssl-made CA and verified by openssl', async () => {
    const caKey = write(dir, 'ext-ca.key', opensslOk(['genrsa', '2048']));
    const caCert = opensslOk(['req', '-x509', '-new', '-key', caKey, '-subj', '/CN=external-ca', '-days', '2']);
    const leaf = await generateKeyPair('ecdsa-p256');
    const pem = await issueCertificate({
      issuer: { certPem: caCert, privateKey: loadPrivateKeyPem(opensslOk(['pkey', '-in', caKey])) },
      publicKey: leaf.publicKey,
      subject: { commonName: 'jane' },
      extKeyUsages: ['clientAuth'],
      notBefore: inHours(-1),
      notAfter: inHours(1),
    });
    assert.ok(opensslVerifies(dir, caCert, pem));
    assert.equal(readCertificate(pem).issuer.commonName, 'external-ca');
  });

  it('gives each certificate a distinct positive serial', async () => {
    const ca = await makeCa();
    const leaf = await generateKeyPair('ecdsa-p256');
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const pem = await issueCertificate({
        issuer: ca,
        publicKey: leaf.publicKey,
        subject: { commonName: 'x' },
        extKeyUsages: ['clientAuth'],
        notBefore: now,
        notAfter: inHours(1),
      });
      serials.add(readCertificate(pem).serialNumber);
    }
    assert.equal(serials.size, 20);
  });

  const refusals: {
    name: string;
    mutate: (o: Parameters<typeof issueCertificate>[0], other: Awaited<ReturnType<typeof makeCa>>) => void;
    message: RegExp;
  }[] = [
    {
      name: 'an issuer key that is not the CA key',
      mutate: (o, other) => (o.issuer = { certPem: o.issuer.certPem, privateKey: other.privateKey }),
      message: /does not match the issuer certificate/,
    },
    {
      name: 'notAfter before notBefore',
      mutate: (o) => (o.notAfter = inHours(-2)),
      message: /must be after notBefore/,
    },
    {
      name: 'an unknown extended key usage',
      mutate: (o) => (o.extKeyUsages = ['clientAuthh' as ExtKeyUsageName]),
      message: /unknown extended key usage/,
    },
    {
      name: 'a public key that is not a key',
      mutate: (o) => (o.publicKey = 'garbage'),
      message: /expected a PEM public key/,
    },
    {
      name: 'an IP SAN that is not an IP',
      mutate: (o) => (o.ipAddresses = ['10.0.0.300']),
      message: /is not an IP address/,
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      const ca = await makeCa();
      const other = await makeCa();
      const leaf = await generateKeyPair('ecdsa-p256');
      const o = {
        issuer: ca,
        publicKey: leaf.publicKey as Parameters<typeof issueCertificate>[0]['publicKey'],
        subject: { commonName: 'x' },
        extKeyUsages: ['clientAuth'] as ExtKeyUsageName[],
        notBefore: now,
        notAfter: inHours(1),
      };
      r.mutate(o, other);
      await assert.rejects(issueCertificate(o), (e: unknown) => e instanceof PkiError && r.message.test(e.message));
    });
  }
  it('refuses to sign with a certificate that is not a CA', async () => {
    const ca = await makeCa();
    const leafKey = await generateKeyPair('ecdsa-p256');
    const leafPem = await issueCertificate({
      issuer: ca,
      publicKey: leafKey.publicKey,
      subject: { commonName: 'leaf' },
      extKeyUsages: ['clientAuth'],
      notBefore: now,
      notAfter: inHours(1),
    });
    await assert.rejects(
      issueCertificate({
        issuer: { certPem: leafPem, privateKey: leafKey.privateKey },
        publicKey: leafKey.publicKey,
        subject: { commonName: 'y' },
        extKeyUsages: [],
        notBefore: now,
        notAfter: inHours(1),
      }),
      /is not a CA/,
    );
  });
});

describe('verifyChain', async () => {
  const root = await makeCa('ecdsa-p256', 'root');
  const other = await makeCa('ecdsa-p256', 'other');
  const interKey = await generateKeyPair('ecdsa-p256');
  const intermediate = {
    certPem: await issueCertificate({
      issuer: root,
      publicKey: interKey.publicKey,
      subject: { commonName: 'intermediate' },
      extKeyUsages: [],
      isCA: true,
      notBefore: inHours(-1),
      notAfter: inHours(48),
    }),
    privateKey: interKey.privateKey,
  };
  const leafKey = await generateKeyPair('ecdsa-p256');
  const leaf = await issueCertificate({
    issuer: root,
    publicKey: leafKey.publicKey,
    subject: { commonName: 'leaf' },
    extKeyUsages: ['clientAuth'],
    notBefore: inHours(-1),
    notAfter: inHours(24),
  });
  const deep = await issueCertificate({
    issuer: intermediate,
    publicKey: leafKey.publicKey,
    subject: { commonName: 'deep' },
    extKeyUsages: ['clientAuth'],
    notBefore: inHours(-1),
    notAfter: inHours(24),
  });
  // A certificate "signed" by a non-CA leaf: only openssl will make one.
  const leafKeyFile = write(dir, 'notca.key', privateKeyToPem(leafKey.privateKey));
  const leafFile = write(dir, 'notca.crt', leaf);
  const csrFile = write(dir, 'child.csr', opensslOk(['req', '-new', '-key', leafKeyFile, '-subj', '/CN=child']));
  const childOfLeaf = opensslOk(['x509', '-req', '-in', csrFile, '-CA', leafFile, '-CAkey', leafKeyFile, '-days', '1']);

  const cases: { name: string; leaf: string; cas: string[]; at?: Date; ok: boolean; why?: RegExp }[] = [
    { name: 'leaf signed by the root', leaf, cas: [root.certPem], ok: true },
    { name: 'the root itself', leaf: root.certPem, cas: [root.certPem], ok: true },
    { name: 'leaf against another CA', leaf, cas: [other.certPem], ok: false, why: /unknown authority/ },
    { name: 'leaf against a bundle holding both CAs', leaf, cas: [other.certPem + root.certPem], ok: true },
    { name: 'via an intermediate, both given', leaf: deep, cas: [root.certPem, intermediate.certPem], ok: true },
    { name: 'via an intermediate, root only', leaf: deep, cas: [root.certPem], ok: false, why: /unknown authority/ },
    {
      name: 'a self-signed certificate that is not trusted',
      leaf: other.certPem,
      cas: [root.certPem],
      ok: false,
      why: /not one of the trusted CAs/,
    },
    { name: 'leaf checked after it expired', leaf, cas: [root.certPem], at: inHours(25), ok: false, why: /expired/ },
    {
      name: 'leaf checked before it is valid',
      leaf,
      cas: [root.certPem],
      at: inHours(-2),
      ok: false,
      why: /not valid before/,
    },
    {
      name: 'signed by a certificate that is not a CA',
      leaf: childOfLeaf,
      cas: [root.certPem, leaf],
      ok: false,
      why: /not a CA/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.ok ? 'trusted' : 'refused'}`, () => {
      assert.equal(verifyChain(c.leaf, c.cas, { at: c.at }), c.ok);
      const why = explainChainFailure(c.leaf, c.cas, { at: c.at });
      if (c.why) assert.match(why ?? '', c.why);
      else assert.equal(why, null);
    });
  }
  it('agrees with openssl verify on the simple cases', () => {
    assert.ok(opensslVerifies(dir, root.certPem, leaf));
    assert.ok(!opensslVerifies(dir, other.certPem, leaf));
    assert.notEqual(
      openssl(['verify', '-CAfile', write(dir, 'chain.pem', root.certPem + leaf), write(dir, 'child.pem', childOfLeaf)])
        .status,
      0,
    );
  });
});

describe('readCertificate', () => {
  it('reads every certificate of a bundle and refuses garbage', async () => {
    const a = await makeCa('ecdsa-p256', 'a');
    const b = await makeCa('ecdsa-p256', 'b');
    assert.deepEqual(
      readCertificates(a.certPem + b.certPem).map((c) => c.subject.commonName),
      ['a', 'b'],
    );
    const info = readCertificate(a.certPem);
    assert.equal(
      info.sha256Fingerprint,
      opensslOk(['x509', '-noout', '-fingerprint', '-sha256'], a.certPem).trim().split('=')[1],
    );
    assert.match(info.publicKeyPin, /^sha256:[0-9a-f]{64}$/);
    for (const bad of ['', 'garbage', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']) {
      assert.throws(() => readCertificate(bad), PkiError);
    }
  });
});
