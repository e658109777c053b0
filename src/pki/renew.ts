// `kauth certs renew`: re-issue a tree certificate (or one embedded in a kubeconfig) with the same subject, SANs
// and usages, signed by the same CA, valid from now. Like kubeadm's RenewUsingLocalCA a new key is generated (of
// the same algorithm); `keepKey` reuses the existing one instead. CAs are never renewed.
import { join } from 'node:path';
import { issueCertificate, readCertificate, type CertInfo, type ExtKeyUsageName } from './certificate.js';
import { PkiError } from './errors.js';
import { CERT_MODE, KEY_MODE, readIfExists, writeFileAtomic } from './files.js';
import { generateKeyPair, keyAlgorithmOf, loadPrivateKeyPem, privateKeyToPem } from './keys.js';
import { caSpec, KUBECONFIG_SPECS, LEAF_SPECS, type CaName } from './kubeadm-spec.js';
import { certPath, keyPath, loadCertFile, loadCertificateAuthority, loadKeyFile } from './pki-files.js';
import { readEmbeddedClientCredentials, setKubeconfigClientCredentials } from '../kubeconfig/edit.js';
import type { KeyObject } from 'node:crypto';

export interface RenewOptions {
  certDir: string;
  kubeconfigDir: string;
  /** Default 365. */
  validityDays?: number;
  keepKey?: boolean;
  now?: Date;
}

export interface RenewResult {
  name: string;
  longName: string;
  renewed: boolean;
  /** Why not, when renewed is false (external CA). */
  reason?: string;
}

const BACKDATE_MS = 5 * 60 * 1000;

/** Every name `renew` accepts, sorted as kubeadm lists them. */
export function renewableNames(): string[] {
  return [
    ...LEAF_SPECS.map((l) => l.name),
    ...KUBECONFIG_SPECS.filter((k) => k.renewable).map((k) => k.fileName),
  ].sort();
}

async function reissue(o: RenewOptions, caName: CaName, current: CertInfo, currentKey: KeyObject) {
  const now = o.now ?? new Date();
  const ca = loadCertificateAuthority(o.certDir, caSpec(caName).baseName, now);
  const validityDays = o.validityDays ?? 365;
  if (!(validityDays > 0))
    throw new PkiError(
      `certificate validity must be a positive number of days, not ${validityDays}`,
      'ERR_PKI_INVALID',
    );
  const key = o.keepKey ? currentKey : (await generateKeyPair(keyAlgorithmOf(currentKey))).privateKey;
  const certPem = await issueCertificate({
    issuer: { certPem: ca.certPem, privateKey: ca.privateKey },
    publicKey: key,
    subject: current.subject,
    dnsNames: current.dnsNames,
    ipAddresses: current.ipAddresses,
    emailAddresses: current.emailAddresses,
    uris: current.uris,
    extKeyUsages: current.extKeyUsages as ExtKeyUsageName[],
    notBefore: new Date(Math.max(now.getTime() - BACKDATE_MS, ca.cert.notBefore.getTime())),
    notAfter: new Date(now.getTime() + validityDays * 86_400_000),
  });
  return { certPem, key };
}

function externalCa(certDir: string, caName: CaName): boolean {
  const base = caSpec(caName).baseName;
  return readIfExists(certPath(certDir, base)) !== undefined && readIfExists(keyPath(certDir, base)) === undefined;
}

/** Renews one certificate by its kubeadm name (`apiserver`, `etcd-server`, `admin.conf`, …). */
export async function renewCertificate(name: string, o: RenewOptions): Promise<RenewResult> {
  const leaf = LEAF_SPECS.find((l) => l.name === name);
  const kc = KUBECONFIG_SPECS.find((k) => k.fileName === name && k.renewable);
  if (!leaf && !kc)
    throw new PkiError(
      `unknown certificate "${name}"; valid names: ${renewableNames().join(', ')}, all`,
      'ERR_PKI_INVALID',
    );
  const caName: CaName = leaf?.ca ?? 'ca';
  const longName = leaf?.longName ?? kc!.longName;
  if (externalCa(o.certDir, caName)) {
    return { name, longName, renewed: false, reason: `Detected external ${caName}, ${name} can't be renewed` };
  }
  if (leaf) {
    const cp = certPath(o.certDir, leaf.baseName);
    const kp = keyPath(o.certDir, leaf.baseName);
    const current = readCertificate(loadCertFile(cp, leaf.name).pem);
    const { certPem, key } = await reissue(o, caName, current, loadKeyFile(kp, leaf.name));
    // Key first: a crash between the two writes leaves a key/cert mismatch that init reports, never a silent one.
    if (!o.keepKey) writeFileAtomic(kp, privateKeyToPem(key), { mode: KEY_MODE, overwrite: true });
    writeFileAtomic(cp, certPem, { mode: CERT_MODE, overwrite: true });
  } else {
    const file = join(o.kubeconfigDir, kc!.fileName);
    let embedded;
    let current: CertInfo;
    let currentKey: KeyObject;
    try {
      embedded = readEmbeddedClientCredentials(file);
      current = readCertificate(embedded.certPem);
      currentKey = loadPrivateKeyPem(embedded.keyPem);
    } catch (e) {
      throw new PkiError(`cannot renew ${name}: ${(e as Error).message}`, 'ERR_PKI_FILE');
    }
    const { certPem, key } = await reissue(o, caName, current, currentKey);
    setKubeconfigClientCredentials(file, certPem, privateKeyToPem(key));
  }
  return { name, longName, renewed: true };
}

/** Renews every renewable certificate, in name order. */
export async function renewAll(o: RenewOptions): Promise<RenewResult[]> {
  // Independent files: renew in parallel so new keys are generated concurrently.
  return Promise.all(renewableNames().map((name) => renewCertificate(name, o)));
}
