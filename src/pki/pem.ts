// PEM armour (RFC 7468): find typed blocks in a text the way Go's encoding/pem.Decode does, and wrap DER back
// into 64-column base64. The reader is string code in one pass: PEM arrives in requests (a CSR's
// spec.request, a CSR's status.certificate), and the obvious regex, `-----BEGIN (…)-----…?-----END \1-----`,
// backtracks quadratically or worse on text such as `-----BEGIN A-----` repeated. Go's own Decode rescans
// the rest of the text for every false start; here each part of the text is examined a bounded number of times.
import { PkiError } from './errors.js';

export interface PemBlock {
  type: string;
  der: Buffer;
  /** true when the block carried RFC 1421 headers (e.g. `Proc-Type: 4,ENCRYPTED`). */
  hasHeaders: boolean;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';

const isBlank = (code: number): boolean => code === 0x20 || code === 0x09;

/** The state one decodePemBlocks pass shares between its attempts, so that no part of the text is rescanned. */
class PemScanner {
  /** Positions of every "\n-----END " (found once, on first need). */
  private ends?: number[];
  /** The last run of header lines scanned: a start inside it ends where that scan ended. */
  private headerRun = { from: -1, to: -1, toEnd: false };
  /** Per END line (by where it starts): where its trailing spaces and tabs start. */
  private readonly endLines = new Map<number, number>();

  constructor(readonly text: string) {}

  /** getLine: the line at `from` (without \r\n or \n, trailing spaces and tabs) and where the next one starts. */
  line(from: number): { start: number; end: number; next: number } {
    const nl = this.text.indexOf('\n', from);
    let end = nl < 0 ? this.text.length : nl;
    const next = nl < 0 ? end : nl + 1;
    if (nl > from && this.text.charCodeAt(nl - 1) === 0x0d) end--;
    while (end > from && isBlank(this.text.charCodeAt(end - 1))) end--;
    return { start: from, end, next };
  }

  private hasColon(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.text.charCodeAt(i) === 0x3a) return true;
    return false;
  }

  /** Where the header lines (`Key: value`) starting at line `from` end; -1 when they run to the end of the text. */
  headersEnd(from: number): number {
    const run = this.headerRun;
    if (run.from >= 0 && from >= run.from && from <= run.to) return run.toEnd ? -1 : run.to;
    let at = from;
    while (at < this.text.length) {
      const l = this.line(at);
      if (!this.hasColon(l.start, l.end)) break;
      at = l.next;
    }
    this.headerRun = { from, to: at, toEnd: at >= this.text.length };
    return at >= this.text.length ? -1 : at;
  }

  /** The first "\n-----END " at or after `from`, or -1. */
  nextEnd(from: number): number {
    if (!this.ends) {
      this.ends = [];
      for (let i = this.text.indexOf(`\n${END}`); i >= 0; i = this.text.indexOf(`\n${END}`, i + 1)) this.ends.push(i);
    }
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.ends.length ? this.ends[lo]! : -1;
  }

  /** True when nothing but spaces and tabs follows `from` on the END line that starts at `lineStart`. */
  restOfLineBlank(lineStart: number, from: number): boolean {
    let blankFrom = this.endLines.get(lineStart);
    if (blankFrom === undefined) {
      blankFrom = this.line(lineStart).end;
      this.endLines.set(lineStart, blankFrom);
    }
    return from >= blankFrom;
  }
}

const B64 = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64[ch.charCodeAt(0)] = 1;

/**
 * base64.StdEncoding.Decode of text[from, to) with spaces and tabs removed first (as pem does) and CR/LF
 * skipped (as the decoder does): padding required, nothing after it. Stops at the first bad character.
 */
function decodeBase64(text: string, from: number, to: number): Buffer | undefined {
  let clean = '';
  let run = from; // start of the run of kept characters not yet copied into clean
  let quantum = 0; // characters of the current 4-character group seen
  let padding: 'none' | 'second' | 'done' = 'none';
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      clean += text.slice(run, i);
      run = i + 1;
      continue;
    }
    if (padding === 'done') return undefined;
    if (padding === 'second') {
      if (c !== 0x3d) return undefined;
      padding = 'done';
    } else if (c === 0x3d) {
      if (quantum < 2) return undefined;
      padding = quantum === 2 ? 'second' : 'done';
    } else if (c < 128 && B64[c] === 1) {
      quantum = (quantum + 1) % 4;
    } else {
      return undefined;
    }
  }
  clean += text.slice(run, to);
  if (padding === 'second' || (padding === 'none' && quantum !== 0)) return undefined;
  return Buffer.from(clean, 'base64');
}

