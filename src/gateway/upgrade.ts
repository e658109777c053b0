// exec, attach and port-forward: the client asks to switch protocols (SPDY/3.1, or WebSocket with the
// v5/v4/…channel.k8s.io and portforward.k8s.io subprotocols). The gateway opens the same upgrade request to the
// cluster (with its own credential and the impersonation headers), waits for the cluster's 101, relays it, and
// then copies bytes both ways without looking at them — whatever the cluster and client agreed on just works.
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { StatusError } from '../api/errors.js';
import { clusterUnavailable } from './forward.js';
import { forwardedResponseHeaders } from './headers.js';
import type { UpstreamCluster } from './upstream.js';

/** A Status error on a socket that has not switched protocols yet (there is no ServerResponse for upgrades). */
export function writeSocketStatus(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function headerBlock(statusCode: number, statusMessage: string, rawHeaders: string[]): string {
  let head = `HTTP/1.1 ${statusCode} ${statusMessage}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return head + '\r\n';
}

/** Resolves with the cluster's status code once both sockets are closed (101 for a completed stream). */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  cluster: UpstreamCluster,
  pathAndQuery: string,
  headers: OutgoingHttpHeaders,
  asGateway: boolean,
): Promise<number> {
  return new Promise((resolve) => {
    const upstream = cluster.request(req.method ?? 'GET', pathAndQuery, headers, asGateway);
    socket.on('error', () => upstream.destroy());

    upstream.on('upgrade', (upRes, upSocket, upHead) => {
      socket.write(headerBlock(101, upRes.statusMessage || 'Switching Protocols', upRes.rawHeaders));
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      upSocket.setNoDelay(true);
      upSocket.pipe(socket);
      socket.pipe(upSocket);
      let closed = 0;
      const onClose = () => {
        upSocket.destroy();
        socket.destroy();
        if (++closed === 1) resolve(101);
      };
      upSocket.on('error', () => undefined);
      upSocket.on('close', onClose);
      socket.on('close', onClose);
    });

    // The cluster refused to switch (401/403/400/404…): its answer goes back as it is, then the connection closes.
    upstream.on('response', (upRes) => {
      // Without Content-Length: the body ends when the connection closes.
      const raw = forwardedResponseHeaders(upRes.rawHeaders);
      const pairs: string[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2)
        if (raw[i]!.toLowerCase() !== 'content-length') pairs.push(raw[i]!, raw[i + 1]!);
      socket.write(headerBlock(upRes.statusCode ?? 502, upRes.statusMessage ?? '', [...pairs, 'Connection', 'close']));
      upRes.pipe(socket);
      upRes.on('end', () => resolve(upRes.statusCode ?? 502));
      upRes.on('error', () => socket.destroy());
    });

    upstream.on('error', (e) => {
      if (socket.writable) writeSocketStatus(socket, clusterUnavailable(cluster.name, e.message));
      resolve(503);
    });
    upstream.end();
  });
}
