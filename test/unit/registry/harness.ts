// Drives the real RestHandler over a MemoryStore with the served resource defs and the admission plugins
// control-plane.ts installs (NamespaceLifecycle, ServiceAccount, ServiceIPAllocator) — no TLS, no authn/z.
// Requests are routed the way ApiServer.serve does (requestInfo, resource lookup, dryRun), and every
// error is written by the server's own writeError, so tests see exact status codes and bodies.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdmissionChain } from '../../../src/admission/interface.js';
import { namespaceLifecycle } from '../../../src/admission/namespace-lifecycle.js';
import { serviceAccountAdmission } from '../../../src/admission/serviceaccount.js';
import { serviceIpAllocator } from '../../../src/admission/service-ip.js';
import { badRequest, StatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/types.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import { ObjectStore } from '../../../src/registry/object-store.js';
import { configMaps, events, nodes, secrets, serviceAccounts } from '../../../src/registry/resources/core.js';
import { deployments } from '../../../src/registry/resources/deployments.js';
import { namespaces } from '../../../src/registry/resources/namespaces.js';
import { pods } from '../../../src/registry/resources/pods.js';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from '../../../src/registry/resources/rbac.js';
import { reviewResources } from '../../../src/registry/resources/reviews.js';
import { services } from '../../../src/registry/resources/services.js';
import { RestHandler } from '../../../src/registry/rest.js';
import type { ResourceDef } from '../../../src/registry/types.js';
import { parseRequestInfo, RequestInfoError } from '../../../src/server/requestinfo.js';
import { writeError } from '../../../src/server/respond.js';
import { MemoryStore } from '../../../src/storage/memory.js';

export const ADMIN: UserInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

export interface Reply {
  code: number;
  headers: Record<string, unknown>;
  text: string;
  // Tests read arbitrary JSON; `any` keeps the tables short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  contentType?: string;
  accept?: string;
  userAgent?: string;
  /** Raw body bytes (a string is sent as is; anything else is JSON-encoded). */
  raw?: boolean;
}

/** A ServerResponse stand-in that records what the handler writes. */
export class FakeResponse extends EventEmitter {
  statusCode = 0;
  headersSent = false;
  writableEnded = false;
  destroyed = false;
  readonly headers: Record<string, unknown> = {};
  readonly chunks: string[] = [];

  setHeader(k: string, v: unknown): void {
    this.headers[k.toLowerCase()] = v;
  }
  writeHead(status: number, headers: Record<string, unknown> = {}): this {
    this.statusCode = status;
    for (const [k, v] of Object.entries(headers)) this.setHeader(k, v);
    this.headersSent = true;
    return this;
  }
  flushHeaders(): void {
    /* nothing buffered */
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(chunk?: string): void {
    if (chunk) this.chunks.push(chunk);
    this.writableEnded = true;
    this.emit('close');
  }
}

function fakeRequest(method: string, url: string, headers: Record<string, string>): IncomingMessage {
  const req = new EventEmitter() as unknown as IncomingMessage;
  Object.assign(req, { method, url, headers });
  return req;
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Api {
  readonly store = new MemoryStore();
  readonly defs: ResourceDef[];
  readonly objects: ObjectStore;
  readonly rest: RestHandler;
  private readonly byPath = new Map<string, ResourceDef>();

  /** `defs`: more kinds to serve beside the auth plane's own (the built-in kinds of resources/builtin.ts). */
  constructor(opts: { generateName?: (base: string) => string; defs?: ResourceDef[] } = {}) {
    this.defs = [
      namespaces,
      pods,
      serviceAccounts,
      secrets,
      configMaps,
      events,
      nodes,
      services,
      deployments,
      roles,
      clusterRoles,
      roleBindings,
      clusterRoleBindings,
      ...reviewResources({
        authorizer: () => ({ name: 'AlwaysAllow', authorize: async () => ({ decision: 'Allow', reason: '' }) }),
        ruleResolvers: () => [],
        authenticator: () => undefined,
        apiAudiences: () => ['https://kubernetes.default.svc'],
      }),
      ...(opts.defs ?? []),
    ];
    this.objects = new ObjectStore(this.store, this.defs);
    for (const d of this.defs) this.byPath.set(`${d.group}/${d.version}/${d.resource}`, d);
    this.rest = new RestHandler(
      this.objects,
      new AdmissionChain([
        namespaceLifecycle(() => this.objects),
        serviceAccountAdmission(() => this.objects),
        serviceIpAllocator(() => this.objects, '10.96.0.0/12'),
      ]),
      opts.generateName,
    );
  }

  /** A namespace with its `default` ServiceAccount, as the controllers would leave it. */
  async namespace(name: string): Promise<void> {
    await this.ok('POST', '/api/v1/namespaces', { metadata: { name } });
    await this.ok('POST', `/api/v1/namespaces/${name}/serviceaccounts`, { metadata: { name: 'default' } });
  }

  private begin(
    method: string,
    path: string,
    body: unknown,
    opts: CallOptions,
  ): { req: IncomingMessage; res: FakeResponse; run: Promise<void> } {
    const url = new URL(path, 'https://kauth.test');
    const headers: Record<string, string> = {
      'content-type': opts.contentType ?? 'application/json',
      accept: opts.accept ?? 'application/json',
    };
    if (opts.userAgent) headers['user-agent'] = opts.userAgent;
    const req = fakeRequest(method, path, headers);
    const res = new FakeResponse();
    const run = (async () => {
      let info;
      try {
        info = parseRequestInfo(method, url.pathname, url.searchParams);
      } catch (e) {
        if (e instanceof RequestInfoError) throw badRequest(e.message);
        throw e;
      }
      const def = this.byPath.get(`${info.apiGroup}/${info.apiVersion}/${info.resource}`);
      if (!def || (!def.namespaced && info.namespace && info.resource !== 'namespaces')) {
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
      }
      const buf =
        body === undefined
          ? undefined
          : Buffer.from(typeof body === 'string' || opts.raw ? String(body) : JSON.stringify(body));
      await this.rest.serve({
        req,
        res: res as unknown as ServerResponse,
        def,
        body: buf,
        ctx: { user: ADMIN, info, dryRun: url.searchParams.getAll('dryRun').includes('All'), query: url.searchParams },
      });
    })().catch((e) => writeError(req, res as unknown as ServerResponse, e));
    return { req, res, run };
  }

  async call(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Reply> {
    const { res, run } = this.begin(method, path, body, opts);
    await run;
    const text = res.chunks.join('');
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { code: res.statusCode, headers: res.headers, text, body: parsed };
  }

  /** A call that must succeed (2xx); returns the body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async ok(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<any> {
    const r = await this.call(method, path, body, opts);
    if (r.code < 200 || r.code > 299) throw new Error(`${method} ${path} → ${r.code}: ${r.text}`);
    return r.body;
  }

  /** Starts a watch; events() parses what arrived so far, close() ends it as a client disconnect would. */
  watch(
    path: string,
    opts: CallOptions = {},
  ): {
    events: () => { type: string; object: KubeObject & Record<string, unknown> }[];
    code: () => number;
    ended: () => boolean;
    close: () => Promise<void>;
    started: Promise<void>;
  } {
    const { req, res, run } = this.begin('GET', path, undefined, opts);
    return {
      started: run,
      code: () => res.statusCode,
      ended: () => res.writableEnded,
      events: () =>
        res.chunks
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      close: async () => {
        req.emit('close');
        await tick();
      },
    };
  }
}
