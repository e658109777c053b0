// One issuer's signing keys, as go-oidc's provider and remote key set keep them: discovery
// (`{issuer}/.well-known/openid-configuration`, or issuer.discoveryURL) then `jwks_uri`, fetched in
// the background at start and retried every 10 s until they answer (kube's PollImmediateUntil);
// tokens verify against the cached keys only. When no cached key verifies a token (a rotated key,
// a new kid) the key set is fetched again at once, at most once per cooldown: a request inside the
// cooldown fails fast and a fetch is queued for when it ends, so a storm of unknown kids costs the
// issuer one request per cooldown and never holds requests waiting.
import { KeyObject } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { log } from '../../log.js';
import { fetchJson } from './fetch-json.js';
import { isSupportedAlgorithm, verifySignature } from './jws-signature.js';

export const INIT_RETRY_MS = 10_000;
export const REFETCH_COOLDOWN_MS = 5_000;
const WELL_KNOWN = '/.well-known/openid-configuration';

export interface IssuerKeySetOptions {
  issuer: string;
  /** issuer.discoveryURL: where the discovery document is, when not under the issuer URL. */
  discoveryURL?: string;
  /** PEM bundle for the issuer's TLS (undefined → the host's roots). */
  ca?: string;
  /** GET a JSON document (injectable for tests; default: fetchJson with `ca`). */
  fetch?: (url: string) => Promise<unknown>;
  initRetryMs?: number;
  refetchCooldownMs?: number;
  now?: () => number;
}

/** A compact JWS, split (the caller parsed and checked it). */
export interface SignedToken {
  signingInput: string;
  signature: Buffer;
}

/**
 * One key of the set, imported by jose once per algorithm it is asked to verify: jose refuses a JWK
 * that cannot serve that algorithm (another key type or curve), so a header's alg never picks an
 * unfit key. Imported keys are kept (sync lookups on the hot path).
 */
class CachedKey {
  private readonly imported = new Map<string, KeyObject | undefined>();
  private readonly importing = new Map<string, Promise<KeyObject | undefined>>();

  constructor(readonly jwk: JWK) {}

  get kid(): string | undefined {
    return this.jwk.kid;
  }

  /** The key for `alg` if already imported: a KeyObject, null when it cannot be one, undefined when not tried yet. */
  importedFor(alg: string): KeyObject | null | undefined {
    if (!this.imported.has(alg)) return undefined;
    return this.imported.get(alg) ?? null;
  }

