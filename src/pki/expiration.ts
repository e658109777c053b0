// `kauth certs check-expiration`: kubeadm's table of the tree's certificates (and those embedded in kubeconfig
// files) with their expiry, residual time, CA and whether the CA is external, then the CAs.
import { join } from 'node:path';
import { readCertificate } from './certificate.js';
import { PkiError } from './errors.js';
import { readIfExists } from './files.js';
import { CA_SPECS, KUBECONFIG_SPECS, LEAF_SPECS } from './kubeadm-spec.js';
import { certPath, keyPath } from './pki-files.js';
import { parseKubeconfig } from '../kubeconfig/load.js';
import { resolveClusterCredentials } from '../kubeconfig/credentials.js';

export interface ExpirationEntry {
  name: string;
  missing: boolean;
  expires?: Date;
  residualSeconds?: number;
  /** For certificates: the CA that signs them. */
  caName?: string;
  externallyManaged: boolean;
}

export interface ExpirationReport {
  certificates: ExpirationEntry[];
  authorities: ExpirationEntry[];
}

function entry(
  name: string,
  expires: Date | undefined,
  now: Date,
  externallyManaged: boolean,
  caName?: string,
): ExpirationEntry {
  return expires
    ? {
        name,
        missing: false,
        expires,
        residualSeconds: Math.floor((expires.getTime() - now.getTime()) / 1000),
        caName,
        externallyManaged,
      }
    : { name, missing: true, caName, externallyManaged };
}

function certExpiry(path: string, label: string): Date | undefined {
  const text = readIfExists(path);
  if (text === undefined) return undefined;
  try {
    return readCertificate(text).notAfter;
  } catch (e) {
    throw new PkiError(`failure loading ${label} certificate ${path}: ${(e as Error).message}`, 'ERR_PKI_FILE');
  }
}

function kubeconfigExpiry(path: string, label: string): Date | undefined {
  const text = readIfExists(path);
  if (text === undefined) return undefined;
  try {
    const creds = resolveClusterCredentials(parseKubeconfig(text, path));
    if (!creds.clientCertPem) throw new PkiError('it has no client certificate');
    return readCertificate(creds.clientCertPem).notAfter;
  } catch (e) {
    throw new PkiError(
      `failure loading the ${label} certificate embedded in ${path}: ${(e as Error).message}`,
      'ERR_PKI_FILE',
    );
  }
}

/** Reads expiry dates of the tree under certDir and the kubeconfig files under kubeconfigDir (sorted by name). */
export function checkExpiration(certDir: string, kubeconfigDir: string, now = new Date()): ExpirationReport {
  // A CA is externally managed when its certificate is present without its key (kubeadm's external CA mode).
  const external = new Map(
    CA_SPECS.map((ca) => [
      ca.name,
      readIfExists(certPath(certDir, ca.baseName)) !== undefined &&
        readIfExists(keyPath(certDir, ca.baseName)) === undefined,
    ]),
  );
  const certificates: ExpirationEntry[] = [
    ...LEAF_SPECS.map((l) =>
      entry(l.name, certExpiry(certPath(certDir, l.baseName), l.name), now, external.get(l.ca)!, l.ca),
    ),
    ...KUBECONFIG_SPECS.filter((k) => k.renewable).map((k) =>
      entry(k.fileName, kubeconfigExpiry(join(kubeconfigDir, k.fileName), k.fileName), now, external.get('ca')!, 'ca'),
    ),
  ].sort((a, b) => (a.name < b.name ? -1 : 1));
  const authorities = CA_SPECS.map((ca) =>
    entry(ca.name, certExpiry(certPath(certDir, ca.baseName), ca.name), now, external.get(ca.name)!),
  ).sort((a, b) => (a.name < b.name ? -1 : 1));
  return { certificates, authorities };
}

/** k8s.io/apimachinery's duration.ShortHumanDuration: 59s, 59m, 23h, 364d, 9y. */
export function shortHumanDuration(seconds: number): string {
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's "Jan 02, 2006 15:04 MST" layout, in UTC. */
export function formatExpiry(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())}, ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())} UTC`;
}

/**
 * Go's text/tabwriter as kubeadm configures it (minwidth 10, tabwidth 4, padding 3, blanks): every tab-terminated
 * cell is padded to its column's width; the text after the last tab of a line is not aligned.
 */
export function tabwrite(lines: string[]): string {
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const r of rows) {
    r.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Math.max(cell.length + 3, 10));
    });
  }
  return (
    rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('')).join('\n') + '\n'
  );
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no').padEnd(8);

/** The two tables of `kubeadm certs check-expiration`. */
export function renderExpiration(report: ExpirationReport): string {
  const certs = ['CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE AUTHORITY\tEXTERNALLY MANAGED'];
  for (const c of report.certificates) {
    certs.push(
      c.missing
        ? `!MISSING! ${c.name}\t\t\t\t`
        : `${c.name}\t${formatExpiry(c.expires!)}\t${shortHumanDuration(c.residualSeconds!)}\t${c.caName ?? ''}\t${yesNo(c.externallyManaged)}`,
    );
  }
  const cas = ['CERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY MANAGED'];
  for (const c of report.authorities) {
    cas.push(
      c.missing
        ? `!MISSING! ${c.name}\t\t\t`
        : `${c.name}\t${formatExpiry(c.expires!)}\t${shortHumanDuration(c.residualSeconds!)}\t${yesNo(c.externallyManaged)}`,
    );
  }
  return `${tabwrite(certs)}\n${tabwrite(cas)}`;
}
