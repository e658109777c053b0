// `kauth csr create`: the key and PKCS#10 request a user makes with openssl (seed 002), plus the
// certificates.k8s.io/v1 CertificateSigningRequest manifest to submit. `kauth csr sign`: sign a CSR file with the
// cluster CA, as `openssl x509 -req -CA ca.crt -CAkey ca.key` does — refusing requests whose signature is bad.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { CliError } from './errors.js';
import { asCliErrors, DEFAULT_CERT_DIR } from './certs.js';
import { createCsr, parseVerifiedCsr } from '../pki/csr.js';
import { parsePositiveDays } from '../pki/duration.js';
import { CERT_MODE, KEY_MODE, writeFileAtomic } from '../pki/files.js';
import { generateKeyPair, parseKeyAlgorithm, privateKeyToPem } from '../pki/keys.js';
import { loadCertFile, loadCertificateAuthority, loadKeyFile, type CertificateAuthority } from '../pki/pki-files.js';
import { isValidDnsSan } from '../pki/names.js';
import { isKnownCsrUsage, KNOWN_CSR_USAGES, usagesToX509 } from '../pki/usages.js';
import { certificateMatchesKey, issueCertificate, readCertificate } from '../pki/certificate.js';

const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
// k8s.io/kubernetes/pkg/apis/certificates: the usages kube-apiserver-client accepts.
const CLIENT_SIGNER_USAGES = new Set(['digital signature', 'key encipherment', 'client auth']);

interface CreateOptions {
  cn?: string;
  org: string[];
  ou: string[];
  dns: string[];
  ip: string[];
  key?: string;
  keyOut?: string;
  csrOut?: string;
  keyAlgorithm: string;
  name?: string;
  signer: string;
  expirationSeconds: string;
  usages: string[];
  force: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** A CSR object name from the CN: lower-case, characters outside a DNS subdomain replaced by '-'. */
function nameFromCn(cn: string): string {
  const dashed = cn.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
  // Trim '-' and '.' from both ends with string code (`/[-.]+$/` backtracks quadratically).
  const isEdge = (ch: string | undefined): boolean => ch === '-' || ch === '.';
  let start = 0;
  let end = dashed.length;
  while (start < end && isEdge(dashed[start])) start++;
  while (end > start && isEdge(dashed[end - 1])) end--;
  return dashed.slice(start, end).slice(0, 253) || 'csr';
}

function validate(o: CreateOptions, usages: string[], expiration: number | undefined, name: string): void {
  if (!isValidDnsSan(name) || name.startsWith('*')) {
    throw new CliError(
      `invalid --name "${name}": a CertificateSigningRequest name must be a DNS subdomain (lower-case letters, digits, '-', '.')`,
    );
  }
  if (
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+\/[-a-zA-Z0-9_.]+(\/[-a-zA-Z0-9_.]+)*$/.test(
      o.signer,
    )
  ) {
    throw new CliError(
      `invalid --signer "${o.signer}": must be a fully qualified domain and path of the form 'example.com/signer-name'`,
    );
  }
  if (!usages.length) throw new CliError('usages must be provided');
  for (const u of usages) {
    if (!isKnownCsrUsage(u))
      throw new CliError(
        `unsupported usage "${u}": supported values are ${KNOWN_CSR_USAGES.map((k) => `"${k}"`).join(', ')}`,
      );
  }
  if (expiration !== undefined && expiration < 600)
    throw new CliError('--expiration-seconds may not specify a duration less than 600 seconds (10 minutes)');
  if (o.signer === CLIENT_SIGNER) {
    const bad = usages.find((u) => !CLIENT_SIGNER_USAGES.has(u));
    if (bad) throw new CliError(`invalid usage for client certificate: ${bad}`);
    if (!usages.includes('client auth'))
      throw new CliError('missing required usage for client certificate: client auth');
    if (o.org.includes('system:masters')) {
      throw new CliError('use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed');
    }
  }
}

async function create(o: CreateOptions): Promise<void> {
  if (!o.cn) throw new CliError('--cn is required');
  const usages = o.usages.length ? o.usages : ['client auth'];
  const expiration =
    o.expirationSeconds === '' || o.expirationSeconds === '0' ? undefined : Number(o.expirationSeconds);
  if (expiration !== undefined && !Number.isInteger(expiration))
    throw new CliError(`invalid --expiration-seconds "${o.expirationSeconds}"`);
  const name = o.name ?? nameFromCn(o.cn);
  validate(o, usages, expiration, name);
  const keyOut = resolve(o.keyOut ?? `${name}.key`);
  const csrOut = resolve(o.csrOut ?? `${name}.csr`);
  // Nothing is overwritten unasked: check both outputs before writing either.
  for (const f of o.key ? [csrOut] : [keyOut, csrOut]) {
    if (existsSync(f) && !o.force)
      throw new CliError(
        `${f} already exists; pass --force to overwrite it${f === keyOut ? ', or --key to reuse the key' : ''}`,
      );
  }
  let privateKey;
  if (o.key) {
    privateKey = loadKeyFile(resolve(o.key), 'private');
  } else {
    privateKey = (await generateKeyPair(parseKeyAlgorithm(o.keyAlgorithm))).privateKey;
  }
  const csrPem = await createCsr({
    subject: { commonName: o.cn, organizations: o.org, organizationalUnits: o.ou },
    dnsNames: o.dns,
    ipAddresses: o.ip,
    privateKey,
  });
  if (!o.key) writeFileAtomic(keyOut, privateKeyToPem(privateKey), { mode: KEY_MODE, overwrite: o.force });
  writeFileAtomic(csrOut, csrPem, { mode: CERT_MODE, overwrite: o.force });
  const manifest = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: {
      request: Buffer.from(csrPem).toString('base64'),
      signerName: o.signer,
      ...(expiration !== undefined ? { expirationSeconds: expiration } : {}),
      usages,
    },
  };
  process.stdout.write(stringify(manifest, { lineWidth: 0, indentSeq: false }));
}

