// The HTTPS API server: TLS with optional client certificates, then the request path
// requestInfo → authentication → impersonation → authorization → route (non-resource or REST).
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { badRequest, malformedRequest, StatusError } from '../api/errors.js';
import type { Authenticator, UserInfo } from '../authn/interfaces.js';
import type { Authorizer } from '../authz/interfaces.js';
import { log } from '../log.js';
import type { RestHandler } from '../registry/rest.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceDef } from '../registry/types.js';
import { authenticate } from './filters/authentication.js';
import { attributesFor, authorize, type AuthorizationOutcome } from './filters/authorization.js';
import {
  parseRequestInfo,
  RequestInfoError,
  splitRequestTarget,
  trimTrailingSlashes,
  type RequestInfo,
} from './requestinfo.js';
import { readBody } from './request-body.js';
import type { RequestObserver, RequestScope } from './request-scope.js';
import { writeError, writeJson, writeStatusError } from './respond.js';
import { isLongRunning, type MaxInFlightLimiter } from './filters/max-inflight.js';
import { armDeadline, requestDeadlineMs, requestTimedOut } from './filters/request-timeout.js';
import { aggregatedContentType, Discovery, wantsAggregated } from './routes/discovery.js';
import { serveHealth, type HealthCheck } from './routes/health.js';
import { joinHostPort } from '../api/host-port.js';
import type { Auditor } from '../audit/index.js';

/** kube-apiserver's request body limit (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

export interface NonResourceContext {
  req: IncomingMessage;
  res: ServerResponse;
  user: UserInfo;
  info: RequestInfo;
  query: URLSearchParams;
}

export type NonResourceHandler = (ctx: NonResourceContext) => Promise<void> | void;

export type PublicHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> | void;

/** Resolves Impersonate-* headers into the user the request acts as (identity when none). */
export type Impersonator = (requester: UserInfo, req: IncomingMessage) => Promise<UserInfo>;

export interface ApiServerOptions {
  bindAddress: string;
  securePort: number;
  tlsCertPem: string;
  tlsKeyPem: string;
  /** PEM bundle sent to clients as acceptable issuers; verification is the x509 authenticator's job. */
  clientCaPem?: string;
  authenticator: Authenticator;
  impersonate?: Impersonator;
  authorizer: Authorizer;
  rest: RestHandler;
  defs: ResourceDef[];
  /** When set, the served resources change at run time (CRDs): path table and discovery follow its generation. */
  registry?: ResourceRegistry;
  /** Exact-path non-resource endpoints beyond health/version/discovery (openapi, oidc discovery, …). */
  routes: Map<string, NonResourceHandler>;
  /** Prefix-matched non-resource endpoints (e.g. /openapi/v3/). */
  prefixRoutes?: [string, NonResourceHandler][];
  /**
   * Paths that hold no data (the console's static assets at /ui): served to anyone before authentication, like
   * /livez to the anonymous user. Each matches its prefix exactly or followed by `/`.
   */
  publicRoutes?: [prefix: string, handler: PublicHandler][];
  healthChecks: HealthCheck[];
  version: Record<string, string>;
  maxRequestBodyBytes?: number;
  /** Sees each request begin and end (the metrics). */
  observer?: RequestObserver;
  /** The request audit log (src/audit): Audit-ID on every response, events as the policy asks. */
  auditor?: Auditor;
  /** --max-requests-inflight / --max-mutating-requests-inflight (absent: no limit). */
  maxInFlight?: MaxInFlightLimiter;
  /** --request-timeout in seconds: the deadline of non-long-running requests (absent or 0: none). */
  requestTimeoutSeconds?: number;
}

export class ApiServer {
  private server?: https.Server;
  private readonly sockets = new Set<Socket>();
  private discovery: Discovery;
  private readonly byPath = new Map<string, ResourceDef>();
  private seenGeneration = 0;
  private inFlight = 0;
  private draining?: () => void;

  constructor(private readonly opts: ApiServerOptions) {
    this.discovery = new Discovery(opts.defs);
    for (const d of opts.defs) this.byPath.set(`${d.group}/${d.version}/${d.resource}`, d);
    this.seenGeneration = opts.registry?.generation ?? 0;
  }

  /** Follows the registry: CRDs added or removed since the last request rebuild the path table and discovery. */
  private refreshResources(): void {
    const registry = this.opts.registry;
    if (!registry || registry.generation === this.seenGeneration) return;
    this.seenGeneration = registry.generation;
    const defs = [...registry.all()];
    this.discovery = new Discovery(defs);
    this.byPath.clear();
    for (const d of defs) this.byPath.set(`${d.group}/${d.version}/${d.resource}`, d);
  }

