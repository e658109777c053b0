// PKCS#10 certificate signing requests: made by kauth (as `openssl req -new` would) or parsed from anyone, with the
// self-signature checked — a request whose bytes were altered after signing is reported, never trusted.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.js';
import { buildName, buildSanExtension, readName, readSanExtension, type ParsedSubject, type Subject } from './names.js';
import { describeBlocks, looksLikePem, pemBlocks, toPem } from './pem.js';
import { toSigningKey, toVerifyKey, type LibAlgorithm, type LibCryptoKey } from './signing-key.js';
import { x509, type x509Types } from './x509.js';

export interface CreateCsrOptions {
  subject: Subject;
  dnsNames?: string[];
  ipAddresses?: string[];
  emailAddresses?: string[];
  uris?: string[];
  privateKey: KeyObject;
}

export interface ParsedCsr {
  subject: ParsedSubject;
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  publicKey: KeyObject;
  /** Go's x509.PublicKeyAlgorithm names: "RSA", "ECDSA", "Ed25519". */
  publicKeyAlgorithm: string;
  signatureValid: boolean;
  /** Why the signature could not be checked at all (unsupported algorithm, malformed key), when that is the case. */
  signatureError?: string;
  /** The DER bytes of the request. */
  raw: Buffer;
}

const SAN_OID = '2.5.29.17';
const CSR_PEM_TYPES = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

/** Creates a CSR signed with `privateKey`; SANs go into an extensionRequest attribute, as openssl and Go do. */
export async function createCsr(opts: CreateCsrOptions): Promise<string> {
  const signing = await toSigningKey(opts.privateKey);
  const publicKey = await toVerifyKey(createPublicKey(opts.privateKey));
  const san = buildSanExtension({
    dnsNames: opts.dnsNames,
    ipAddresses: opts.ipAddresses,
    emailAddresses: opts.emailAddresses,
    uris: opts.uris,
  });
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: buildName(opts.subject),
    keys: { privateKey: signing.key as unknown as LibCryptoKey, publicKey: publicKey as unknown as LibCryptoKey },
    signingAlgorithm: signing.algorithm as LibAlgorithm,
    extensions: san ? [san] : [],
  });
  return toPem('CERTIFICATE REQUEST', csr.rawData);
}

/** The DER of the first CSR in PEM text, or the input itself when it is already DER. */
export function csrDer(pemOrDer: string | Uint8Array): Buffer {
  if (looksLikePem(pemOrDer)) {
    const text = typeof pemOrDer === 'string' ? pemOrDer : Buffer.from(pemOrDer).toString('utf8');
    const blocks = pemBlocks(text);
    const block = blocks.find((b) => CSR_PEM_TYPES.has(b.type));
    if (!block)
      throw new PkiError(`expected a PEM "CERTIFICATE REQUEST" block, found ${describeBlocks(blocks)}`, 'ERR_PKI_PEM');
    return block.der;
  }
  if (typeof pemOrDer === 'string') {
    throw new PkiError('expected a PEM "CERTIFICATE REQUEST" block, found no PEM block', 'ERR_PKI_PEM');
  }
  return Buffer.from(pemOrDer);
}

function decode(der: Buffer): x509Types.Pkcs10CertificateRequest {
  try {
    return new x509.Pkcs10CertificateRequest(der);
  } catch (e) {
    throw new PkiError(
      `the data is not a valid PKCS#10 certificate request (${(e as Error).message})`,
      'ERR_PKI_PARSE',
    );
  }
}

async function checkSignature(csr: x509Types.Pkcs10CertificateRequest): Promise<{ valid: boolean; error?: string }> {
  try {
    return { valid: await csr.verify() };
  } catch (e) {
    // Unsupported or malformed signature algorithm/key: not a signature we can vouch for.
    return { valid: false, error: (e as Error).message.split('\n')[0] };
  }
}

function publicKeyAlgorithmName(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RSA';
    case 'ec':
      return 'ECDSA';
    case 'ed25519':
      return 'Ed25519';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

/** Parses a CSR (PEM text or DER). Throws PkiError for anything that is not one; reports the signature check. */
export async function parseCsr(pemOrDer: string | Uint8Array): Promise<ParsedCsr> {
  const raw = csrDer(pemOrDer);
  const csr = decode(raw);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  } catch (e) {
    throw new PkiError(
      `the certificate request carries an unusable public key (${(e as Error).message})`,
      'ERR_PKI_PARSE',
    );
  }
  let alt;
  try {
    const ext = csr.getExtension(SAN_OID);
    alt = readSanExtension(
      ext === null
        ? null
        : ext instanceof x509.SubjectAlternativeNameExtension
          ? ext
          : new x509.SubjectAlternativeNameExtension(ext.rawData),
    );
  } catch (e) {
    throw new PkiError(
      `the certificate request has a malformed subjectAltName (${(e as Error).message})`,
      'ERR_PKI_PARSE',
    );
  }
  const signature = await checkSignature(csr);
  return {
    subject: readName(csr.subjectName),
    ...alt,
    publicKey,
    publicKeyAlgorithm: publicKeyAlgorithmName(publicKey),
    signatureValid: signature.valid,
    ...(signature.error ? { signatureError: signature.error } : {}),
    raw,
  };
}

/** True when the CSR's self-signature verifies with the public key it carries. */
export async function verifyCsrSignature(pemOrDer: string | Uint8Array): Promise<boolean> {
  return (await checkSignature(decode(csrDer(pemOrDer)))).valid;
}

/** parseCsr, but a bad signature is an error: for callers that are about to sign the request. */
export async function parseVerifiedCsr(pemOrDer: string | Uint8Array): Promise<ParsedCsr> {
  const csr = await parseCsr(pemOrDer);
  if (csr.signatureError) {
    throw new PkiError(
      `the certificate request signature cannot be checked: ${csr.signatureError}`,
      'ERR_PKI_SIGNATURE',
    );
  }
  if (!csr.signatureValid) {
    throw new PkiError(
      'the certificate request signature is invalid: it was altered after signing or not signed by its key',
      'ERR_PKI_SIGNATURE',
    );
  }
  return csr;
}
