// PKI benchmark: kauth against openssl doing the same work in the same run.
//   1. A full kubeadm tree (3 CAs, 7 leaves, sa key pair, 5 kubeconfig client certificates) for RSA-2048 and
//      ECDSA-P256: kauth's ensurePkiTree vs the openssl commands a "kubernetes the hard way" script runs, both
//      one command after another and with independent commands in parallel.
//   2. Certificates signed per second from a CSR: kauth (parse + verify + issue, as the CSR signer does) vs one
//      `openssl x509 -req` process per certificate and vs `openssl ca -batch` signing many in one process.
// Prints ratios (openssl time / kauth time: above 1 means kauth is faster). Run: npx tsx bench/pki.ts
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { issueCertificate } from '../src/pki/certificate.js';
import { parseVerifiedCsr } from '../src/pki/csr.js';
import { ensurePkiTree } from '../src/pki/kubeadm-tree.js';
import { loadCertificateAuthority } from '../src/pki/pki-files.js';

const execFile = promisify(execFileCb);
const OPENSSL = '/usr/bin/openssl';
const root = mkdtempSync(join(tmpdir(), 'kauth-bench-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

let seq = 0;
const fresh = (name: string) => {
  const d = join(root, `${name}-${seq++}`);
  mkdirSync(d, { recursive: true });
  return d;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

// ---------------------------------------------------------------------------------------------------------------
// The openssl version of the tree.

type Alg = 'RSA-2048' | 'ECDSA-P256';
const keygen = (alg: Alg, out: string) =>
  alg === 'RSA-2048'
    ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out]
    : ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out];

interface Leaf {
  name: string;
  ca: string;
  subj: string;
  eku: string;
  san?: string;
}
const LEAVES: Leaf[] = [
  {
    name: 'apiserver',
    ca: 'ca',
    subj: '/CN=kube-apiserver',
    eku: 'serverAuth',
    san: 'DNS:node-0,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:10.96.0.1,IP:10.1.2.3,IP:127.0.0.1',
  },
  {
    name: 'apiserver-kubelet-client',
    ca: 'ca',
    subj: '/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client',
    eku: 'clientAuth',
  },
  { name: 'front-proxy-client', ca: 'front-proxy-ca', subj: '/CN=front-proxy-client', eku: 'clientAuth' },
  {
    name: 'etcd-server',
    ca: 'etcd-ca',
    subj: '/CN=node-0',
    eku: 'serverAuth,clientAuth',
    san: 'DNS:node-0,DNS:localhost,IP:10.1.2.3,IP:127.0.0.1,IP:::1',
  },
  {
    name: 'etcd-peer',
    ca: 'etcd-ca',
    subj: '/CN=node-0',
    eku: 'serverAuth,clientAuth',
    san: 'DNS:node-0,DNS:localhost,IP:10.1.2.3,IP:127.0.0.1,IP:::1',
  },
  { name: 'etcd-healthcheck-client', ca: 'etcd-ca', subj: '/CN=kube-etcd-healthcheck-client', eku: 'clientAuth' },
  { name: 'apiserver-etcd-client', ca: 'etcd-ca', subj: '/CN=kube-apiserver-etcd-client', eku: 'clientAuth' },
  { name: 'admin', ca: 'ca', subj: '/O=system:masters/CN=kubernetes-admin', eku: 'clientAuth' },
  { name: 'super-admin', ca: 'ca', subj: '/O=system:masters/CN=kubernetes-super-admin', eku: 'clientAuth' },
  { name: 'kubelet', ca: 'ca', subj: '/O=system:nodes/CN=system:node:node-0', eku: 'clientAuth' },
  { name: 'controller-manager', ca: 'ca', subj: '/CN=system:kube-controller-manager', eku: 'clientAuth' },
  { name: 'scheduler', ca: 'ca', subj: '/CN=system:kube-scheduler', eku: 'clientAuth' },
];
const CAS = [
  ['ca', '/CN=kubernetes'],
  ['front-proxy-ca', '/CN=front-proxy-ca'],
  ['etcd-ca', '/CN=etcd-ca'],
] as const;

/** The tree as openssl commands, in three dependent steps; commands within a step are independent. */
function opensslSteps(dir: string, alg: Alg): string[][][] {
  const p = (f: string) => join(dir, f);
  const keys = [...CAS.map(([n]) => n), ...LEAVES.map((l) => l.name), 'sa'].map((n) => keygen(alg, p(`${n}.key`)));
  const cas = CAS.map(([n, subj]) => [
    'req',
    '-x509',
    '-new',
    '-key',
    p(`${n}.key`),
    '-subj',
    subj,
    '-days',
    '3650',
    '-out',
    p(`${n}.crt`),
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
    '-addext',
    `subjectAltName=DNS:${n === 'ca' ? 'kubernetes' : n}`,
  ]);
  const csrs = LEAVES.map((l) => [
    'req',
    '-new',
    '-key',
    p(`${l.name}.key`),
    '-subj',
    l.subj,
    '-out',
    p(`${l.name}.csr`),
  ]);
  const signs = LEAVES.map((l) => {
    writeFileSync(
      p(`${l.name}.ext`),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${l.eku}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n${l.san ? `subjectAltName=${l.san}\n` : ''}`,
    );
    return [
      'x509',
      '-req',
      '-in',
      p(`${l.name}.csr`),
      '-CA',
      p(`${l.ca}.crt`),
      '-CAkey',
      p(`${l.ca}.key`),
      '-days',
      '365',
      '-extfile',
      p(`${l.name}.ext`),
      '-out',
      p(`${l.name}.crt`),
    ];
  });
  const saPub = ['pkey', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub')];
  return [[...keys], [...cas, ...csrs, saPub], [...signs]];
}

async function opensslTree(alg: Alg, parallel: boolean): Promise<number> {
  const dir = fresh(`openssl-${alg}`);
  const steps = opensslSteps(dir, alg);
  const t = performance.now();
  for (const step of steps) {
    if (parallel) await Promise.all(step.map((args) => execFile(OPENSSL, args)));
    else for (const args of step) execFileSync(OPENSSL, args, { stdio: 'ignore' });
  }
  return performance.now() - t;
}

async function kauthTree(alg: Alg): Promise<number> {
  const dir = fresh(`kauth-${alg}`);
  const t = performance.now();
  await ensurePkiTree({ certDir: join(dir, 'pki'), algorithm: alg, advertiseAddress: '10.1.2.3', nodeName: 'node-0' });
  return performance.now() - t;
}

// ---------------------------------------------------------------------------------------------------------------
// Signing throughput.

async function signing() {
  const dir = fresh('sign');
  await ensurePkiTree({
    certDir: join(dir, 'pki'),
    algorithm: 'RSA-2048',
    advertiseAddress: '10.1.2.3',
    nodeName: 'node-0',
  });
  const ca = loadCertificateAuthority(join(dir, 'pki'));
  writeFileSync(
    join(dir, 'jane.key'),
    execFileSync(OPENSSL, ['genrsa', '2048'], { stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  const csrPath = join(dir, 'jane.csr');
  execFileSync(OPENSSL, ['req', '-new', '-key', join(dir, 'jane.key'), '-subj', '/CN=jane/O=devs', '-out', csrPath]);
  const csrPem = readFileSync(csrPath, 'utf8');

  const signOne = async () => {
    const csr = await parseVerifiedCsr(csrPem);
    const now = Date.now();
    return issueCertificate({
      issuer: { certPem: ca.certPem, privateKey: ca.privateKey },
      publicKey: csr.publicKey,
      subject: csr.subject,
      extKeyUsages: ['clientAuth'],
      notBefore: new Date(now - 300_000),
      notAfter: new Date(now + 86_400_000),
    });
  };
  for (let i = 0; i < 50; i++) await signOne(); // warm up the JIT
  let n = 0;
  let t = performance.now();
  while (performance.now() - t < 2000) {
    await signOne();
    n++;
  }
  const kauthSerial = (n * 1000) / (performance.now() - t);
  n = 0;
  t = performance.now();
  while (performance.now() - t < 2000) {
    await Promise.all(Array.from({ length: 16 }, signOne));
    n += 16;
  }
  const kauthConcurrent = (n * 1000) / (performance.now() - t);

  // One openssl process per certificate, as a shell loop would.
  const caCrt = join(dir, 'pki', 'ca.crt');
  const caKey = join(dir, 'pki', 'ca.key');
  writeFileSync(
    join(dir, 'client.ext'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  n = 0;
  t = performance.now();
  while (performance.now() - t < 2000) {
    execFileSync(
      OPENSSL,
      [
        'x509',
        '-req',
        '-in',
        csrPath,
        '-CA',
        caCrt,
        '-CAkey',
        caKey,
        '-days',
        '1',
        '-extfile',
        join(dir, 'client.ext'),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    n++;
  }
  const opensslProcess = (n * 1000) / (performance.now() - t);

  // `openssl ca -batch`: many CSRs signed inside one process (no process start-up per certificate).
  const caDir = join(dir, 'openssl-ca');
  mkdirSync(join(caDir, 'newcerts'), { recursive: true });
  writeFileSync(join(caDir, 'index.txt'), '');
  writeFileSync(
    join(caDir, 'ca.cnf'),
    `[ca]\ndefault_ca=kca\n[kca]\ndir=${caDir}\ndatabase=${caDir}/index.txt\nnew_certs_dir=${caDir}/newcerts\ncertificate=${caCrt}\nprivate_key=${caKey}\nrand_serial=yes\n` +
      `default_md=sha256\ndefault_days=1\npolicy=pol\nunique_subject=no\nx509_extensions=ext\n[pol]\ncommonName=supplied\norganizationName=optional\n` +
      `[ext]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`,
  );
  const batch = 400;
  t = performance.now();
  execFileSync(
    OPENSSL,
    [
      'ca',
      '-batch',
      '-config',
      join(caDir, 'ca.cnf'),
      '-notext',
      '-out',
      join(caDir, 'out.pem'),
      '-infiles',
      ...Array<string>(batch).fill(csrPath),
    ],
    { stdio: 'ignore' },
  );
  const opensslCa = (batch * 1000) / (performance.now() - t);
  return { kauthSerial, kauthConcurrent, opensslProcess, opensslCa };
}

// ---------------------------------------------------------------------------------------------------------------

const started = performance.now();
const version = execFileSync(OPENSSL, ['version'], { encoding: 'utf8' }).trim();
console.log(`kauth PKI benchmark — node ${process.version}, ${version}, ${availableParallelism()} CPUs`);
console.log('\nFull kubeadm tree (3 CAs, 7 certificates, sa key pair, 5 kubeconfig certificates; 16 key pairs):');
for (const [alg, runs] of [
  ['ECDSA-P256', 5],
  ['RSA-2048', 3],
] as const) {
  const k: number[] = [];
  const seqT: number[] = [];
  const parT: number[] = [];
  for (let i = 0; i < runs; i++) {
    k.push(await kauthTree(alg));
    seqT.push(await opensslTree(alg, false));
    parT.push(await opensslTree(alg, true));
  }
  const km = median(k);
  const sm = median(seqT);
  const pm = median(parT);
  console.log(
    `  ${alg.padEnd(10)} kauth ${fmt(km).padStart(8)} | openssl one by one ${fmt(sm).padStart(8)} (ratio ${(sm / km).toFixed(2)}×)` +
      ` | openssl in parallel ${fmt(pm).padStart(8)} (ratio ${(pm / km).toFixed(2)}×)   [median of ${runs}]`,
  );
}
const s = await signing();
console.log('\nCertificates signed per second from an openssl CSR (RSA-2048 CA, RSA-2048 client key):');
console.log(`  kauth parse+verify+issue, one at a time   ${s.kauthSerial.toFixed(0).padStart(6)}/s`);
console.log(`  kauth, 16 in flight                       ${s.kauthConcurrent.toFixed(0).padStart(6)}/s`);
console.log(
  `  openssl x509 -req, one process per cert   ${s.opensslProcess.toFixed(0).padStart(6)}/s   ratio kauth/openssl ${(s.kauthSerial / s.opensslProcess).toFixed(2)}×`,
);
console.log(
  `  openssl ca -batch, ${400} CSRs in one process ${s.opensslCa.toFixed(0).padStart(6)}/s   ratio kauth/openssl ${(s.kauthSerial / s.opensslCa).toFixed(2)}×`,
);
console.log(`\n(ratios above 1: kauth faster; total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
