// Bootstrap tokens (plugin/pkg/auth/authenticator/token/bootstrap/bootstrap.go): `<id>.<secret>`
// backed by the Secret kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token.
// As in Kubernetes, every mismatch is "not authenticated" (null), never an error: bootstrap tokens
// are guessable in shape, and errors would tell a prober which part was wrong.
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject, ObjectGetter } from '../api/types.js';
import type { AuthResponse, TokenAuthenticator } from './interfaces.js';

export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAP_DEFAULT_GROUP = 'system:bootstrappers';
const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export interface BootstrapTokenAuthenticatorOptions {
  now?: () => Date;
}

/** secret.Data[key] decoded; "" when absent (bootstrapsecretutil.GetData). */
function secretData(secret: KubeObject, key: string): string {
  const data = secret.data as Record<string, unknown> | undefined;
  const v = data?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '';
}

function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** GetExpiration: an unparseable expiration counts as expired. */
function hasExpired(secret: KubeObject, now: Date): boolean {
  const expiration = secretData(secret, 'expiration');
  if (!expiration) return false;
  const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  const t = rfc3339.test(expiration) ? Date.parse(expiration) : NaN;
  if (Number.isNaN(t)) return true;
  return t - now.getTime() <= 0;
}

/** GetGroups: system:bootstrappers plus valid auth-extra-groups, de-duplicated and sorted; undefined if any is invalid. */
function bootstrapGroups(secret: KubeObject): string[] | undefined {
  const groups = new Set([BOOTSTRAP_DEFAULT_GROUP]);
  const extra = secretData(secret, 'auth-extra-groups');
  if (extra) {
    for (const g of extra.split(',')) {
      if (!GROUP_PATTERN.test(g)) return undefined;
      groups.add(g);
    }
  }
  return [...groups].sort();
}

export class BootstrapTokenAuthenticator implements TokenAuthenticator {
  readonly name = 'bootstrap';
  private readonly now: () => Date;

  constructor(
    private readonly getter: ObjectGetter,
    options: BootstrapTokenAuthenticatorOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async authenticateToken(token: string): Promise<AuthResponse | null> {
    const m = TOKEN_PATTERN.exec(token);
    if (!m) return null;
    const [, tokenId, tokenSecret] = m as unknown as [string, string, string];
    // A lookup failure other than "not found" is an error, as the lister's is in Kubernetes.
    const secret = await this.getter.get('secrets', 'kube-system', BOOTSTRAP_TOKEN_SECRET_PREFIX + tokenId);
    if (!secret) return null;
    if (secret.metadata.deletionTimestamp) return null;
    if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || !secret.data) return null;
    if (!constantTimeEquals(secretData(secret, 'token-secret'), tokenSecret)) return null;
    if (secretData(secret, 'token-id') !== tokenId) return null;
    if (hasExpired(secret, this.now())) return null;
    if (secretData(secret, 'usage-bootstrap-authentication') !== 'true') return null;
    const groups = bootstrapGroups(secret);
    if (!groups) return null;
    return { user: { username: BOOTSTRAP_USER_PREFIX + tokenId, groups } };
  }
}
