// Distinguished names and subject alternative names, in the shapes Kubernetes reads: CN is the user name, every O
// is a group. Subjects are written in Go's pkix order (O, OU, then CN), one RDN per value, so `openssl x509
// -subject` prints `O = system:masters, CN = kubernetes-admin` exactly as for a kubeadm certificate.
import { PkiError } from './errors.js';
import { normalizeIp } from './ip.js';
import { x509, type x509Types } from './x509.js';

export interface Subject {
  commonName: string;
  organizations?: string[];
  organizationalUnits?: string[];
}

export interface ParsedSubject {
  commonName: string;
  organizations: string[];
  organizationalUnits: string[];
}

export interface AltNames {
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
}

export function buildName(subject: Subject): x509Types.Name {
  const rdns: Record<string, string[]>[] = [];
  for (const o of subject.organizations ?? []) rdns.push({ O: [o] });
  for (const ou of subject.organizationalUnits ?? []) rdns.push({ OU: [ou] });
  if (subject.commonName) rdns.push({ CN: [subject.commonName] });
  return new x509.Name(rdns);
}

export function readName(name: x509Types.Name): ParsedSubject {
  return {
    commonName: name.getField('CN')[0] ?? '',
    organizations: name.getField('O'),
    organizationalUnits: name.getField('OU'),
  };
}

/** `CN=jane,O=devs` style text (RFC 4514 order as stored), for summaries. */
export function nameToString(name: x509Types.Name): string {
  return name.toString();
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes' IsDNS1123Subdomain, plus a leading `*.` wildcard as kubeadm's certSANs accept. */
export function isValidDnsSan(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const rest = name.startsWith('*.') ? name.slice(2) : name;
  return rest.split('.').every((label) => label.length <= 63 && DNS_LABEL.test(label));
}

/**
 * Splits user-supplied SANs into DNS names and IPs the way kubeadm's appendSANsToAltNames does, but rejects
 * values that are neither (kubeadm's config validation does the same for certSANs).
 */
export function splitSans(values: string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    if (!v) continue;
    const ip = normalizeIp(v);
    if (ip) ipAddresses.push(ip);
    else if (isValidDnsSan(v)) dnsNames.push(v);
    else
      throw new PkiError(
        `"${v}" is neither an IP address nor a valid DNS name (RFC 1123 subdomain)`,
        'ERR_PKI_INVALID',
      );
  }
  return { dnsNames, ipAddresses };
}

/** Removes duplicates, keeping the first occurrence (IPs compared in canonical form). */
export function dedupeAltNames(
  dnsNames: string[],
  ipAddresses: string[],
): { dnsNames: string[]; ipAddresses: string[] } {
  const dns = [...new Set(dnsNames)];
  const ips = [...new Set(ipAddresses.map((ip) => normalizeIp(ip) ?? ip))];
  return { dnsNames: dns, ipAddresses: ips };
}

export function buildSanExtension(
  alt: Partial<AltNames>,
  critical = false,
): x509Types.SubjectAlternativeNameExtension | null {
  const names: x509Types.JsonGeneralName[] = [];
  for (const d of alt.dnsNames ?? []) names.push({ type: 'dns', value: d });
  for (const e of alt.emailAddresses ?? []) names.push({ type: 'email', value: e });
  for (const ip of alt.ipAddresses ?? []) {
    const canonical = normalizeIp(ip);
    if (!canonical) throw new PkiError(`"${ip}" is not an IP address`, 'ERR_PKI_INVALID');
    names.push({ type: 'ip', value: canonical });
  }
  for (const u of alt.uris ?? []) names.push({ type: 'url', value: u });
  return names.length ? new x509.SubjectAlternativeNameExtension(names, critical) : null;
}

export function readSanExtension(ext: x509Types.SubjectAlternativeNameExtension | null): AltNames {
  const out: AltNames = { dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [] };
  if (!ext) return out;
  for (const n of ext.names.items) {
    if (n.type === 'dns') out.dnsNames.push(n.value);
    else if (n.type === 'ip') out.ipAddresses.push(normalizeIp(n.value) ?? n.value);
    else if (n.type === 'email') out.emailAddresses.push(n.value);
    else if (n.type === 'url') out.uris.push(n.value);
  }
  return out;
}
