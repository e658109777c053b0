// The generic REST verbs for every ResourceDef: get, list, watch, create, update, patch, delete,
// deletecollection, and the status-like subresources — the parts of apiserver/pkg/registry/generic
// (store.go) and endpoints/handlers that kubectl depends on.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  requestEntityTooLarge,
  StatusError,
  timeoutError,
  UnknownStatusError,
  unsupportedMediaType,
  type FieldError,
  type GroupResource,
} from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionChain, AdmissionOperation } from '../admission/interface.js';
import { decodeProtobufObject } from '../api/protobuf/decode.js';
import { messageForKind } from '../api/protobuf/kinds.js';
import { writeJson } from '../server/respond.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CompactedError, type Watcher } from '../storage/interface.js';
import { countTerminatedWatcher, WatchBuffer } from '../storage/watch-buffer.js';
import { encodeWatchEvent } from './watch-encoding.js';
import { LIST_CHUNK, writeListInChunks } from './list-encoder.js';
import { checkFields, fieldValidationMode, pruneUnknownFields } from './field-validation.js';
import { inGoOrder, isPlainObject, jsonDepthError, jsonTypeError, zeroNullElements } from './json-types.js';
import { jsonEqual } from './json-walk.js';
import { stringifyJson } from './json-walk.js';
import { MAX_DECODED_YAML_BYTES } from './limits.js';
import { generateName } from './names.js';
import type { ObjectStore } from './object-store.js';
import {
  boolParam,
  deleteOptionsFromQuery,
  int64Param,
  isDryRun,
  validateDeleteOptions,
  validateListOptions,
  validateWriteOptions,
} from './options.js';
import { applyConfiguration, managerOrUserAgent, recordUpdate } from './apply/field-manager.js';
import { managedWriteFor } from './apply/resource-writes.js';
import { applyPatch, patchType } from './patch.js';
import { checkRoute, methodNotAllowed } from './routing.js';
import { parseFieldSelector, parseLabelSelector, type FieldRequirement, type Matcher } from './selectors.js';
import { tableVersion, toTable, wantsTable } from './table.js';
import { isCustomResource } from './resource-registry.js';
import {
  groupVersion,
  type DeleteOptions,
  type RequestContext,
  type ResourceDef,
  type Strategy,
  type SubresourceDef,
} from './types.js';
import { dns1123Subdomain, validateObjectMeta, validateObjectMetaUpdate } from './validation.js';
import { decodeYaml, YamlDecodeError } from './yaml-decode.js';
import { kubeTime } from '../api/time.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
/** store.go's maxNameGenerationCreateAttempts (RetryGenerateName, on by default since v1.31). */
const MAX_NAME_GENERATION_ATTEMPTS = 8;
const BOOKMARK_INTERVAL_MS = 60_000;
/** Initial watch events sent between waits for the socket (below the watch buffer's bound). */
const WATCH_INITIAL_CHUNK = 50;
/** How long a terminated watch's last bytes may wait for a reader before its socket is closed. */
const WATCH_TERMINATION_GRACE_MS = 2000;
/** kube-apiserver's --min-request-timeout: a watch without timeoutSeconds lasts 1800–3600 s. */
const MIN_REQUEST_TIMEOUT_SECONDS = 1800;

export interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  def: ResourceDef;
  ctx: RequestContext;
  body?: Buffer;
}

/** What a delete answers with: the object (still there, or ReturnDeletedObject) or a Success Status. */
type DeleteResult = { body: unknown; deleted: boolean };

