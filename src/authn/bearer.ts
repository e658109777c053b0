// Bearer tokens from the request: `Authorization: Bearer <token>`
// (apiserver/pkg/authentication/request/bearertoken) and, for browsers' websockets that cannot set
// headers, the subprotocol `base64url.bearer.authorization.k8s.io.<token>`
// (apiserver/pkg/authentication/request/websocket). Both hand the token to a TokenAuthenticator;
// a token that nobody accepts is `invalid bearer token`, never anonymous.
import {
  AuthenticationError,
  type Authenticator,
  type AuthRequest,
  type AuthResponse,
  type TokenAuthenticator,
} from './interfaces.js';

/**
 * kube-apiserver has no token length limit of its own; Go's http server refuses request headers over
 * 1 MiB (MaxHeaderBytes) with 431 before authentication runs. Real tokens are a few KiB at most, so
 * anything over 64 KiB is refused here, before any parsing or crypto.
 */
export const MAX_BEARER_TOKEN_LENGTH = 64 * 1024;

const INVALID_TOKEN = 'invalid bearer token';

function headerValue(v: string | string[] | undefined): string {
  if (Array.isArray(v)) return v[0] ?? '';
  return v ?? '';
}

async function authenticateBearer(
  auth: TokenAuthenticator,
  token: string,
  audiences: string[] | undefined,
): Promise<AuthResponse> {
  if (token.length > MAX_BEARER_TOKEN_LENGTH) {
    throw new AuthenticationError(`${INVALID_TOKEN}: token is longer than ${MAX_BEARER_TOKEN_LENGTH} bytes`);
  }
  const resp = await auth.authenticateToken(token, audiences);
  if (!resp) throw new AuthenticationError(INVALID_TOKEN);
  return resp;
}

export class BearerTokenAuthenticator implements Authenticator {
  readonly name = 'bearer';

  constructor(private readonly tokens: TokenAuthenticator) {}

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    const auth = headerValue(req.headers.authorization).trim();
    if (!auth) return null;
    // strings.Split(auth, " "): the token is the second word exactly; "Bearer  x" has an empty one.
    const parts = auth.split(' ');
    if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return null;
    const token = parts[1]!;
    if (!token) return null;
    const resp = await authenticateBearer(this.tokens, token, req.audiences);
    // Nothing further down the chain may see (or log, or forward) the credential.
    delete req.headers.authorization;
    return resp;
  }
}

export const WEBSOCKET_BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** wsstream.IsWebSocketRequest. */
export function isWebSocketRequest(req: AuthRequest): boolean {
  if (headerValue(req.headers.upgrade).toLowerCase() !== 'websocket') return false;
  return hasUpgradeToken(headerValue(req.headers.connection).toLowerCase());
}

/** Go's \s (RE2): space, \t, \n, \f, \r. */
const isGoSpace = (ch: string | undefined): boolean =>
  ch === ' ' || ch === '\t' || ch === '\n' || ch === '\f' || ch === '\r';

/**
 * wsstream's `(^|.*,\s*)upgrade($|\s*,)` as string code (that regex backtracks quadratically in JavaScript):
 * `upgrade` at the very start or after a comma and spaces, then the end or spaces and a comma.
 */
function hasUpgradeToken(connection: string): boolean {
  const items = connection.split(',');
  return items.some((item, i) => {
    let start = 0;
    if (i > 0) while (isGoSpace(item[start])) start++;
    if (!item.startsWith('upgrade', start)) return false;
    let end = start + 'upgrade'.length;
    if (i === items.length - 1) return end === item.length;
    while (isGoSpace(item[end])) end++;
    return end === item.length;
  });
}

const RAW_BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class WebSocketProtocolAuthenticator implements Authenticator {
  readonly name = 'websocket-bearer';

  constructor(private readonly tokens: TokenAuthenticator) {}

  async authenticate(req: AuthRequest): Promise<AuthResponse | null> {
    if (!isWebSocketRequest(req)) return null;
    const raw = req.headers['sec-websocket-protocol'];
    const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    let token = '';
    let sawToken = false;
    const others: string[] = [];
    for (const value of values) {
      for (const item of value.split(',')) {
        const protocol = item.trim();
        if (!protocol.startsWith(WEBSOCKET_BEARER_PROTOCOL_PREFIX)) {
          others.push(protocol);
          continue;
        }
        if (sawToken) throw new AuthenticationError('multiple base64.bearer.authorization tokens specified');
        sawToken = true;
        const encoded = protocol.slice(WEBSOCKET_BEARER_PROTOCOL_PREFIX.length);
        if (!RAW_BASE64URL.test(encoded) || encoded.length % 4 === 1)
          throw new AuthenticationError('invalid base64.bearer.authorization token encoding');
        try {
          token = utf8.decode(Buffer.from(encoded, 'base64url'));
        } catch {
          throw new AuthenticationError('invalid base64.bearer.authorization token');
        }
      }
    }
    // Another subprotocol must remain, to be echoed back once the token one is removed.
    if (token && others.length === 0) throw new AuthenticationError('missing additional subprotocol');
    if (!token) return null;
    const resp = await authenticateBearer(this.tokens, token, req.audiences);
    req.headers['sec-websocket-protocol'] = others.join(',');
    return resp;
  }
}
