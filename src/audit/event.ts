// Filling an audit event from the request, as k8s.io/apiserver/pkg/audit/request.go does: MicroTime stamps,
// source IPs (utilnet.SourceIPs), the user-agent cut at 1024 characters, objectRef from the request info, the
// response Status' bounded fields, and the request/response objects with managedFields dropped when asked.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { UserInfo } from '../authn/interfaces.js';
import type { EventUser, ObjectReference, ResponseStatus } from './types.js';

const MAX_USER_AGENT = 1024;

/** metav1.MicroTime's JSON: RFC 3339, UTC, always six fractional digits. */
export function microTime(epochMs: number): string {
  const micros = Math.floor(epochMs * 1000);
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // 2026-11-29T00:33:22.123Z
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
}

/** maybeTruncateUserAgent. */
export function userAgentOf(req: IncomingMessage): string | undefined {
  const ua = req.headers['user-agent'];
  if (!ua) return undefined;
  return ua.length > MAX_USER_AGENT ? `${ua.slice(0, MAX_USER_AGENT)}...TRUNCATED` : ua;
}

/** Go prints an IPv4-mapped IPv6 address as IPv4. */
function canonicalIp(text: string): string | undefined {
  const ip = text.trim();
  if (!isIP(ip)) return undefined;
  const lower = ip.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}

/** utilnet.SourceIPs: X-Forwarded-For's valid entries, then X-Real-Ip, then the peer address (never spoofable). */
export function sourceIps(req: IncomingMessage): string[] {
  const ips: string[] = [];
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded === 'string' && forwarded !== '') {
    for (const part of forwarded.split(',')) {
      const ip = canonicalIp(part);
      if (ip) ips.push(ip);
    }
  }
  const realIpHeader = req.headers['x-real-ip'];
  const realIp = typeof realIpHeader === 'string' ? canonicalIp(realIpHeader) : undefined;
  if (realIp && !ips.includes(realIp)) ips.push(realIp);
  const remote = canonicalIp(req.socket.remoteAddress ?? '');
  if (remote && ips[ips.length - 1] !== remote) ips.push(remote);
  return ips;
}

/** authentication/v1 UserInfo with Go's omitempty. */
export function eventUser(user: UserInfo | undefined): EventUser {
  if (!user) return {};
  const out: EventUser = {};
  if (user.username) out.username = user.username;
  if (user.uid) out.uid = user.uid;
  if (user.groups.length) out.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) out.extra = { ...user.extra };
  return out;
}

export interface ObjectRefSource {
  isResourceRequest: boolean;
  namespace: string;
  name: string;
  resource: string;
  subresource: string;
  apiGroup: string;
  apiVersion: string;
}

export function objectRefOf(info: ObjectRefSource): ObjectReference | undefined {
  if (!info.isResourceRequest) return undefined;
  const ref: ObjectReference = {};
  if (info.resource) ref.resource = info.resource;
  if (info.namespace) ref.namespace = info.namespace;
  if (info.name) ref.name = info.name;
  // apiGroup is left out for the core group, as Go's omitempty does.
  if (info.apiGroup) ref.apiGroup = info.apiGroup;
  if (info.apiVersion) ref.apiVersion = info.apiVersion;
  if (info.subresource) ref.subresource = info.subresource;
  return ref;
}

/** LogRequestObject: a create names its object in the body; objectRef takes name/namespace from it when empty. */
export function completeObjectRef(ref: ObjectReference | undefined, body: unknown): void {
  if (!ref || !isRecord(body) || !isRecord(body.metadata)) return;
  const meta = body.metadata;
  if (!ref.namespace && typeof meta.namespace === 'string' && meta.namespace) ref.namespace = meta.namespace;
  if (!ref.name && typeof meta.name === 'string' && meta.name) ref.name = meta.name;
  if (!ref.uid && typeof meta.uid === 'string' && meta.uid) ref.uid = meta.uid;
  if (!ref.resourceVersion && typeof meta.resourceVersion === 'string' && meta.resourceVersion) {
    ref.resourceVersion = meta.resourceVersion;
  }
}

/** ObjectReference in kube's field order (fields are filled at different times). */
export function orderedObjectRef(ref: ObjectReference): ObjectReference {
  const { resource, namespace, name, uid, apiGroup, apiVersion, resourceVersion, subresource } = ref;
  return { resource, namespace, name, uid, apiGroup, apiVersion, resourceVersion, subresource };
}

/** The status of a response that is no Status object: the code only. */
export function plainStatus(code: number): ResponseStatus {
  return { metadata: {}, code };
}

/** LogResponseObject's copy of a Status: status, message, reason, details, code. */
export function statusFromBody(code: number, body: unknown): ResponseStatus {
  if (!isRecord(body) || body.kind !== 'Status') return plainStatus(code);
  // metav1.Status' field order: metadata, status, message, reason, details, code.
  const out = { metadata: {} } as ResponseStatus;
  if (typeof body.status === 'string' && body.status) out.status = body.status;
  if (typeof body.message === 'string' && body.message) out.message = body.message;
  if (typeof body.reason === 'string' && body.reason) out.reason = body.reason;
  if (isRecord(body.details) && Object.keys(body.details).length) out.details = body.details;
  out.code = typeof body.code === 'number' && body.code ? body.code : code;
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** copyWithoutManagedFields: an object, each item of a list, each row object of a Table. */
export function withoutManagedFields(obj: unknown): unknown {
  if (!isRecord(obj)) return obj;
  const strip = (o: unknown): unknown => {
    if (!isRecord(o) || !isRecord(o.metadata) || !('managedFields' in o.metadata)) return o;
    const { managedFields: _dropped, ...metadata } = o.metadata;
    return { ...o, metadata };
  };
  let out = strip(obj) as Record<string, unknown>;
  if (Array.isArray(out.items)) out = { ...out, items: out.items.map(strip) };
  if (out.kind === 'Table' && Array.isArray(out.rows)) {
    out = {
      ...out,
      rows: out.rows.map((r: unknown) => (isRecord(r) && r.object ? { ...r, object: strip(r.object) } : r)),
    };
  }
  return out;
}

/**
 * kauth's rule (stricter than kube, which logs a Secret's request body in full from level Request up): below
 * RequestResponse a Secret's payload is never written. An object loses `data` and `stringData`; a JSON patch
 * (a list of operations that could carry values anywhere) is left out whole.
 */
export function redactSecretPayload(body: unknown): unknown {
  if (Array.isArray(body)) return undefined;
  if (!isRecord(body)) return body;
  const { data: _data, stringData: _stringData, ...rest } = body;
  return rest;
}
