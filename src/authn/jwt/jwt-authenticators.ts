// All configured JWT issuers as one token authenticator. A token goes to the issuer its unverified
// `iss` names (issuer URLs are unique, so this is kube's union of per-issuer authenticators without
// asking each one); a token naming no configured issuer is not ours (null), so service accounts and
// the webhook can have it. The set is replaced whole when the configuration file changes: the new
// issuers' keys are loaded first, and the swap is atomic for requests.
import type { AuthResponse, TokenAuthenticator } from '../interfaces.js';
import type { CompiledJwtAuthenticator } from './config-validate.js';
import { IssuerKeySet, type IssuerKeySetOptions } from './issuer-keys.js';
import { JwtAuthenticator } from './jwt-authenticator.js';
import { parseCompactJws } from '../../serviceaccount/jws.js';
import { issuerOf, untrustedIssuer } from './verify.js';

/** How long a reload waits for new issuers' keys (kube's UpdateAuthenticationConfigTimeout). */
export const UPDATE_TIMEOUT_MS = 60_000;

export interface JwtAuthenticatorsOptions {
  /** Allowed signing algorithms (--oidc-signing-algs; all of kube's with a configuration file). */
  algorithms: readonly string[];
  now?: () => number;
  /** Key-set settings shared by every issuer (tests shorten the timers or inject fetch). */
  keySet?: Omit<IssuerKeySetOptions, 'issuer' | 'discoveryURL' | 'ca'>;
}

const keySetIdentity = (c: CompiledJwtAuthenticator): string =>
  JSON.stringify([c.config.issuer.url, c.config.issuer.discoveryURL, c.config.issuer.certificateAuthority]);

export class JwtAuthenticators implements TokenAuthenticator {
  readonly name = 'jwt';
  private byIssuer = new Map<string, JwtAuthenticator>();
  private keySets = new Map<string, IssuerKeySet>();

  constructor(private readonly options: JwtAuthenticatorsOptions) {}

  /** Starts serving `compiled` at once; keys load in the background (tokens before that are 401). */
  start(compiled: CompiledJwtAuthenticator[]): this {
    const next = this.build(compiled);
    this.swap(next);
    return this;
  }

  /**
   * Replaces the issuers once the new ones' keys have loaded; on timeout the old set stays and the
   * error says which issuer is not ready.
   */
  async update(compiled: CompiledJwtAuthenticator[], timeoutMs = UPDATE_TIMEOUT_MS): Promise<void> {
    const next = this.build(compiled);
    const fresh = [...next.keySets.values()].filter((k) => !this.isCurrent(k));
    const ready = await Promise.all(fresh.map((k) => k.whenReady(timeoutMs)));
    const notReady = fresh.filter((_k, i) => !ready[i]);
    if (notReady.length) {
      for (const k of fresh) k.close();
      throw new Error(
        notReady
          .map(
            (k) =>
              `oidc: authenticator for issuer ${JSON.stringify(k.issuer)} is not initialized: ${k.lastError ?? 'timed out'}`,
          )
          .join(', '),
      );
    }
    this.swap(next);
  }

  /** The issuers served now (for logs and tests). */
  get issuers(): string[] {
    return [...this.byIssuer.keys()];
  }

  /** Network requests made by all current key sets (the benchmark checks the hot path makes none). */
  get fetches(): number {
    let n = 0;
    for (const k of this.keySets.values()) n += k.fetches;
    return n;
  }

  /** Resolves true when every current issuer has its keys (tests, start-up diagnostics). */
  async whenReady(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all([...this.keySets.values()].map((k) => k.whenReady(timeoutMs)));
    return results.every(Boolean);
  }

  async authenticateToken(token: string): Promise<AuthResponse | null> {
    // One parse serves routing and verification; a token that does not parse is routed as kube's
    // untrustedIssuer would (by its payload alone) and then refused as malformed.
    const jws = parseCompactJws(token);
    const iss = jws ? issuerOf(jws) : untrustedIssuer(token);
    const authenticator = iss === undefined ? undefined : this.byIssuer.get(iss);
    return authenticator ? authenticator.authenticateParsed(jws) : null;
  }

  close(): void {
    for (const k of this.keySets.values()) k.close();
    this.keySets.clear();
    this.byIssuer.clear();
  }

  private isCurrent(k: IssuerKeySet): boolean {
    for (const current of this.keySets.values()) if (current === k) return true;
    return false;
  }

  /** New authenticators; an issuer whose URL, discovery URL and CA are unchanged keeps its loaded keys. */
  private build(compiled: CompiledJwtAuthenticator[]): {
    byIssuer: Map<string, JwtAuthenticator>;
    keySets: Map<string, IssuerKeySet>;
  } {
    const byIssuer = new Map<string, JwtAuthenticator>();
    const keySets = new Map<string, IssuerKeySet>();
    for (const c of compiled) {
      const id = keySetIdentity(c);
      let keys = this.keySets.get(id);
      if (!keys) {
        keys = new IssuerKeySet({
          ...this.options.keySet,
          issuer: c.config.issuer.url,
          discoveryURL: c.config.issuer.discoveryURL || undefined,
          ca: c.config.issuer.certificateAuthority || undefined,
        }).start();
      }
      keySets.set(id, keys);
      byIssuer.set(c.config.issuer.url, new JwtAuthenticator(c, keys, this.options.algorithms, this.options.now));
    }
    return { byIssuer, keySets };
  }

  private swap(next: { byIssuer: Map<string, JwtAuthenticator>; keySets: Map<string, IssuerKeySet> }): void {
    const old = this.keySets;
    this.byIssuer = next.byIssuer;
    this.keySets = next.keySets;
    for (const [id, k] of old) if (next.keySets.get(id) !== k) k.close();
  }
}
