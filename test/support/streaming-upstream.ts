// TEST DOUBLE — not a Kubernetes API server. kauth's clusters run no containers, so `kubectl exec` and
// `kubectl port-forward` have nothing to reach; this small HTTPS server stands in for a cluster with one fake
// running pod and speaks kube's streaming protocols as the kubelet does, for kubectl v1.35:
// - exec over WebSocket, v5/v4.channel.k8s.io (one byte of channel id before each message: 0 stdin, 1 stdout,
//   2 stderr, 3 error/status, 4 resize; v5 adds 255 = "close this channel");
// - exec over SPDY/3.1, v4.channel.k8s.io (one SPDY stream per channel, see spdy-session.ts);
// - port-forward over SPDY/3.1 (portforward.k8s.io) and over WebSocket with SPDY tunnelled inside
//   (subprotocol SPDY/3.1+portforward.k8s.io, kubectl's default since 1.31). The pod's port 8080 serves one page.
// Commands it knows: `echo …` (writes its arguments) and `cat` (echoes stdin until stdin closes). It records the
// headers of every request so tests can see what reached "the cluster". The WebSocket framing (RFC 6455) is
// written out here: a test double should not pull a server library into the project for a few frames.
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SpdyServerSession, type SpdyStream } from './spdy-session.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const WEBSOCKET_EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io'];
const PORT_FORWARD_TUNNEL = 'SPDY/3.1+portforward.k8s.io';
export const FAKE_POD = 'fake';

export interface StreamingUpstream {
  server: string;
  /** Headers of each request, in arrival order (names lower-cased, repeated values kept). */
  seen: { method: string; path: string; headers: IncomingHttpHeaders; distinct: Record<string, string[]> }[];
  close(): Promise<void>;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([
            Buffer.from([0x80 | opcode, 127]),
            (() => {
              const b = Buffer.alloc(8);
              b.writeBigUInt64BE(BigInt(len));
              return b;
            })(),
          ]);
  return Buffer.concat([head, payload]);
}

/** Client frames are masked; returns complete frames and leaves the rest in the buffer. */
function readFrames(buf: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const opcode = buf[off]! & 0x0f;
    const masked = (buf[off + 1]! & 0x80) !== 0;
    let len = buf[off + 1]! & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length - p < 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - p < 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const maskLen = masked ? 4 : 0;
    if (buf.length - p < maskLen + len) break;
    const mask = buf.subarray(p, p + maskLen);
    const payload = Buffer.from(buf.subarray(p + maskLen, p + maskLen + len));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    frames.push({ opcode, payload });
    off = p + maskLen + len;
  }
  return { frames, rest: buf.subarray(off) };
}

const pod = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: FAKE_POD, namespace: 'default', uid: '00000000-0000-0000-0000-00000000f00d', resourceVersion: '1' },
  spec: { containers: [{ name: 'main', image: 'test-double' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      { name: 'main', ready: true, restartCount: 0, image: 'test-double', imageID: '', started: true },
    ],
  },
};

/** Just enough discovery for kubectl to find pods and pods/exec. */
const discovery: Record<string, unknown> = {
  '/api': {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
      { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
      {
        name: 'pods/portforward',
        singularName: '',
        namespaced: true,
        kind: 'PodPortForwardOptions',
        verbs: ['create', 'get'],
      },
    ],
  },
};

/** One command in the fake pod, over whichever transport the client chose. */
interface CommandIo {
  stdout(data: Buffer | string): void;
  /** Stdin chunks; `end` when the client closes stdin. */
  onStdin(data: (chunk: Buffer) => void, end: () => void): void;
  /** Exit: a metav1.Status on the error channel, then every stream closed. */
  finish(status: Record<string, unknown>): void;
}

const SUCCESS = { metadata: {}, status: 'Success' };

function runCommand(command: string[], io: CommandIo): void {
  if (command[0] === 'echo') {
    io.stdout(`${command.slice(1).join(' ')}\n`);
    io.finish(SUCCESS);
  } else if (command[0] === 'cat') {
    io.onStdin(
      (chunk) => io.stdout(chunk),
      () => io.finish(SUCCESS),
    );
  } else {
    io.finish({
      metadata: {},
      status: 'Failure',
      message: `command not found: ${command[0] ?? ''}`,
      reason: 'InternalError',
    });
  }
}

