// Which request headers reach a cluster, and the Impersonate-* headers that name the caller there. Nothing the
// client sends can speak for the gateway: every inbound Impersonate-* (any spelling, any count) and the caller's
// Authorization are dropped before the gateway's own headers are added.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { badRequest } from '../api/errors.js';
import { SYSTEM_AUTHENTICATED, type UserInfo } from '../authn/interfaces.js';
import { isImpersonationHeader } from '../server/filters/impersonation.js';

/** The extra that names who really made the request, whoever the cluster is told the user is. */
export const ORIGINAL_USER_EXTRA = 'authentication.kauth.io/original-user';

/** RFC 7230 hop-by-hop headers: they describe one connection, never the request. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/** Headers a client may not set for the cluster: the gateway's credential and host belong to the gateway. */
const GATEWAY_OWNED = new Set(['host', 'authorization']);

function connectionTokens(req: IncomingMessage): Set<string> {
  const tokens = new Set<string>();
  for (const line of req.headersDistinct.connection ?? []) {
    for (const t of line.split(',')) tokens.add(t.trim().toLowerCase());
  }
  return tokens;
}

/**
 * The client's headers minus hop-by-hop ones, Host, Authorization and every Impersonate-* header. With
 * `upgrade` the Connection/Upgrade pair is kept, so an exec/attach/port-forward upgrade reaches the cluster.
 * `passthrough` keeps Authorization and Impersonate-* untouched (a cluster-issued token speaks for itself).
 */
export function forwardedRequestHeaders(
  req: IncomingMessage,
  opts: { upgrade?: boolean; passthrough?: boolean } = {},
): OutgoingHttpHeaders {
  const named = connectionTokens(req);
  const out: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    const lower = name.toLowerCase();
    if (lower === 'host') continue;
    if (!opts.passthrough && (GATEWAY_OWNED.has(lower) || isImpersonationHeader(lower))) continue;
    if (HOP_BY_HOP.has(lower) || named.has(lower)) {
      if (!(opts.upgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    }
    out[lower] = values.length === 1 ? values[0] : values;
  }
  if (opts.upgrade) {
    out.connection = 'Upgrade';
    if (!out.upgrade) throw badRequest('an upgrade request needs an Upgrade header');
  }
  return out;
}

/** Response headers for the client: the cluster's, minus hop-by-hop ones (Node frames the body itself). */
export function forwardedResponseHeaders(rawHeaders: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(rawHeaders[i]!.toLowerCase())) out.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  }
  return out;
}

/**
 * Header values travel as bytes; Node writes strings as latin1, so a UTF-8 name (`jané`) goes out as its UTF-8
 * bytes, which is how kube-apiserver reads Impersonate-* values. Control characters cannot be sent at all.
 */
function headerValue(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw badRequest('an identity value contains a control character');
  }
  return Buffer.from(v, 'utf8').toString('latin1');
}

const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/** An extra key as a header-name suffix: url.PathEscape-style %XX for anything that is not unreserved. */
export function encodeExtraKey(key: string): string {
  let out = '';
  for (const ch of key) {
    if (UNRESERVED.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Impersonate-User/-Group/-Uid/-Extra-* naming `user` to the cluster, with ORIGINAL_USER_EXTRA set to
 * `originalUser`. system:authenticated is left out: kube-apiserver adds it to every impersonated non-anonymous
 * user (impersonation.go), so sending it would only ask for one more impersonate permission.
 */
export function impersonationHeaders(user: UserInfo, originalUser: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { 'impersonate-user': headerValue(user.username) };
  const groups = user.groups.filter((g) => g !== SYSTEM_AUTHENTICATED).map(headerValue);
  if (groups.length > 0) out['impersonate-group'] = groups;
  if (user.uid) out['impersonate-uid'] = headerValue(user.uid);
  const extra: Record<string, string[]> = { ...(user.extra ?? {}), [ORIGINAL_USER_EXTRA]: [originalUser] };
  for (const [key, values] of Object.entries(extra)) {
    if (values.length === 0) continue;
    out[`impersonate-extra-${encodeExtraKey(key)}`] = values.map(headerValue);
  }
  return out;
}
