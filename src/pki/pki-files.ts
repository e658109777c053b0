// Reading the cert/key pairs of a kubeadm-layout PKI directory (`<dir>/<base>.crt`, `<dir>/<base>.key`) with
// errors that name the file and say what is wrong with it.
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import {
  certificateFacts,
  certificateMatchesKey,
  readCertificate,
  type CertFacts,
  type CertInfo,
} from './certificate.js';
import { PkiError } from './errors.js';
import { readIfExists } from './files.js';
import { loadPrivateKeyPem } from './keys.js';

export const certPath = (dir: string, baseName: string): string => join(dir, `${baseName}.crt`);
export const keyPath = (dir: string, baseName: string): string => join(dir, `${baseName}.key`);

export interface LoadedCertFile {
  path: string;
  pem: string;
  info: CertFacts;
}

export function parseCertFile(path: string, text: string, label: string): LoadedCertFile {
  try {
    return { path, pem: text, info: certificateFacts(text) };
  } catch (e) {
    throw new PkiError(`failure loading ${label} certificate ${path}: ${(e as Error).message}`, 'ERR_PKI_FILE');
  }
}

export function parseKeyFile(path: string, text: string, label: string): KeyObject {
  try {
    return loadPrivateKeyPem(text);
  } catch (e) {
    throw new PkiError(`failure loading ${label} key ${path}: ${(e as Error).message}`, 'ERR_PKI_FILE');
  }
}

export function loadCertFile(path: string, label: string): LoadedCertFile {
  const text = readIfExists(path);
  if (text === undefined) throw new PkiError(`${label} certificate ${path} does not exist`, 'ERR_PKI_FILE');
  return parseCertFile(path, text, label);
}

export function loadKeyFile(path: string, label: string): KeyObject {
  const text = readIfExists(path);
  if (text === undefined) throw new PkiError(`${label} key ${path} does not exist`, 'ERR_PKI_FILE');
  return parseKeyFile(path, text, label);
}

/** An error when the certificate is outside its validity period at `now`. */
export function checkPeriod(file: LoadedCertFile, label: string, now: Date, hint = ''): void {
  const { notBefore, notAfter } = file.info;
  if (now < notBefore)
    throw new PkiError(
      `${label} certificate ${file.path} is not valid until ${notBefore.toISOString()}`,
      'ERR_PKI_TREE',
    );
  if (now > notAfter)
    throw new PkiError(`${label} certificate ${file.path} expired on ${notAfter.toISOString()}${hint}`, 'ERR_PKI_TREE');
}

export interface CertificateAuthority {
  certPath: string;
  certPem: string;
  cert: CertInfo;
  privateKey: KeyObject;
}

/**
 * Loads a CA (default `ca`) from a cert dir: both files must exist, the certificate must be a CA within its
 * validity period and the key must be its key. kubeadm's LoadCertificateAuthority.
 */
export function loadCertificateAuthority(certDir: string, baseName = 'ca', now = new Date()): CertificateAuthority {
  const label = baseName === 'etcd/ca' ? 'etcd-ca' : baseName;
  const cp = certPath(certDir, baseName);
  const kp = keyPath(certDir, baseName);
  const certText = readIfExists(cp);
  if (certText === undefined) {
    throw new PkiError(
      `the ${label} certificate ${cp} does not exist; run "kauth certs init --cert-dir ${certDir}" first`,
      'ERR_PKI_FILE',
    );
  }
  const cert = parseCertFile(cp, certText, label);
  if (!cert.info.isCA) throw new PkiError(`certificate ${cp} is not a CA`, 'ERR_PKI_TREE');
  checkPeriod(cert, label, now);
  const info = readCertificate(certText);
  const keyText = readIfExists(kp);
  if (keyText === undefined)
    throw new PkiError(
      `the ${label} key ${kp} does not exist (external CA): kauth cannot sign with it`,
      'ERR_PKI_FILE',
    );
  const privateKey = parseKeyFile(kp, keyText, label);
  if (!certificateMatchesKey(certText, privateKey))
    throw new PkiError(`the ${label} key ${kp} does not match the certificate ${cp}`, 'ERR_PKI_KEY');
  return { certPath: cp, certPem: certText, cert: info, privateKey };
}
