// kube-controller-manager's csrsigning controllers (k8s/pkg/controller/certificates/signer): approved, not failed,
// not yet issued requests for the kubernetes.io signers are checked against their signer's rules and either signed
// with --cluster-signing-cert-file/--cluster-signing-key-file or marked Failed (SignerValidationFailure).
// Lifetime and backdating follow authority.PermissiveSigningPolicy; usages map as keyUsagesFromStrings does.
import { readFileSync, statSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { log } from '../log.js';
import { issueCertificate, readCertificate, type ExtKeyUsageName, type KeyUsageName } from '../pki/certificate.js';
import type { ParsedCsr } from '../pki/csr.js';
import { loadPrivateKeyPem } from '../pki/keys.js';
import { usagesToX509 } from '../pki/usages.js';
import type { ObjectStore } from '../registry/object-store.js';
import {
  asCsr,
  certificateBytes,
  hasTrueCondition,
  isApproved,
  KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
  KUBE_APISERVER_CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER,
  parseCsrRequest,
  requestBytes,
  signatureError,
  type CsrCondition,
} from '../registry/resources/certificates.js';
import type { Informer } from './informer.js';
import { WorkQueue } from './informer.js';
import { kubeTime } from '../api/time.js';

/** The signers kauth runs. legacy-unknown is never signed: v1 cannot create such requests. */
export const SIGNED_SIGNERS: readonly string[] = [
  KUBE_APISERVER_CLIENT_SIGNER,
  KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
  KUBELET_SERVING_SIGNER,
];

const MINUTE = 60_000;
const BACKDATE_MS = 5 * MINUTE;
// 5 minutes of backdating is roughly 1% of 8 hours: shorter certificates keep their full requested end.
const SHORT_MS = 8 * 60 * MINUTE;
const MIN_TTL_MS = 10 * MINUTE;

// ---------------------------------------------------------------------------------------------------------------
// Signer rules (k8s/pkg/apis/certificates/helpers.go, signer.go).

const sameSet = (a: Set<string>, b: string[]): boolean => a.size === b.length && b.every((x) => a.has(x));
const sortedList = (xs: string[]): string => `[${[...xs].sort().join(' ')}]`;

const KUBELET_SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];
const KUBELET_SERVING_USAGES_NO_RSA = ['digital signature', 'server auth'];
const KUBELET_CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];
const KUBELET_CLIENT_USAGES_NO_RSA = ['digital signature', 'client auth'];

const isSystemNodes = (orgs: string[]): boolean => orgs.length === 1 && orgs[0] === 'system:nodes';

