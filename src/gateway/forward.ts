// Forwarding one ordinary HTTP request to a cluster and its answer back, streamed both ways: a watch or a
// chunked list is passed on chunk by chunk as it arrives, never buffered.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { StatusError } from '../api/errors.js';
import { writeStatusError } from '../server/respond.js';
import { forwardedResponseHeaders } from './headers.js';
import type { UpstreamCluster } from './upstream.js';

/** kube Status 503 for a cluster the gateway cannot reach, naming it. */
export function clusterUnavailable(cluster: string, cause: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', `cluster "${cluster}" is unavailable: ${cause}`);
}

/** A watch ends cleanly when its cluster goes away (the client re-lists); other bodies must not look complete. */
function isWatch(pathAndQuery: string): boolean {
  const q = pathAndQuery.indexOf('?');
  if (q >= 0) {
    const watch = new URLSearchParams(pathAndQuery.slice(q + 1)).get('watch');
    if (watch === 'true' || watch === '1') return true;
  }
  return pathAndQuery.includes('/watch/');
}

/**
 * The cluster's status and headers to the client. HTTP/1.1 takes the raw pairs (repeated headers stay separate
 * lines); HTTP/2's compatibility response wants an object, repeated headers as arrays.
 */
function writeForwardedHead(res: ServerResponse, status: number, rawPairs: string[]): void {
  if (!('stream' in res)) {
    res.writeHead(status, rawPairs);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < rawPairs.length; i += 2) {
    const name = rawPairs[i]!.toLowerCase();
    const prev = headers[name];
    headers[name] =
      prev === undefined ? rawPairs[i + 1]! : [...(Array.isArray(prev) ? prev : [prev]), rawPairs[i + 1]!];
  }
  res.writeHead(status, headers);
}

/** Resolves with the status code sent to the client once the exchange is over (0: the client went away). */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  cluster: UpstreamCluster,
  pathAndQuery: string,
  headers: OutgoingHttpHeaders,
  asGateway: boolean,
): Promise<number> {
  return new Promise((resolve) => {
    const upstream = cluster.request(req.method ?? 'GET', pathAndQuery, headers, asGateway);
    const watch = isWatch(pathAndQuery);
    let done = false;
    const finish = (code: number) => {
      if (!done) resolve(code);
      done = true;
    };

    upstream.on('response', (upRes) => {
      writeForwardedHead(res, upRes.statusCode ?? 502, forwardedResponseHeaders(upRes.rawHeaders));
      // A watch's headers go now: kubectl waits for them before the first event arrives. Other answers send
      // headers with the first body chunk (one write, not two).
      if (watch) res.flushHeaders();
      upRes.pipe(res, { end: false });
      upRes.on('end', () => {
        res.end();
        finish(upRes.statusCode ?? 502);
      });
      upRes.on('error', () => undefined);
      upRes.on('close', () => {
        if (upRes.complete) return;
        // The cluster went away mid-body.
        if (watch) res.end();
        else res.destroy();
        finish(upRes.statusCode ?? 502);
      });
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) {
        const err = clusterUnavailable(cluster.name, e.message);
        writeStatusError(req, res, err);
        finish(err.code);
      } else {
        res.destroy();
        finish(0);
      }
    });
    res.on('close', () => {
      // The client left (or the answer is done): stop the upstream side too.
      if (!res.writableFinished) {
        upstream.destroy();
        finish(0);
      }
    });
    req.pipe(upstream);
  });
}
