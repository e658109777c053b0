// X.509 certificates: self-signed CAs, certificates issued from a CSR's or any public key with the extensions
// kubeadm's certs carry, reading a certificate back, and chain verification.
import { createHash, createPublicKey, X509Certificate as NodeX509, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.js';
import { describeKey, loadPublicKeyPem, spkiDer } from './keys.js';
import { buildName, buildSanExtension, readName, readSanExtension, type ParsedSubject, type Subject } from './names.js';
import { normalizeIp } from './ip.js';
import { describeBlocks, looksLikePem, pemBlocks, toPem } from './pem.js';
import { toSigningKey, type LibAlgorithm, type LibCryptoKey } from './signing-key.js';
import { x509, type x509Types } from './x509.js';

export type ExtKeyUsageName =
  | 'clientAuth'
  | 'serverAuth'
  | 'codeSigning'
  | 'emailProtection'
  | 'timeStamping'
  | 'ocspSigning'
  | 'ipsecEndSystem'
  | 'ipsecTunnel'
  | 'ipsecUser'
  | 'microsoftServerGatedCrypto'
  | 'netscapeServerGatedCrypto'
  | 'anyExtendedKeyUsage';
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'crlSign'
  | 'encipherOnly'
  | 'decipherOnly';

// RFC 5280's KeyUsage bits and the ExtKeyUsage OIDs (the values of @peculiar/x509's KeyUsageFlags and
// ExtendedKeyUsage), spelled out so that loading this module does not load the library.
const KEY_USAGE_FLAGS: Record<KeyUsageName, number> = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  crlSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
};

const EKU_OIDS: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  ipsecEndSystem: '1.3.6.1.5.5.7.3.5',
  ipsecTunnel: '1.3.6.1.5.5.7.3.6',
  ipsecUser: '1.3.6.1.5.5.7.3.7',
  microsoftServerGatedCrypto: '1.3.6.1.4.1.311.10.3.3',
  netscapeServerGatedCrypto: '2.16.840.1.113730.4.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
};
const EKU_NAMES = new Map(Object.entries(EKU_OIDS).map(([name, oid]) => [oid, name]));

export interface CertInfo {
  subject: ParsedSubject;
  issuer: ParsedSubject;
  /** RFC 4514-ish text, e.g. `CN=kubernetes-admin, O=system:masters`. */
  subjectString: string;
  issuerString: string;
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  keyUsages: KeyUsageName[];
  /** `clientAuth`, `serverAuth`, … or the dotted OID of a usage without a name. */
  extKeyUsages: string[];
  /** Lower-case hex, no leading zero byte. */
  serialNumber: string;
  /** Upper-case colon-separated SHA-256 of the DER, as `openssl x509 -fingerprint -sha256` prints it. */
  sha256Fingerprint: string;
  /** `sha256:<hex>` of the SubjectPublicKeyInfo: kubeadm's `--discovery-token-ca-cert-hash` format. */
  publicKeyPin: string;
  publicKey: KeyObject;
  /** "RSA 2048", "ECDSA P-256", "Ed25519". */
  publicKeyAlgorithm: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  selfSigned: boolean;
  raw: Buffer;
  pem: string;
}

export interface IssueCertificateOptions {
  issuer: { certPem: string; privateKey: KeyObject };
  /** The subject's public key: a KeyObject (a private one is reduced to its public half), PEM, or SPKI DER. */
  publicKey: KeyObject | string | Uint8Array;
  subject: Subject;
  dnsNames?: string[];
  ipAddresses?: string[];
  emailAddresses?: string[];
  uris?: string[];
  /** Names, or dotted OIDs for usages without one. */
  extKeyUsages: (ExtKeyUsageName | `${number}.${string}`)[];
  /** Default: digitalSignature (+ keyEncipherment for RSA keys, as kubeadm; + keyCertSign when isCA). */
  keyUsages?: KeyUsageName[];
  isCA?: boolean;
  notBefore: Date;
  notAfter: Date;
  /** Hex; random 128-bit positive serial when omitted. */
  serialNumber?: string;
}

