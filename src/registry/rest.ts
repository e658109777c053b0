// The generic REST verbs for every ResourceDef: get, list, watch, create, update, patch, delete,
// deletecollection, and the status-like subresources — the parts of apiserver/pkg/registry/generic
// and endpoints/handlers that kubectl depends on.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import {
  badRequest, conflict, forbidden, invalid, methodNotSupported, notFound, OPTIMISTIC_LOCK_MESSAGE, StatusError, type FieldError,
} from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionChain, AdmissionOperation } from '../admission/interface.js';
import { writeJson } from '../server/respond.js';
import type { ObjectStore } from './object-store.js';
import { applyPatch } from './patch.js';
import { parseFieldSelector, parseLabelSelector, type FieldRequirement, type Matcher } from './selectors.js';
import { tableVersion, toTable, wantsTable } from './table.js';
import { groupVersion, type RequestContext, type ResourceDef, type Strategy } from './types.js';
import { dns1123Subdomain, validateObjectMeta } from './validation.js';
import { generateNameSuffix } from './names.js';
import { checkFields, fieldValidationMode } from './field-validation.js';
import { decodeProtobufObject } from '../api/protobuf/decode.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

export interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  def: ResourceDef;
  ctx: RequestContext;
  body?: Buffer;
}

export class RestHandler {
  constructor(private readonly objects: ObjectStore, private readonly admission: AdmissionChain) {}

