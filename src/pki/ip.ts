// IP helpers for SANs and service CIDRs: canonical text form and "the first address of a subnet" (kubeadm's
// GetAPIServerVirtualIP, i.e. GetIndexedIP(subnet, 1)).
import { isIP } from 'node:net';
import { PkiError } from './errors.js';

/** Bytes of an IPv4 (4) or IPv6 (16) address, or null when `text` is not an IP. Zones (`%eth0`) are rejected. */
export function ipToBytes(text: string): Buffer | null {
  const version = isIP(text);
  if (version === 4) return Buffer.from(text.split('.').map(Number));
  if (version !== 6 || text.includes('%')) return null;
  let head = text;
  let tail4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // IPv4-embedded form (::ffff:1.2.3.4)
    tail4 = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right === undefined ? [] : right ? right.split(':') : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  if (tail4.length === 4) Buffer.from(tail4).copy(out, 12);
  return out;
}

/** RFC 5952 text for 4 or 16 address bytes (IPv4-mapped IPv6 is shown as IPv4, as Go's net.IP does). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new PkiError(`an IP address has 4 or 16 bytes, not ${bytes.length}`, 'ERR_PKI_PARSE');
  const b = Buffer.from(bytes);
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return Array.from(b.subarray(12)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2));
  // The longest run (≥2) of zero groups collapses to "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical text of an IP, or null when it is not one. "0:0::1" → "::1". */
export function normalizeIp(text: string): string | null {
  const bytes = ipToBytes(text.trim());
  return bytes ? bytesToIp(bytes) : null;
}

/**
 * The first usable address of a CIDR, as kube-apiserver picks the `kubernetes` Service IP. A dual-stack list
 * ("10.96.0.0/12,fd00::/108") uses its first entry, as kubeadm does.
 */
export function firstIpOfCidr(cidrList: string): string {
  const cidr = cidrList.split(',')[0]!.trim();
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  const bytes = m ? ipToBytes(m[1]!) : null;
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || !bytes || prefix > bytes.length * 8) {
    throw new PkiError(`invalid service CIDR "${cidrList}": want a subnet such as 10.96.0.0/12`, 'ERR_PKI_INVALID');
  }
  if (prefix >= bytes.length * 8) {
    throw new PkiError(`service CIDR "${cidr}" has no room for a Service IP`, 'ERR_PKI_INVALID');
  }
  let n = BigInt('0x' + bytes.toString('hex'));
  const bits = BigInt(bytes.length * 8);
  const hostBits = bits - BigInt(prefix);
  n = ((n >> hostBits) << hostBits) + 1n;
  const hex = n.toString(16).padStart(bytes.length * 2, '0');
  return bytesToIp(Buffer.from(hex, 'hex'));
}