export interface CreateSelfSignedCaOptions {
  commonName: string;
  organizations?: string[];
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  serialNumber?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing, with a small cache: the same CA certificate is read for every certificate it signs.

interface LoadedCert {
  node: NodeX509;
  raw: Buffer;
  /** The @peculiar/x509 view, parsed only when extensions are needed (it costs more than Node's parser). */
  px?: x509Types.X509Certificate;
  info?: CertInfo;
}

const cache = new Map<string, LoadedCert>();
const CACHE_LIMIT = 64;

function certificateDers(pemOrDer: string | Uint8Array): Buffer[] {
  if (looksLikePem(pemOrDer)) {
    const text = typeof pemOrDer === 'string' ? pemOrDer : Buffer.from(pemOrDer).toString('utf8');
    const blocks = pemBlocks(text);
    const certs = blocks.filter((b) => b.type === 'CERTIFICATE');
    if (!certs.length) throw new PkiError(`expected a PEM CERTIFICATE, found ${describeBlocks(blocks)}`, 'ERR_PKI_PEM');
    return certs.map((b) => b.der);
  }
  if (typeof pemOrDer === 'string') throw new PkiError('expected a PEM CERTIFICATE, found no PEM block', 'ERR_PKI_PEM');
  return [Buffer.from(pemOrDer)];
}

function loadDer(der: Buffer): LoadedCert {
  const key = der.toString('base64');
  const hit = cache.get(key);
  if (hit) return hit;
  let loaded: LoadedCert;
  try {
    loaded = { node: new NodeX509(der), raw: der };
  } catch (e) {
    throw new PkiError(`the data is not a valid X.509 certificate (${(e as Error).message})`, 'ERR_PKI_PARSE');
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, loaded);
  return loaded;
}

function pxOf(c: LoadedCert): x509Types.X509Certificate {
  if (!c.px) {
    try {
      c.px = new x509.X509Certificate(c.raw);
    } catch (e) {
      throw new PkiError(`the data is not a valid X.509 certificate (${(e as Error).message})`, 'ERR_PKI_PARSE');
    }
  }
  return c.px;
}

function loadFirst(pemOrDer: string | Uint8Array): LoadedCert {
  return loadDer(certificateDers(pemOrDer)[0]!);
}

function keyUsageNames(flags: number): KeyUsageName[] {
  return (Object.keys(KEY_USAGE_FLAGS) as KeyUsageName[]).filter((n) => (flags & KEY_USAGE_FLAGS[n]) !== 0);
}

function fingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

function infoOf(c: LoadedCert): CertInfo {
  if (c.info) return c.info;
  const px = pxOf(c);
  const basic = px.getExtension(x509.BasicConstraintsExtension);
  const ku = px.getExtension(x509.KeyUsagesExtension);
  const eku = px.getExtension(x509.ExtendedKeyUsageExtension);
  const ski = px.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = px.getExtension(x509.AuthorityKeyIdentifierExtension);
  const publicKey = c.node.publicKey;
  const spki = spkiDer(publicKey);
  c.info = {
    subject: readName(px.subjectName),
    issuer: readName(px.issuerName),
    subjectString: px.subject,
    issuerString: px.issuer,
    ...readSanExtension(px.getExtension(x509.SubjectAlternativeNameExtension)),
    notBefore: px.notBefore,
    notAfter: px.notAfter,
    isCA: basic?.ca ?? false,
    keyUsages: ku ? keyUsageNames(ku.usages) : [],
    extKeyUsages: eku ? Array.from(eku.usages, (u) => EKU_NAMES.get(String(u)) ?? String(u)) : [],
    serialNumber: px.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''),
    sha256Fingerprint: fingerprint(c.raw),
    publicKeyPin: `sha256:${createHash('sha256').update(spki).digest('hex')}`,
    publicKey,
    publicKeyAlgorithm: describeKey(publicKey),
    subjectKeyId: ski?.keyId,
    authorityKeyId: aki?.keyId,
    selfSigned: c.node.issuer === c.node.subject,
    raw: c.raw,
    pem: toPem('CERTIFICATE', c.raw),
  };
  return c.info;
}

/** The few facts Node's own parser gives cheaply: enough to check an existing PKI tree quickly. */
export interface CertFacts {
  raw: Buffer;
  subject: string;
  isCA: boolean;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
}

function factsFromNode(c: LoadedCert): CertFacts {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const entry of (c.node.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) dnsNames.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ipAddresses.push(normalizeIp(entry.slice(11)) ?? entry.slice(11));
  }
  return {
    raw: c.raw,
    subject: c.node.subject.replace(/\n/g, ', '),
    isCA: c.node.ca,
    notBefore: new Date(c.node.validFrom),
    notAfter: new Date(c.node.validTo),
    dnsNames,
    ipAddresses,
  };
}

/** Cheap facts about the first certificate of a PEM text (or DER); see CertFacts. */
export function certificateFacts(pemOrDer: string | Uint8Array): CertFacts {
  return factsFromNode(loadFirst(pemOrDer));
}