  async serve(r: RestRequest): Promise<void> {
    const { info } = r.ctx;
    const { def } = r;
    if (info.subresource) return this.serveSubresource(r);
    if (def.virtualCreate) {
      if (info.verb !== 'create') throw methodNotSupported(def, info.verb);
      const body = this.decodeBody(r);
      this.checkTypeMeta(def, body);
      const out = await def.virtualCreate(body, r.ctx);
      return writeJson(r.req, r.res, 201, out);
    }
    if (!def.verbs.includes(info.verb as never)) throw methodNotSupported(def, info.verb);
    switch (info.verb) {
      case 'get': return this.respondObject(r, 200, await this.objects.mustGet(def, info.namespace, info.name));
      case 'list': return this.list(r);
      case 'watch': return this.watch(r);
      case 'create': return this.create(r);
      case 'update': return this.update(r);
      case 'patch': return this.patch(r);
      case 'delete': return this.delete(r);
      case 'deletecollection': return this.deleteCollection(r);
      default: throw methodNotSupported(def, info.verb);
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  private respondObject(r: RestRequest, status: number, obj: KubeObject): void {
    const accept = r.req.headers.accept ?? '';
    if (wantsTable(accept)) {
      return writeJson(r.req, r.res, status, toTable(r.def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, this.tableOpts(r)), 'application/json;as=Table;v=v1;g=meta.k8s.io');
    }
    writeJson(r.req, r.res, status, obj);
  }

  private tableOpts(r: RestRequest): { includeObject?: string; version: string } {
    return { includeObject: r.ctx.query.get('includeObject') ?? undefined, version: tableVersion(r.req.headers.accept ?? '') };
  }

  private filters(r: RestRequest): (o: KubeObject) => boolean {
    const labels: Matcher = parseLabelSelector(r.ctx.query.get('labelSelector'));
    const fields = parseFieldSelector(r.ctx.query.get('fieldSelector'));
    const extract = fields.map((f) => this.fieldExtractor(r.def, f));
    return (o) => labels(o.metadata.labels) && fields.every((f, i) => {
      const v = extract[i]!(o) ?? '';
      return f.op === '=' ? v === f.value : v !== f.value;
    });
  }

  private fieldExtractor(def: ResourceDef, f: FieldRequirement): (o: KubeObject) => string | undefined {
    if (f.field === 'metadata.name') return (o) => o.metadata.name;
    if (f.field === 'metadata.namespace' && def.namespaced) return (o) => o.metadata.namespace;
    const custom = def.fieldLabels?.[f.field];
    if (!custom) throw badRequest(`field label not supported: ${f.field}`);
    return custom;
  }

  private async list(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    const keep = this.filters(r);
    const limit = Number(ctx.query.get('limit') ?? 0) || 0;
    const token = ctx.query.get('continue');
    let after: string | undefined;
    let revision: number | undefined;
    if (token) ({ after, revision } = decodeContinue(token));
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let remaining = 0;
    let listRevision = 0;
    // Fill the page even when selectors drop items, reading the same revision throughout.
    for (;;) {
      const want = limit > 0 ? limit - items.length : 0;
      const page = await this.objects.list(def, ctx.info.namespace, { limit: want > 0 ? Math.max(want, 50) : undefined, after, revision });
      listRevision = page.revision;
      revision = page.revision;
      let consumed = 0;
      for (const o of page.items) {
        consumed++;
        if (keep(o)) items.push(o);
        if (limit > 0 && items.length >= limit) break;
      }
      const unconsumed = page.items.length - consumed;
      if (limit > 0 && items.length >= limit) {
        remaining = page.remaining + unconsumed;
        lastKey = remaining > 0 ? this.objects.key(def, items[items.length - 1]!.metadata.namespace ?? '', items[items.length - 1]!.metadata.name!) : undefined;
        break;
      }
      if (!page.remaining) break;
      after = page.lastKey;
    }
    const meta: Record<string, unknown> = { resourceVersion: String(listRevision) };
    if (lastKey) {
      meta.continue = encodeContinue(lastKey, listRevision);
      if (!ctx.query.get('labelSelector') && !ctx.query.get('fieldSelector')) meta.remainingItemCount = remaining;
    }
    const accept = r.req.headers.accept ?? '';
    if (wantsTable(accept)) {
      return writeJson(r.req, r.res, 200, toTable(def, items, meta, this.tableOpts(r)), 'application/json;as=Table;v=v1;g=meta.k8s.io');
    }
    writeJson(r.req, r.res, 200, {
      kind: def.listKind,
      apiVersion: groupVersion(def),
      metadata: meta,
      items: items.map(stripTypeMeta),
    });
  }

  private async watch(r: RestRequest): Promise<void> {
    const { def, ctx, req, res } = r;
    const keep = this.filters(r);
    const asTable = wantsTable(req.headers.accept ?? '');
    const rvParam = ctx.query.get('resourceVersion') ?? '';
    const timeoutSeconds = Math.min(Number(ctx.query.get('timeoutSeconds') ?? 1800) || 1800, 3600);
    const bookmarks = ctx.query.get('allowWatchBookmarks') === 'true';
    let fromRevision = Number(rvParam) || 0;
    if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);

    res.writeHead(200, {
      'Content-Type': asTable ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const send = (type: string, obj: KubeObject): void => {
      const object = asTable ? toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, { ...this.tableOpts(r) }) : obj;
      res.write(JSON.stringify({ type, object }) + '\n');
    };
    // No resourceVersion ("0" or unset): the current state as ADDED events, then changes.
    if (fromRevision === 0) {
      const page = await this.objects.list(def, ctx.info.namespace);
      for (const o of page.items) if (keep(o)) send('ADDED', o);
      fromRevision = page.revision;
    }
    let lastRevision = fromRevision;
    const watcher = this.objects.watch(def, ctx.info.namespace, fromRevision, (ev) => {
      lastRevision = ev.revision;
      const now = keep(ev.object);
      if (ev.type === 'MODIFIED' && ev.old) {
        const before = keep(ev.old);
        if (before && !now) return send('DELETED', ev.object);
        if (!before && now) return send('ADDED', ev.object);
      }
      if (now) send(ev.type, ev.object);
    }, (err) => {
      const status = new StatusError(410, 'Expired', `too old resource version: ${fromRevision} (${err.message})`).toStatus();
      res.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
      res.end();
    });
    const bookmarkTimer = bookmarks ? setInterval(() => {
      res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: def.kind, apiVersion: groupVersion(def), metadata: { resourceVersion: String(lastRevision) } } }) + '\n');
    }, 60_000) : undefined;
    const timeout = setTimeout(() => res.end(), timeoutSeconds * 1000);
    const stop = (): void => {
      watcher.stop();
      clearTimeout(timeout);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
    };
    res.on('close', stop);
    req.on('close', stop);
  }

  // ---- writes ------------------------------------------------------------------------------

  decodeBody(r: RestRequest): KubeObject {
    const raw = r.body ?? Buffer.alloc(0);
    const ct = (r.req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    // kubectl's typed clients (create ns/sa/secret/token, auth can-i, certificate approve, …) send protobuf.
    if (ct === PROTOBUF) return decodeProtobufObject(raw);
    const text = raw.toString('utf8');
    if (!text.trim()) throw badRequest('the body of the request was empty');
    let obj: unknown;
    try {
      if (ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml') obj = YAML.parse(text);
      else if (ct === 'application/json' || ct === '*/*' || ct === '') obj = JSON.parse(text);
      else throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
    } catch (e) {
      if (e instanceof StatusError) throw e;
      throw badRequest(`the object provided is unrecognized (${(e as Error).message.split('\n')[0]})`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw badRequest('the object provided is unrecognized (must be a JSON object)');
    const o = obj as KubeObject;
    if (o.metadata === undefined || o.metadata === null) o.metadata = {};
    if (typeof o.metadata !== 'object' || Array.isArray(o.metadata)) throw badRequest('metadata must be an object');
    return o;
  }

  checkTypeMeta(def: ResourceDef, obj: KubeObject, kind = def.kind, gv = groupVersion(def)): void {
    if (obj.kind === undefined || obj.kind === '') obj.kind = kind;
    if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = gv;
    if (obj.kind !== kind) throw badRequest(`the server could not find the requested resource: ${obj.kind} is not ${kind}`);
    if (obj.apiVersion !== gv) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
  }

  /** Server-side field validation of a JSON/YAML body (protobuf bodies cannot carry unknown fields). */
  private validateFields(r: RestRequest, obj: KubeObject): void {
    if ((r.req.headers['content-type'] ?? '').startsWith(PROTOBUF)) return;
    const warnings = checkFields(obj, fieldValidationMode(r.ctx.query));
    if (warnings.length) r.res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  }

  private checkNamespace(r: RestRequest, obj: KubeObject): void {
    const ns = r.ctx.info.namespace;
    if (!r.def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = ns || obj.metadata.namespace;
  }

  private async validate(r: RestRequest, obj: KubeObject, old: KubeObject | undefined, strategy: Strategy | undefined): Promise<void> {
    const errs: FieldError[] = validateObjectMeta(obj, r.def.namespaced, this.nameValidator(r.def));
    if (old) errs.push(...(await strategy?.validateUpdate?.(obj, old, r.ctx) ?? []));
    else errs.push(...(await strategy?.validate?.(obj, r.ctx) ?? []));
    if (errs.length) throw invalid(r.def.kind, obj.metadata.name ?? '', r.def.group, errs);
  }

  private nameValidator(def: ResourceDef): (n: string) => string[] {
    return def.nameValidator ?? dns1123Subdomain;
  }

  private async admit(r: RestRequest, operation: AdmissionOperation, obj: KubeObject | undefined, old: KubeObject | undefined, phase: 'mutate' | 'validate'): Promise<void> {
    const req = {
      operation, def: r.def, subresource: r.ctx.info.subresource, namespace: r.ctx.info.namespace || (obj?.metadata.namespace ?? ''),
      name: obj?.metadata.name ?? r.ctx.info.name, object: obj, oldObject: old, ctx: r.ctx,
    };
    if (phase === 'mutate') await this.admission.mutate(req);
    else await this.admission.validate(req);
  }

  private async create(r: RestRequest): Promise<void> {
    const { def } = r;
    const obj = this.decodeBody(r);
    this.checkTypeMeta(def, obj);
    this.validateFields(r, obj);
    this.checkNamespace(r, obj);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + generateNameSuffix();
    for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'] as const) delete meta[f];
    def.strategy?.prepareForCreate?.(obj, r.ctx);
    await this.admit(r, 'CREATE', obj, undefined, 'mutate');
    def.strategy?.defaults?.(obj);
    await this.validate(r, obj, undefined, def.strategy);
    await this.admit(r, 'CREATE', obj, undefined, 'validate');
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(new Date());
    meta.generation = 1;
    if (r.ctx.dryRun) {
      const existing = await this.objects.get(def.group ? `${def.resource}.${def.group}` : def.resource, meta.namespace ?? '', meta.name!);
      if (existing) await this.objects.create(def, obj); // raises the same AlreadyExists as a real create
      return this.respondObject(r, 201, obj);
    }
    const created = await this.objects.create(def, obj);
    this.respondObject(r, 201, created);
  }

  /** The shared update path for PUT and PATCH (and status subresources). */
  private async writeUpdate(r: RestRequest, next: KubeObject, current: KubeObject, strategy: Strategy | undefined, expectedRevision: number): Promise<KubeObject> {
    const { def } = r;
    this.checkTypeMeta(def, next);
    this.checkNamespace(r, next);
    if (next.metadata.name !== current.metadata.name) {
      throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${current.metadata.name})`);
    }
    if (next.metadata.uid && next.metadata.uid !== current.metadata.uid) {
      throw conflict(def, current.metadata.name!, `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    // Server-owned metadata is kept from the stored object.
    next.metadata.uid = current.metadata.uid;
    next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    next.metadata.generation = current.metadata.generation;
    if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    delete next.metadata.managedFields;
    strategy?.prepareForUpdate?.(next, current, r.ctx);
    await this.admit(r, 'UPDATE', next, current, 'mutate');
    strategy?.defaults?.(next);
    await this.validate(r, next, current, strategy);
    await this.admit(r, 'UPDATE', next, current, 'validate');
    const changed = strategy?.generationChanged ? strategy.generationChanged(next, current) : specChanged(next, current);
    if (changed) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    if (sameContent(next, current)) return current; // a no-op write does not bump resourceVersion
    if (r.ctx.dryRun) return next;
    return this.objects.update(def, next, expectedRevision);
  }

  private async update(r: RestRequest, strategy: Strategy | undefined = r.def.strategy): Promise<void> {
    const { def, ctx } = r;
    const next = this.decodeBody(r);
    this.checkTypeMeta(def, next);
    this.validateFields(r, next);
    const current = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
    if (next.metadata.name === undefined) next.metadata.name = ctx.info.name;
    if (next.metadata.name !== ctx.info.name) throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${ctx.info.name})`);
    const rv = next.metadata.resourceVersion;
    const currentRv = Number(current.metadata.resourceVersion);
    if (rv !== undefined && rv !== '' && Number(rv) !== currentRv) throw conflict(def, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
    const out = await this.writeUpdate(r, next, current, strategy, currentRv);
    this.respondObject(r, 200, out);
  }

  private async patch(r: RestRequest, strategy: Strategy | undefined = r.def.strategy): Promise<void> {
    const { def, ctx } = r;
    const contentType = r.req.headers['content-type'] ?? '';
    const text = (r.body ?? Buffer.alloc(0)).toString('utf8');
    for (let attempt = 0; ; attempt++) {
      const current = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
      const next = applyPatch(contentType, current, text);
      if (!next || typeof next !== 'object' || !next.metadata) throw badRequest('the patch produced an object without metadata');
      if (attempt === 0) this.validateFields(r, next);
      const requested = next.metadata.resourceVersion;
      if (requested && requested !== current.metadata.resourceVersion) throw conflict(def, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
      try {
        const out = await this.writeUpdate(r, next, current, strategy, Number(current.metadata.resourceVersion));
        return this.respondObject(r, 200, out);
      } catch (e) {
        // A patch without a resourceVersion precondition is retried on a concurrent write, as kube-apiserver does.
        if (e instanceof StatusError && e.reason === 'Conflict' && !requested && attempt < 5) continue;
        throw e;
      }
    }
  }

  private async delete(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    const current = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
    const opts = this.deleteOptions(r);
    const pre = opts.preconditions as { uid?: string; resourceVersion?: string } | undefined;
    if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(def, ctx.info.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(def, ctx.info.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    await this.admit(r, 'DELETE', undefined, current, 'mutate');
    await this.admit(r, 'DELETE', undefined, current, 'validate');
    if (r.ctx.dryRun) return this.respondObject(r, 200, current);
    const out = await this.deleteObject(def, current, r.ctx);
    this.respondObject(r, 200, out);
  }

  /** Deletes one object the way its resource wants (namespaces go Terminating first). */
  async deleteObject(def: ResourceDef, obj: KubeObject, ctx: RequestContext): Promise<KubeObject> {
    if (def.delete) return def.delete(obj, this.objects, ctx);
    const out = await this.objects.delete(def, obj.metadata.namespace ?? '', obj.metadata.name!);
    await def.afterDelete?.(out, this.objects);
    return out;
  }

  private deleteOptions(r: RestRequest): Record<string, unknown> {
    if (!r.body?.length) return {};
    if ((r.req.headers['content-type'] ?? '').startsWith(PROTOBUF)) return decodeProtobufObject(r.body) as unknown as Record<string, unknown>;
    const text = r.body.toString('utf8').trim();
    if (!text) return {};
    try {
      const o = JSON.parse(text) as unknown;
      return typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
    } catch {
      throw badRequest('the body of the delete request could not be decoded as DeleteOptions');
    }
  }

  private async deleteCollection(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    const keep = this.filters(r);
    const page = await this.objects.list(def, ctx.info.namespace);
    const deleted: KubeObject[] = [];
    for (const o of page.items.filter(keep)) {
      await this.admit({ ...r, ctx: { ...ctx, info: { ...ctx.info, name: o.metadata.name! } } }, 'DELETE', undefined, o, 'validate');
      if (!ctx.dryRun) {
        try {
          deleted.push(await this.deleteObject(def, o, ctx));
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      } else deleted.push(o);
    }
    writeJson(r.req, r.res, 200, { kind: def.listKind, apiVersion: groupVersion(def), metadata: { resourceVersion: String(page.revision) }, items: deleted.map(stripTypeMeta) });
  }

  // ---- subresources ------------------------------------------------------------------------

  private async serveSubresource(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    const sub = def.subresources?.[ctx.info.subresource];
    if (!sub) throw notFound({ group: def.group, resource: `${def.resource}/${ctx.info.subresource}` }, ctx.info.name);
    if (!sub.verbs.includes(ctx.info.verb as never)) throw methodNotSupported({ group: def.group, resource: `${def.resource}/${ctx.info.subresource}` }, ctx.info.verb);
    if (ctx.info.verb === 'create' && sub.create) {
      const parent = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
      const out = await sub.create(parent, this.decodeBody(r), ctx);
      return writeJson(r.req, r.res, out.status, out.body);
    }
    switch (ctx.info.verb) {
      case 'get': return this.respondObject(r, 200, await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name));
      case 'update': return this.update(r, sub.updateStrategy);
      case 'patch': return this.patch(r, sub.updateStrategy);
      default: throw methodNotSupported(def, ctx.info.verb);
    }
  }
}

/** A create in a namespace that does not exist (or is terminating) is refused, as NamespaceLifecycle does. */
export function namespaceTerminating(ns: string): StatusError {
  return forbidden({ group: '', resource: 'namespaces' }, ns, `unable to create new content in namespace ${ns} because it is being terminated`);
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function stripTypeMeta(o: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest as KubeObject;
}

function withoutMeta(o: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
}

function specChanged(a: KubeObject, b: KubeObject): boolean {
  return withoutMeta(a) !== withoutMeta(b);
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const norm = (o: KubeObject): string => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return norm(a) === norm(b);
}

function encodeContinue(key: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: key })).toString('base64url');
}

function decodeContinue(token: string): { after: string; revision: number } {
  try {
    const o = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: number; start: string };
    if (typeof o.start !== 'string' || typeof o.rv !== 'number') throw new Error('bad');
    return { after: o.start, revision: o.rv };
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data or unrecognized continue token');
  }
}
