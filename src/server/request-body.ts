// Reading a write request's body, up to kube-apiserver's limit (3 MiB; 413 beyond, as limitedReadBody).
// A client that sent too much is usually still writing when the server knows it: answering then and closing
// the connection makes the client's next write fail (EPIPE, ECONNRESET) before it ever reads the 413. So
// the rest of the body is read and thrown away first, within a budget of bytes and time; a body past that
// budget still gets the 413, on a connection that is then closed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestEntityTooLarge } from '../api/errors.js';
import { MAX_DRAIN_MS, MAX_DRAINED_BODY_BYTES } from '../registry/limits.js';

export interface DrainBudget {
  /** Bytes read past the limit and thrown away before answering. */
  bytes: number;
  ms: number;
}

const DEFAULT_DRAIN: DrainBudget = { bytes: MAX_DRAINED_BODY_BYTES, ms: MAX_DRAIN_MS };

/**
 * Resolves with the body when it is at most limit bytes; otherwise rejects with the 413 once the client has
 * finished sending (or the drain budget is spent, after which res closes the connection once it is written).
 */
export function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  drain: DrainBudget = DEFAULT_DRAIN,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let draining = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const settle = (error?: Error, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      cleanup();
      if (error) reject(error);
      else resolve(body!);
    };
    /** Past the budget: answer now, and close the connection after the answer rather than read on. */
    const giveUp = (): void => {
      res.shouldKeepAlive = false;
      res.once('finish', () => req.socket.destroySoon());
      req.pause();
      settle(requestEntityTooLarge(limit));
    };
    const startDraining = (): void => {
      draining = true;
      chunks.length = 0;
      timer = setTimeout(giveUp, drain.ms);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (draining) {
        if (size - limit > drain.bytes) giveUp();
        return;
      }
      if (size > limit) startDraining();
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle(draining ? requestEntityTooLarge(limit) : undefined, Buffer.concat(chunks, size));
    const onError = (e: Error): void => settle(draining ? requestEntityTooLarge(limit) : e);
    const onAborted = (): void => settle(requestEntityTooLarge(limit));

    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > limit) {
      // Known from the headers: no reason to keep any of it, and beyond the budget no reason to read it.
      if (declared - limit > drain.bytes) return giveUp();
      startDraining();
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
