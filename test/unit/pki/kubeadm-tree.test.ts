import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { readCertificate } from '../../../src/pki/certificate.js';
import { PkiError } from '../../../src/pki/errors.js';
import { ensurePkiTree, setKubeconfigServer, type EnsurePkiTreeOptions } from '../../../src/pki/kubeadm-tree.js';
import { loadKubeconfig } from '../../../src/kubeconfig/load.js';
import { resolveClusterCredentials } from '../../../src/kubeconfig/credentials.js';
import { KUBECTL, openssl, opensslOk, tempDir } from './helpers.js';

const root = tempDir();
const PKI_FILES = [
  'ca.crt',
  'ca.key',
  'apiserver.crt',
  'apiserver.key',
  'apiserver-kubelet-client.crt',
  'apiserver-kubelet-client.key',
  'apiserver-etcd-client.crt',
  'apiserver-etcd-client.key',
  'front-proxy-ca.crt',
  'front-proxy-ca.key',
  'front-proxy-client.crt',
  'front-proxy-client.key',
  'etcd/ca.crt',
  'etcd/ca.key',
  'etcd/server.crt',
  'etcd/server.key',
  'etcd/peer.crt',
  'etcd/peer.key',
  'etcd/healthcheck-client.crt',
  'etcd/healthcheck-client.key',
  'sa.key',
  'sa.pub',
];
const KUBECONFIGS = ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf'];

const base = (dir: string, extra: Partial<EnsurePkiTreeOptions> = {}): EnsurePkiTreeOptions => ({
  certDir: join(dir, 'pki'),
  advertiseAddress: '10.1.2.3',
  nodeName: 'node-0',
  algorithm: 'ECDSA-P256',
  extraSans: ['extra.example.com', '192.168.0.10'],
  ...extra,
});