/** exec over WebSocket: one byte of channel id before each message (0 stdin, 1 stdout, 3 status, 255 close). */
function webSocketExec(req: IncomingMessage, socket: Duplex, protocol: string): void {
  const send = (channel: number, data: Buffer | string) =>
    socket.write(frame(2, Buffer.concat([Buffer.from([channel]), Buffer.from(data)])));
  let stdin: { data: (chunk: Buffer) => void; end: () => void } | undefined;
  const frames = new FrameReader(socket);
  frames.on((f) => {
    if (f.opcode === 8) return stdin?.end();
    if (f.opcode !== 2 || f.payload.length === 0) return undefined;
    const channel = f.payload[0]!;
    if (channel === 0) stdin?.data(f.payload.subarray(1));
    // v5: the client closed stdin.
    if (channel === 255 && protocol === 'v5.channel.k8s.io' && f.payload[1] === 0) stdin?.end();
    return undefined;
  });
  runCommand(commandOf(req), {
    stdout: (d) => send(1, d),
    onStdin: (data, end) => {
      stdin = { data, end };
    },
    finish: (status) => {
      send(3, JSON.stringify(status));
      socket.end(frame(8, Buffer.from([0x03, 0xe8])));
    },
  });
}

/**
 * exec over SPDY/3.1 (the kubelet's side of remotecommand v4): the client opens one stream per channel, each
 * tagged `streamtype` (error, stdin, stdout, stderr, resize); the command runs once every stream it asked for is
 * there; the exit status goes on the error stream, then every stream is closed.
 */
function spdyExec(req: IncomingMessage, socket: Duplex): void {
  const query = new URL(req.url ?? '/', 'https://x').searchParams;
  const wanted = [
    'error',
    ...['stdin', 'stdout', 'stderr'].filter((s) => query.get(s) === 'true' || query.get(s) === '1'),
  ];
  if (query.get('tty') === 'true') wanted.push('resize');
  const streams = new Map<string, SpdyStream>();
  const session = new SpdyServerSession(
    (f) => socket.write(f),
    (stream) => {
      streams.set(stream.headers.streamtype ?? '', stream);
      if (!wanted.every((w) => streams.has(w))) return;
      runCommand(commandOf(req), {
        stdout: (d) => streams.get('stdout')?.write(d),
        onStdin: (data, end) => {
          const stdin = streams.get('stdin');
          if (!stdin) return end();
          stdin.onData(data);
          return stdin.onEnd(end);
        },
        finish: (status) => {
          for (const [type, s] of streams) if (type !== 'error' && type !== 'stdin') s.end();
          streams.get('error')?.end(status.status === 'Success' ? '' : JSON.stringify(status));
        },
      });
    },
  );
  socket.on('data', (chunk: Buffer) => session.feed(chunk));
}

/** The fake pod's only open port: 8080 answers any request with one HTTP page (so curl works through a forward). */
export const FAKE_POD_PORT = 8080;
export const FAKE_POD_PAGE = 'hello from the fake pod on port 8080\n';

/**
 * port-forward (portforward.k8s.io): per forwarded connection the client opens an error stream and a data stream
 * with the same `requestid` and the target `port`. The double answers the data stream as an HTTP server on 8080
 * would, and reports any other port on the error stream (kubelet words it "failed to connect to port …").
 */
function portForwardSession(send: (frame: Buffer) => void): SpdyServerSession {
  const errors = new Map<string, SpdyStream>();
  return new SpdyServerSession(send, (stream) => {
    const { streamtype, port, requestid } = stream.headers;
    const id = requestid ?? '';
    if (streamtype === 'error') {
      errors.set(id, stream);
      return;
    }
    if (Number(port) !== FAKE_POD_PORT) {
      errors
        .get(id)
        ?.end(`an error occurred forwarding ${port} -> ${port}: failed to connect to port ${port}: connection refused`);
      stream.end();
      return;
    }
    let answered = false;
    stream.onData(() => {
      if (answered) return;
      answered = true;
      stream.end(
        `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${FAKE_POD_PAGE.length}\r\n` +
          `Connection: close\r\n\r\n${FAKE_POD_PAGE}`,
      );
      errors.get(id)?.end();
    });
    stream.onEnd(() => {
      if (!answered) {
        stream.end();
        errors.get(id)?.end();
      }
    });
  });
}