/** Reads the first certificate of a PEM text (or DER). Throws PkiError on anything else. */
export function readCertificate(pemOrDer: string | Uint8Array): CertInfo {
  return infoOf(loadFirst(pemOrDer));
}

/** Reads every certificate of a PEM bundle. */
export function readCertificates(pemOrDer: string | Uint8Array): CertInfo[] {
  return certificateDers(pemOrDer).map((der) => infoOf(loadDer(der)));
}

/** True when `privateKey` (or a public key) is the key pair of the certificate's subject key. */
export function certificateMatchesKey(certPem: string | Uint8Array, key: KeyObject): boolean {
  const c = loadFirst(certPem);
  if (key.type === 'private') {
    try {
      return c.node.checkPrivateKey(key);
    } catch {
      return false;
    }
  }
  return spkiDer(c.node.publicKey).equals(spkiDer(key));
}

// ---------------------------------------------------------------------------------------------------------------
// Issuing.

function toPublicKeyObject(publicKey: KeyObject | string | Uint8Array): KeyObject {
  if (typeof publicKey === 'string') return loadPublicKeyPem(publicKey);
  if (publicKey instanceof Uint8Array) {
    try {
      return createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
    } catch (e) {
      throw new PkiError(`the public key is not a valid SubjectPublicKeyInfo (${(e as Error).message})`, 'ERR_PKI_KEY');
    }
  }
  return publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
}

interface KeyFacts {
  spki: Buffer;
  keyId: string;
  rsa: boolean;
}

// SPKI and key identifier per public KeyObject: a CSR's key is signed once, a CA's key identifies every child.
const keyFacts = new WeakMap<KeyObject, KeyFacts>();

function factsOf(pub: KeyObject): KeyFacts {
  let f = keyFacts.get(pub);
  if (!f) {
    f = {
      spki: pub.export({ type: 'spki', format: 'der' }),
      keyId: keyIdentifier(pub),
      rsa: pub.asymmetricKeyType === 'rsa',
    };
    keyFacts.set(pub, f);
  }
  return f;
}

/**
 * RFC 5280 method 1, as Go and openssl compute the key identifier: SHA-1 of the subjectPublicKey BIT STRING. Its
 * contents are the PKCS#1 RSAPublicKey for RSA, the uncompressed point for EC and the raw key for Ed25519.
 */
function keyIdentifier(pub: KeyObject): string {
  let bits: Buffer;
  if (pub.asymmetricKeyType === 'rsa') {
    bits = pub.export({ type: 'pkcs1', format: 'der' });
  } else {
    const jwk = pub.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x ?? '', 'base64url');
    bits =
      pub.asymmetricKeyType === 'ec' ? Buffer.concat([Buffer.from([4]), x, Buffer.from(jwk.y ?? '', 'base64url')]) : x;
  }
  return createHash('sha1').update(bits).digest('hex');
}