interface SignOptions {
  certDir: string;
  caCert?: string;
  caKey?: string;
  usages: string[];
  validityPeriod: string;
  out?: string;
  force: boolean;
}

function signingCa(o: SignOptions): CertificateAuthority {
  if (!o.caCert && !o.caKey) return loadCertificateAuthority(resolve(o.certDir), 'ca');
  if (!o.caCert || !o.caKey) throw new CliError('--ca-cert and --ca-key go together');
  const cert = loadCertFile(resolve(o.caCert), 'CA');
  const key = loadKeyFile(resolve(o.caKey), 'CA');
  if (!cert.info.isCA) throw new CliError(`certificate ${cert.path} is not a CA`);
  if (!certificateMatchesKey(cert.pem, key))
    throw new CliError(`the CA key ${o.caKey} does not match the certificate ${o.caCert}`);
  return { certPath: cert.path, certPem: cert.pem, cert: readCertificate(cert.pem), privateKey: key };
}

async function sign(csrFile: string, o: SignOptions): Promise<void> {
  let text: string;
  try {
    text = readFileSync(resolve(csrFile), 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read ${csrFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const csr = await parseVerifiedCsr(text);
  const ca = signingCa(o);
  const { keyUsages, extKeyUsages } = usagesToX509(
    o.usages.length ? o.usages : ['digital signature', 'key encipherment', 'client auth'],
  );
  const days = parsePositiveDays(o.validityPeriod, '--validity-period');
  const now = Date.now();
  // As the Kubernetes signer does: never past the CA's own expiry.
  const notAfter = Math.min(now + days * 86_400_000, ca.cert.notAfter.getTime());
  if (o.out && existsSync(resolve(o.out)) && !o.force)
    throw new CliError(`${resolve(o.out)} already exists; pass --force to overwrite it`);
  const pem = await issueCertificate({
    issuer: { certPem: ca.certPem, privateKey: ca.privateKey },
    publicKey: csr.publicKey,
    subject: csr.subject,
    dnsNames: csr.dnsNames,
    ipAddresses: csr.ipAddresses,
    emailAddresses: csr.emailAddresses,
    uris: csr.uris,
    keyUsages: keyUsages.length ? keyUsages : undefined,
    extKeyUsages,
    notBefore: new Date(Math.max(now - 5 * 60_000, ca.cert.notBefore.getTime())),
    notAfter: new Date(notAfter),
  });
  if (o.out) writeFileAtomic(resolve(o.out), pem, { mode: CERT_MODE, overwrite: o.force });
  else process.stdout.write(pem);
}

export function registerCsrCommands(program: Command): void {
  const csr = program.command('csr').description('Certificate signing requests');

  csr
    .command('create')
    .description('Write a private key and a CSR, and print the CertificateSigningRequest manifest')
    .option('--cn <name>', 'common name: the Kubernetes user name')
    .option('--org <org>', 'organization: a Kubernetes group (repeatable)', collect, [])
    .option('--ou <unit>', 'organizational unit (repeatable)', collect, [])
    .option('--dns <name>', 'DNS subject alternative name (repeatable)', collect, [])
    .option('--ip <address>', 'IP subject alternative name (repeatable)', collect, [])
    .option('--key <file>', 'use this existing private key instead of generating one')
    .option('--key-out <file>', 'where to write the new private key (default: <name>.key)')
    .option('--csr-out <file>', 'where to write the CSR (default: <name>.csr)')
    .option(
      '--key-algorithm <alg>',
      'algorithm of a new key: RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384, Ed25519',
      'RSA-2048',
    )
    .option('--name <name>', 'metadata.name of the CertificateSigningRequest (default: from the CN)')
    .option('--signer <name>', 'spec.signerName', CLIENT_SIGNER)
    .option('--expiration-seconds <n>', 'spec.expirationSeconds (0 to leave it out)', '86400')
    .option('--usages <list>', 'spec.usages, comma-separated (default: "client auth")', collect, [])
    .option('--force', 'overwrite existing output files', false)
    .action((o: CreateOptions) => asCliErrors(() => create(o)));

  csr
    .command('sign')
    .description('Sign a PKCS#10 CSR file with the cluster CA and print (or write) the certificate')
    .argument('<csr-file>', 'the CSR (PEM), e.g. from openssl req -new')
    .option('--cert-dir <dir>', 'where the cluster CA (ca.crt, ca.key) is stored', DEFAULT_CERT_DIR)
    .option('--ca-cert <file>', 'sign with this CA certificate instead')
    .option('--ca-key <file>', 'the key of --ca-cert')
    .option(
      '--usages <list>',
      'certificate usages, comma-separated (default: "digital signature,key encipherment,client auth")',
      collect,
      [],
    )
    .option('--validity-period <duration>', 'certificate validity', '8760h')
    .option('--out <file>', 'write the certificate here instead of stdout')
    .option('--force', 'overwrite --out if it exists', false)
    .action((file: string, o: SignOptions) => asCliErrors(() => sign(file, o)));
}
