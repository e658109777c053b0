// Client-certificate authentication (apiserver/pkg/authentication/request/x509): the TLS layer only
// asks for a certificate, so this authenticator verifies the presented chain against
// --client-ca-file itself, the way Go's x509.Certificate.Verify does with KeyUsages [ClientAuth],
// then maps CN → user name and O → groups (CommonNameUserConversion).
import { createHash, X509Certificate } from 'node:crypto';
import { x509 as px509, type x509Types } from '../pki/x509.js';
import { AuthenticationError, type Authenticator, type AuthRequest, type AuthResponse } from './interfaces.js';
import { kubeTime } from '../api/time.js';

const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EKU = '2.5.29.37.0';
/** Longest chain tried (leaf + intermediates + root), well above anything real. */
const MAX_CHAIN_LENGTH = 10;

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export interface X509AuthenticatorOptions {
  now?: () => Date;
}

/** Go's "x509: …" verification failures, by kind. */
class VerifyError extends Error {}


/** Parsed once per certificate: node's for crypto, @peculiar's for names and extensions. */
interface Cert {
  node: X509Certificate;
  parsed: x509Types.X509Certificate;
}

function load(node: X509Certificate): Cert {
  return { node, parsed: new px509.X509Certificate(node.raw) };
}

function columnSeparatedHex(hex: string | undefined): string {
  return (hex ?? '').toUpperCase().match(/../g)?.join(':') ?? '';
}

/** certificateIdentifier(): how kube-apiserver names a certificate that failed verification. */
function certificateIdentifier(cert: Cert): string {
  const serial = BigInt(`0x${cert.node.serialNumber || '0'}`).toString();
  const skid = cert.parsed.getExtension(px509.SubjectKeyIdentifierExtension)?.keyId;
  const akid = cert.parsed.getExtension(px509.AuthorityKeyIdentifierExtension)?.keyId;
  return `SN=${serial}, SKID=${columnSeparatedHex(skid)}, AKID=${columnSeparatedHex(akid)}`;
}

function checkValidity(cert: Cert, now: Date): void {
  if (now < cert.parsed.notBefore) {
    throw new VerifyError(`x509: certificate has expired or is not yet valid: current time ${kubeTime(now)} is before ${kubeTime(cert.parsed.notBefore)}`);
  }
  if (now > cert.parsed.notAfter) {
    throw new VerifyError(`x509: certificate has expired or is not yet valid: current time ${kubeTime(now)} is after ${kubeTime(cert.parsed.notAfter)}`);
  }
}

/** Signed by `issuer`: names/key ids line up (OpenSSL's check_issued) and the signature verifies. */
function issuedBy(cert: Cert, issuer: Cert): boolean {
  try {
    return cert.node.checkIssued(issuer.node) && cert.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

/** Every certificate in the chain with an ExtKeyUsage must allow client auth (Go checks the chain nested). */
function allowsClientAuth(chain: Cert[]): boolean {
  return chain.every((c) => {
    const ekus = c.node.keyUsage; // node 20: the ExtKeyUsage OIDs, undefined when the extension is absent
    return !ekus || ekus.length === 0 || ekus.includes(OID_CLIENT_AUTH) || ekus.includes(OID_ANY_EKU);
  });
}

/** How long a verified chain is trusted without re-verifying (the leaf's expiry still bounds it). */
const VERIFIED_TTL_MS = 10_000;

export class X509Authenticator implements Authenticator {
  readonly name = 'x509';
  private readonly roots: Cert[];
  private readonly now: () => Date;
  /**
   * Verified results by the leaf object the server hands in: it parses a connection's chain once, so
   * a keep-alive connection's requests skip parsing and signature checks (they dominated GET cost).
   */
  private readonly verified = new WeakMap<X509Certificate, { resp: AuthResponse | null; until: number }>();

  constructor(clientCaPems: string[], options: X509AuthenticatorOptions = {}) {
    this.roots = [];
    for (const bundle of clientCaPems) {
      for (const m of bundle.matchAll(CERTIFICATE_PEM)) this.roots.push(load(new X509Certificate(m[0])));
    }
    this.now = options.now ?? (() => new Date());
  }

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    if (req.peerCertificates.length === 0) return null;
    // No CA bundle: nothing can be verified, so client certificates authenticate nobody.
    if (this.roots.length === 0) return null;
    const nodeLeaf = req.peerCertificates[0]!;
    const now = this.now().getTime();
    const hit = this.verified.get(nodeLeaf);
    if (hit && now < hit.until) return hit.resp && structuredClone(hit.resp);
    const resp = this.authenticateChain(req);
    const validTo = Date.parse(nodeLeaf.validTo);
    this.verified.set(nodeLeaf, { resp, until: Math.min(now + VERIFIED_TTL_MS, Number.isNaN(validTo) ? now : validTo) });
    return resp && structuredClone(resp);
  }

  private authenticateChain(req: AuthRequest): AuthResponse | null {
    const presented = req.peerCertificates.map(load);
    const leaf = presented[0]!;
    let chain: Cert[];
    try {
      chain = this.verify(presented);
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      throw new AuthenticationError(`verifying certificate ${certificateIdentifier(leaf)} failed: ${e.message}`);
    }
    const cn = leaf.parsed.subjectName.getField('CN');
    // Go's pkix.Name keeps the last CN; an empty one identifies nobody.
    const username = cn.length > 0 ? cn[cn.length - 1]! : '';
    if (!username) return null;
    const fingerprint = createHash('sha256').update(chain[0]!.node.raw).digest('hex');
    return {
      user: {
        username,
        groups: leaf.parsed.subjectName.getField('O'),
        extra: { [CREDENTIAL_ID_KEY]: [`X509SHA256=${fingerprint}`] },
      },
    };
  }

  /** A chain leaf → (intermediates from the peer) → a client CA, or Go's error for why there is none. */
  private verify(presented: Cert[]): Cert[] {
    const now = this.now();
    const leaf = presented[0]!;
    checkValidity(leaf, now);
    const intermediates = presented.slice(1);
    const failures: VerifyError[] = [];
    const chains: Cert[][] = [];

    const build = (chain: Cert[]): void => {
      const cert = chain[chain.length - 1]!;
      if (chain.length === 1 && this.roots.some((r) => r.node.raw.equals(cert.node.raw))) {
        chains.push(chain);
        return;
      }
      for (const root of this.roots) {
        if (!issuedBy(cert, root)) continue;
        try {
          checkValidity(root, now);
          chains.push([...chain, root]);
        } catch (e) {
          failures.push(e as VerifyError);
        }
      }
      if (chain.length >= MAX_CHAIN_LENGTH - 1) return;
      for (const inter of intermediates) {
        if (chain.includes(inter) || !issuedBy(cert, inter)) continue;
        try {
          if (!inter.node.ca) throw new VerifyError('x509: certificate is not authorized to sign other certificates');
          checkValidity(inter, now);
        } catch (e) {
          failures.push(e as VerifyError);
          continue;
        }
        build([...chain, inter]);
      }
    };
    build([leaf]);

    if (chains.length === 0) throw failures[failures.length - 1] ?? new VerifyError('x509: certificate signed by unknown authority');
    const usable = chains.find(allowsClientAuth);
    if (!usable) throw new VerifyError('x509: certificate specifies an incompatible key usage');
    return usable;
  }
}
