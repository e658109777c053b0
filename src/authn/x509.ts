// Client-certificate authentication (apiserver/pkg/authentication/request/x509): the TLS layer only
// asks for a certificate, so this authenticator verifies the presented chain against
// --client-ca-file itself, the way Go's x509.Certificate.Verify does with KeyUsages [ClientAuth],
// then maps CN → user name and O → groups (CommonNameUserConversion).
import { createHash, X509Certificate } from 'node:crypto';
import { decodePemBlocks } from '../pki/pem.js';
import { x509 as px509, type x509Types } from '../pki/x509.js';
import { AuthenticationError, type Authenticator, type AuthRequest, type AuthResponse } from './interfaces.js';
import { kubeTime } from '../api/time.js';

const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EKU = '2.5.29.37.0';
// Budgets for building a chain from what a client presents (before it is authenticated): Go's
// crypto/x509 stops after maxChainSignatureChecks = 100 signature checks; real chains are a handful of
// certificates, so more presented intermediates and longer paths are never looked at.
/** Signature checks one verification may make (Go's maxChainSignatureChecks). */
export const MAX_CHAIN_SIGNATURE_CHECKS = 100;
/** Presented intermediates considered; any beyond these are ignored. */
export const MAX_PRESENTED_INTERMEDIATES = 16;
/** Longest chain tried (leaf + intermediates + root). */
export const MAX_CHAIN_LENGTH = 10;
const SIGNATURE_LIMIT_MESSAGE = 'x509: signature check attempts limit reached while verifying certificate chain';

export interface X509AuthenticatorOptions {
  now?: () => Date;
}

/** Go's "x509: …" verification failures, by kind. */
class VerifyError extends Error {}

/** Parsed once per certificate: node's for crypto, @peculiar's for names and extensions. */
interface Cert {
  node: X509Certificate;
  /** Parsed on first use: the CA bundle is loaded at start, and @peculiar/x509 costs ~0.15 s to load. */
  readonly parsed: x509Types.X509Certificate;
  /** Subject, public key and SAN: what Go's alreadyInChain compares. */
  identity: string;
}

function load(node: X509Certificate): Cert {
  const spki = node.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  let parsed: x509Types.X509Certificate | undefined;
  return {
    node,
    get parsed() {
      return (parsed ??= new px509.X509Certificate(node.raw));
    },
    identity: `${node.subject}\n${spki}\n${node.subjectAltName ?? ''}`,
  };
}

/**
 * alreadyInChain: a candidate with the same subject, public key and SAN as a certificate already in the
 * path is the same CA for chain building (this also stops loops of mutual cross-signatures).
 */
function alreadyInChain(candidate: Cert, chain: Cert[]): boolean {
  return chain.some((c) => c.identity === candidate.identity);
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
    throw new VerifyError(
      `x509: certificate has expired or is not yet valid: current time ${kubeTime(now)} is before ${kubeTime(cert.parsed.notBefore)}`,
    );
  }
  if (now > cert.parsed.notAfter) {
    throw new VerifyError(
      `x509: certificate has expired or is not yet valid: current time ${kubeTime(now)} is after ${kubeTime(cert.parsed.notAfter)}`,
    );
  }
}

/** Names and key ids line up (OpenSSL's check_issued): a potential parent, as Go's findPotentialParents. */
function potentialParent(cert: Cert, issuer: Cert): boolean {
  try {
    return cert.node.checkIssued(issuer.node);
  } catch {
    return false;
  }
}