  /** The key for `alg`, or undefined when it cannot be one; a promise only the first time. */
  forAlgorithm(alg: string): KeyObject | undefined | Promise<KeyObject | undefined> {
    if (this.imported.has(alg)) return this.imported.get(alg);
    let pending = this.importing.get(alg);
    if (!pending) {
      pending = importJWK({ ...this.jwk, alg, use: undefined, key_ops: undefined }, alg)
        .then(
          (k) => (k instanceof Uint8Array ? undefined : KeyObject.from(k)),
          () => undefined,
        )
        .then((k) => {
          this.imported.set(alg, k);
          this.importing.delete(alg);
          return k;
        });
      this.importing.set(alg, pending);
    }
    return pending;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class IssuerKeySet {
  private keys: CachedKey[] = [];
  private jwksUri?: string;
  private initialized = false;
  private closed = false;
  private initTimer?: NodeJS.Timeout;
  private deferredTimer?: NodeJS.Timeout;
  private inflight?: Promise<boolean>;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private readyWaiters: (() => void)[] = [];
  private readonly fetch: (url: string) => Promise<unknown>;
  private readonly now: () => number;
  /** Network requests made (discovery and JWKS): tests and the benchmark check the hot path makes none. */
  fetches = 0;
  /** The last initialization or refresh error (for logs and reload decisions). */
  lastError?: string;

  constructor(private readonly options: IssuerKeySetOptions) {
    this.fetch = options.fetch ?? ((url) => fetchJson(url, { ca: options.ca }));
    this.now = options.now ?? Date.now;
  }

  get issuer(): string {
    return this.options.issuer;
  }

  /** Discovery and keys are loaded: tokens can be verified. */
  get ready(): boolean {
    return this.initialized;
  }

  start(): this {
    void this.initialize();
    return this;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.initTimer);
    clearTimeout(this.deferredTimer);
    for (const w of this.readyWaiters.splice(0)) w();
  }

  /** Resolves true once ready, false when `timeoutMs` passes first (or the set is closed). */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.initialized) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.initialized), timeoutMs);
      timer.unref();
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.initialized);
      });
    });
  }

  /**
   * The verified payload of a compact JWS signed by one of the issuer's keys (the one named by `kid`,
   * or any when the token names none), as go-oidc's RemoteKeySet.VerifySignature.
   */
  async verify(token: SignedToken, kid: string | undefined, alg: string): Promise<void> {
    if (!isSupportedAlgorithm(alg)) throw new Error('failed to verify id token signature');
    if (await this.tryKeys(token, kid, alg)) return;
    if ((await this.refresh()) && (await this.tryKeys(token, kid, alg))) return;
    throw new Error('failed to verify id token signature');
  }

  /**
   * The hot path, synchronous: 'ok' when a cached, already imported key verifies the token; 'slow'
   * when that cannot be decided without waiting (a key to import, or none verified: the refetch path
   * of `verify`).
   */
  verifyCached(token: SignedToken, kid: string | undefined, alg: string): 'ok' | 'slow' {
    if (!isSupportedAlgorithm(alg)) return 'slow';
    for (const key of this.keys) {
      if (kid !== undefined && kid !== '' && key.kid !== kid) continue;
      const verifier = key.importedFor(alg);
      if (verifier === undefined) return 'slow';
      if (verifier && verifySignature(alg, token.signingInput, token.signature, verifier)) return 'ok';
    }
    return 'slow';
  }

  /** Each key named by `kid` (every key when the token names none), as go-oidc tries them. */
  private async tryKeys(token: SignedToken, kid: string | undefined, alg: string): Promise<boolean> {
    for (const key of this.keys) {
      if (kid !== undefined && kid !== '' && key.kid !== kid) continue;
      const found = key.forAlgorithm(alg);
      const verifier = found instanceof Promise ? await found : found;
      if (verifier && verifySignature(alg, token.signingInput, token.signature, verifier)) return true;
    }
    return false;
  }

  /** Fetches the keys again unless one fetch is running (joined) or the cooldown is on (queued). */
  private refresh(): Promise<boolean> {
    if (!this.initialized || this.closed) return Promise.resolve(false);
    if (this.inflight) return this.inflight;
    const wait = this.lastFetchAt + (this.options.refetchCooldownMs ?? REFETCH_COOLDOWN_MS) - this.now();
    if (wait > 0) {
      if (!this.deferredTimer) {
        this.deferredTimer = setTimeout(() => {
          this.deferredTimer = undefined;
          if (!this.closed) void this.fetchKeys();
        }, wait);
        this.deferredTimer.unref();
      }
      return Promise.resolve(false);
    }
    return this.fetchKeys();
  }

  private fetchKeys(): Promise<boolean> {
    if (this.inflight) return this.inflight;
    this.lastFetchAt = this.now();
    this.inflight = this.loadKeys()
      .then(
        () => true,
        (e: Error) => {
          this.lastError = `fetching keys oidc: get keys failed: ${e.message}`;
          log.error({ issuer: this.issuer, err: this.lastError }, 'oidc authenticator: refreshing keys');
          return false;
        },
      )
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async initialize(): Promise<void> {
    if (this.closed) return;
    try {
      await this.discover();
      this.lastFetchAt = this.now();
      await this.loadKeys();
      this.initialized = true;
      this.lastError = undefined;
      for (const w of this.readyWaiters.splice(0)) w();
    } catch (e) {
      this.lastError = (e as Error).message;
      log.error({ issuer: this.issuer, err: this.lastError }, 'oidc authenticator: initializing plugin');
      if (this.closed) return;
      this.initTimer = setTimeout(() => void this.initialize(), this.options.initRetryMs ?? INIT_RETRY_MS);
      this.initTimer.unref();
    }
  }

  /** oidc.NewProvider: the discovery document, whose issuer must be the configured one. */
  private async discover(): Promise<void> {
    const url = this.options.discoveryURL || `${this.issuer.replace(/\/$/, '')}${WELL_KNOWN}`;
    this.fetches++;
    const doc = await this.fetch(url);
    if (!isObject(doc)) throw new Error('oidc: failed to decode provider discovery object: not a JSON object');
    if (doc.issuer !== this.issuer) {
      throw new Error(
        `oidc: issuer did not match the issuer returned by provider, expected ${JSON.stringify(this.issuer)} got ${JSON.stringify(doc.issuer ?? '')}`,
      );
    }
    if (typeof doc.jwks_uri !== 'string' || !doc.jwks_uri)
      throw new Error('oidc: failed to decode provider discovery object: no jwks_uri');
    this.jwksUri = doc.jwks_uri;
  }

  private async loadKeys(): Promise<void> {
    this.fetches++;
    const doc = await this.fetch(this.jwksUri!);
    if (!isObject(doc) || !Array.isArray(doc.keys)) throw new Error('oidc: failed to decode keys: no "keys" array');
    // Encryption keys never verify signatures; keys jose cannot use are skipped when asked.
    this.keys = doc.keys.filter((k): k is JWK => isObject(k) && k.use !== 'enc').map((k) => new CachedKey(k));
  }
}