  async listen(): Promise<AddressInfo> {
    const server = https.createServer(
      {
        cert: this.opts.tlsCertPem,
        key: this.opts.tlsKeyPem,
        ca: this.opts.clientCaPem,
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        // Go's http.Server limit (DefaultMaxHeaderBytes + its 4 KiB slack): larger headers get 431.
        maxHeaderSize: 1024 * 1024 + 4096,
        keepAliveTimeout: 65_000,
      },
      (req, res) => void this.handle(req, res),
    );
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));
    // Requests the HTTP parser refuses (oversized headers, garbage) still get a Status, then the connection closes.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return socket.destroy();
      const status = malformedRequest(err.code === 'HPE_HEADER_OVERFLOW');
      const body = JSON.stringify(status.toStatus());
      const reason = status.code === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
      socket.end(
        `HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Backlog as Go's listeners take it (somaxconn, capped by the kernel): a burst of connects queues, not resets.
      server.listen(this.opts.securePort, this.opts.bindAddress, 4096, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes what is left. */
  async close(graceMs = 5000): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.close();
    server.closeIdleConnections();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.draining = resolve;
        setTimeout(resolve, graceMs).unref();
      });
    }
    for (const s of this.sockets) s.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    const scope: RequestScope = { receivedAt: performance.now() };
    const observer = this.opts.observer;
    observer?.begin(req, scope);
    // One close listener per request (they are not free on the hot path): the metrics, then the drain count.
    res.on('close', () => {
      observer?.end(req, res, scope);
      this.inFlight--;
      if (this.inFlight === 0 && this.draining) this.draining();
    });
    try {
      await this.serve(req, res, scope);
    } catch (e) {
      try {
        writeError(req, res, e);
      } catch (writeFailure) {
        // Nothing a request sends may take the process down: drop this response instead.
        log.error({ err: (writeFailure as Error).message }, 'writing an error response failed');
        res.destroy();
      }
    }
  }

  /**
   * WithRequestDeadline and WithTimeoutForNonLongRunningRequests: a non-long-running request gets the smaller of
   * --request-timeout and `?timeout=` (a bad value is kube's 400), counted from its arrival; past it, kube's 504.
   */
  private armRequestDeadline(
    req: IncomingMessage,
    res: ServerResponse,
    scope: RequestScope,
    query: URLSearchParams,
  ): void {
    const seconds = this.opts.requestTimeoutSeconds;
    if (!seconds || !scope.info || isLongRunning(scope.info)) return;
    const left = requestDeadlineMs(query, seconds) - (performance.now() - scope.receivedAt);
    armDeadline(
      res,
      left,
      (r) => writeStatusError(req, r, requestTimedOut()),
      () => {
        scope.timedOut = true;
      },
    );
  }

  /** WithMaxInFlightLimit, after impersonation and before authorization: a seat until the response ends, or 429. */
  private admitInFlight(res: ServerResponse, scope: RequestScope, info: RequestInfo, user: UserInfo): void {
    const limiter = this.opts.maxInFlight;
    if (!limiter) return;
    try {
      const seat = limiter.admit(info, user);
      if (seat) res.once('close', seat.release);
    } catch (e) {
      scope.throttled = true;
      throw e;
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
    const method = req.method ?? 'GET';
    this.refreshResources();
    const audit = this.opts.auditor?.begin(req, res, scope.receivedAt);
    scope.audit = audit;
    let info: RequestInfo;
    let query: URLSearchParams;
    try {
      const target = splitRequestTarget(req.url ?? '/');
      const open = this.publicRoute(target.path);
      if (open) return await open(req, res, target.path);
      query = target.query;
      info = parseRequestInfo(method, target.path, query);
      scope.info = info;
      scope.query = query;
      this.armRequestDeadline(req, res, scope, query);
    } catch (e) {
      if (e instanceof RequestInfoError) throw badRequest(e.message);
      throw e;
    }
    const authn = await authenticate(req, this.opts.authenticator).catch((e: unknown) => {
      audit?.authenticationFailed(info);
      throw e;
    });
    const requester = authn.user;
    scope.requester = requester;
    // Audit runs after authentication and before impersonation, as in kube's chain: the policy sees the requester.
    audit?.authenticated(info, requester);
    const user =
      this.opts.impersonate && hasImpersonationHeaders(req) ? await this.opts.impersonate(requester, req) : requester;
    scope.user = user;
    if (user !== requester) audit?.impersonated(user);
    if (user !== requester)
      log.info(
        { requester: requester.username, user: user.username, verb: info.verb, path: info.path },
        `${requester.username} is impersonating ${user.username}`,
      );
    this.admitInFlight(res, scope, info, user);
    const recordDecision = audit && ((o: AuthorizationOutcome) => audit.authorized(o));
    await authorize(attributesFor(info, user), this.opts.authorizer, req.url ?? '/', recordDecision);
    scope.authorized = true;

    if (!info.isResourceRequest) return this.serveNonResource({ req, res, user, info, query });

    const def = this.byPath.get(`${info.apiGroup}/${info.apiVersion}/${info.resource}`);
    if (!def) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    // Which paths and methods a resource serves (404 vs 405) is the RestHandler's routing; a cluster-scoped
    // resource simply has no route under /namespaces/<ns>/ — namespaces included: /namespaces/a/namespaces/b
    // was authorized in namespace a and must not reach namespace b. Nor does kube route a path with an
    // empty segment (`//api/v1/secrets`, `/api/v1//secrets`), though it authorizes it as requestinfo reads it.
    if ((!def.namespaced && info.namespacedPath) || trimTrailingSlashes(info.path).includes('//')) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)
      ? await readBody(req, res, this.opts.maxRequestBodyBytes ?? MAX_REQUEST_BODY_BYTES)
      : undefined;
    audit?.requestBody(body);
    const dryRun = query.getAll('dryRun').includes('All');
    await this.opts.rest.serve({ req, res, def, body, ctx: { user, info, dryRun, query } });
  }

  private async serveNonResource(ctx: NonResourceContext): Promise<void> {
    const { req, res, info, query } = ctx;
    const path = info.path.length > 1 ? trimTrailingSlashes(info.path) : info.path;
    const health = /^\/(livez|readyz|healthz)(?:\/([^/]+))?$/.exec(path);
    if (health) return serveHealth(req, res, health[1]!, this.opts.healthChecks, health[2], query);
    if (path === '/version') return writeJson(req, res, 200, this.opts.version);
    if (path === '/api' || path === '/apis') {
      const agg = wantsAggregated(req.headers.accept);
      if (agg)
        return writeJson(req, res, 200, this.discovery.aggregated(path === '/api', agg), aggregatedContentType(agg));
      if (path === '/api')
        return writeJson(
          req,
          res,
          200,
          this.discovery.apiVersions(joinHostPort(req.socket.localAddress ?? '', req.socket.localPort ?? 0)),
        );
      return writeJson(req, res, 200, this.discovery.apiGroupList());
    }
    const gv = /^\/api\/(v1)$/.exec(path)?.[1] ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
    if (gv && this.discovery.has(gv)) return writeJson(req, res, 200, this.discovery.resourceList(gv));
    const group = /^\/apis\/([^/]+)$/.exec(path)?.[1];
    if (group) {
      const list = this.discovery.apiGroupList() as { groups: { name: string }[] };
      const g = list.groups.find((x) => x.name === group);
      if (g) return writeJson(req, res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...g });
    }
    const route = this.opts.routes.get(path);
    if (route) return route(ctx);
    for (const [prefix, handler] of this.opts.prefixRoutes ?? []) if (path.startsWith(prefix)) return handler(ctx);
    if (path === '/') return writeJson(req, res, 200, { paths: this.paths() });
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  private publicRoute(path: string): PublicHandler | undefined {
    for (const [prefix, handler] of this.opts.publicRoutes ?? []) {
      if (path === prefix || path.startsWith(`${prefix}/`)) return handler;
    }
    return undefined;
  }

  private paths(): string[] {
    const out = new Set<string>([
      '/api',
      '/api/v1',
      '/apis',
      '/healthz',
      '/livez',
      '/readyz',
      '/version',
      ...this.opts.routes.keys(),
    ]);
    for (const gv of this.discovery.groupVersions())
      if (gv.includes('/')) {
        out.add(`/apis/${gv}`);
        out.add(`/apis/${gv.split('/')[0]}`);
      }
    return [...out].sort();
  }
}

/** Most requests impersonate nobody: skip building the impersonation requests for them. */
function hasImpersonationHeaders(req: IncomingMessage): boolean {
  for (const name in req.headers) if (name.startsWith('impersonate-')) return true;
  return false;
}
