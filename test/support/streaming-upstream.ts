// TEST DOUBLE — not a Kubernetes API server. kauth's clusters run no containers, so `kubectl exec` has nothing to
// reach; this tiny HTTPS server stands in for a cluster with one fake running pod and speaks just enough of kube's
// streaming protocol for kubectl v1.35 to exec into it: GET of the pod, and the exec subresource upgraded to
// WebSocket with the v5/v4.channel.k8s.io subprotocols (one byte of channel id before each message: 0 stdin,
// 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds 255 = "close this channel"). Commands it knows: `echo …`
// (writes its arguments) and `cat` (echoes stdin until stdin closes). It records the headers of every request so
// tests can see what reached "the cluster". WebSocket framing (RFC 6455) is written out here because the test
// double must not depend on packages the project does not declare.
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const SUPPORTED_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
export const FAKE_POD = 'fake';

export interface StreamingUpstream {
  server: string;
  /** Headers of each request, in arrival order (names lower-cased, repeated values kept). */
  seen: { method: string; path: string; headers: IncomingHttpHeaders; distinct: Record<string, string[]> }[];
  close(): Promise<void>;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len])
    : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
      : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
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
  kind: 'Pod', apiVersion: 'v1',
  metadata: { name: FAKE_POD, namespace: 'default', uid: '00000000-0000-0000-0000-00000000f00d', resourceVersion: '1' },
  spec: { containers: [{ name: 'main', image: 'test-double' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'test-double', imageID: '', started: true }] },
};

/** Just enough discovery for kubectl to find pods and pods/exec. */
const discovery: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
  ] },
};

function execSession(req: IncomingMessage, socket: Duplex, protocol: string): void {
  const query = new URL(req.url ?? '/', 'https://x').searchParams;
  const command = query.getAll('command');
  const send = (channel: number, data: Buffer | string) =>
    socket.write(frame(2, Buffer.concat([Buffer.from([channel]), Buffer.from(data)])));
  const finish = () => {
    send(3, JSON.stringify({ metadata: {}, status: 'Success' }));
    socket.end(frame(8, Buffer.from([0x03, 0xe8])));
  };
  if (command[0] === 'echo') {
    send(1, `${command.slice(1).join(' ')}\n`);
    finish();
    return;
  }
  if (command[0] !== 'cat') {
    send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: `command not found: ${command[0] ?? ''}`, reason: 'InternalError' }));
    socket.end(frame(8, Buffer.from([0x03, 0xe8])));
    return;
  }
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
    pending = rest;
    for (const f of frames) {
      if (f.opcode === 8) return finish();
      if (f.opcode === 9) socket.write(frame(10, f.payload));
      if (f.opcode !== 2 || f.payload.length === 0) continue;
      const channel = f.payload[0]!;
      if (channel === 0) send(1, f.payload.subarray(1));
      // v5: the client closed stdin — cat is done.
      if (channel === 255 && protocol === 'v5.channel.k8s.io' && f.payload[1] === 0) return finish();
    }
    return undefined;
  });
}

/** Starts the double on 127.0.0.1 with the given serving certificate. */
export async function startStreamingUpstream(tls: { cert: string; key: string }): Promise<StreamingUpstream> {
  const seen: StreamingUpstream['seen'] = [];
  const record = (req: IncomingMessage) => seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers,
    distinct: Object.fromEntries(Object.entries(req.headersDistinct).map(([k, v]) => [k, v ?? []])) });
  const server = https.createServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    record(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = req.method === 'GET' ? discovery[path] ?? (path === `/api/v1/namespaces/default/pods/${FAKE_POD}` ? pod : undefined) : undefined;
    if (body) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not in this test double', reason: 'NotFound', code: 404 }));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    record(req);
    const path = (req.url ?? '').split('?')[0];
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const protocol = SUPPORTED_PROTOCOLS.find((p) => offered.includes(p));
    const key = req.headers['sec-websocket-key'];
    if (path !== `/api/v1/namespaces/default/pods/${FAKE_POD}/exec` || !protocol || !key || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      // SPDY/3.1 is not implemented by this double: it refuses with a Status, as a server that cannot upgrade does.
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
        message: 'test double: only WebSocket exec is implemented', reason: 'BadRequest', code: 400 });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`);
      return;
    }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n` +
      `Sec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
    execSession(req, socket, protocol);
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
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    }),
  };
}