export class RestHandler {
  /** Strict-decoding problems found while decoding a body (a YAML body's repeated keys), for validateFields. */
  private readonly decodeProblems = new WeakMap<RestRequest, string[]>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly admission: AdmissionChain,
    /** metadata.generateName → name (names.SimpleNameGenerator); replaceable so tests can force collisions. */
    private readonly generate: (base: string) => string = generateName,
  ) {}

  async serve(r: RestRequest): Promise<void> {
    const { info } = r.ctx;
    const { def } = r;
    checkRoute(def, info, r.req.method ?? 'GET');
    if (info.subresource) return this.serveSubresource(r);
    if (def.virtualCreate) {
      validateWriteOptions(r.ctx.query, 'CreateOptions');
      const body = await this.decodeObject(r);
      this.validateFields(r, body);
      // Nothing is stored, so nothing is owned: a review echoes no managedFields.
      delete (body.metadata as KubeObject['metadata']).managedFields;
      const out = await def.virtualCreate(body, r.ctx);
      return writeJson(r.req, r.res, 201, inGoOrder(out));
    }
    if (def.virtualList && (info.verb === 'get' || info.verb === 'list')) return this.virtualRead(r);
    switch (info.verb) {
      case 'get':
        return this.respondObject(r, 200, await this.objects.mustGet(def, info.namespace, info.name), true);
      case 'list':
        return this.list(r);
      case 'watch':
        return this.watch(r);
      case 'create':
        return this.create(r);
      case 'update':
        return this.update(r);
      case 'patch':
        return this.patch(r);
      case 'delete':
        return this.delete(r);
      case 'deletecollection':
        return this.deleteCollection(r);
      default:
        throw methodNotAllowed();
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  /** `fromStore`: already in Go order (the store keeps it so); anything else is ordered here. */
  private respondObject(r: RestRequest, status: number, stored: KubeObject, fromStore = false): void {
    const obj = fromStore ? stored : ordered(r.def, stored);
    const accept = r.req.headers.accept ?? '';
    if (wantsTable(accept)) {
      return writeJson(
        r.req,
        r.res,
        status,
        toTable(r.def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, this.tableOpts(r)),
        TABLE_CONTENT_TYPE,
      );
    }
    writeJson(r.req, r.res, status, obj);
  }

  private tableOpts(r: RestRequest): { includeObject?: string; version: string } {
    const includeObject = r.ctx.query.get('includeObject') ?? undefined;
    if (includeObject && !['Metadata', 'Object', 'None'].includes(includeObject)) {
      throw invalid('TableOptions', '', 'meta.k8s.io', [
        {
          type: 'FieldValueInvalid',
          field: 'includeObject',
          message: `Invalid value: ${JSON.stringify(includeObject)}: must be 'Metadata', 'Object', 'None', or empty`,
        },
      ]);
    }
    return { includeObject, version: tableVersion(r.req.headers.accept ?? '') };
  }

  /** get and list of a computed resource (ResourceDef.virtualList): nothing stored, so no paging or watch. */
  private async virtualRead(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    const all = await def.virtualList!(ctx);
    if (ctx.info.verb === 'get') {
      const obj = all.find((o) => o.metadata.name === ctx.info.name);
      if (!obj) throw notFound(def, ctx.info.name);
      return this.respondObject(r, 200, obj);
    }
    validateListOptions(ctx.query, false);
    const keep = this.filters(r);
    const items = all.filter(keep).map((o) => ordered(def, o));
    const meta = { resourceVersion: '' };
    if (wantsTable(r.req.headers.accept ?? '')) {
      return writeJson(r.req, r.res, 200, toTable(def, items, meta, this.tableOpts(r)), TABLE_CONTENT_TYPE);
    }
    writeJson(r.req, r.res, 200, {
      kind: def.listKind,
      apiVersion: groupVersion(def),
      metadata: meta,
      items: items.map(stripTypeMeta),
    });
  }

  /** Label and field selectors, and the name of an object path (`/watch/…/pods/<name>`). */
  private filters(r: RestRequest): (o: KubeObject) => boolean {
    const labels: Matcher = parseLabelSelector(r.ctx.query.get('labelSelector'));
    const fields = parseFieldSelector(r.ctx.query.get('fieldSelector'));
    const extract = fields.map((f) => this.fieldExtractor(r.def, f));
    const name = r.ctx.info.parts.length >= 2 ? r.ctx.info.name : undefined;
    return (o) =>
      (name === undefined || o.metadata.name === name) &&
      labels(o.metadata.labels) &&
      fields.every((f, i) => {
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
    validateListOptions(ctx.query, false);
    const keep = this.filters(r);
    const limit = Math.max(0, int64Param(ctx.query, 'limit') ?? 0);
    const token = ctx.query.get('continue');
    const rv = ctx.query.get('resourceVersion') ?? '';
    let after: string | undefined;
    let revision: number | undefined;
    if (token) {
      ({ after, revision } = decodeContinue(token));
      if (rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    } else if (ctx.query.get('resourceVersionMatch') === 'Exact') {
      revision = parseResourceVersion(rv);
    }
    if (limit === 0 && !token && r.req.method !== 'HEAD' && !wantsTable(r.req.headers.accept ?? '')) {
      // Unpaged: read, encode and write in chunks, yielding between them (list-encoder.ts).
      const first = revision;
      return writeListInChunks(r.req, r.res, {
        kind: def.listKind,
        apiVersion: groupVersion(def),
        keep,
        item: stripTypeMeta,
        read: (at, rev) =>
          this.objects.list(def, ctx.info.namespace, { limit: LIST_CHUNK, after: at, revision: rev ?? first }),
      });
    }
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let remaining = 0;
    let uncounted = false;
    let listRevision = 0;
    // Fill the page even when selectors drop items, reading the same revision throughout.
    for (;;) {
      const want = limit > 0 ? limit - items.length : 0;
      const page = await this.objects.list(def, ctx.info.namespace, {
        limit: want > 0 ? Math.max(want, 50) : undefined,
        after,
        revision,
      });
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
        uncounted = page.remainingUncounted === true;
        const last = items[items.length - 1]!;
        lastKey = remaining > 0 ? this.objects.key(def, last.metadata.namespace ?? '', last.metadata.name!) : undefined;
        break;
      }
      if (!page.remaining) break;
      after = page.lastKey;
    }
    const meta: Record<string, unknown> = { resourceVersion: String(listRevision) };
    if (lastKey) {
      meta.continue = encodeContinue(lastKey, listRevision);
      // remainingItemCount is only known without selectors (the store counts keys, not matches).
      // Nor when the store cannot count the rest in O(page) (sqlite): the field is optional in ListMeta.
      if (!ctx.query.get('labelSelector') && !ctx.query.get('fieldSelector') && !uncounted)
        meta.remainingItemCount = remaining;
    }
    if (wantsTable(r.req.headers.accept ?? '')) {
      return writeJson(r.req, r.res, 200, toTable(def, items, meta, this.tableOpts(r)), TABLE_CONTENT_TYPE);
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
    validateListOptions(ctx.query, true);
    const keep = this.filters(r);
    const asTable = wantsTable(req.headers.accept ?? '');
    const tableOpts = asTable ? this.tableOpts(r) : undefined;
    const rvParam = ctx.query.get('resourceVersion') ?? '';
    const timeout = int64Param(ctx.query, 'timeoutSeconds');
    const timeoutSeconds =
      timeout !== undefined && timeout > 0 ? timeout : MIN_REQUEST_TIMEOUT_SECONDS * (1 + Math.random());
    const bookmarks = boolParam(ctx.query, 'allowWatchBookmarks') === true;
    const sendInitialEvents = boolParam(ctx.query, 'sendInitialEvents');
    if (rvParam !== '' && !/^\d+$/.test(rvParam))
      throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
    // Without a resourceVersion (or "0") a watch starts with the current state as ADDED events, unless
    // sendInitialEvents=false; sendInitialEvents=true always does, then marks its end with a bookmark.
    const initial = sendInitialEvents ?? (rvParam === '' || rvParam === '0');
    let fromRevision = initial ? 0 : Number(rvParam) || 0;
    // Read before the headers go out: a failure here is still an ordinary error response.
    const snapshot = initial ? await this.objects.list(def, ctx.info.namespace) : undefined;
    if (!snapshot && fromRevision === 0) fromRevision = await this.objects.store.currentRevision();

    res.writeHead(200, {
      'Content-Type': asTable ? TABLE_CONTENT_TYPE : 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let ended = false;
    let watcher: Watcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let bookmarkTimer: NodeJS.Timeout | undefined;
    const end = (): void => {
      if (ended) return;
      ended = true;
      watcher?.stop();
      clearTimeout(timer);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      buffer.end();
      if (!res.writableEnded) res.end();
    };
    // A bounded buffer per watcher (storage/watch-buffer.ts): one that stops reading is ended, as kube's
    // cacher ends it, and its client resumes from its last resourceVersion.
    const buffer = new WatchBuffer(res, () => {
      countTerminatedWatcher(def.group ? `${def.resource}.${def.group}` : def.resource);
      end();
      // The final chunk may never leave a socket nobody reads: let go of it after a grace period.
      setTimeout(() => res.destroy(), WATCH_TERMINATION_GRACE_MS).unref();
    });
    const writeLine = (line: string | Buffer): void => {
      if (!ended && !res.destroyed && !res.writableEnded) buffer.push(line);
    };
    const write = (event: unknown): void => writeLine(JSON.stringify(event) + '\n');
    const send = (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void => {
      // Encoded once per event for all JSON watchers (watch-encoding.ts); tables are per request.
      if (!tableOpts) return writeLine(encodeWatchEvent(type, obj));
      write({ type, object: toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, tableOpts) });
    };
    const bookmark = (revision: number, annotations?: Record<string, string>): void => {
      const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
      if (annotations) metadata.annotations = annotations;
      write({ type: 'BOOKMARK', object: { kind: def.kind, apiVersion: groupVersion(def), metadata } });
    };
    res.on('close', end);
    req.on('close', end);
    // Armed before the initial events: a client that never reads them still has its watch ended in time.
    timer = setTimeout(end, timeoutSeconds * 1000);
    if (snapshot) {
      // Paced by the socket: a large initial state never fills the buffer nor holds the event loop.
      let sent = 0;
      for (const o of snapshot.items) {
        if (ended) return;
        if (keep(o)) send('ADDED', o);
        if (++sent % WATCH_INITIAL_CHUNK === 0) {
          await buffer.drained();
          await yieldToEventLoop();
        }
      }
      if (ended) return;
      fromRevision = snapshot.revision;
      if (sendInitialEvents && bookmarks) bookmark(snapshot.revision, { 'k8s.io/initial-events-end': 'true' });
    }
    let lastRevision = fromRevision;
    watcher = this.objects.watch(
      def,
      ctx.info.namespace,
      fromRevision,
      (ev) => {
        lastRevision = ev.revision;
        const now = keep(ev.object);
        if (ev.type === 'MODIFIED' && ev.old) {
          // An object that starts or stops matching the selectors is ADDED or DELETED for this watcher.
          const before = keep(ev.old);
          if (before && !now) return send('DELETED', ev.object);
          if (!before && now) return send('ADDED', ev.object);
        }
        if (now) send(ev.type, ev.object);
      },
      (err) => {
        if (err instanceof CompactedError) {
          // The watch cache's answer: an ERROR event carrying 410 Expired, then the stream ends.
          const status = new StatusError(
            410,
            'Expired',
            `too old resource version: ${fromRevision} (${err.compacted})`,
          ).toStatus();
          write({ type: 'ERROR', object: status });
        }
        end();
      },
    );
    if (bookmarks) bookmarkTimer = setInterval(() => bookmark(lastRevision), BOOKMARK_INTERVAL_MS);
  }

  // ---- decoding ----------------------------------------------------------------------------

  /**
   * Parses a body as JSON, YAML or protobuf into a plain object; what the serializers accept. JSON nested
   * past Go's 10,000 levels is refused before it is parsed, so nothing that walks a body meets more.
   */
  async decodeBody(r: RestRequest, expectedKind = r.def.kind): Promise<Record<string, unknown>> {
    const raw = r.body ?? Buffer.alloc(0);
    const ct = mediaType(r.req);
    // kubectl's typed clients (create ns/sa/secret/token, auth can-i, certificate approve, …) send protobuf.
    if (ct === PROTOBUF) return decodeProtobufObject(raw) as unknown as Record<string, unknown>;
    const text = raw.toString('utf8');
    if (!text.trim()) throw badRequest('the body of the request was empty');
    let json: string;
    if (ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml') {
      // sigs.k8s.io/yaml's YAMLToJSON, then the JSON path below, as the apiserver's YAML serializer does.
      const decoded = await this.decodeYamlBody(text, expectedKind);
      json = decoded.json;
      if (decoded.duplicateKeys) this.decodeProblems.set(r, [decoded.duplicateKeys]);
    } else if (ct === 'application/json' || ct === '*/*' || ct === '') {
      json = text;
    } else {
      throw unsupportedMediaType();
    }
    const tooDeep = jsonDepthError(json);
    if (tooDeep) throw unrecognized(expectedKind, `couldn't get version/kind; json parse error: ${tooDeep}`, text);
    let obj: unknown;
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw unrecognized(
        expectedKind,
        `couldn't get version/kind; json parse error: ${(e as Error).message.split('\n')[0]}`,
        text,
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw unrecognized(
        expectedKind,
        `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindOf(obj)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
        text,
      );
    }
    const o = obj as Record<string, unknown>;
    for (const f of ['apiVersion', 'kind'] as const) {
      if (o[f] !== undefined && o[f] !== null && typeof o[f] !== 'string') {
        throw unrecognized(
          expectedKind,
          `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindOf(o[f])} into Go struct field .${f} of type string`,
          text,
        );
      }
    }
    return o;
  }

  /** YAML to JSON text on the decoding thread, its failures answered as kube-apiserver words them. */
  private async decodeYamlBody(text: string, expectedKind: string): Promise<{ json: string; duplicateKeys?: string }> {
    try {
      return await decodeYaml(text);
    } catch (e) {
      if (e instanceof YamlDecodeError) {
        // A body of aliases that would decode to more than a body may be.
        if (e.reason === 'size') throw requestEntityTooLarge(MAX_DECODED_YAML_BYTES);
        throw unrecognized(expectedKind, e.message, text);
      }
      throw timeoutError('request did not complete within requested timeout - context deadline exceeded');
    }
  }

  /**
   * The body as an object of the resource's kind: defaults kind/apiVersion from the URL, refuses another kind
   * or group version with the handlers' texts, and refuses values of the wrong JSON type as Go's decoder does.
   */
  async decodeObject(r: RestRequest, kind = r.def.kind, gv = groupVersion(r.def)): Promise<KubeObject> {
    const obj = await this.decodeBody(r, kind);
    if (!obj.kind) obj.kind = kind;
    if (!obj.apiVersion) obj.apiVersion = gv;
    const bodyKind = obj.kind as string;
    const bodyGv = obj.apiVersion as string;
    if (bodyKind !== kind) throw wrongKind(bodyKind, bodyGv, kind, r.def.group);
    if (bodyGv !== gv)
      throw badRequest(`the API version in the data (${bodyGv}) does not match the expected API version (${gv})`);
    const typeError = jsonTypeError(obj, gv, kind);
    if (typeError)
      throw badRequest(`${kind} in version "${versionOf(gv)}" cannot be handled as a ${kind}: ${typeError}`);
    zeroNullElements(obj, gv, kind);
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    // managedFields stay: a write may set them (the field manager starts from them; fieldsV1 decoding is bounded).
    return obj as unknown as KubeObject;
  }

  /**
   * Server-side field validation of a JSON/YAML body (protobuf bodies cannot carry unknown fields): Strict
   * refuses unknown fields, Warn reports them (when `report`: once per request), both Warn and Ignore drop them.
   */
  private validateFields(r: RestRequest, obj: KubeObject, report = true): void {
    if (mediaType(r.req) === PROTOBUF) return;
    const warnings = checkFields(obj, fieldValidationMode(r.ctx.query), this.decodeProblems.get(r));
    if (report && warnings.length)
      r.res.setHeader(
        'Warning',
        warnings.map((w) => `299 - ${JSON.stringify(w)}`),
      );
  }

  // ---- writes ------------------------------------------------------------------------------

  /** EnsureObjectNamespaceMatchesRequestNamespace: the URL's namespace wins; cluster-scoped objects have none. */
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

  /** handlers/rest.go checkName, for PUT and PATCH. */
  private checkName(r: RestRequest, obj: KubeObject): void {
    const { name, namespace } = r.ctx.info;
    const objName = obj.metadata.name ?? '';
    if (objName !== name)
      throw badRequest(`the name of the object (${objName}) does not match the name on the URL (${name})`);
    const objNs = obj.metadata.namespace ?? '';
    if (r.def.namespaced && namespace && objNs && objNs !== namespace) {
      throw badRequest(
        `the namespace of the object (${objNs}) does not match the namespace on the request (${namespace})`,
      );
    }
  }

  private async validate(
    r: RestRequest,
    obj: KubeObject,
    old: KubeObject | undefined,
    strategy: Strategy | undefined,
  ): Promise<void> {
    const errs: FieldError[] = validateObjectMeta(obj, r.def.namespaced, r.def.nameValidator ?? dns1123Subdomain);
    if (old) {
      errs.push(...validateObjectMetaUpdate(obj, old));
      errs.push(...((await strategy?.validateUpdate?.(obj, old, r.ctx)) ?? []));
    } else {
      errs.push(...((await strategy?.validate?.(obj, r.ctx)) ?? []));
    }
    if (errs.length) throw invalid(r.def.kind, obj.metadata.name ?? '', r.def.group, errs);
  }

  private async admit(
    r: RestRequest,
    operation: AdmissionOperation,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    phase: 'mutate' | 'validate',
  ): Promise<void> {
    const req = {
      operation,
      def: r.def,
      subresource: r.ctx.info.subresource,
      namespace: r.ctx.info.namespace || (obj?.metadata.namespace ?? ''),
      name: obj?.metadata.name || r.ctx.info.name,
      object: obj,
      oldObject: old,
      ctx: r.ctx,
    };
    if (phase === 'mutate') await this.admission.mutate(req);
    else await this.admission.validate(req);
  }

  private async create(r: RestRequest): Promise<void> {
    validateWriteOptions(r.ctx.query, 'CreateOptions');
    const obj = await this.decodeObject(r);
    this.validateFields(r, obj);
    return this.createDecoded(r, obj, true);
  }

  /** The create path after decoding; `tracked`: record the write in managedFields (an apply has already). */
  private async createDecoded(r: RestRequest, obj: KubeObject, tracked: boolean): Promise<void> {
    const { def, ctx } = r;
    this.checkNamespace(r, obj);
    const meta = obj.metadata;
    for (const f of [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
      'generation',
    ] as const)
      delete meta[f];
    def.strategy?.prepareForCreate?.(obj, ctx);
    await this.admit(r, 'CREATE', obj, undefined, 'mutate');
    def.strategy?.defaults?.(obj);
    // The name is generated after mutating admission, and again when it collides (store.go createWithGenerateNameRetry).
    const generate = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
    for (let attempt = 1; ; attempt++) {
      const candidate = generate ? structuredClone(obj) : obj;
      if (generate) candidate.metadata.name = this.generate(meta.generateName!);
      try {
        const created = await this.createOnce(r, candidate, generate, tracked);
        return this.respondObject(r, 201, created);
      } catch (e) {
        if (
          generate &&
          e instanceof StatusError &&
          e.reason === 'AlreadyExists' &&
          attempt < MAX_NAME_GENERATION_ATTEMPTS
        )
          continue;
        throw e;
      }
    }
  }

  private async createOnce(r: RestRequest, obj: KubeObject, generated: boolean, tracked: boolean): Promise<KubeObject> {
    const { def, ctx } = r;
    const meta = obj.metadata;
    if (tracked) recordUpdate(undefined, obj, this.manager(r), managedWriteFor(def, ctx.info.subresource, obj));
    await this.validate(r, obj, undefined, def.strategy);
    await this.admit(r, 'CREATE', obj, undefined, 'validate');
    // etcd3 store.Create refuses a set resourceVersion, with a plain error that reaches the client as a 500.
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      if (/^\d+$/.test(meta.resourceVersion) && Number(meta.resourceVersion) > 0)
        throw new UnknownStatusError('resourceVersion should not be set on objects to be created');
      delete meta.resourceVersion;
    }
    // A strategy may have filled the uid in PrepareForCreate (a Job's selector names it, as FillObjectMetaSystemFields ran first in kube).
    meta.uid ??= randomUUID();
    meta.creationTimestamp = kubeTime();
    if (def.strategy?.generationChanged) meta.generation = 1;
    try {
      if (ctx.dryRun) {
        const existing = await this.objects.store.get(this.objects.key(def, meta.namespace ?? '', meta.name!));
        if (existing) throw alreadyExists(def, meta.name!);
        return obj;
      }
      return await this.objects.create(def, obj);
    } catch (e) {
      if (!(e instanceof StatusError) || e.reason !== 'AlreadyExists') throw e;
      throw await this.alreadyExistsError(def, obj, generated);
    }
  }

  /** store.go's AlreadyExists variants: a generated name that collided, or an object still being deleted. */
  private async alreadyExistsError(def: ResourceDef, obj: KubeObject, generated: boolean): Promise<StatusError> {
    const name = obj.metadata.name!;
    if (generated) {
      const gr = groupResource(def);
      const details: Record<string, unknown> = { name };
      if (gr.group) details.group = gr.group;
      details.kind = gr.resource;
      details.retryAfterSeconds = 1;
      return new StatusError(
        409,
        'AlreadyExists',
        `${qualified(gr)} "${name}" already exists, the server was not able to generate a unique name for the object`,
        details,
      );
    }
    const err = alreadyExists(def, name);
    const existing = await this.objects.store.get(this.objects.key(def, obj.metadata.namespace ?? '', name));
    if (existing && this.objects.decode(existing).metadata.deletionTimestamp) {
      return new StatusError(err.code, err.reason, `object is being deleted: ${err.message}`, err.details);
    }
    return err;
  }

  /**
   * The shared update path for PUT and PATCH (and status subresources): rest.BeforeUpdate, the strategy,
   * admission, then the write — or the delete, when the last finalizer of an object being deleted goes.
   */
  private async writeUpdate(
    r: RestRequest,
    next: KubeObject,
    current: KubeObject,
    strategy: Strategy | undefined,
    tracked = true,
  ): Promise<KubeObject> {
    const { def } = r;
    this.checkNamespace(r, next);
    const m = next.metadata;
    const old = current.metadata;
    if (m.uid && m.uid !== old.uid) {
      throw conflict(
        def,
        old.name!,
        `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${old.uid}`,
      );
    }
    // Server-owned metadata is kept from the stored object; a deletion, once started, cannot be undone.
    m.uid = old.uid;
    m.creationTimestamp = old.creationTimestamp;
    if (old.generation === undefined) delete m.generation;
    else m.generation = old.generation;
    if (old.deletionTimestamp) m.deletionTimestamp = old.deletionTimestamp;
    if (old.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds === undefined)
      m.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    delete m.selfLink;
    m.resourceVersion = old.resourceVersion;
    // As kube's update and patch handlers: the write is tracked before mutating admission runs.
    if (tracked) recordUpdate(current, next, this.manager(r), managedWriteFor(def, r.ctx.info.subresource, next));
    strategy?.prepareForUpdate?.(next, current, r.ctx);
    await this.admit(r, 'UPDATE', next, current, 'mutate');
    strategy?.defaults?.(next);
    await this.validate(r, next, current, strategy);
    await this.admit(r, 'UPDATE', next, current, 'validate');
    if (strategy?.generationChanged?.(next, current)) next.metadata.generation = (old.generation ?? 0) + 1;
    if (old.deletionTimestamp && !(next.metadata.finalizers ?? []).length && !old.deletionGracePeriodSeconds) {
      // store.go ShouldDeleteDuringUpdate: the client gets the object it sent, the store loses it.
      if (!r.ctx.dryRun) await this.removeObject(def, current, Number(old.resourceVersion));
      return next;
    }
    // A no-op write does not bump resourceVersion — unless the stored bytes use an outdated encryption key
    // (kube's GuaranteedUpdate writes a stale object despite equal content: that is how rotation rewrites them).
    if (sameContent(next, current) && !this.objects.isStale(def, current)) return current;
    if (r.ctx.dryRun) return next;
    return this.objects.update(def, next, Number(old.resourceVersion));
  }

  private async update(r: RestRequest, strategy: Strategy | undefined = r.def.strategy): Promise<void> {
    const { def, ctx } = r;
    validateWriteOptions(ctx.query, 'UpdateOptions');
    const next = await this.decodeObject(r);
    this.validateFields(r, next);
    this.checkName(r, next);
    const current = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
    const rv = next.metadata.resourceVersion;
    // No resourceVersion: an unconditional update (every kind kauth serves allows it).
    if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion)
      throw conflict(def, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
    const out = await this.writeUpdate(r, next, current, strategy);
    this.respondObject(r, 200, out);
  }

  private async patch(r: RestRequest, strategy: Strategy | undefined = r.def.strategy): Promise<void> {
    const { def, ctx } = r;
    const contentType = r.req.headers['content-type'] ?? '';
    const type = patchType(contentType);
    // Custom resources have no patch strategies: kube's CR handler does not accept strategic merge patches.
    if (type === 'strategic' && isCustomResource(def)) {
      throw unsupportedMediaType([
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
      ]);
    }
    validateWriteOptions(ctx.query, 'PatchOptions', type);
    if (type === 'apply') return this.serverSideApply(r, strategy);
    const text = (r.body ?? Buffer.alloc(0)).toString('utf8');
    for (let attempt = 0; ; attempt++) {
      const current = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
      const next = applyPatch(contentType, current, text);
      checkPatchedObject(def, next);
      // Every attempt drops unknown fields; the first reports them.
      this.validateFields(r, next, attempt === 0);
      this.checkName(r, next);
      const requested = next.metadata.resourceVersion;
      if (requested && requested !== current.metadata.resourceVersion)
        throw conflict(def, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
      try {
        const out = await this.writeUpdate(r, next, current, strategy);
        return this.respondObject(r, 200, out);
      } catch (e) {
        // A patch without a resourceVersion precondition is retried on a concurrent write, as kube-apiserver does.
        if (e instanceof StatusError && e.reason === 'Conflict' && !requested && attempt < 5) continue;
        throw e;
      }
    }
  }

  /** kube's field manager name for a write: ?fieldManager=, else the user agent's product. */
  private manager(r: RestRequest): string {
    return managerOrUserAgent(r.ctx.query.get('fieldManager'), r.req.headers['user-agent']);
  }

  /** An application/apply-patch+yaml body: a whole object of this resource's kind and version. */
  private async decodeApplyConfiguration(r: RestRequest): Promise<KubeObject> {
    const { def } = r;
    const text = (r.body ?? Buffer.alloc(0)).toString('utf8');
    const { json } = await this.decodeYamlBody(text, def.kind);
    const tooDeep = jsonDepthError(json);
    if (tooDeep) throw badRequest(`error decoding YAML: ${tooDeep}`);
    const config = JSON.parse(json) as unknown;
    if (config === null || typeof config !== 'object' || Array.isArray(config))
      throw badRequest('error decoding YAML: the apply configuration must be an object');
    const obj = config as KubeObject;
    const gv = groupVersion(def);
    if (obj.apiVersion !== gv) {
      throw badRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${String(obj.apiVersion ?? '')}, expected: ${gv}`,
      );
    }
    if (obj.kind !== def.kind)
      throw badRequest(
        `Incorrect kind specified in apply patch. Specified patch kind: ${String(obj.kind ?? '')}, expected: ${def.kind}`,
      );
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    const typeError = jsonTypeError(obj, gv, def.kind);
    if (typeError)
      throw badRequest(`${def.kind} in version "${versionOf(gv)}" cannot be handled as a ${def.kind}: ${typeError}`);
    return obj;
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): the configuration merged into the live object by the
   * field manager, or created from it when there is none (201), then the usual update or create path.
   */
  private async serverSideApply(r: RestRequest, strategy: Strategy | undefined): Promise<void> {
    const { def, ctx } = r;
    const config = await this.decodeApplyConfiguration(r);
    this.validateFields(r, config);
    const manager = ctx.query.get('fieldManager') ?? '';
    const force = boolParam(ctx.query, 'force') ?? false;
    for (let attempt = 0; ; attempt++) {
      const kv = await this.objects.store.get(this.objects.key(def, ctx.info.namespace, ctx.info.name));
      const current = kv ? this.objects.decode(kv, def) : undefined;
      const write = managedWriteFor(def, ctx.info.subresource, config);
      if (!current) {
        if (ctx.info.subresource) await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
        const created = applyConfiguration(undefined, config, manager, force, write);
        if (!created.metadata.name) created.metadata.name = ctx.info.name;
        this.checkName(r, created);
        return this.createDecoded(r, created, false);
      }
      const next = applyConfiguration(current, config, manager, force, write);
      this.checkName(r, next);
      try {
        const out = await this.writeUpdate(r, next, current, strategy, false);
        return this.respondObject(r, 200, out);
      } catch (e) {
        // Another write came between the read and this one: apply again on the new object, as kube retries.
        if (e instanceof StatusError && e.reason === 'Conflict' && !e.details?.causes?.length && attempt < 5) continue;
        throw e;
      }
    }
  }

  // ---- deletes -----------------------------------------------------------------------------

  /** DeleteOptions from the body (JSON or protobuf), else from the query, validated. */
  private deleteOptions(r: RestRequest): DeleteOptions {
    const body = r.body?.length ? r.body : undefined;
    let options: DeleteOptions;
    if (!body || !body.toString('utf8').trim()) {
      options = deleteOptionsFromQuery(r.ctx.query);
    } else {
      let obj: Record<string, unknown>;
      if (mediaType(r.req) === PROTOBUF) {
        obj = decodeProtobufObject(body) as unknown as Record<string, unknown>;
      } else {
        const text = body.toString('utf8');
        try {
          const tooDeep = jsonDepthError(text);
          if (tooDeep) throw new Error(tooDeep);
          obj = JSON.parse(text) as Record<string, unknown>;
        } catch (e) {
          throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message.split('\n')[0]}`);
        }
        if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
          throw badRequest(
            `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindOf(obj)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
          );
        if (obj.kind !== undefined && obj.kind !== 'DeleteOptions')
          throw badRequest('decoded object cannot be converted to DeleteOptions');
        const typeError = jsonTypeError(obj, 'v1', 'DeleteOptions');
        if (typeError) throw badRequest(typeError);
        pruneUnknownFields(obj, 'v1', 'DeleteOptions');
      }
      options = obj as DeleteOptions;
    }
    validateDeleteOptions(options);
    return options;
  }

  private async delete(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    const options = this.deleteOptions(r);
    const dryRun = isDryRun(ctx.query, options);
    const current = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
    if (!def.delete) checkPreconditions(def, current, options);
    await this.admit(r, 'DELETE', undefined, current, 'mutate');
    await this.admit(r, 'DELETE', undefined, current, 'validate');
    const result = await this.deleteObject(def, current, { ...ctx, dryRun }, options);
    // 202 only when the object is still there and the client asked for cascading deletion the old way.
    const code = !result.deleted && options.orphanDependents === false ? 202 : 200;
    writeJson(
      r.req,
      r.res,
      code,
      (result.body as KubeObject).kind === 'Status' ? result.body : ordered(def, result.body as KubeObject),
    );
  }

  /**
   * Deletes one object the way its resource wants: namespaces go Terminating first; an object with
   * finalizers is only marked (deletionTimestamp, deletionGracePeriodSeconds 0) until they are removed.
   */
  async deleteObject(
    def: ResourceDef,
    obj: KubeObject,
    ctx: RequestContext,
    options: DeleteOptions = {},
  ): Promise<DeleteResult> {
    if (def.delete) {
      const out = ctx.dryRun ? obj : await def.delete(obj, this.objects, ctx, options);
      return { body: out, deleted: false };
    }
    if ((obj.metadata.finalizers ?? []).length) {
      const marked = markAsDeleting(structuredClone(obj));
      if (ctx.dryRun || sameContent(marked, obj)) return { body: marked, deleted: false };
      const out = await this.objects.guaranteedUpdate(def, obj.metadata.namespace ?? '', obj.metadata.name!, (cur) =>
        markAsDeleting(cur),
      );
      return { body: out ?? marked, deleted: false };
    }
    const expected = options.preconditions?.resourceVersion ? Number(obj.metadata.resourceVersion) : undefined;
    const out = ctx.dryRun ? obj : await this.removeObject(def, obj, expected);
    return { body: def.returnDeletedObject ? out : deletedStatus(def, out), deleted: true };
  }

  /** The storage delete and the resource's afterDelete hook. */
  private async removeObject(def: ResourceDef, obj: KubeObject, expectedRevision?: number): Promise<KubeObject> {
    const out = await this.objects.delete(def, obj.metadata.namespace ?? '', obj.metadata.name!, expectedRevision);
    await def.afterDelete?.(out, this.objects);
    return out;
  }

  private async deleteCollection(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    validateListOptions(ctx.query, false);
    const options = this.deleteOptions(r);
    const dryRun = isDryRun(ctx.query, options);
    const keep = this.filters(r);
    const page = await this.objects.list(def, ctx.info.namespace);
    const listed = page.items.filter(keep);
    for (const o of listed) {
      const one = { ...r, ctx: { ...ctx, info: { ...ctx.info, name: o.metadata.name! } } };
      await this.admit(one, 'DELETE', undefined, o, 'mutate');
      await this.admit(one, 'DELETE', undefined, o, 'validate');
      try {
        await this.deleteObject(def, o, { ...ctx, dryRun }, options);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    // The answer is the list that was deleted, as it was listed (store.go DeleteCollection).
    writeJson(r.req, r.res, 200, {
      kind: def.listKind,
      apiVersion: groupVersion(def),
      metadata: { resourceVersion: String(page.revision) },
      items: listed.map((o) => stripTypeMeta(ordered(def, o))),
    });
  }

  // ---- subresources ------------------------------------------------------------------------

  private async serveSubresource(r: RestRequest): Promise<void> {
    const { def, ctx } = r;
    const sub = def.subresources![ctx.info.subresource]!;
    if (sub.view) return this.serveView(r, sub);
    if (ctx.info.verb === 'create' && sub.create) {
      validateWriteOptions(ctx.query, 'CreateOptions');
      const parent = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
      const kind = sub.kind ?? def.kind;
      const body = await this.decodeBody(r, kind);
      if (typeof body.kind === 'string' && typeof body.apiVersion === 'string') {
        const typeError = jsonTypeError(body, body.apiVersion, body.kind);
        if (typeError)
          throw badRequest(
            `${body.kind} in version "${versionOf(body.apiVersion)}" cannot be handled as a ${body.kind}: ${typeError}`,
          );
      }
      // Decoded into the subresource's type, the body keeps only that type's fields.
      pruneUnknownFields(
        body,
        typeof body.apiVersion === 'string'
          ? body.apiVersion
          : groupVersion({ group: sub.group ?? def.group, version: sub.version ?? def.version }),
        kind,
      );
      const out = await sub.create(parent, body, ctx);
      return writeJson(r.req, r.res, out.status, inGoOrder(out.body));
    }
    switch (ctx.info.verb) {
      case 'get':
        return this.respondObject(r, 200, await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name));
      case 'update':
        return this.update(r, sub.updateStrategy);
      case 'patch':
        return this.patch(r, sub.updateStrategy);
      default:
        throw methodNotAllowed();
    }
  }

  /**
   * GET, PUT or PATCH another kind's view of the parent (ScaleREST): the view is validated as its own kind,
   * its resourceVersion is the parent's precondition, and the parent is written through the main strategy.
   */
  private async serveView(r: RestRequest, sub: SubresourceDef): Promise<void> {
    const { def, ctx } = r;
    const { view } = sub as ViewSub;
    const kind = sub.kind ?? def.kind;
    const gv = groupVersion({ group: sub.group ?? def.group, version: sub.version ?? def.version });
    if (ctx.info.verb === 'get')
      return writeJson(
        r.req,
        r.res,
        200,
        inGoOrder(view.toView(await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name))),
      );
    const isPatch = ctx.info.verb === 'patch';
    validateWriteOptions(ctx.query, isPatch ? 'PatchOptions' : 'UpdateOptions');
    const contentType = r.req.headers['content-type'] ?? '';
    if (isPatch) patchType(contentType);
    const text = (r.body ?? Buffer.alloc(0)).toString('utf8');
    const sent = isPatch ? undefined : await this.decodeObject(r, kind, gv);
    if (sent) this.checkName(r, sent);
    for (let attempt = 0; ; attempt++) {
      const current = await this.objects.mustGet(def, ctx.info.namespace, ctx.info.name);
      const next = sent ?? applyPatch(contentType, view.toView(current), text);
      if (!isPlainObject(next) || !isPlainObject(next.metadata))
        throw badRequest(`the patch produced something other than a ${kind}`);
      const errs = view.validate(next);
      if (errs.length) throw invalid(kind, ctx.info.name, sub.group ?? def.group, errs);
      const requested = next.metadata.resourceVersion;
      if (requested && requested !== current.metadata.resourceVersion)
        throw conflict(def, ctx.info.name, OPTIMISTIC_LOCK_MESSAGE);
      const parent = view.fromView(next, structuredClone(current));
      try {
        const out = await this.writeUpdate(r, parent, current, def.strategy);
        return writeJson(r.req, r.res, 200, inGoOrder(view.toView(out)));
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'Conflict' && !requested && attempt < 5) continue;
        throw e;
      }
    }
  }
}

/** A subresource whose def carries a view (deployments/scale). */
type ViewSub = SubresourceDef & { view: NonNullable<SubresourceDef['view']> };

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

function versionOf(gv: string): string {
  return gv.includes('/') ? gv.split('/')[1]! : gv;
}

function jsonKindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** runtime's summarizeData: the start of the body, so the client sees what was refused. */
function summarize(text: string): string {
  if (!text) return '<empty>';
  if (text.startsWith('{')) return text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  const hex = Buffer.from(text.slice(0, 30)).toString('hex');
  return text.length > 30 ? `${hex} ...` : hex;
}

/** transformDecodeError without a kind from the body. */
function unrecognized(kind: string, err: string, text: string): StatusError {
  return badRequest(`the object provided is unrecognized (must be of type ${kind}): ${err} (${summarize(text)})`);
}

/** Kubernetes' internal package of a group, as a conversion error names the target type. */
const INTERNAL_PACKAGE: Record<string, string> = {
  '': 'core',
  apps: 'apps',
  'rbac.authorization.k8s.io': 'rbac',
  'certificates.k8s.io': 'certificates',
  'authorization.k8s.io': 'authorization',
  'authentication.k8s.io': 'authentication',
};

/** A body of another kind: the scheme cannot convert it into the resource's type (transformDecodeError). */
function wrongKind(bodyKind: string, bodyGv: string, kind: string, group: string): StatusError {
  const version = versionOf(bodyGv);
  const cause = messageForKind(bodyGv, bodyKind)
    ? `converting (${version}.${bodyKind}) to (${INTERNAL_PACKAGE[group] ?? group.split('.')[0]}.${kind}): unknown conversion`
    : `no kind "${bodyKind}" is registered for version "${bodyGv}" in scheme "pkg/api/legacyscheme/scheme.go:30"`;
  return badRequest(`${bodyKind} in version "${version}" cannot be handled as a ${kind}: ${cause}`);
}

/** A patch result that Go could not decode back into the kind: 422 on the `patch` field (patch.go). */
function checkPatchedObject(def: ResourceDef, next: KubeObject): void {
  const obj = next as unknown as Record<string, unknown>;
  let problem: string | undefined;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    problem = 'the patch produced something other than an object';
  else if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))
    problem = `json: cannot unmarshal ${jsonKindOf(obj.metadata)} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`;
  else {
    obj.kind ??= def.kind;
    obj.apiVersion ??= groupVersion(def);
    if (obj.kind !== def.kind || obj.apiVersion !== groupVersion(def))
      problem = `the patch changed the kind or API version to ${String(obj.apiVersion)}, Kind=${String(obj.kind)}`;
  }
  if (problem === undefined) problem = jsonTypeError(obj, groupVersion(def), def.kind);
  if (problem === undefined) return zeroNullElements(obj, groupVersion(def), def.kind);
  const value = stringifyJson(next) ?? 'null';
  const cause = {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${problem}`,
    field: 'patch',
  };
  throw new StatusError(422, 'Invalid', ` "" is invalid: patch: ${cause.message}`, { causes: [cause] });
}

function groupResource(def: ResourceDef): GroupResource {
  return { group: def.group, resource: def.resource };
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** rest.BeforeDelete's early precondition checks, named by Kind as kube-apiserver names them. */
function checkPreconditions(def: ResourceDef, current: KubeObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  if (!pre) return;
  const byKind = { group: def.group, resource: def.kind };
  const name = current.metadata.name!;
  if (pre.uid && pre.uid !== current.metadata.uid) {
    throw conflict(
      byKind,
      name,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${current.metadata.uid}). The object might have been deleted and then recreated`,
    );
  }
  if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      byKind,
      name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${current.metadata.resourceVersion}). The object might have been modified`,
    );
  }
}

/** store.go markAsDeleting: deletionTimestamp now (unless earlier), grace period 0, generation bumped once. */
function markAsDeleting(obj: KubeObject): KubeObject {
  const m = obj.metadata;
  if (!m.deletionTimestamp && (m.generation ?? 0) > 0) m.generation = m.generation! + 1;
  const now = kubeTime();
  if (!m.deletionTimestamp || m.deletionTimestamp > now) m.deletionTimestamp = now;
  m.deletionGracePeriodSeconds = 0;
  return obj;
}

/** store.go finalizeDelete for stores without ReturnDeletedObject. */
function deletedStatus(def: ResourceDef, obj: KubeObject): unknown {
  const details: Record<string, unknown> = { name: obj.metadata.name };
  if (def.group) details.group = def.group;
  details.kind = def.resource; // "Yes we set Kind field to resource."
  if (obj.metadata.uid) details.uid = obj.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** An object as kube-apiserver writes it: kind, apiVersion, then the Go struct's field order. */
function ordered(def: ResourceDef, o: KubeObject): KubeObject {
  return inGoOrder(o, o.apiVersion ?? groupVersion(def), o.kind ?? def.kind);
}

function stripTypeMeta(o: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest as KubeObject;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const norm = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return jsonEqual(norm(a), norm(b));
}

function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  return Number(rv);
}

function encodeContinue(key: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: key })).toString('base64url');
}

/** storage.DecodeContinue's checks, with the etcd3 store's `invalid continue token` prefix. */
function decodeContinue(token: string): { after: string; revision: number } {
  const bad = (why: string): StatusError => badRequest(`invalid continue token: continue key is not valid: ${why}`);
  const illegal = /[^A-Za-z0-9_-]/.exec(token);
  if (illegal) throw bad(`illegal base64 data at input byte ${illegal.index}`);
  if (token.length % 4 === 1) throw bad(`illegal base64 data at input byte ${token.length - 1}`);
  let o: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    o = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof o;
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (typeof o !== 'object' || o === null) throw bad('unrecognized continue token');
  if (o.v !== 'meta.k8s.io/v1')
    throw badRequest(
      `invalid continue token: continue key is not valid: server does not recognize this encoded version ${String(o.v ?? '')}`,
    );
  if (typeof o.rv !== 'number' || o.rv === 0)
    throw badRequest(
      'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  if (typeof o.start !== 'string' || !o.start)
    throw badRequest(
      'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)',
    );
  return { after: o.start, revision: o.rv };
}
