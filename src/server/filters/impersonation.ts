// The impersonation filter: Impersonate-* headers turn the authenticated requester into another user, after the
// authorizer allowed every part of the switch (verb `impersonate`). Behaviour follows kube-apiserver's legacy filter,
// apiserver/pkg/endpoints/filters/impersonation/impersonation.go (WithImpersonation, buildImpersonationRequests).
//
// Runs after authentication and before authorization: the authorizer later sees the impersonated user.
import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from '../../api/errors.js';
import {
  SERVICE_ACCOUNT_PREFIX,
  SYSTEM_ANONYMOUS,
  SYSTEM_AUTHENTICATED,
  SYSTEM_UNAUTHENTICATED,
  type UserInfo,
} from '../../authn/interfaces.js';
import { forbiddenError } from '../../authz/forbidden.js';
import { serviceAccountGroups, splitServiceAccountUsername } from '../../serviceaccount/claims.js';
import type { Attributes, Authorizer } from '../../authz/interfaces.js';

/** Header names as k8s.io/api/authentication/v1 spells them (HTTP header names are case-insensitive). */
export const IMPERSONATE_HEADERS = Object.freeze({
  user: 'Impersonate-User',
  group: 'Impersonate-Group',
  uid: 'Impersonate-Uid',
  extraPrefix: 'Impersonate-Extra-',
});

const USER_HEADER = IMPERSONATE_HEADERS.user.toLowerCase();
const GROUP_HEADER = IMPERSONATE_HEADERS.group.toLowerCase();
const UID_HEADER = IMPERSONATE_HEADERS.uid.toLowerCase();
const EXTRA_PREFIX = IMPERSONATE_HEADERS.extraPrefix.toLowerCase();

const AUTHENTICATION_GROUP = 'authentication.k8s.io';
const AUTHENTICATION_V1 = `${AUTHENTICATION_GROUP}/v1`;

/** True for Impersonate-User, -Group, -Uid and every Impersonate-Extra-<key>, in any letter case. */
export function isImpersonationHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === USER_HEADER || n === GROUP_HEADER || n === UID_HEADER || n.startsWith(EXTRA_PREFIX);
}

/**
 * A copy of `headers` without any Impersonate-* header. For a gateway that proxies on: client-supplied
 * impersonation must never reach the upstream server under the gateway's own (privileged) identity.
 */
export function stripImpersonationHeaders<T extends Record<string, unknown>>(headers: T): T {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isImpersonationHeader(name)) kept[name] = value;
  }
  return kept as T;
}

/** One thing the requester asks to become, as kube-apiserver models it (a v1.ObjectReference). */
export interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  /** User name, service-account name, group, extra value or uid. */
  name: string;
  /** `authentication.k8s.io/v1` for UserExtra and UID, empty otherwise (core kinds). */
  apiVersion: string;
  /** The decoded extra key (UserExtra only). */
  fieldPath: string;
}

/** Header values one by one: every repeated header stays a separate value, empty values included. */
type HeaderValues = (lowerCaseName: string) => string[];

function headerValues(
  headers: IncomingHttpHeaders,
  headersDistinct?: Record<string, string[] | undefined>,
): HeaderValues {
  // Index by lower-cased name once: Node already lower-cases, hand-built header objects may not.
  const index = new Map<string, string[]>();
  const add = (name: string, values: string[]) => {
    const key = name.toLowerCase();
    if (isImpersonationHeader(key)) index.set(key, [...(index.get(key) ?? []), ...values]);
  };
  if (headersDistinct) {
    for (const [name, values] of Object.entries(headersDistinct)) if (values) add(name, values);
  } else {
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      add(name, Array.isArray(value) ? value : [value]);
    }
  }
  return (name) => index.get(name) ?? [];
}

/** All lower-cased header names starting with Impersonate-Extra-, in arrival order. */
function extraHeaderNames(
  headers: IncomingHttpHeaders,
  headersDistinct?: Record<string, string[] | undefined>,
): string[] {
  const names = new Set<string>();
  for (const name of Object.keys(headersDistinct ?? headers)) {
    const n = name.toLowerCase();
    if (n.startsWith(EXTRA_PREFIX)) names.add(n);
  }
  return [...names];
}

