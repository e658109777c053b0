// Caches that the first requests need but readiness does not: the protobuf schemas (every write orders its
// JSON by them), @peculiar/x509 (client certificates' names) and what the caller adds (the metrics registry, which
// the first scrape needs). Loading them holds the event loop for ~0.2 s, so it must not stand between the server
// listening and its first answer. kube's /readyz reports post-start hooks, informers and storage, never such
// caches: a cold cache makes one request slower, never an answer wrong. They are loaded once the server has
// answered its first request (typically the readiness probe) or WARM_UP_FALLBACK_MS after listening, whichever
// comes first, one cache per event-loop turn, so that a connection arriving meanwhile waits for one piece at most.
import { log } from '../log.js';
import type { RequestObserver } from '../server/request-scope.js';

/** Warm-up starts this long after listening when no request has been answered by then. */
export const WARM_UP_FALLBACK_MS = 500;

/** Each piece loads one cache; the modules themselves are imported here, not at start-up. */
const PIECES: (() => Promise<void>)[] = [
  async () => {
    (await import('../api/protobuf/schema.js')).kubeRoot();
  },
  async () => {
    void (await import('../pki/x509.js')).x509.X509Certificate;
  },
];

export class WarmUp {
  private state: 'idle' | 'armed' | 'running' | 'stopped' = 'idle';
  private timer?: NodeJS.Timeout;
  private readonly pieces: (() => Promise<void>)[];

  constructor(extra: (() => Promise<void>)[] = []) {
    this.pieces = [...PIECES, ...extra];
  }

  /** The server's request observer, passing everything on; the first finished request starts the warm-up. */
  observe(inner: RequestObserver | undefined): RequestObserver {
    return {
      begin: (req, scope) => inner?.begin(req, scope),
      end: (req, res, scope) => {
        inner?.end(req, res, scope);
        if (this.state === 'armed') this.start();
      },
    };
  }

  /** Call once the server listens: from then on the first answer, or the fallback timer, starts the warm-up. */
  arm(fallbackMs = WARM_UP_FALLBACK_MS): void {
    if (this.state !== 'idle') return;
    this.state = 'armed';
    this.timer = setTimeout(() => this.start(), fallbackMs);
    this.timer.unref();
  }

  stop(): void {
    this.state = 'stopped';
    clearTimeout(this.timer);
  }

  private start(): void {
    if (this.state !== 'armed') return;
    this.state = 'running';
    clearTimeout(this.timer);
    const next = (i: number): void => {
      if (i >= this.pieces.length || this.state === 'stopped') return;
      // setImmediate: after the answer in flight is written, and between pieces, pending I/O is served first.
      setImmediate(() => {
        this.pieces[i]!()
          // Not fatal: the same load is retried by the request that needs it, which then reports the error.
          .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'warming caches failed'))
          .then(() => next(i + 1));
      }).unref();
    };
    next(0);
  }
}