function second(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

function checkValidity(notBefore: Date, notAfter: Date): void {
  if (
    !(notBefore instanceof Date) ||
    isNaN(notBefore.getTime()) ||
    !(notAfter instanceof Date) ||
    isNaN(notAfter.getTime())
  ) {
    throw new PkiError('notBefore and notAfter must be valid dates', 'ERR_PKI_INVALID');
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new PkiError(
      `notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`,
      'ERR_PKI_INVALID',
    );
  }
}

// The issuer key is checked against the issuer certificate once per (key, certificate) pair.
const issuerChecked = new WeakMap<KeyObject, Set<string>>();

function checkIssuer(issuer: LoadedCert, key: KeyObject): void {
  const id = issuer.raw.toString('base64');
  const seen = issuerChecked.get(key);
  if (seen?.has(id)) return;
  if (key.type !== 'private') throw new PkiError('the issuer needs a private key to sign', 'ERR_PKI_KEY');
  if (!issuer.node.checkPrivateKey(key)) {
    throw new PkiError(
      `the issuer private key does not match the issuer certificate (${issuer.node.subject})`,
      'ERR_PKI_KEY',
    );
  }
  if (!issuer.node.ca)
    throw new PkiError(`the issuer certificate (${issuer.node.subject}) is not a CA`, 'ERR_PKI_INVALID');
  (seen ?? issuerChecked.set(key, new Set()).get(key)!).add(id);
}

function defaultKeyUsages(rsa: boolean, isCA: boolean): KeyUsageName[] {
  const usages: KeyUsageName[] = ['digitalSignature'];
  // kubeadm sets keyEncipherment on every certificate; it only means something for RSA key transport.
  if (rsa) usages.push('keyEncipherment');
  if (isCA) usages.push('keyCertSign');
  return usages;
}

// Extensions that are the same for many certificates (usages, constraints, the issuer's AKI) are encoded once.
const extensionMemo = new Map<string, x509Types.Extension>();
function memo(key: string, make: () => x509Types.Extension): x509Types.Extension {
  let ext = extensionMemo.get(key);
  if (!ext) {
    if (extensionMemo.size > 256) extensionMemo.clear();
    ext = make();
    extensionMemo.set(key, ext);
  }
  return ext;
}

function buildExtensions(o: {
  key: KeyFacts;
  isCA: boolean;
  keyUsages?: KeyUsageName[];
  extKeyUsages: string[];
  authorityKeyId?: string;
  subjectEmpty: boolean;
  alt: { dnsNames?: string[]; ipAddresses?: string[]; emailAddresses?: string[]; uris?: string[] };
}): x509Types.Extension[] {
  // Same order as Go's crypto/x509: keyUsage, extKeyUsage, basicConstraints, SKI, AKI, SAN.
  const exts: x509Types.Extension[] = [];
  const usages = o.keyUsages ?? defaultKeyUsages(o.key.rsa, o.isCA);
  const flags = usages.reduce((acc, u) => {
    const f = KEY_USAGE_FLAGS[u];
    if (f === undefined) throw new PkiError(`unknown key usage "${u}"`, 'ERR_PKI_INVALID');
    return acc | f;
  }, 0);
  if (flags) exts.push(memo(`ku:${flags}`, () => new x509.KeyUsagesExtension(flags, true)));
  if (o.extKeyUsages.length) {
    const oids = o.extKeyUsages.map((u) => {
      const oid = EKU_OIDS[u] ?? (/^\d+(\.\d+)+$/.test(u) ? u : undefined);
      if (!oid)
        throw new PkiError(`unknown extended key usage "${u}" (want clientAuth or serverAuth)`, 'ERR_PKI_INVALID');
      return oid;
    });
    exts.push(memo(`eku:${oids.join(',')}`, () => new x509.ExtendedKeyUsageExtension(oids, false)));
  }
  exts.push(memo(`bc:${o.isCA}`, () => new x509.BasicConstraintsExtension(o.isCA, undefined, true)));
  exts.push(new x509.SubjectKeyIdentifierExtension(o.key.keyId, false));
  if (o.authorityKeyId)
    exts.push(
      memo(`aki:${o.authorityKeyId}`, () => new x509.AuthorityKeyIdentifierExtension(o.authorityKeyId!, false)),
    );
  // RFC 5280 4.2.1.6: the SAN is critical when the subject is empty.
  const san = buildSanExtension(o.alt, o.subjectEmpty);
  if (san) exts.push(san);
  return exts;
}

function pemOf(cert: x509Types.X509Certificate): string {
  return toPem('CERTIFICATE', cert.rawData);
}

/**
 * Issues a certificate for `publicKey`, signed by the issuer CA. Fast: the issuer certificate is parsed and its
 * key imported once, so signing many CSRs costs one signature each.
 */
export async function issueCertificate(opts: IssueCertificateOptions): Promise<string> {
  const issuer = loadFirst(opts.issuer.certPem);
  checkIssuer(issuer, opts.issuer.privateKey);
  checkValidity(opts.notBefore, opts.notAfter);
  const key = factsOf(toPublicKeyObject(opts.publicKey));
  const signing = await toSigningKey(opts.issuer.privateKey);
  const issuerSki =
    pxOf(issuer).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? factsOf(issuer.node.publicKey).keyId;
  const subjectEmpty =
    !opts.subject.commonName && !opts.subject.organizations?.length && !opts.subject.organizationalUnits?.length;
  const extensions = buildExtensions({
    key,
    isCA: opts.isCA ?? false,
    keyUsages: opts.keyUsages,
    extKeyUsages: opts.extKeyUsages,
    authorityKeyId: issuerSki,
    subjectEmpty,
    alt: opts,
  });
  return generate({
    serialNumber: opts.serialNumber,
    subject: buildName(opts.subject),
    issuer: pxOf(issuer).subjectName,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    spki: key.spki,
    signing,
    extensions,
  });
}

/** One certificate, signed: the part issuing a leaf and making a self-signed CA share. */
async function generate(p: {
  serialNumber?: string;
  subject: x509Types.Name;
  issuer: x509Types.Name;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  signing: { key: unknown; algorithm: unknown };
  extensions: x509Types.Extension[];
}): Promise<string> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: p.serialNumber,
    subject: p.subject,
    issuer: p.issuer,
    notBefore: second(p.notBefore),
    notAfter: second(p.notAfter),
    publicKey: p.spki,
    signingKey: p.signing.key as unknown as LibCryptoKey,
    signingAlgorithm: p.signing.algorithm as LibAlgorithm,
    extensions: p.extensions,
  });
  return pemOf(cert);
}