/** port-forward over WebSocket (kubectl ≥ 1.31): SPDY frames tunnelled in binary messages, subprotocol SPDY/3.1+portforward.k8s.io. */
function webSocketPortForward(socket: Duplex): void {
  const session = portForwardSession((f) => socket.write(frame(2, f)));
  new FrameReader(socket).on((f) => {
    if (f.opcode === 2 || f.opcode === 0) session.feed(f.payload);
    else if (f.opcode === 9) socket.write(frame(10, f.payload));
    else if (f.opcode === 8) socket.end(frame(8, Buffer.from([0x03, 0xe8])));
  });
}

function commandOf(req: IncomingMessage): string[] {
  return new URL(req.url ?? '/', 'https://x').searchParams.getAll('command');
}

/** Reassembles the client's (masked) WebSocket frames from socket data. */
class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly listeners: ((f: { opcode: number; payload: Buffer }) => void)[] = [];
  constructor(socket: Duplex) {
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([this.pending, chunk]));
      this.pending = rest;
      for (const f of frames) for (const l of this.listeners) l(f);
    });
  }
  on(listener: (f: { opcode: number; payload: Buffer }) => void): void {
    this.listeners.push(listener);
  }
}

function refuse(socket: Duplex, message: string): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'BadRequest',
    code: 400,
  });
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

/** Starts the double on 127.0.0.1 with the given serving certificate. */
export async function startStreamingUpstream(tls: { cert: string; key: string }): Promise<StreamingUpstream> {
  const seen: StreamingUpstream['seen'] = [];
  const record = (req: IncomingMessage) =>
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      distinct: Object.fromEntries(Object.entries(req.headersDistinct).map(([k, v]) => [k, v ?? []])),
    });
  const server = https.createServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    record(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body =
      req.method === 'GET'
        ? (discovery[path] ?? (path === `/api/v1/namespaces/default/pods/${FAKE_POD}` ? pod : undefined))
        : undefined;
    if (body) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'not in this test double',
        reason: 'NotFound',
        code: 404,
      }),
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    record(req);
    const path = (req.url ?? '').split('?')[0];
    const podPath = `/api/v1/namespaces/default/pods/${FAKE_POD}`;
    if (path !== `${podPath}/exec` && path !== `${podPath}/portforward`)
      return refuse(socket, `test double: no upgrade at ${path}`);
    const portForward = path.endsWith('/portforward');
    if (req.headers.upgrade?.toLowerCase() === 'spdy/3.1') {
      const offered = (req.headers['x-stream-protocol-version'] ?? '')
        .toString()
        .split(',')
        .map((s) => s.trim());
      const protocol = portForward ? 'portforward.k8s.io' : SPDY_EXEC_PROTOCOLS.find((p) => offered.includes(p));
      if (!protocol || !offered.includes(protocol)) return refuse(socket, 'test double: no common stream protocol');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
          `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
      );
      if (portForward) {
        const session = portForwardSession((f) => socket.write(f));
        socket.on('data', (chunk: Buffer) => session.feed(chunk));
      } else spdyExec(req, socket);
      return undefined;
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const protocol = (portForward ? [PORT_FORWARD_TUNNEL] : WEBSOCKET_EXEC_PROTOCOLS).find((p) => offered.includes(p));
    const key = req.headers['sec-websocket-key'];
    if (!protocol || !key || req.headers.upgrade?.toLowerCase() !== 'websocket')
      return refuse(socket, 'test double: unsupported upgrade');
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n` +
        `Sec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
    );
    if (portForward) webSocketPortForward(socket);
    else webSocketExec(req, socket, protocol);
    return undefined;
  });
  const sockets = new Set<Duplex>();
  server.on('secureConnection', (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    server: `https://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