function signatureVerifies(cert: Cert, issuer: Cert): boolean {
  try {
    return cert.node.verify(issuer.node.publicKey);
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
/** Distinct chains whose verification is remembered. */
const VERIFIED_CACHE_SIZE = 1024;

export class X509Authenticator implements Authenticator {
  readonly name = 'x509';
  private readonly roots: Cert[];
  private readonly now: () => Date;
  /**
   * Verified results by the presented chain's SHA-256 fingerprints, most recently used last: a chain is parsed
   * and checked once, not once per connection (each kubectl run, each watch of a 1,000-watcher informer fleet
   * opens one), nor per request. A result depends only on the chain's bytes, the CA bundle and the time; the
   * time is bounded by VERIFIED_TTL_MS and the leaf's expiry.
   */
  private readonly verified = new Map<string, { resp: AuthResponse | null; until: number }>();

  constructor(clientCaPems: string[], options: X509AuthenticatorOptions = {}) {
    this.roots = [];
    for (const bundle of clientCaPems) {
      for (const b of decodePemBlocks(bundle))
        if (b.type === 'CERTIFICATE') this.roots.push(load(new X509Certificate(b.der)));
    }
    this.now = options.now ?? (() => new Date());
  }

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    if (req.peerCertificates.length === 0) return null;
    // No CA bundle: nothing can be verified, so client certificates authenticate nobody.
    if (this.roots.length === 0) return null;
    const nodeLeaf = req.peerCertificates[0]!;
    const now = this.now().getTime();
    const key = req.peerCertificates
      .slice(0, 1 + MAX_PRESENTED_INTERMEDIATES)
      .map((c) => c.fingerprint256)
      .join(',');
    const hit = this.verified.get(key);
    if (hit && now < hit.until) {
      this.verified.delete(key);
      this.verified.set(key, hit);
      return hit.resp && structuredClone(hit.resp);
    }
    const resp = this.authenticateChain(req);
    const validTo = Date.parse(nodeLeaf.validTo);
    this.verified.delete(key);
    this.verified.set(key, {
      resp,
      until: Math.min(now + VERIFIED_TTL_MS, Number.isNaN(validTo) ? now : validTo),
    });
    if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    return resp && structuredClone(resp);
  }

  private authenticateChain(req: AuthRequest): AuthResponse | null {
    const presented = req.peerCertificates.slice(0, 1 + MAX_PRESENTED_INTERMEDIATES).map(load);
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

  /**
   * A chain leaf → (intermediates from the peer) → a client CA, or Go's error for why there is none. Like Go's
   * buildChains: depth first, roots before intermediates, no CA twice in one path, and at most
   * MAX_CHAIN_SIGNATURE_CHECKS signature checks in all (without that, n certificates that all sign each other
   * make n! paths).
   */
  private verify(presented: Cert[]): Cert[] {
    const now = this.now();
    const leaf = presented[0]!;
    checkValidity(leaf, now);
    const intermediates = presented.slice(1);
    const failures: VerifyError[] = [];
    const chains: Cert[][] = [];
    let signatureChecks = 0;
    let limitReached = false;

    /** considerCandidate's budget and signature check; false once the budget is spent. */
    const signedBy = (cert: Cert, candidate: Cert): boolean => {
      if (++signatureChecks > MAX_CHAIN_SIGNATURE_CHECKS) {
        limitReached = true;
        return false;
      }
      return signatureVerifies(cert, candidate);
    };

    const build = (chain: Cert[]): void => {
      const cert = chain[chain.length - 1]!;
      if (chain.length === 1 && this.roots.some((r) => r.node.raw.equals(cert.node.raw))) {
        chains.push(chain);
        return;
      }
      for (const root of this.roots) {
        if (limitReached) return;
        if (!potentialParent(cert, root) || alreadyInChain(root, chain) || !signedBy(cert, root)) continue;
        try {
          checkValidity(root, now);
          chains.push([...chain, root]);
        } catch (e) {
          failures.push(e as VerifyError);
        }
      }
      if (chain.length >= MAX_CHAIN_LENGTH - 1) return;
      for (const inter of intermediates) {
        if (limitReached) return;
        if (!potentialParent(cert, inter) || alreadyInChain(inter, chain) || !signedBy(cert, inter)) continue;
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

    if (chains.length === 0) {
      if (limitReached) throw new VerifyError(SIGNATURE_LIMIT_MESSAGE);
      throw failures[failures.length - 1] ?? new VerifyError('x509: certificate signed by unknown authority');
    }
    const usable = chains.find(allowsClientAuth);
    if (!usable) throw new VerifyError('x509: certificate specifies an incompatible key usage');
    return usable;
  }
}
