// kube-apiserver's cached token authenticator
// (apiserver/pkg/authentication/token/cache/cached_token_authenticator.go): successes are kept for
// 10 s (--authentication-token-cache-ttl… TokenSuccessCacheTTL), failures are not kept, identical
// lookups in flight share one call, and tokens never become map keys: the key is an HMAC-SHA256
// under a per-process random key over the length-prefixed token and the request's audiences, so an
// answer for one audience is never served for another.
import { createHmac, randomBytes } from 'node:crypto';
import type { AuthResponse, TokenAuthenticator } from './interfaces.js';

export const DEFAULT_TOKEN_SUCCESS_TTL_MS = 10_000;
export const DEFAULT_TOKEN_FAILURE_TTL_MS = 0;
export const DEFAULT_TOKEN_CACHE_MAX_ENTRIES = 32 * 4096;

export interface TokenCacheOptions {
  successTtlMs?: number;
  /** TTL of "not authenticated" (null) answers; errors are never cached. */
  failureTtlMs?: number;
  /** Least recently used entries are dropped beyond this. */
  maxEntries?: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

interface Entry {
  expiresAt: number;
  resp: AuthResponse | null;
}

function uint32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export class CachedTokenAuthenticator implements TokenAuthenticator {
  readonly name: string;
  private readonly hmacKey = randomBytes(32);
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<AuthResponse | null>>();
  private readonly successTtlMs: number;
  private readonly failureTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: TokenAuthenticator,
    options: TokenCacheOptions = {},
  ) {
    this.name = `cached(${inner.name})`;
    this.successTtlMs = options.successTtlMs ?? DEFAULT_TOKEN_SUCCESS_TTL_MS;
    this.failureTtlMs = options.failureTtlMs ?? DEFAULT_TOKEN_FAILURE_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_TOKEN_CACHE_MAX_ENTRIES);
    this.now = options.now ?? Date.now;
  }

  /** Entries currently held (expired ones included until touched or evicted). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * keyFunc: len(token) | token | len(audiences) | (len(aud) | aud)…, HMAC'd. Lengths are big-endian
   * uint32, so no two (token, audiences) pairs share an encoding; the token itself is not kept.
   * Undefined audiences hash as none, as AudiencesFrom's nil slice does.
   */
  private keyFor(token: string, audiences: readonly string[] = []): string {
    const h = createHmac('sha256', this.hmacKey);
    const writeString = (s: string): void => {
      const bytes = Buffer.from(s, 'utf8');
      h.update(uint32be(bytes.length)).update(bytes);
    };
    writeString(token);
    h.update(uint32be(audiences.length));
    for (const aud of audiences) writeString(aud);
    return h.digest('base64');
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    const key = this.keyFor(token, audiences);
    const hit = this.entries.get(key);
    if (hit) {
      if (hit.expiresAt > this.now()) {
        // Refresh recency: Map iteration order is insertion order, the oldest goes first.
        this.entries.delete(key);
        this.entries.set(key, hit);
        return hit.resp;
      }
      this.entries.delete(key);
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const lookup = this.lookup(key, token, audiences);
    this.inflight.set(key, lookup);
    const settled = (): void => {
      if (this.inflight.get(key) === lookup) this.inflight.delete(key);
    };
    lookup.then(settled, settled);
    return lookup;
  }

  private async lookup(key: string, token: string, audiences: string[] | undefined): Promise<AuthResponse | null> {
    const resp = await this.inner.authenticateToken(token, audiences);
    const ttl = resp ? this.successTtlMs : this.failureTtlMs;
    if (ttl > 0) this.store(key, { expiresAt: this.now() + ttl, resp });
    return resp;
  }

  private store(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