/**
 * Node's HTTP parser hands header bytes over as latin1 (one char per byte); Go keeps them as bytes and they are
 * UTF-8 on the wire (`kubectl --as=jané`). Reinterpret the bytes as UTF-8 so names round-trip as Kubernetes shows
 * them; malformed UTF-8 becomes U+FFFD, as Go's JSON encoder renders it. Strings that are already decoded
 * (any char above U+00FF, i.e. not from the parser) are left alone.
 */
function headerText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are byte ranges (ASCII, Latin-1), not control characters sought
  if (!/[^\x00-\x7f]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  return Buffer.from(value, 'latin1').toString('utf8');
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Go's url.PathUnescape: %XX → byte; undefined when a `%` is not followed by two hex digits. */
function pathUnescape(s: string): string | undefined {
  const bytes = Buffer.from(headerText(s), 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x25 /* % */) {
      out.push(b);
      continue;
    }
    if (i + 2 >= bytes.length || !isHex(bytes[i + 1]!) || !isHex(bytes[i + 2]!)) return undefined;
    out.push(parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
    i += 2;
  }
  return Buffer.from(out).toString('utf8');
}

/** Kubernetes keeps a key that does not decode as it was sent ("always record extra strings, even if malformed"). */
function extraKeyFromHeader(lowerCaseHeaderName: string): string {
  const encoded = lowerCaseHeaderName.slice(EXTRA_PREFIX.length);
  return pathUnescape(encoded) ?? headerText(encoded);
}

// One definition of the service-account username rules, shared with the token authenticator.
export { splitServiceAccountUsername };

/** Go's `%v` of a []v1.ObjectReference (struct fields in declaration order, space-separated, UID and RV empty). */
function goFormatRequests(requests: ImpersonationRequest[]): string {
  const one = (r: ImpersonationRequest) =>
    `{${[r.kind, r.namespace, r.name, '', r.apiVersion, '', r.fieldPath].join(' ')}}`;
  return `[${requests.map(one).join(' ')}]`;
}

/**
 * The list of things to authorize, in kube-apiserver's order: user (or service account), groups, extras, uid.
 * No Impersonate-* header gives an empty list. Groups, extras or a uid without a (non-empty) user is a 400.
 * An empty Impersonate-User or Impersonate-Uid counts as absent, an empty group or extra value as a value,
 * exactly as Kubernetes reads them.
 */
export function buildImpersonationRequests(
  headers: IncomingHttpHeaders,
  headersDistinct?: Record<string, string[] | undefined>,
): ImpersonationRequest[] {
  const values = headerValues(headers, headersDistinct);
  const requests: ImpersonationRequest[] = [];
  const ref = (
    kind: ImpersonationRequest['kind'],
    name: string,
    more: Partial<ImpersonationRequest> = {},
  ): ImpersonationRequest => ({
    kind,
    namespace: '',
    name,
    apiVersion: '',
    fieldPath: '',
    ...more,
  });

  // Like Go's Header.Get: only the first value counts.
  const requestedUser = headerText(values(USER_HEADER)[0] ?? '');
  const hasUser = requestedUser !== '';
  if (hasUser) {
    const sa = splitServiceAccountUsername(requestedUser);
    requests.push(sa ? ref('ServiceAccount', sa.name, { namespace: sa.namespace }) : ref('User', requestedUser));
  }

  const groups = values(GROUP_HEADER);
  for (const group of groups) requests.push(ref('Group', headerText(group)));

  const extraNames = extraHeaderNames(headers, headersDistinct);
  for (const headerName of extraNames) {
    const key = extraKeyFromHeader(headerName);
    for (const value of values(headerName)) {
      requests.push(ref('UserExtra', headerText(value), { apiVersion: AUTHENTICATION_V1, fieldPath: key }));
    }
  }

  const requestedUid = headerText(values(UID_HEADER)[0] ?? '');
  if (requestedUid !== '') requests.push(ref('UID', requestedUid, { apiVersion: AUTHENTICATION_V1 }));

  const hasOthers = groups.length > 0 || extraNames.length > 0 || requestedUid !== '';
  if (hasOthers && !hasUser) {
    throw badRequest(`requested ${goFormatRequests(requests)} without impersonating a user`);
  }
  return requests;
}

/** The SubjectAccessReview-style attributes that must be allowed for one impersonation request. */
export function impersonationAttributes(requester: UserInfo, request: ImpersonationRequest): Attributes {
  const attrs: Attributes = {
    user: requester,
    verb: 'impersonate',
    isResourceRequest: true,
    path: '',
    namespace: request.namespace,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: request.name,
  };
  switch (request.kind) {
    case 'ServiceAccount':
      return { ...attrs, resource: 'serviceaccounts' };
    case 'User':
      return { ...attrs, resource: 'users' };
    case 'Group':
      return { ...attrs, resource: 'groups' };
    case 'UserExtra':
      return {
        ...attrs,
        apiGroup: AUTHENTICATION_GROUP,
        apiVersion: 'v1',
        resource: 'userextras',
        subresource: request.fieldPath,
      };
    case 'UID':
      return { ...attrs, apiGroup: AUTHENTICATION_GROUP, apiVersion: 'v1', resource: 'uids' };
  }
}

export interface ImpersonationResult {
  /** The user the rest of the chain acts as: the impersonated user, or the requester when nothing was asked. */
  user: UserInfo;
  impersonated: boolean;
}

/**
 * Applies the Impersonate-* headers of a request made by `requester`.
 *
 * Pass Node's `req.headers` as `headers` and, from a real server, `req.headersDistinct` as well: Node joins a
 * repeated Impersonate-Group or Impersonate-Extra-* header into one `a, b` string in `req.headers`, while
 * Kubernetes treats every header line as its own value (and `a, b` on one line as one group named `a, b`).
 * With `headersDistinct` given, the Impersonate-* values are read from it alone; without it a string in
 * `headers` is one value and an array is several.
 *
 * Every request is checked with `authorizer` in order; the first refusal (any decision but Allow, or an
 * authorizer error) throws the 403 kube-apiserver writes, e.g. `users "john" is forbidden: User "bob" cannot
 * impersonate resource "users" in API group "" at the cluster scope`. Malformed combinations throw a 400.
 * An exception thrown by the authorizer itself is a bug, not a decision, and propagates.
 */
export async function impersonate(
  requester: UserInfo,
  headers: IncomingHttpHeaders,
  authorizer: Authorizer,
  headersDistinct?: Record<string, string[] | undefined>,
): Promise<ImpersonationResult> {
  const requests = buildImpersonationRequests(headers, headersDistinct);
  if (requests.length === 0) return { user: requester, impersonated: false };

  // Groups given explicitly are the whole truth, system:authenticated/unauthenticated included.
  const groupsSpecified = requests.some((r) => r.kind === 'Group');
  let username = '';
  let uid = '';
  let groups: string[] = [];
  const extra = new Map<string, string[]>();

  for (const request of requests) {
    const attrs = impersonationAttributes(requester, request);
    const result = await authorizer.authorize(attrs);
    if (result.decision !== 'Allow' || result.error) throw forbiddenError(attrs, result.reason);

    switch (request.kind) {
      case 'ServiceAccount':
        username = `${SERVICE_ACCOUNT_PREFIX}${request.namespace}:${request.name}`;
        if (!groupsSpecified) groups = serviceAccountGroups(request.namespace);
        break;
      case 'User':
        username = request.name;
        break;
      case 'Group':
        groups.push(request.name);
        break;
      case 'UserExtra':
        extra.set(request.fieldPath, [...(extra.get(request.fieldPath) ?? []), request.name]);
        break;
      case 'UID':
        uid = request.name;
        break;
    }
  }

  if (username !== SYSTEM_ANONYMOUS) {
    if (!groups.includes(SYSTEM_AUTHENTICATED) && !groups.includes(SYSTEM_UNAUTHENTICATED))
      groups.push(SYSTEM_AUTHENTICATED);
  } else if (!groups.includes(SYSTEM_UNAUTHENTICATED)) {
    groups.push(SYSTEM_UNAUTHENTICATED);
  }

  const user: UserInfo = { username, groups };
  if (uid) user.uid = uid;
  // fromEntries defines own properties, so a key like `__proto__` stays an ordinary extra.
  if (extra.size > 0) user.extra = Object.fromEntries(extra);
  return { user, impersonated: true };
}

/** userString from the Kubernetes filter: `name[group1,group2]`, `<empty>` for a blank name. */
export function userString(user: UserInfo | undefined): string {
  if (!user) return '<none>';
  const name = user.username === '' ? '<empty>' : user.username;
  return user.groups.length > 0 ? `${name}[${user.groups.join(',')}]` : name;
}

/** The log text kube-apiserver writes: `bob[system:authenticated] is impersonating jane[system:authenticated]`. */
export function describeImpersonation(requester: UserInfo, user: UserInfo): string {
  return `${userString(requester)} is impersonating ${userString(user)}`;
}
