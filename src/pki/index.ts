// The PKI toolkit: keys, CSRs, certificates, the kubeadm tree, expiry and renewal.
export { PkiError, type PkiErrorCode } from './errors.js';
export * from './keys.js';
export {
  createCsr,
  parseCsr,
  parseVerifiedCsr,
  verifyCsrSignature,
  csrDer,
  type CreateCsrOptions,
  type ParsedCsr,
} from './csr.js';
export * from './certificate.js';
export type { Subject, ParsedSubject, AltNames } from './names.js';
export { splitSans, isValidDnsSan } from './names.js';
export { firstIpOfCidr, normalizeIp } from './ip.js';
export { pemBlocks, toPem, type PemBlock } from './pem.js';
export { writeFileAtomic, KEY_MODE, CERT_MODE, DIR_MODE } from './files.js';
export { loadCertificateAuthority, type CertificateAuthority } from './pki-files.js';
export * from './kubeadm-spec.js';
export * from './kubeadm-tree.js';
export * from './expiration.js';
export * from './renew.js';
export * from './usages.js';
export { parseDuration, parsePositiveDays } from './duration.js';