interface Decoded {
  block: PemBlock;
  /** Where the text after the block's END line starts. */
  next: number;
}

/**
 * encoding/pem.Decode on text[from:]: the next block whose BEGIN line (at a line start), optional headers,
 * base64 body and matching END line are all well formed; candidates that are not are skipped, as Go skips them.
 * `onBadBody` hears of candidates dropped only because their body was not base64.
 */
function decodeWith(s: PemScanner, from: number, onBadBody?: (type: string) => void): Decoded | undefined {
  const text = s.text;
  let rest = from;
  for (;;) {
    if (text.startsWith(BEGIN, rest)) rest += BEGIN.length;
    else {
      const at = text.indexOf(`\n${BEGIN}`, rest);
      if (at < 0) return undefined;
      rest = at + 1 + BEGIN.length;
    }
    const typeLine = s.line(rest);
    rest = typeLine.next;
    if (typeLine.end - typeLine.start < DASHES.length || !text.startsWith(DASHES, typeLine.end - DASHES.length))
      continue;
    const type = text.slice(typeLine.start, typeLine.end - DASHES.length);

    const headersEnd = s.headersEnd(rest);
    if (headersEnd < 0) return undefined; // Go gives up when the headers run to the end of the text
    const hasHeaders = headersEnd > rest;
    rest = headersEnd;

    let endIndex: number;
    let trailer: number;
    if (!hasHeaders && text.startsWith(END, rest)) {
      endIndex = rest;
      trailer = rest + END.length;
    } else {
      endIndex = s.nextEnd(rest);
      if (endIndex < 0) continue;
      trailer = endIndex + 1 + END.length;
    }
    const afterTrailer = trailer + type.length + DASHES.length;
    if (
      afterTrailer > text.length ||
      !text.startsWith(type, trailer) ||
      !text.startsWith(DASHES, trailer + type.length)
    )
      continue;
    const endLineStart = text.startsWith('\n', endIndex) ? endIndex + 1 : endIndex;
    if (!s.restOfLineBlank(endLineStart, afterTrailer)) continue;

    const der = decodeBase64(text, rest, endIndex);
    if (!der) {
      onBadBody?.(type);
      continue;
    }
    return { block: { type, der, hasHeaders }, next: s.line(endIndex + END.length).next };
  }
}

/** encoding/pem.Decode: the first block at or after `from`, and where the rest of the text starts. */
export function decodePem(text: string, from = 0): Decoded | undefined {
  return decodeWith(new PemScanner(text), from);
}

/** Every block a loop of Go's pem.Decode finds, in order (what kube's certificate checks iterate over). */
export function decodePemBlocks(text: string): PemBlock[] {
  const scanner = new PemScanner(text);
  const blocks: PemBlock[] = [];
  for (let d = decodeWith(scanner, 0); d; d = decodeWith(scanner, d.next)) blocks.push(d.block);
  return blocks;
}

/**
 * Every PEM block in `text`, in order, for files a user hands kauth: text around the blocks (openssl's `-text`
 * output, comments) is ignored, and a block whose body is not base64 is an error rather than skipped.
 */
export function pemBlocks(text: string): PemBlock[] {
  let bad: string | undefined;
  const scanner = new PemScanner(text);
  const blocks: PemBlock[] = [];
  const onBadBody = (type: string): void => {
    bad ??= type;
  };
  for (let d = decodeWith(scanner, 0, onBadBody); d; d = decodeWith(scanner, d.next, onBadBody)) blocks.push(d.block);
  if (bad !== undefined) throw new PkiError(`the PEM block "${bad}" does not contain valid base64`, 'ERR_PKI_PEM');
  return blocks;
}

/** True when the input looks like PEM text rather than DER bytes. */
export function looksLikePem(input: string | Uint8Array): boolean {
  const head =
    typeof input === 'string' ? input.slice(0, 4096) : Buffer.from(input.subarray(0, 4096)).toString('latin1');
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
