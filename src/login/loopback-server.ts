// The loopback redirect listener of the authorization code flow (RFC 8252 §7.3): an HTTP server on the first
// free listen address that waits, for a bounded time, for the provider to send the browser back to
// /callback with the `state` this login generated. A request with another state is answered 400 and ignored
// (it is not this login's — a stale tab, or another local page trying to slip its code in); the listener keeps
// waiting for the right one. The browser's request is held until the caller has exchanged the code, so the page
// it shows tells the truth.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLBACK_PATH } from './options.js';

export interface Callback {
  /** The full callback URL as the provider sent it (query included), for openid-client. */
  url: URL;
  /** Answers the browser and stops the listener. */
  finish(ok: boolean): void;
}

export interface LoopbackListener {
  redirectUri: string;
  /** Resolves with the first callback carrying the expected state; rejects on timeout or close. */
  callback: Promise<Callback>;
  close(): void;
}

export interface LoopbackOptions {
  listenAddresses: string[];
  redirectUrlHostname: string;
  expectedState: string;
  timeoutMs: number;
}

const PAGE = (title: string, text: string): string =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>\n`;

/** "127.0.0.1:8000", "[::1]:8000", "localhost:0" → host and port. */
export function parseListenAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) throw new Error(`--listen-address "${address}": want host:port`);
  let host = address.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = address.slice(colon + 1);
  const port = Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--listen-address "${address}": invalid port`);
  }
  return { host, port };
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startLoopbackListener(o: LoopbackOptions): Promise<LoopbackListener> {
  let settle!: { resolve: (c: Callback) => void; reject: (e: Error) => void };
  const callback = new Promise<Callback>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let done = false;
  let redirectUri = '';
  let timer: NodeJS.Timeout | undefined;

  const server = http.createServer((req, res) => {
    const send = (status: number, title: string, text: string): void => {
      const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' };
      res.writeHead(status, headers);
      res.end(PAGE(title, text));
    };
    // Only the path and query of the request are taken; the origin is always our own redirect URI.
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const url = new URL(redirectUri);
    url.search = q < 0 ? '' : target.slice(q);
    const path = q < 0 ? target : target.slice(0, q);
    if (req.method !== 'GET' || path !== CALLBACK_PATH)
      return send(404, 'Not found', 'This is the kauth login callback.');
    if (done) return send(410, 'Gone', 'This login has already completed.');
    if (url.searchParams.get('state') !== o.expectedState) {
      return send(400, 'Login refused', 'The state parameter does not match this login. Start the login again.');
    }
    done = true;
    clearTimeout(timer);
    settle.resolve({
      url,
      finish: (ok) => {
        if (ok) send(200, 'Logged in', 'You are logged in. You can close this window and return to the terminal.');
        else send(400, 'Login failed', 'The login did not complete. See the terminal for the reason.');
        stop();
      },
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const stop = (): void => {
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
  };

  let port: number | undefined;
  const failures: string[] = [];
  for (const address of o.listenAddresses) {
    const { host, port: wanted } = parseListenAddress(address);
    try {
      port = await listen(server, host, wanted);
      break;
    } catch (e) {
      failures.push(`${address}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (port === undefined) throw new Error(`cannot listen for the login callback (${failures.join('; ')})`);
  const hostname = o.redirectUrlHostname.includes(':') ? `[${o.redirectUrlHostname}]` : o.redirectUrlHostname;
  redirectUri = `http://${hostname}:${port}${CALLBACK_PATH}`;

  timer = setTimeout(() => {
    if (done) return;
    done = true;
    stop();
    settle.reject(new Error(`timed out after ${Math.round(o.timeoutMs / 1000)}s waiting for the login in the browser`));
  }, o.timeoutMs);

  return {
    redirectUri,
    callback,
    close: () => {
      if (!done) {
        done = true;
        settle.reject(new Error('the login was cancelled'));
      }
      stop();
    },
  };
}
