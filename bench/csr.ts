// CSR signing benchmark: kauth's csrsigning path against openssl doing the same work in the same run, for an
// ECDSA-P256 and an RSA-2048 cluster CA (requests from openssl-made P-256 keys, `client auth`, 24h).
//   kauth signer path  — parse the request as the API does, check the signer's rules, sign (backdate, usages,
//                        subject and SANs from the request): what CsrSigningController does per request.
//   kauth controller   — the whole controller over an in-memory store: approved CSRs in, status.certificate out.
//   openssl x509 -req  — one process per certificate, as a shell loop signing CSRs by hand would.
//   openssl ca -batch  — many CSRs in one openssl process (no start-up cost per certificate).
// Prints certificates per second and ratios (kauth / openssl: above 1 means kauth is faster). Run: npx tsx bench/csr.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CsrSigningController,
  loadSigningCa,
  signCsr,
  signerRuleError,
  type SigningCa,
} from '../src/controllers/csr-signing.js';
import { Informer } from '../src/controllers/informer.js';
import { ObjectStore } from '../src/registry/object-store.js';
import { certificateSigningRequests, parseCsrRequest, signatureError } from '../src/registry/resources/certificates.js';
import { MemoryStore } from '../src/storage/memory.js';

const OPENSSL = '/usr/bin/openssl';
const root = mkdtempSync(join(tmpdir(), 'kauth-bench-csr-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const openssl = (args: string[]): string =>
  execFileSync(OPENSSL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const WINDOW_MS = 2500;

type Alg = 'ECDSA-P256' | 'RSA-2048';

function makeCa(alg: Alg): { certFile: string; keyFile: string; dir: string } {
  const dir = join(root, alg);
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'ca.key');
  const certFile = join(dir, 'ca.crt');
  openssl(
    alg === 'RSA-2048'
      ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile]
      : ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile],
  );
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    keyFile,
    '-subj',
    '/CN=kubernetes',
    '-days',
    '3650',
    '-out',
    certFile,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
  ]);
  return { certFile, keyFile, dir };
}

const reqKey = join(root, 'req.key');
openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', reqKey]);
const csrPath = join(root, 'jane.csr');
openssl(['req', '-new', '-key', reqKey, '-subj', '/CN=jane/O=devs', '-out', csrPath]);
const csrPem = Buffer.from(readFileSync(csrPath));

async function rate(fn: () => Promise<unknown>, warmup = 30): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < WINDOW_MS) {
    await fn();
    n++;
  }
  return (n * 1000) / (performance.now() - t);
}

/** What the controller does per request, minus the store. */
async function signerPath(ca: SigningCa): Promise<string> {
  const parsed = await parseCsrRequest(csrPem);
  if (signatureError(parsed)) throw new Error('bad signature');
  const refusal = signerRuleError('kubernetes.io/kube-apiserver-client', parsed, ['client auth']);
  if (refusal) throw new Error(refusal);
  return signCsr({ ca, csr: parsed, usages: ['client auth'], expirationSeconds: 86400, maxTtlSeconds: 365 * 86400 });
}

/** Approved CSRs in a memory store, the real controller signing them all; returns certificates per second. */
async function controllerRate(ca: SigningCa, count: number): Promise<number> {
  const objects = new ObjectStore(new MemoryStore(), [certificateSigningRequests]);
  const def = objects.def('certificatesigningrequests');
  const request = csrPem.toString('base64');
  for (let i = 0; i < count; i++) {
    await objects.create(def, {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: `csr-${i}`, uid: `u-${i}` },
      spec: {
        request,
        signerName: 'kubernetes.io/kube-apiserver-client',
        usages: ['client auth'],
        expirationSeconds: 86400,
        username: 'bench',
      },
      status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Bench', message: 'bench' }] },
    });
  }
  const informer = new Informer(objects, def);
  const controller = new CsrSigningController(objects, informer, () => ca, 365 * 86400);
  const t = performance.now();
  await informer.start();
  await controller.queue.idle();
  const elapsed = performance.now() - t;
  informer.stop();
  controller.queue.stop();
  const issued = (await objects.list(def, '')).items.filter(
    (o) => (o.status as { certificate?: string }).certificate,
  ).length;
  if (issued !== count) throw new Error(`controller issued ${issued} of ${count}`);
  return (count * 1000) / elapsed;
}

function opensslProcessRate(ca: { certFile: string; keyFile: string; dir: string }): number {
  const ext = join(ca.dir, 'client.ext');
  writeFileSync(ext, 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\nauthorityKeyIdentifier=keyid\n');
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < WINDOW_MS) {
    execFileSync(
      OPENSSL,
      ['x509', '-req', '-in', csrPath, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-days', '1', '-extfile', ext],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    n++;
  }
  return (n * 1000) / (performance.now() - t);
}

function opensslBatchRate(ca: { certFile: string; keyFile: string; dir: string }, batch: number): number {
  const caDir = join(ca.dir, 'openssl-ca');
  mkdirSync(join(caDir, 'newcerts'), { recursive: true });
  writeFileSync(join(caDir, 'index.txt'), '');
  writeFileSync(
    join(caDir, 'ca.cnf'),
    `[ca]\ndefault_ca=kca\n[kca]\ndir=${caDir}\ndatabase=${caDir}/index.txt\nnew_certs_dir=${caDir}/newcerts\ncertificate=${ca.certFile}\nprivate_key=${ca.keyFile}\nrand_serial=yes\n` +
      `default_md=sha256\ndefault_days=1\npolicy=pol\nunique_subject=no\nx509_extensions=ext\n[pol]\ncommonName=supplied\norganizationName=optional\n` +
      `[ext]\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\nauthorityKeyIdentifier=keyid\n`,
  );
  const t = performance.now();
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
  return (batch * 1000) / (performance.now() - t);
}

const started = performance.now();
console.log(
  `kauth CSR signing benchmark — node ${process.version}, ${openssl(['version']).trim()}, ${availableParallelism()} CPUs`,
);
console.log('Certificates per second (request: openssl P-256 key, CN=jane O=devs, client auth, 24h):\n');
for (const alg of ['ECDSA-P256', 'RSA-2048'] as Alg[]) {
  const files = makeCa(alg);
  const ca = loadSigningCa(files.certFile, files.keyFile);
  const kauthPath = await rate(() => signerPath(ca));
  const kauthController = await controllerRate(ca, 400);
  const proc = opensslProcessRate(files);
  const batch = opensslBatchRate(files, 400);
  const row = (label: string, v: number, extra = '') =>
    console.log(`  ${label.padEnd(40)} ${v.toFixed(0).padStart(7)}/s${extra}`);
  console.log(`${alg} cluster CA:`);
  row('kauth signer path (parse+rules+sign)', kauthPath);
  row('kauth controller (store in, store out)', kauthController);
  row('openssl x509 -req, one process each', proc, `   ratio kauth signer / openssl ${(kauthPath / proc).toFixed(2)}×`);
  row(
    'openssl ca -batch, 400 in one process',
    batch,
    `   ratio kauth signer / openssl ${(kauthPath / batch).toFixed(2)}×`,
  );
  console.log();
}
console.log(`(ran in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