/**
 * A self-signed CA as client-go's NewSelfSignedCACert makes kubeadm's: basicConstraints CA:TRUE (critical),
 * keyUsage digitalSignature, keyEncipherment (RSA), keyCertSign (critical), SKI, and a DNS SAN equal to the CN.
 */
export async function createSelfSignedCa(opts: CreateSelfSignedCaOptions): Promise<string> {
  checkValidity(opts.notBefore, opts.notAfter);
  if (!opts.commonName) throw new PkiError('a CA needs a common name', 'ERR_PKI_INVALID');
  const key = factsOf(createPublicKey(opts.privateKey));
  const signing = await toSigningKey(opts.privateKey);
  const name = buildName({ commonName: opts.commonName, organizations: opts.organizations });
  const extensions = buildExtensions({
    key,
    isCA: true,
    extKeyUsages: [],
    subjectEmpty: false,
    alt: { dnsNames: [opts.commonName].filter((cn) => /^[a-z0-9.-]+$/i.test(cn)) },
  });
  return generate({
    serialNumber: opts.serialNumber,
    subject: name,
    issuer: name,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    spki: key.spki,
    signing,
    extensions,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Verification.

export interface VerifyOptions {
  /** The time to check validity periods at; default now. */
  at?: Date;
}

function validityProblem(c: LoadedCert, at: Date): string | null {
  const info = infoOf(c);
  if (at < info.notBefore)
    return `certificate "${info.subjectString}" is not valid before ${info.notBefore.toISOString()}`;
  if (at > info.notAfter) return `certificate "${info.subjectString}" expired at ${info.notAfter.toISOString()}`;
  return null;
}

/** The child names the parent as issuer and carries a signature by the parent's key (CA checks are separate). */
function signedBy(child: LoadedCert, parent: LoadedCert): boolean {
  try {
    return child.node.issuer === parent.node.subject && child.node.verify(parent.node.publicKey);
  } catch {
    return false;
  }
}

/**
 * Why `leafPem` does not chain to one of `caPems` (each may be a bundle), or null when it does: every link is
 * signed by the next, every issuer is a CA allowed to sign certificates, every certificate is within its validity
 * period, and the chain ends at a self-signed certificate from `caPems` — what `openssl verify -CAfile` checks.
 */
export function explainChainFailure(
  leafPem: string | Uint8Array,
  caPems: (string | Uint8Array)[],
  opts: VerifyOptions = {},
): string | null {
  const at = opts.at ?? new Date();
  const pool = caPems.flatMap((p) => certificateDers(p)).map(loadDer);
  let current = loadFirst(leafPem);
  for (let depth = 0; depth < 10; depth++) {
    const bad = validityProblem(current, at);
    if (bad) return bad;
    const info = infoOf(current);
    if (info.selfSigned && signedBy(current, current)) {
      return pool.some((p) => p.raw.equals(current.raw))
        ? null
        : `certificate "${info.subjectString}" is self-signed and not one of the trusted CAs`;
    }
    const parent = pool.find((p) => p !== current && signedBy(current, p));
    if (!parent)
      return `certificate "${info.subjectString}" is signed by an unknown authority ("${info.issuerString}")`;
    const pInfo = infoOf(parent);
    if (!pInfo.isCA) return `issuer "${pInfo.subjectString}" is not a CA`;
    if (pInfo.keyUsages.length && !pInfo.keyUsages.includes('keyCertSign')) {
      return `issuer "${pInfo.subjectString}" is not allowed to sign certificates (no keyCertSign usage)`;
    }
    current = parent;
  }
  return 'certificate chain is too long';
}

/** True when `leafPem` chains to one of `caPems` (see explainChainFailure). */
export function verifyChain(
  leafPem: string | Uint8Array,
  caPems: (string | Uint8Array)[],
  opts: VerifyOptions = {},
): boolean {
  return explainChainFailure(leafPem, caPems, opts) === null;
}

/** True when `childPem` carries a valid signature by `issuerPem`'s key (no validity or CA checks). */
export function isSignedBy(childPem: string | Uint8Array, issuerPem: string | Uint8Array): boolean {
  return signedBy(loadFirst(childPem), loadFirst(issuerPem));
}