/** Content, mode and mtime of every file below dir: "nothing changed" is this map being equal. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else
        out.set(
          relative(dir, p),
          `${(st.mode & 0o777).toString(8)} ${st.mtimeMs} ${readFileSync(p).toString('base64')}`,
        );
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

const read = (p: string) => readFileSync(p, 'utf8');

// One tree made once, copied for the cases that damage it.
const golden = join(root, 'golden');
const first = await ensurePkiTree(base(golden, { controlPlaneEndpoint: 'https://cp.example.com:6443' }));
function copyOfGolden(name: string): string {
  const dir = join(root, name);
  cpSync(golden, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

describe('ensurePkiTree: a fresh kubeadm tree', () => {
  const pki = join(golden, 'pki');

  it('creates all 22 PKI files and 5 kubeconfigs, keys 0600, certificates 0644, directories 0755', () => {
    assert.equal(first.created.length, 16);
    assert.deepEqual(first.kept, []);
    for (const f of PKI_FILES) {
      const mode = statSync(join(pki, f)).mode & 0o777;
      assert.equal(mode, f.endsWith('.key') ? 0o600 : 0o644, f);
    }
    for (const f of KUBECONFIGS) assert.equal(statSync(join(golden, f)).mode & 0o777, 0o600, f);
    for (const d of [pki, join(pki, 'etcd')]) assert.equal(statSync(d).mode & 0o777 & ~0o022, 0o755 & ~0o022);
  });

  // kubeadm's certlist.go (v1.29+): CA, subject, organisations, usages.
  const leaves: { file: string; ca: string; cn: string; o: string[]; eku: string[] }[] = [
    { file: 'apiserver', ca: 'ca', cn: 'kube-apiserver', o: [], eku: ['serverAuth'] },
    {
      file: 'apiserver-kubelet-client',
      ca: 'ca',
      cn: 'kube-apiserver-kubelet-client',
      o: ['kubeadm:cluster-admins'],
      eku: ['clientAuth'],
    },
    { file: 'front-proxy-client', ca: 'front-proxy-ca', cn: 'front-proxy-client', o: [], eku: ['clientAuth'] },
    { file: 'etcd/server', ca: 'etcd/ca', cn: 'node-0', o: [], eku: ['serverAuth', 'clientAuth'] },
    { file: 'etcd/peer', ca: 'etcd/ca', cn: 'node-0', o: [], eku: ['serverAuth', 'clientAuth'] },
    { file: 'etcd/healthcheck-client', ca: 'etcd/ca', cn: 'kube-etcd-healthcheck-client', o: [], eku: ['clientAuth'] },
    { file: 'apiserver-etcd-client', ca: 'etcd/ca', cn: 'kube-apiserver-etcd-client', o: [], eku: ['clientAuth'] },
  ];
  const cas = ['ca', 'front-proxy-ca', 'etcd/ca'];
  for (const l of leaves) {
    it(`${l.file}: signed by ${l.ca} only (openssl verify), subject and usages as kubeadm`, () => {
      for (const ca of cas) {
        const r = openssl(['verify', '-CAfile', join(pki, `${ca}.crt`), join(pki, `${l.file}.crt`)]);
        assert.equal(r.status === 0, ca === l.ca, `${l.file} vs ${ca}: ${r.stdout}${r.stderr}`);
      }
      const info = readCertificate(read(join(pki, `${l.file}.crt`)));
      assert.equal(info.subject.commonName, l.cn);
      assert.deepEqual(info.subject.organizations, l.o);
      assert.deepEqual(info.extKeyUsages, l.eku);
      assert.equal(info.isCA, false);
      assert.equal(Math.round((info.notAfter.getTime() - Date.now()) / 86_400_000), 365);
    });
  }
  for (const [ca, cn] of [
    ['ca', 'kubernetes'],
    ['front-proxy-ca', 'front-proxy-ca'],
    ['etcd/ca', 'etcd-ca'],
  ]) {
    it(`${ca}: self-signed CA "${cn}", valid 10 years`, () => {
      const info = readCertificate(read(join(pki, `${ca}.crt`)));
      assert.equal(info.subject.commonName, cn);
      assert.ok(info.isCA && info.selfSigned);
      assert.equal(Math.round((info.notAfter.getTime() - Date.now()) / 86_400_000), 3650);
      assert.match(opensslOk(['x509', '-in', join(pki, `${ca}.crt`), '-noout', '-ext', 'basicConstraints']), /CA:TRUE/);
    });
  }

  it('apiserver SANs: node name, kubernetes.default…, service IP, advertise address, endpoint host, loopback, extra SANs', () => {
    const san = opensslOk(['x509', '-in', join(pki, 'apiserver.crt'), '-noout', '-ext', 'subjectAltName']);
    for (const want of [
      'DNS:node-0',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
      'DNS:cp.example.com',
      'DNS:extra.example.com',
      'DNS:localhost',
      'IP Address:10.96.0.1',
      'IP Address:10.1.2.3',
      'IP Address:127.0.0.1',
      'IP Address:192.168.0.10',
    ]) {
      assert.ok(san.includes(want), `${want} missing in ${san}`);
    }
    assert.match(
      opensslOk(['x509', '-in', join(pki, 'apiserver.crt'), '-noout', '-ext', 'extendedKeyUsage']),
      /TLS Web Server Authentication/,
    );
  });
  it('etcd server and peer SANs: node name, localhost, advertise address, 127.0.0.1, ::1', () => {
    for (const f of ['etcd/server', 'etcd/peer']) {
      const info = readCertificate(read(join(pki, `${f}.crt`)));
      assert.deepEqual(info.dnsNames, ['localhost', 'node-0']);
      assert.deepEqual(info.ipAddresses, ['10.1.2.3', '127.0.0.1', '::1']);
    }
  });
  it('sa.pub is the SPKI public key of sa.key, as `openssl pkey -pubout` prints it', () => {
    assert.equal(read(join(pki, 'sa.pub')), opensslOk(['pkey', '-in', join(pki, 'sa.key'), '-pubout']));
    assert.match(read(join(pki, 'sa.key')), /^-----BEGIN EC PRIVATE KEY-----/);
  });

  const kubeconfigs: { file: string; cn: string; o: string[] }[] = [
    { file: 'admin.conf', cn: 'kubernetes-admin', o: ['kubeadm:cluster-admins'] },
    { file: 'super-admin.conf', cn: 'kubernetes-super-admin', o: ['system:masters'] },
    { file: 'kubelet.conf', cn: 'system:node:node-0', o: ['system:nodes'] },
    { file: 'controller-manager.conf', cn: 'system:kube-controller-manager', o: [] },
    { file: 'scheduler.conf', cn: 'system:kube-scheduler', o: [] },
  ];
  for (const k of kubeconfigs) {
    it(`${k.file}: user ${k.cn} ${JSON.stringify(k.o)}, client certificate signed by ca, server is the endpoint`, () => {
      const creds = resolveClusterCredentials(loadKubeconfig(join(golden, k.file)));
      assert.equal(creds.server, 'https://cp.example.com:6443');
      assert.equal(creds.caPem, read(join(pki, 'ca.crt')));
      assert.equal(creds.userName, k.cn);
      assert.equal(creds.contextName, `${k.cn}@kubernetes`);
      const info = readCertificate(creds.clientCertPem!);
      assert.equal(info.subject.commonName, k.cn);
      assert.deepEqual(info.subject.organizations, k.o);
      assert.deepEqual(info.extKeyUsages, ['clientAuth']);
      assert.equal(openssl(['verify', '-CAfile', join(pki, 'ca.crt')], creds.clientCertPem).status, 0);
    });
  }
  it('admin.conf works with `kubectl config view --raw`', () => {
    const r = spawnSync(
      KUBECTL,
      [
        'config',
        'view',
        '--raw',
        '--kubeconfig',
        join(golden, 'admin.conf'),
        '-o',
        'jsonpath={.users[0].user.client-certificate-data}',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const cert = Buffer.from(r.stdout, 'base64').toString();
    assert.equal(openssl(['verify', '-CAfile', join(pki, 'ca.crt')], cert).status, 0);
  });
});

describe('ensurePkiTree: idempotence', () => {
  it('a second run keeps everything, writes nothing and is fast (no key generation)', async () => {
    const dir = copyOfGolden('again');
    const before = snapshot(dir);
    const timings: number[] = [];
    let result;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      result = await ensurePkiTree(base(dir, { controlPlaneEndpoint: 'https://cp.example.com:6443' }));
      timings.push(performance.now() - t);
    }
    assert.deepEqual(result!.created, []);
    assert.equal(result!.kept.length, 16);
    assert.deepEqual(result!.warnings, []);
    assert.deepEqual(snapshot(dir), before);
    assert.ok(Math.min(...timings) < 100, `fastest re-run took ${Math.min(...timings).toFixed(1)} ms`);
  });
  it('regenerates only what is missing, keeping the CA', async () => {
    const dir = copyOfGolden('partial');
    rmSync(join(dir, 'pki', 'apiserver.crt'));
    rmSync(join(dir, 'pki', 'apiserver.key'));
    rmSync(join(dir, 'admin.conf'));
    const before = snapshot(dir);
    const r = await ensurePkiTree(base(dir, { controlPlaneEndpoint: 'https://cp.example.com:6443' }));
    assert.deepEqual(r.created, ['apiserver', 'admin.conf']);
    const after = snapshot(dir);
    for (const [f, v] of before) assert.equal(after.get(f), v, `${f} changed`);
    assert.equal(
      openssl(['verify', '-CAfile', join(dir, 'pki', 'ca.crt'), join(dir, 'pki', 'apiserver.crt')]).status,
      0,
    );
  });
  it('warns about a kubeconfig pointing elsewhere, and setKubeconfigServer fixes only the URL', async () => {
    const dir = copyOfGolden('moved');
    const r = await ensurePkiTree(base(dir, { controlPlaneEndpoint: 'https://127.0.0.1:7443' }));
    assert.equal(r.warnings.length, 5);
    assert.match(
      r.warnings[0]!,
      /has an unexpected API Server URL: expected: https:\/\/127.0.0.1:7443, got: https:\/\/cp.example.com:6443/,
    );
    const adminPath = join(dir, 'admin.conf');
    const beforeText = read(adminPath);
    assert.equal(setKubeconfigServer(adminPath, 'https://127.0.0.1:7443'), true);
    assert.equal(read(adminPath), beforeText.replace('https://cp.example.com:6443', 'https://127.0.0.1:7443'));
    assert.equal(statSync(adminPath).mode & 0o777, 0o600);
    assert.equal(setKubeconfigServer(adminPath, 'https://127.0.0.1:7443'), false);
  });
  it('uses an external CA (certificate without key) when every certificate it signs exists', async () => {
    const dir = copyOfGolden('external');
    rmSync(join(dir, 'pki', 'front-proxy-ca.key'));
    const lines: string[] = [];
    const r = await ensurePkiTree({
      ...base(dir, { controlPlaneEndpoint: 'https://cp.example.com:6443' }),
      log: (l) => lines.push(l),
    });
    assert.deepEqual(r.created, []);
    assert.ok(lines.includes('[certs] Using existing front-proxy-ca keyless certificate authority'));
    rmSync(join(dir, 'pki', 'front-proxy-client.crt'));
    rmSync(join(dir, 'pki', 'front-proxy-client.key'));
    await assert.rejects(ensurePkiTree(base(dir)), /front-proxy-ca key is missing \(external CA\)/);
  });
});

describe('ensurePkiTree: unusable existing files stop it, and nothing is written', () => {
  const otherTree = join(root, 'other');
  const otherReady = ensurePkiTree(base(otherTree));

  const cases: {
    name: string;
    damage: (dir: string) => void | Promise<void>;
    opts?: Partial<EnsurePkiTreeOptions>;
    message: RegExp;
    fresh?: boolean;
  }[] = [
    {
      name: 'garbage ca.crt and ca.key in an empty directory',
      fresh: true,
      damage: (dir) => {
        writeFileSync(join(dir, 'pki', 'ca.crt'), 'garbage\n');
        writeFileSync(join(dir, 'pki', 'ca.key'), 'garbage\n');
      },
      message: /^failure loading ca certificate .*ca\.crt: expected a PEM CERTIFICATE, found no PEM block$/,
    },
    {
      name: 'a key that does not match its certificate',
      damage: (dir) => cpSync(join(dir, 'pki', 'apiserver-etcd-client.key'), join(dir, 'pki', 'apiserver.key')),
      message: /apiserver key .*apiserver\.key does not match the certificate/,
    },
    {
      name: 'a CA key that does not match the CA',
      damage: (dir) => cpSync(join(dir, 'pki', 'etcd', 'ca.key'), join(dir, 'pki', 'ca.key')),
      message: /the ca key .* does not match/,
    },
    {
      name: 'a certificate signed by the wrong CA',
      damage: (dir) => {
        cpSync(join(dir, 'pki', 'apiserver-kubelet-client.crt'), join(dir, 'pki', 'front-proxy-client.crt'));
        cpSync(join(dir, 'pki', 'apiserver-kubelet-client.key'), join(dir, 'pki', 'front-proxy-client.key'));
      },
      message: /front-proxy-client\.crt is not signed by the front-proxy-ca CA/,
    },
    {
      name: 'a certificate without its key',
      damage: (dir) => rmSync(join(dir, 'pki', 'etcd', 'peer.key')),
      message: /found .*etcd\/peer\.crt but not .*etcd\/peer\.key/,
    },
    {
      name: 'a CA key without its certificate',
      damage: (dir) => rmSync(join(dir, 'pki', 'ca.crt')),
      message: /found the ca key .* but not its certificate/,
    },
    {
      name: 'a CA certificate that is not a CA',
      damage: (dir) => {
        cpSync(join(dir, 'pki', 'apiserver.crt'), join(dir, 'pki', 'ca.crt'));
        cpSync(join(dir, 'pki', 'apiserver.key'), join(dir, 'pki', 'ca.key'));
      },
      message: /ca\.crt is not a CA/,
    },
    {
      name: 'sa.pub of another key',
      damage: async (dir) => {
        await otherReady;
        cpSync(join(otherTree, 'pki', 'sa.pub'), join(dir, 'pki', 'sa.pub'));
      },
      message: /sa\.pub does not match/,
    },
    {
      name: 'a garbage kubeconfig',
      damage: (dir) => writeFileSync(join(dir, 'admin.conf'), '{{{not yaml'),
      message: /failed to load kubeconfig file .*admin\.conf that already exists on disk/,
    },
    {
      name: 'a kubeconfig of another cluster',
      damage: async (dir) => {
        await otherReady;
        cpSync(join(otherTree, 'scheduler.conf'), join(dir, 'scheduler.conf'));
      },
      message: /a kubeconfig file ".*scheduler\.conf" exists already but has got the wrong CA cert/,
    },
    {
      name: 'an apiserver certificate made for another address',
      damage: () => undefined,
      opts: { advertiseAddress: '10.9.9.9' },
      message: /apiserver\.crt does not cover 10\.9\.9\.9/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: a one-line PkiError`, async () => {
      const dir = c.fresh
        ? join(root, `fresh-${c.name.replace(/\W+/g, '-')}`)
        : copyOfGolden(c.name.replace(/\W+/g, '-'));
      if (c.fresh) mkdirSync(join(dir, 'pki'), { recursive: true });
      await c.damage(dir);
      const before = snapshot(dir);
      await assert.rejects(
        ensurePkiTree(base(dir, { controlPlaneEndpoint: 'https://cp.example.com:6443', ...c.opts })),
        (e: unknown) => {
          assert.ok(e instanceof PkiError, String(e));
          assert.match(e.message, c.message);
          assert.ok(!e.message.includes('\n'));
          return true;
        },
      );
      assert.deepEqual(snapshot(dir), before, 'files changed');
    });
  }

  it('an expired certificate is reported with the renew command to run', async () => {
    const dir = join(root, 'expired');
    const longAgo = new Date(Date.now() - 400 * 86_400_000);
    await ensurePkiTree(base(dir, { now: longAgo }));
    const before = snapshot(dir);
    await assert.rejects(
      ensurePkiTree(base(dir)),
      /apiserver certificate .* expired on .*; run "kauth certs renew apiserver"/,
    );
    assert.deepEqual(snapshot(dir), before);
  });

  const badOptions: [string, Partial<EnsurePkiTreeOptions>, RegExp][] = [
    ['advertise address', { advertiseAddress: 'not-an-ip' }, /invalid advertise address/],
    ['service CIDR', { serviceCidr: '10.96.0.0' }, /invalid service CIDR/],
    ['algorithm', { algorithm: 'RSA-1024' }, /unknown key algorithm "RSA-1024"/],
    ['Ed25519 for a tree', { algorithm: 'Ed25519' }, /RSA or ECDSA keys/],
    ['extra SAN', { extraSans: ['bad_name'] }, /neither an IP address nor a valid DNS name/],
    ['control plane endpoint', { controlPlaneEndpoint: 'http://x:1' }, /served over https/],
    ['node name', { nodeName: 'Bad Name' }, /invalid node name/],
    ['validity', { leafValidityDays: 0 }, /must be a positive number of days/],
  ];
  for (const [what, opts, message] of badOptions) {
    it(`refuses a bad ${what} before touching the disk`, async () => {
      const dir = join(root, `opts-${what.replace(/\W+/g, '-')}`);
      await assert.rejects(ensurePkiTree(base(dir, opts)), message);
      assert.equal(existsSync(dir), false);
    });
  }
});

describe('ensurePkiTree: RSA-2048 (kubeadm default)', () => {
  it('writes RSA keys as PKCS#1 and openssl verifies the tree', async () => {
    const dir = join(root, 'rsa');
    await ensurePkiTree({ certDir: join(dir, 'pki'), advertiseAddress: '10.1.2.3', nodeName: 'node-0' });
    const pki = join(dir, 'pki');
    for (const f of ['ca.key', 'apiserver.key', 'etcd/ca.key', 'sa.key'])
      assert.match(read(join(pki, f)), /^-----BEGIN RSA PRIVATE KEY-----/, f);
    assert.equal(openssl(['verify', '-CAfile', join(pki, 'ca.crt'), join(pki, 'apiserver.crt')]).status, 0);
    assert.equal(openssl(['verify', '-CAfile', join(pki, 'etcd/ca.crt'), join(pki, 'etcd/server.crt')]).status, 0);
    // Without --control-plane-endpoint the kubeconfigs point at the advertise address, as kubeadm's.
    assert.equal(resolveClusterCredentials(loadKubeconfig(join(dir, 'admin.conf'))).server, 'https://10.1.2.3:6443');
    assert.match(
      opensslOk(['x509', '-in', join(pki, 'apiserver.crt'), '-noout', '-ext', 'keyUsage']),
      /Digital Signature, Key Encipherment/,
    );
  });
});