/** ValidateKubeletServingCSR, in Kubernetes' order of checks. */
export function kubeletServingError(csr: ParsedCsr, usages: string[]): string | null {
  const set = new Set(usages);
  if (!isSystemNodes(csr.subject.organizations)) return 'subject organization is not system:nodes';
  if (csr.dnsNames.length === 0 && csr.ipAddresses.length === 0) return 'DNS or IP subjectAltName is required';
  if (csr.emailAddresses.length > 0) return 'Email subjectAltNames are not allowed';
  if (csr.uris.length > 0) return 'URI subjectAltNames are not allowed';
  if (!sameSet(set, KUBELET_SERVING_USAGES) && !sameSet(set, KUBELET_SERVING_USAGES_NO_RSA))
    return `usages did not match ${sortedList(KUBELET_SERVING_USAGES)}`;
  if (!csr.subject.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  return null;
}

/** ValidateKubeletClientCSR, in Kubernetes' order of checks. */
export function kubeletClientError(csr: ParsedCsr, usages: string[]): string | null {
  const set = new Set(usages);
  if (!isSystemNodes(csr.subject.organizations)) return 'subject organization is not system:nodes';
  if (csr.dnsNames.length > 0) return 'DNS subjectAltNames are not allowed';
  if (csr.emailAddresses.length > 0) return 'Email subjectAltNames are not allowed';
  if (csr.ipAddresses.length > 0) return 'IP subjectAltNames are not allowed';
  if (csr.uris.length > 0) return 'URI subjectAltNames are not allowed';
  if (!csr.subject.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  if (!sameSet(set, KUBELET_CLIENT_USAGES) && !sameSet(set, KUBELET_CLIENT_USAGES_NO_RSA))
    return `usages did not match ${sortedList(KUBELET_CLIENT_USAGES)}`;
  return null;
}

/** validAPIServerClientUsages: only digital signature, key encipherment and (required) client auth. */
export function apiServerClientError(usages: string[]): string | null {
  let hasClientAuth = false;
  for (const u of usages) {
    if (u === 'digital signature' || u === 'key encipherment') continue;
    if (u === 'client auth') hasClientAuth = true;
    else return `invalid usage for client certificate: ${u}`;
  }
  return hasClientAuth ? null : 'missing required usage for client certificate: client auth';
}

/** Why the signer refuses the request (the Failed condition's message), or null when it may sign it. */
export function signerRuleError(signerName: string, csr: ParsedCsr, usages: string[]): string | null {
  switch (signerName) {
    case KUBELET_SERVING_SIGNER:
      return kubeletServingError(csr, usages);
    case KUBE_APISERVER_CLIENT_KUBELET_SIGNER:
      return kubeletClientError(csr, usages);
    case KUBE_APISERVER_CLIENT_SIGNER:
      return apiServerClientError(usages);
    default:
      throw new Error(`unrecognized signerName: ${JSON.stringify(signerName)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lifetime (signer.duration, PermissiveSigningPolicy.apply).

export class SignerExpiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignerExpiredError';
  }
}

/** The certificate TTL: the requested duration, capped at --cluster-signing-duration, at least 10 minutes. */
export function certificateTtlMs(expirationSeconds: number | undefined, maxTtlMs: number): number {
  if (expirationSeconds === undefined) return maxTtlMs;
  const requested = expirationSeconds * 1000;
  if (requested > maxTtlMs) return maxTtlMs;
  if (requested < MIN_TTL_MS) return MIN_TTL_MS;
  return requested;
}

/** Go's time.Time %v: `2006-01-02 15:04:05 +0000 UTC`. */
function goTime(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/**
 * NotBefore = now - 5m; NotAfter = now + ttl - 5m, or now + ttl for short (< 8h) certificates; NotAfter never
 * passes the signer's own NotAfter.
 */
export function validityWindow(now: Date, ttlMs: number, signerNotAfter: Date): { notBefore: Date; notAfter: Date } {
  const t = now.getTime();
  const notBefore = new Date(t - BACKDATE_MS);
  let notAfter = new Date(ttlMs < SHORT_MS ? t + ttlMs : t + ttlMs - BACKDATE_MS);
  if (notAfter.getTime() >= signerNotAfter.getTime()) notAfter = signerNotAfter;
  if (notBefore.getTime() >= signerNotAfter.getTime())
    throw new SignerExpiredError(`the signer has expired: NotAfter=${goTime(signerNotAfter)}`);
  if (t >= signerNotAfter.getTime())
    throw new SignerExpiredError(
      `refusing to sign a certificate that expired in the past: NotAfter=${goTime(signerNotAfter)}`,
    );
  return { notBefore, notAfter };
}

// Go's x509.ExtKeyUsage order: the signer sorts extended key usages by it.
const EKU_ORDER: ExtKeyUsageName[] = [
  'anyExtendedKeyUsage',
  'serverAuth',
  'clientAuth',
  'codeSigning',
  'emailProtection',
  'ipsecEndSystem',
  'ipsecTunnel',
  'ipsecUser',
  'timeStamping',
  'ocspSigning',
  'microsoftServerGatedCrypto',
  'netscapeServerGatedCrypto',
];

/** keyUsagesFromStrings: CSR usages → keyUsage bits and extKeyUsages (deduplicated, in Go's order). */
export function x509Usages(usages: string[]): { keyUsages: KeyUsageName[]; extKeyUsages: ExtKeyUsageName[] } {
  const { keyUsages, extKeyUsages } = usagesToX509(usages);
  return { keyUsages, extKeyUsages: [...extKeyUsages].sort((a, b) => EKU_ORDER.indexOf(a) - EKU_ORDER.indexOf(b)) };
}

// ---------------------------------------------------------------------------------------------------------------
// The signing CA.

export interface SigningCa {
  certPem: string;
  privateKey: KeyObject;
  notAfter: Date;
}

export function loadSigningCa(certFile: string, keyFile: string): SigningCa {
  const certPem = readFileSync(certFile, 'utf8');
  const privateKey = loadPrivateKeyPem(readFileSync(keyFile, 'utf8'));
  const cert = readCertificate(certPem);
  if (!cert.isCA) throw new Error(`${certFile} is not a CA certificate`);
  return { certPem, privateKey, notAfter: cert.notAfter };
}

/** The CA files, re-read when they change on disk (kube-controller-manager reloads them dynamically too). */
export class SigningCaFiles {
  private cached?: { ca: SigningCa; stamp: string };

  constructor(
    readonly certFile: string,
    readonly keyFile: string,
  ) {}

  current(): SigningCa {
    const stamp = [this.certFile, this.keyFile]
      .map((f) => {
        const s = statSync(f);
        return `${s.mtimeMs}:${s.size}`;
      })
      .join('|');
    if (this.cached?.stamp !== stamp) this.cached = { ca: loadSigningCa(this.certFile, this.keyFile), stamp };
    return this.cached.ca;
  }
}

export interface SignOptions {
  ca: SigningCa;
  csr: ParsedCsr;
  usages: string[];
  expirationSeconds?: number;
  /** --cluster-signing-duration, seconds. */
  maxTtlSeconds: number;
  now?: Date;
}

/**
 * CertificateAuthority.Sign with the permissive policy: subject and SANs from the request, usages from the spec,
 * basicConstraints CA:FALSE, nothing else copied from the request's extensions. Returns the PEM.
 */
export async function signCsr(o: SignOptions): Promise<string> {
  const bad = signatureError(o.csr);
  if (bad) throw new Error(`unable to verify certificate request signature: ${bad}`);
  const { notBefore, notAfter } = validityWindow(
    o.now ?? new Date(),
    certificateTtlMs(o.expirationSeconds, o.maxTtlSeconds * 1000),
    o.ca.notAfter,
  );
  const { keyUsages, extKeyUsages } = x509Usages(o.usages);
  return issueCertificate({
    issuer: { certPem: o.ca.certPem, privateKey: o.ca.privateKey },
    publicKey: o.csr.publicKey,
    subject: {
      commonName: o.csr.subject.commonName,
      organizations: o.csr.subject.organizations,
      organizationalUnits: o.csr.subject.organizationalUnits,
    },
    dnsNames: o.csr.dnsNames,
    ipAddresses: o.csr.ipAddresses,
    emailAddresses: o.csr.emailAddresses,
    uris: o.csr.uris,
    keyUsages,
    extKeyUsages,
    notBefore,
    notAfter,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The controller.

/** Still ours to act on: approved, not failed, not issued, one of our signers. */
export function wantsSigning(csr: KubeObject): boolean {
  const c = asCsr(csr);
  return (
    isApproved(c) &&
    !hasTrueCondition(c, 'Failed') &&
    certificateBytes(c).length === 0 &&
    SIGNED_SIGNERS.includes(c.spec.signerName ?? '')
  );
}

export class CsrSigningController {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    csrs: Informer,
    private readonly ca: () => SigningCa | undefined,
    private readonly maxTtlSeconds: number,
  ) {
    this.queue = new WorkQueue('csrsigning', (name) => this.sync(name));
    csrs.on({
      upsert: (o) => {
        if (wantsSigning(o)) this.queue.add(o.metadata.name!);
      },
    });
  }

  private async sync(name: string): Promise<void> {
    const def = this.objects.def('certificatesigningrequests');
    const current = await this.objects.mustGet(def, '', name).catch(() => undefined);
    if (!current || !wantsSigning(current)) return;
    const ca = this.ca();
    if (!ca) return;
    const spec = asCsr(current).spec;
    const parsed = await parseCsrRequest(requestBytes(current)).catch((e: Error) => {
      throw new Error(`unable to parse csr ${JSON.stringify(name)}: ${e.message}`);
    });
    const usages = spec.usages ?? [];
    const refusal = signerRuleError(spec.signerName!, parsed, usages);
    let update: (o: KubeObject) => void;
    if (refusal) {
      const ts = kubeTime();
      const failed: CsrCondition = {
        type: 'Failed',
        status: 'True',
        reason: 'SignerValidationFailure',
        message: refusal,
        lastUpdateTime: ts,
        lastTransitionTime: ts,
      };
      update = (o) => {
        const status = (o.status as { conditions?: CsrCondition[] } | undefined) ?? {};
        o.status = { ...status, conditions: [...(status.conditions ?? []), failed] };
      };
      log.info({ csr: name, signer: spec.signerName, reason: refusal }, 'csr signer validation failed');
    } else {
      const pem = await signCsr({
        ca,
        csr: parsed,
        usages,
        expirationSeconds: spec.expirationSeconds,
        maxTtlSeconds: this.maxTtlSeconds,
      });
      const certificate = Buffer.from(pem).toString('base64');
      update = (o) => {
        o.status = { ...((o.status as object | undefined) ?? {}), certificate };
      };
      log.info({ csr: name, signer: spec.signerName }, 'csr signed');
    }
    // The request's spec cannot change, so a decision made on it still holds; its status may have, so re-check.
    await this.objects.guaranteedUpdate(def, '', name, (o) => {
      if (!wantsSigning(o) || o.metadata.uid !== current.metadata.uid) return undefined;
      update(o);
      return o;
    });
  }
}
