// Request-header (front proxy) authentication, after apiserver/pkg/authentication/request/headerrequest
// and x509.NewDynamicCAVerifier: a client certificate verified against --requestheader-client-ca-file
// whose CN is in --requestheader-allowed-names (empty list: any) may assert who the user is in headers
// (--requestheader-username-headers, -uid-headers, -group-headers, -extra-headers-prefix). Anyone else's
// headers are ignored here; a certificate that fails verification or the CN check is an error, which
// the union keeps only if no later authenticator (x509 against the cluster CA, tokens) accepts.
import type { X509Certificate } from 'node:crypto';
import { X509Authenticator } from './x509.js';
import {
  AuthenticationError,
  type Authenticator,
  type AuthRequest,
  type AuthResponse,
  type UserInfo,
} from './interfaces.js';

export interface RequestHeaderOptions {
  /** --requestheader-client-ca-file contents (PEM bundles). */
  clientCaPems: string[];
  /** --requestheader-allowed-names: CNs allowed to act as a front proxy; empty allows any CN. */
  allowedNames: string[];
  /** --requestheader-username-headers, in order: the first with a value wins. */
  usernameHeaders: string[];
  /** --requestheader-uid-headers, in order: the first with a value wins. */
  uidHeaders?: string[];
  /** --requestheader-group-headers: every value of every one is a group. */
  groupHeaders: string[];
  /** --requestheader-extra-headers-prefix: `<prefix><key>: value` → extra[unescape(lower(key))]. */
  extraHeaderPrefixes: string[];
  now?: () => Date;
}

/** RequestHeaderAuthenticationOptions.Validate / trimHeaders: no empty or blank names. */
export function validateRequestHeaderOptions(o: {
  usernameHeaders: string[];
  uidHeaders?: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
  allowedNames: string[];
}): string[] {
  const errors: string[] = [];
  const lists: [string, string[]][] = [
    ['requestheader-username-headers', o.usernameHeaders],
    ['requestheader-uid-headers', o.uidHeaders ?? []],
    ['requestheader-group-headers', o.groupHeaders],
    ['requestheader-extra-headers-prefix', o.extraHeaderPrefixes],
    ['requestheader-allowed-names', o.allowedNames],
  ];
  for (const [flag, values] of lists) {
    if (values.some((v) => v.trim() === '')) errors.push(`empty value in "${flag}"`);
  }
  return errors;
}

/**
 * url.PathUnescape for extra keys: %XX decoded to bytes; a malformed escape keeps the key as sent
 * ("always record extra strings, even if malformed/unencoded"). Plain string code, linear time.
 */
