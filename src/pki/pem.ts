// PEM armour: split a text into its typed blocks and wrap DER back into 64-column base64 (RFC 7468).
import { PkiError } from './errors.js';

export interface PemBlock {
  type: string;
  der: Buffer;
  /** true when the block carried RFC 1421 headers (e.g. `Proc-Type: 4,ENCRYPTED`). */
  hasHeaders: boolean;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order. Text around the blocks (openssl's `-text` output, comments) is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2]!;
    const hasHeaders = /^[A-Za-z-]+:/m.test(body);
    const b64 = body
      .split(/\r?\n/)
      .filter((line) => line && !/^[A-Za-z-]+:/.test(line))
      .join('');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
      throw new PkiError(`the PEM block "${m[1]}" does not contain valid base64`, 'ERR_PKI_PEM');
    }
    blocks.push({ type: m[1]!, der: Buffer.from(b64, 'base64'), hasHeaders });
  }
  return blocks;
}

/** True when the input looks like PEM text rather than DER bytes. */
export function looksLikePem(input: string | Uint8Array): boolean {
  const head = typeof input === 'string' ? input.slice(0, 4096) : Buffer.from(input.subarray(0, 4096)).toString('latin1');
  return head.includes('-----BEGIN ');
}

export function toPem(type: string, der: Uint8Array | ArrayBuffer): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`;
}

/** The types of all blocks, for error messages ("found CERTIFICATE"). */
export function describeBlocks(blocks: PemBlock[]): string {
  return blocks.length === 0 ? 'no PEM block' : blocks.map((b) => b.type).join(', ');
}
