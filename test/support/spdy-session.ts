// TEST DOUBLE SUPPORT — the server side of a SPDY/3.1 session, as far as kube's streaming protocols use it
// (the kubelet's side of `kubectl exec` and `kubectl port-forward` over SPDY). kubectl speaks SPDY through Go's
// moby/spdystream: raw streams with headers such as `streamtype: stdout` and no HTTP semantics, which the npm SPDY
// libraries (HTTP-only) refuse. So the framing is written here, for the test double only; the compression
// dictionary is SPDY/3's, taken from the spdy-transport package.
//
// Frames (SPDY/3.1 §2.2): a control frame is `1 | version(15) | type(16) | flags(8) | length(24) | data`, a data
// frame `0 | stream-id(31) | flags(8) | length(24) | data`. Header blocks are zlib-compressed with one context per
// direction for the whole session.
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const DICTIONARY = (require('spdy-transport/lib/spdy-transport/protocol/spdy/dictionary.js') as Record<string, Buffer>)[
  '3'
]!;

const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const SETTINGS = 4;
const PING = 6;
const GOAWAY = 7;
const WINDOW_UPDATE = 9;
const FLAG_FIN = 0x01;

export interface SpdyStream {
  id: number;
  /** Header names lower-cased, as spdystream sends them (`streamtype`, `port`, `requestid`). */
  headers: Record<string, string>;
  onData(listener: (chunk: Buffer) => void): void;
  /** The client half-closed the stream (FIN) or reset it. */
  onEnd(listener: () => void): void;
  write(data: Buffer | string): void;
  /** Half-closes our side (an empty data frame with FIN). */
  end(data?: Buffer | string): void;
}

/** Runs one chunk through a long-lived zlib context and returns what it produced (Z_SYNC_FLUSH). */
function zlibRun(stream: zlib.Inflate | zlib.Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const onData = (chunk: Buffer) => out.push(chunk);
    stream.on('data', onData);
    stream.once('error', reject);
    stream.write(input);
    stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', reject);
      resolve(Buffer.concat(out));
    });
  });
}

function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  const count = block.readUInt32BE(0);
  let off = 4;
  for (let i = 0; i < count; i++) {
    const nameLen = block.readUInt32BE(off);
    const name = block
      .subarray(off + 4, off + 4 + nameLen)
      .toString('latin1')
      .toLowerCase();
    off += 4 + nameLen;
    const valueLen = block.readUInt32BE(off);
    headers[name] = block.subarray(off + 4, off + 4 + valueLen).toString('latin1');
    off += 4 + valueLen;
  }
  return headers;
}

/** Big-endian 32-bit words, as SPDY writes lengths, ids and counts. */
const u32 = (...values: number[]) =>
  Buffer.concat(
    values.map((v) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v >>> 0);
      return b;
    }),
  );

function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [name, value] of entries) {
    parts.push(u32(Buffer.byteLength(name)), Buffer.from(name), u32(Buffer.byteLength(value)), Buffer.from(value));
  }
  return Buffer.concat(parts);
}

function controlFrame(type: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | 3, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(data.length, 4);
  head[4] = flags;
  return Buffer.concat([head, data]);
}

function dataFrame(id: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(id & 0x7fffffff, 0);
  head.writeUInt32BE(data.length, 4);
  head[4] = flags;
  return Buffer.concat([head, data]);
}

/**
 * The server end of one SPDY session. Feed it the bytes the client sent; it writes frames with `send`. Each
 * stream the client opens is answered with SYN_REPLY before `onStream` sees it (the kubelet replies to every
 * stream it accepts).
 */
export class SpdyServerSession {
  private pending = Buffer.alloc(0);
  private queue: Promise<void> = Promise.resolve();
  private readonly inflate = zlib.createInflate({ dictionary: DICTIONARY });
  private readonly deflate = zlib.createDeflate({ dictionary: DICTIONARY });
  private readonly streams = new Map<number, { data: ((c: Buffer) => void)[]; end: (() => void)[]; ended: boolean }>();

  constructor(
    private readonly send: (frame: Buffer) => void,
    private readonly onStream: (stream: SpdyStream) => void,
  ) {}

  /** Client bytes in; frames are handled one after another (header blocks share one zlib context). */
  feed(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4) & 0xffffff;
      if (this.pending.length < 8 + length) break;
      const frame = this.pending.subarray(0, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      this.queue = this.queue.then(() => this.handle(frame)).catch(() => undefined);
    }
  }

  goAway(): void {
    this.queue = this.queue.then(() => this.send(controlFrame(GOAWAY, 0, u32(0, 0))));
  }

  private async handle(frame: Buffer): Promise<void> {
    const flags = frame[4]!;
    const data = frame.subarray(8);
    if ((frame[0]! & 0x80) === 0) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      const stream = this.streams.get(id);
      if (!stream) return;
      if (data.length > 0) for (const l of stream.data) l(Buffer.from(data));
      if (flags & FLAG_FIN) this.finish(id);
      return;
    }
    const type = frame.readUInt16BE(2);
    if (type === SYN_STREAM) {
      const id = data.readUInt32BE(0) & 0x7fffffff;
      const headers = decodeHeaderBlock(await zlibRun(this.inflate, data.subarray(10)));
      await this.reply(id);
      this.open(id, headers, (flags & FLAG_FIN) !== 0);
    } else if (type === RST_STREAM) {
      this.finish(data.readUInt32BE(0) & 0x7fffffff);
    } else if (type === PING) {
      this.send(controlFrame(PING, 0, data));
    } else if (type === GOAWAY) {
      for (const id of this.streams.keys()) this.finish(id);
    }
    // SETTINGS, WINDOW_UPDATE, HEADERS: nothing the double needs (its payloads are far below any window).
    void SETTINGS;
    void WINDOW_UPDATE;
  }

  private async reply(id: number): Promise<void> {
    const block = await zlibRun(this.deflate, encodeHeaderBlock({}));
    this.send(controlFrame(SYN_REPLY, 0, Buffer.concat([u32(id), block])));
  }

  private open(id: number, headers: Record<string, string>, clientFin: boolean): void {
    const state = { data: [] as ((c: Buffer) => void)[], end: [] as (() => void)[], ended: false };
    this.streams.set(id, state);
    const stream: SpdyStream = {
      id,
      headers,
      onData: (l) => state.data.push(l),
      onEnd: (l) => (state.ended ? queueMicrotask(l) : state.end.push(l)),
      // Writes go through the queue so they never overtake the stream's SYN_REPLY.
      write: (d) => {
        this.queue = this.queue.then(() => this.send(dataFrame(id, 0, Buffer.from(d))));
      },
      end: (d) => {
        this.queue = this.queue.then(() => {
          if (d !== undefined && Buffer.byteLength(d) > 0) this.send(dataFrame(id, 0, Buffer.from(d)));
          this.send(dataFrame(id, FLAG_FIN, Buffer.alloc(0)));
        });
      },
    };
    this.onStream(stream);
    if (clientFin) this.finish(id);
  }

  private finish(id: number): void {
    const state = this.streams.get(id);
    if (!state || state.ended) return;
    state.ended = true;
    for (const l of state.end) l();
  }
}