export function unescapeExtraKey(encoded: string): string {
  if (!encoded.includes('%')) return encoded;
  const bytes: number[] = [];
  const hex = (c: string | undefined): number => (c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1);
  for (let i = 0; i < encoded.length; i++) {
    const ch = encoded[i]!;
    if (ch === '%') {
      const hi = hex(encoded[i + 1]);
      const lo = hex(encoded[i + 2]);
      if (hi < 0 || lo < 0) return encoded;
      bytes.push(hi * 16 + lo);
      i += 2;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const lower = (names: string[]): string[] => names.map((n) => n.trim().toLowerCase());

/** Node folds header names to lower case; values are read unjoined when the caller kept them so. */
function values(req: AuthRequest, name: string): string[] {
  const distinct = req.headersDistinct?.[name];
  if (distinct) return distinct;
  const v = req.headers[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

interface ProxyOutcome {
  cn: string;
  /** Kept as the instance: building an Error (its stack) per request showed in the server's profile. */
  error?: AuthenticationError;
  until: number;
}

/**
 * How long a connection's verification outcome is reused. Most client certificates are the cluster
 * CA's and fail here on every request before x509 accepts them; remembering the failure per connection
 * (the server hands in one certificate object per TLS connection) keeps that off the hot path.
 */
const OUTCOME_TTL_MS = 10_000;

export class RequestHeaderAuthenticator implements Authenticator {
  readonly name = 'requestheader';
  private readonly outcomes = new WeakMap<X509Certificate, ProxyOutcome>();
  /** Verifies the proxy's chain (ClientAuth usage, validity, intermediates) the way x509 does for users. */
  private readonly verifier: X509Authenticator;
  private readonly allowedNames: string[];
  private readonly usernameHeaders: string[];
  private readonly uidHeaders: string[];
  private readonly groupHeaders: string[];
  private readonly extraPrefixes: string[];
  private readonly now: () => Date;

  constructor(options: RequestHeaderOptions) {
    const problems = validateRequestHeaderOptions(options);
    if (!options.clientCaPems.some((pem) => pem.includes('-----BEGIN CERTIFICATE-----'))) {
      problems.push('requestheader-client-ca-file: no certificate found');
    }
    if (problems.length) throw new Error(problems.join(', '));
    this.now = options.now ?? (() => new Date());
    this.verifier = new X509Authenticator(options.clientCaPems, { now: this.now });
    this.allowedNames = [...options.allowedNames];
    this.usernameHeaders = lower(options.usernameHeaders);
    this.uidHeaders = lower(options.uidHeaders ?? []);
    this.groupHeaders = lower(options.groupHeaders);
    this.extraPrefixes = lower(options.extraHeaderPrefixes);
  }

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    if (req.peerCertificates.length === 0) return null;
    const cn = await this.verifiedProxyName(req);
    if (this.allowedNames.length > 0 && !this.allowedNames.includes(cn)) {
      throw new AuthenticationError(`x509: subject with cn=${cn} is not in the allowed list`);
    }
    const username = this.first(req, this.usernameHeaders);
    if (!username) return null;
    const user: UserInfo = { username, groups: this.groups(req) };
    const uid = this.first(req, this.uidHeaders);
    if (uid) user.uid = uid;
    const extra = this.extra(req);
    if (Object.keys(extra).length > 0) user.extra = extra;
    this.clearHeaders(req);
    return { user };
  }

  /** The proxy certificate's CN once its chain verifies against the request-header CA (throws otherwise). */
  private async verifiedProxyName(req: AuthRequest): Promise<string> {
    const leaf = req.peerCertificates[0]!;
    const now = this.now().getTime();
    const hit = this.outcomes.get(leaf);
    if (hit && now < hit.until) {
      if (hit.error !== undefined) throw hit.error;
      return hit.cn;
    }
    let outcome: ProxyOutcome;
    try {
      // Only the chain matters here: the headers are not the x509 authenticator's business.
      const resp = await this.verifier.authenticate({ headers: {}, peerCertificates: req.peerCertificates });
      // A verified certificate without a CN comes back as "no user": its CN is the empty string.
      outcome = { cn: resp?.user.username ?? '', until: 0 };
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw e;
      outcome = { cn: '', error: e, until: 0 };
    }
    const validTo = Date.parse(leaf.validTo);
    outcome.until = Math.min(now + OUTCOME_TTL_MS, Number.isNaN(validTo) ? now : validTo);
    this.outcomes.set(leaf, outcome);
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.cn;
  }

  /** headerValue: the first of the headers with a non-empty value (the first value of it). */
  private first(req: AuthRequest, names: string[]): string {
    for (const name of names) {
      const v = values(req, name)[0];
      if (v) return v;
    }
    return '';
  }

  /** allHeaderValues: every non-empty value of every group header, in flag order. */
  private groups(req: AuthRequest): string[] {
    const out: string[] = [];
    for (const name of this.groupHeaders) for (const v of values(req, name)) if (v) out.push(v);
    return out;
  }

  /** newExtra: per prefix (flag order), every header starting with it, key lower-cased then unescaped. */
  private extra(req: AuthRequest): Record<string, string[]> {
    // A Map, not an object: a key is whatever the proxy sent, `__proto__` included.
    const out = new Map<string, string[]>();
    for (const prefix of this.extraPrefixes) {
      for (const name of Object.keys(req.headers)) {
        if (!name.startsWith(prefix)) continue;
        const key = unescapeExtraKey(name.slice(prefix.length));
        out.set(key, [...(out.get(key) ?? []), ...values(req, name)]);
      }
    }
    return Object.fromEntries(out);
  }

  /** ClearAuthenticationHeaders: nothing after authentication sees the asserted identity headers. */
  private clearHeaders(req: AuthRequest): void {
    for (const name of [...this.usernameHeaders, ...this.uidHeaders, ...this.groupHeaders]) delete req.headers[name];
    for (const name of Object.keys(req.headers)) {
      if (this.extraPrefixes.some((p) => name.startsWith(p))) delete req.headers[name];
    }
  }
}
