// The properties every fuzz request is held to, as functions from (request, answer, what the server did)
// to a list of problems (empty: fine). The central one, checkStorageScope, compares the authorizer's
// attributes for the request with every storage key the request read or wrote.
import YAML from 'yaml';
import type { Exchange, FuzzRequest, Observed } from './cluster.js';
import type { AuthzAttrs, AuthzEvent, DefInfo, StoreEvent } from './protocol.js';

/** No request may take longer (kube-apiserver answers all of these in milliseconds). */
export const REQUEST_BOUND_MS = Number(process.env.KAUTH_FUZZ_BOUND_MS ?? 3000);

/**
 * 5xx answers kube-apiserver itself gives, so kauth must too; each names where kube does it. A plain Go error
 * (not an APIStatus) reaches responsewriters.ErrorToAPIStatus, which answers 500 with its text and no reason.
 * - k8s.io/apiserver/pkg/storage/etcd3/store.go Create: "resourceVersion should not be set on objects to be
 *   created" is such a plain error.
 */
const KUBE_5XX: { status: number; message: RegExp; why: string }[] = [
  { status: 500, message: /^resourceVersion should not be set on objects to be created$/, why: 'etcd3 store.Create' },
  // apimachinery strategicpatch handleDirectiveInMergeMap: `$patch` other than replace/delete in a map is
  // mergepatch.ErrBadPatchType, which handlers/patch.go interpretStrategicMergePatchError does not map to a 4xx.
  { status: 500, message: /^unknown patch type: .* in map: map\[/, why: 'strategicpatch ErrBadPatchType' },
];

const WRITE_VERBS_FOR_OP: Record<string, string[]> = {
  // PUT and PATCH of a missing object may create it (AllowCreateOnUpdate).
  create: ['create', 'update', 'patch'],
  // DELETE of an object with finalizers (or a namespace) only marks it: an update.
  update: ['update', 'patch', 'delete', 'deletecollection'],
  // An update that drops the last finalizer of an object being deleted deletes it.
  delete: ['delete', 'deletecollection', 'update', 'patch'],
};

/** The request's own authorization: the first decision that is not an impersonation check. */
export function mainDecision(obs: Observed): AuthzEvent | undefined {
  return obs.authz.find((a) => a.attrs.verb !== 'impersonate');
}

interface ParsedKey {
  def: DefInfo;
  namespace: string;
  name: string;
  prefix: boolean;
}

/** `/registry/[<group>/]<resource>/[<ns>/][<name>]` back into its parts (src/registry/object-store.ts key()). */
export function parseKey(key: string, defs: DefInfo[]): ParsedKey | string {
  if (!key.startsWith('/registry/')) return `storage key outside /registry/: ${key}`;
  const rest = key.slice('/registry/'.length);
  let best: DefInfo | undefined;
  let bestLen = -1;
  for (const d of defs) {
    const p = `${d.group ? `${d.group}/` : ''}${d.resource}/`;
    if (rest.startsWith(p) && p.length > bestLen) {
      best = d;
      bestLen = p.length;
    }
  }
  if (!best) return `storage key of no known resource: ${key}`;
  const tail = rest.slice(bestLen);
  if (!best.namespaced) {
    if (tail.includes('/')) return `storage key with a "/" in a cluster-scoped name: ${key}`;
    return { def: best, namespace: '', name: tail, prefix: tail === '' };
  }
  if (tail === '') return { def: best, namespace: '', name: '', prefix: true };
  const slash = tail.indexOf('/');
  if (slash < 0) return `namespaced storage key without a namespace: ${key}`;
  const name = tail.slice(slash + 1);
  if (name.includes('/')) return `storage key with a "/" in the name: ${key}`;
  return { def: best, namespace: tail.slice(0, slash), name, prefix: name === '' };
}

function describe(a: AuthzAttrs): string {
  return `${a.verb} ${a.apiGroup || 'core'}/${a.resource}${a.subresource ? `/${a.subresource}` : ''} ns=${JSON.stringify(a.namespace)} name=${JSON.stringify(a.name)}`;
}

/**
 * Reads the server makes on its own behalf during an authorized request, whatever the request's resource:
 * NamespaceLifecycle admission (plugin/pkg/admission/namespace/lifecycle) reads the request's namespace.
 */
function systemRead(e: StoreEvent, k: ParsedKey, a: AuthzAttrs): boolean {
  return e.op === 'get' && k.def.resource === 'namespaces' && a.namespace !== '' && k.name === a.namespace;
}

/**
 * Every storage key a request read or wrote lies within what the authorizer allowed for it: same resource
 * and group, the same namespace (all namespaces only for a cluster-wide grant), the same name when the grant
 * names one, and writes only under a verb that writes. Before the authorization decision only the token
 * authenticators may read (service accounts, secrets).
 */
export function checkStorageScope(obs: Observed, defs: DefInfo[]): string[] {
  const problems: string[] = [];
  const main = mainDecision(obs);
  for (const e of obs.store) {
    const k = parseKey(e.key, defs);
    if (typeof k === 'string') {
      problems.push(k);
      continue;
    }
    const what = `${e.op} ${e.key}`;
    if (!main || e.seq < main.seq) {
      if (!(e.op === 'get' && ['serviceaccounts', 'secrets'].includes(k.def.resource)))
        problems.push(`storage ${what} before any authorization`);
      continue;
    }
    const a = main.attrs;
    if (main.decision !== 'Allow') {
      problems.push(`storage ${what} for a request the authorizer did not allow (${describe(a)}: ${main.decision})`);
      continue;
    }
    if (systemRead(e, k, a)) continue;
    const out = (why: string): void => {
      problems.push(`storage ${what} outside the authorized ${describe(a)}: ${why}`);
    };
    // apiserver_storage_objects: an authorized GET /metrics counts each collection (numbers only, no object read).
    if (!a.isResourceRequest && a.path === '/metrics' && a.verb === 'get' && e.op === 'count' && k.prefix) continue;
    if (!a.isResourceRequest) {
      out('a non-resource request');
      continue;
    }
    if (k.def.resource !== a.resource || k.def.group !== a.apiGroup) {
      out('another resource');
      continue;
    }
    if (k.def.namespaced) {
      if (k.namespace !== a.namespace) {
        out('another namespace');
        continue;
      }
    } else if (a.namespace !== '' && !(k.def.resource === 'namespaces' && k.name === a.namespace)) {
      // kube's requestinfo reports /api/v1/namespaces/<n> as namespace <n>; any other namespace is a path
      // like /api/v1/namespaces/<a>/namespaces/<b>, which must not reach cluster-scoped storage.
      out('a cluster-scoped object under a namespaced authorization');
      continue;
    }
    if (k.prefix) {
      if (!['list', 'watch', 'deletecollection'].includes(a.verb) && e.op !== 'get')
        out('a collection read for a single-object verb');
      if (e.op === 'get') out('a get of a collection key');
    } else if (a.name !== '' && k.name !== a.name) {
      out('another object name');
    } else if (a.name === '' && !['create', 'list', 'watch', 'deletecollection'].includes(a.verb)) {
      out('an object touched by a verb that names none');
    }
    const writers = WRITE_VERBS_FOR_OP[e.op];
    if (writers && !writers.includes(a.verb)) out(`a ${e.op} under verb ${a.verb}`);
  }
  return problems;
}

function header(ex: Exchange, name: string): string {
  const v = ex.headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

/** A kube Status error body (metav1.Status), as every error answer must carry. */
function checkStatusBody(ex: Exchange): string[] {
  const ct = header(ex, 'content-type');
  if (!ct.startsWith('application/json'))
    return [`error ${ex.status} with content-type ${JSON.stringify(ct)}, not a JSON Status`];
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(ex.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return [`error ${ex.status} whose body is not JSON: ${ex.body.toString('utf8').slice(0, 200)}`];
  }
  const p: string[] = [];
  if (s.kind !== 'Status' || s.apiVersion !== 'v1') p.push(`error ${ex.status} body is not a v1 Status`);
  if (s.status !== 'Failure') p.push(`error ${ex.status} Status has status ${JSON.stringify(s.status)}`);
  if (s.code !== ex.status) p.push(`error ${ex.status} Status has code ${JSON.stringify(s.code)}`);
  // reason is omitempty: StatusReasonUnknown ("") is how kube answers a plain (non-API) error.
  if (typeof s.message !== 'string' || (s.reason !== undefined && typeof s.reason !== 'string'))
    p.push(`error ${ex.status} Status lacks a message or has a bad reason`);
  if (typeof s.metadata !== 'object' || s.metadata === null) p.push(`error ${ex.status} Status lacks metadata`);
  if (ex.status === 401 && (s.message !== 'Unauthorized' || s.reason !== 'Unauthorized'))
    p.push(`401 with ${s.reason}: ${s.message}`);
  if (ex.status === 403 && s.reason !== 'Forbidden') p.push(`403 with reason ${JSON.stringify(s.reason)}`);
  return p;
}

/** A success body in the media type it claims. */
function checkSuccessBody(r: FuzzRequest, ex: Exchange): string[] {
  if (r.method === 'HEAD' || ex.status === 204)
    return ex.body.length ? [`${ex.status} to ${r.method} with a body`] : [];
  const ct = header(ex, 'content-type').split(';')[0]!.trim();
  const text = ex.body.toString('utf8');
  if (ex.streamed) {
    // Only complete lines: the stream was cut mid-event.
    const lines = text
      .split('\n')
      .slice(0, -1)
      .filter((l) => l !== '');
    for (const l of lines) {
      try {
        const ev = JSON.parse(l) as { type?: unknown; object?: unknown };
        if (typeof ev.type !== 'string' || typeof ev.object !== 'object')
          return [`watch event without type/object: ${l.slice(0, 200)}`];
      } catch {
        return [`watch stream line is not JSON: ${l.slice(0, 200)}`];
      }
    }
    return [];
  }
  try {
    if (ct === 'application/json' || ct.endsWith('+json')) JSON.parse(text);
    else if (ct === 'application/yaml') YAML.parse(text);
    else if (ct === 'application/vnd.kubernetes.protobuf') {
      if (!ex.body.subarray(0, 4).equals(Buffer.from('k8s\0', 'latin1')))
        return ['protobuf answer without the k8s\\0 prefix'];
    } else if (ct === 'text/plain') {
      /* health checks */
    } else return [`${ex.status} with content-type ${JSON.stringify(ct)}`];
  } catch (e) {
    return [`${ex.status} ${ct} body does not parse: ${(e as Error).message.slice(0, 200)}`];
  }
  return [];
}

interface Meta {
  name?: string;
  namespace?: string;
}

/** What a successful answer returns lies within the authorization too (the list of a named get, say). */
function checkAnswerScope(ex: Exchange, main: AuthzEvent | undefined, defs: DefInfo[]): string[] {
  if (!main || main.decision !== 'Allow' || !main.attrs.isResourceRequest || ex.status >= 300 || ex.streamed) return [];
  if (!header(ex, 'content-type').startsWith('application/json')) return [];
  let body: {
    kind?: string;
    metadata?: Meta;
    items?: { metadata?: Meta }[];
    rows?: { object?: { metadata?: Meta } }[];
  };
  try {
    body = JSON.parse(ex.body.toString('utf8'));
  } catch {
    return [];
  }
  const a = main.attrs;
  const def = defs.find((d) => d.resource === a.resource && d.group === a.apiGroup);
  if (!def || a.subresource) return [];
  const metas: Meta[] = [];
  if (Array.isArray(body.items)) metas.push(...body.items.map((i) => i.metadata ?? {}));
  else if (Array.isArray(body.rows))
    metas.push(...body.rows.flatMap((r) => (r.object?.metadata ? [r.object.metadata] : [])));
  else if (body.kind !== 'Status' && body.metadata) metas.push(body.metadata);
  const p: string[] = [];
  for (const m of metas) {
    if (def.namespaced && a.namespace && m.namespace !== undefined && m.namespace !== a.namespace)
      p.push(`answer holds ${m.namespace}/${m.name} outside namespace ${a.namespace}`);
    if (a.name && m.name !== undefined && m.name !== a.name && a.verb !== 'create')
      p.push(`answer holds ${m.name}, authorized for ${a.name} only`);
  }
  return p;
}

/**
 * The request target's path as Go's URL.Path holds it: %XX escapes decoded to bytes, bytes read as UTF-8 (the
 * authorizer sees text). Undefined when an escape is malformed, which Go's server refuses before any handler.
 */
export function decodedPath(target: string): string | undefined {
  const raw = target.split('?')[0]!;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '%') {
      if (!/^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) return undefined;
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(raw[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** etcd's default request limit (--max-request-bytes 1.5 MiB): no stored object is larger. */
const ETCD_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;

/**
 * The request reached the authorizer as the path it asked for, and a path Go's server accepts is never refused
 * before authentication (kube authorizes `%ff` and `//x` paths, and only then answers 403 or 404).
 */
function checkPath(r: FuzzRequest, ex: Exchange, obs: Observed): string[] {
  const path = decodedPath(r.target);
  if (path === undefined || r.target.length > 900_000) return [];
  const main = mainDecision(obs);
  if (main && main.attrs.path !== path)
    return [
      `authorized for path ${JSON.stringify(main.attrs.path.slice(0, 200))}, but asked for ${JSON.stringify(path.slice(0, 200))}`,
    ];
  if (!obs.authn && ex.status === 400 && path.startsWith('/'))
    return [`400 before authentication for a path Go's server accepts: ${ex.body.toString().slice(0, 200)}`];
  return [];
}

/** No write stores (and so answers) an object larger than etcd accepts; dry runs never reach etcd. */
function checkStoredSize(r: FuzzRequest, ex: Exchange, obs: Observed): string[] {
  const main = mainDecision(obs);
  if (
    !main ||
    !['create', 'update', 'patch'].includes(main.attrs.verb) ||
    ex.status >= 300 ||
    /[?&]dryRun=All/.test(r.target)
  )
    return [];
  const wrote = obs.store.some((e) => e.op === 'create' || e.op === 'update');
  return wrote && ex.body.length > ETCD_MAX_REQUEST_BYTES
    ? [`stored an object of ${ex.body.length} bytes (etcd refuses requests over ${ETCD_MAX_REQUEST_BYTES})`]
    : [];
}

/** Resources served without storage (virtual creates). */
const VIRTUAL = new Set([
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'localsubjectaccessreviews',
  'subjectaccessreviews',
  'tokenreviews',
  'selfsubjectreviews',
]);

/**
 * A successful answer about stored objects with no store call seen for it means the observation lost the
 * request (its context did not reach the store): the scope property would then pass vacuously.
 */
function checkObserved(ex: Exchange, obs: Observed): string[] {
  const main = mainDecision(obs);
  if (
    !main ||
    main.decision !== 'Allow' ||
    !main.attrs.isResourceRequest ||
    ex.status >= 300 ||
    VIRTUAL.has(main.attrs.resource)
  )
    return [];
  if (main.attrs.subresource === 'token') return [];
  return obs.store.length
    ? []
    : [
        `answered ${ex.status} to ${main.attrs.verb} ${main.attrs.resource} with no storage access observed (the observation hooks lost it)`,
      ];
}

export interface CheckOptions {
  defs: DefInfo[];
  /** Answers whose status the property expects to differ (e.g. a certificate that must get 401). */
  expectStatus?: (status: number) => string | undefined;
}

/** The web console's static assets (src/server/routes/ui.ts): `/ui` and below, served to anyone, holding no data. */
function consolePath(target: string): string | undefined {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return path === '/ui' || path.startsWith('/ui/') ? path : undefined;
}

const CONSOLE_TYPES = [
  'text/html',
  'text/css',
  'text/javascript',
  'application/javascript',
  'image/svg+xml',
  'application/json',
];

/**
 * What the console's public route may answer, without authorization: the redirect of `/ui` to `/ui/`, an asset
 * (200, or 304 to a matching If-None-Match) in one of its types, or a Status error. It may touch no storage
 * (checkStorageScope still runs).
 */
function checkConsoleAnswer(r: FuzzRequest, ex: Exchange, path: string): string[] {
  if (ex.status >= 400) return r.method === 'HEAD' ? [] : checkStatusBody(ex);
  if (ex.status === 301)
    return path === '/ui' && header(ex, 'location') === '/ui/' ? [] : [`301 from ${path} to ${header(ex, 'location')}`];
  if (ex.status === 304) return [];
  const ct = header(ex, 'content-type').split(';')[0]!.trim();
  if (ex.status !== 200 || !CONSOLE_TYPES.includes(ct))
    return [`console answer ${ex.status} with content-type ${JSON.stringify(ct)}`];
  return header(ex, 'content-security-policy') ? [] : ['console answer without a Content-Security-Policy'];
}

/** Every property for one request; the problems found, each a line naming the request. */
export function checkExchange(r: FuzzRequest, ex: Exchange, obs: Observed, o: CheckOptions): string[] {
  const p: string[] = [];
  if (ex.error) p.push(`no answer: ${ex.error}`);
  if (ex.ms > REQUEST_BOUND_MS) p.push(`took ${Math.round(ex.ms)} ms (bound ${REQUEST_BOUND_MS} ms)`);
  const consoleAsset = consolePath(r.target);
  if (consoleAsset && !ex.error) {
    p.push(...checkConsoleAnswer(r, ex, consoleAsset), ...checkStorageScope(obs, o.defs));
    if (obs.authz.length > 0) p.push('the console route asked the authorizer: it must answer before authentication');
    return p;
  }
  if (!ex.error) {
    if (ex.status < 200 || (ex.status >= 300 && ex.status < 400) || ex.status > 599) p.push(`status ${ex.status}`);
    if (ex.status >= 500) {
      let message = '';
      try {
        message = String((JSON.parse(ex.body.toString()) as { message?: unknown }).message);
      } catch {
        /* checked below */
      }
      if (!KUBE_5XX.some((k) => k.status === ex.status && k.message.test(message)))
        p.push(`server error ${ex.status}: ${message.slice(0, 300)}`);
    }
    if (ex.status >= 400) p.push(...(r.method === 'HEAD' ? [] : checkStatusBody(ex)));
    else p.push(...checkSuccessBody(r, ex));
    const expected = o.expectStatus?.(ex.status);
    if (expected) p.push(expected);
  }
  const main = mainDecision(obs);
  if (ex.streamed && main?.attrs.verb !== 'watch')
    p.push(`a streaming answer to a ${main?.attrs.verb ?? 'unauthorized'} request`);
  // A HEAD answer ends at its headers, so a watch started by HEAD can never send an event, yet holds the
  // connection (and a store watcher) until its timeout; go-restful routes no HEAD, so kube answers 405.
  if (r.method === 'HEAD' && main?.attrs.verb === 'watch' && ex.status === 200)
    p.push('HEAD started a watch (kube: 405, go-restful routes no HEAD)');
  if (!ex.error && ex.status < 300 && (!main || main.decision !== 'Allow'))
    p.push(`answered ${ex.status} without an allowing authorization`);
  p.push(...checkStorageScope(obs, o.defs));
  if (!ex.error) p.push(...checkPath(r, ex, obs), ...checkStoredSize(r, ex, obs), ...checkObserved(ex, obs));
  p.push(...checkAnswerScope(ex, main, o.defs));
  return p;
}

/** One line that reproduces the request (the body abbreviated) for a failure message. */
export function describeRequest(r: FuzzRequest, user: string): string {
  const headers = Object.entries(r.headers ?? {})
    .map(([k, v]) => `${k}: ${JSON.stringify(v).slice(0, 120)}`)
    .join('; ');
  const body =
    r.body === undefined
      ? ''
      : ` body(${r.body.length} B)=${JSON.stringify(r.body.subarray(0, 160).toString('latin1'))}`;
  const target = r.target.length > 300 ? `${r.target.slice(0, 300)}… (${r.target.length} chars)` : r.target;
  return `${user}: ${r.method} ${target}${headers ? ` [${headers}]` : ''}${body}`;
}
