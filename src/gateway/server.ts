// The gateway's HTTPS server: `/clusters` (the clusters a caller may use), `/clusters/<name>/readyz` (the cluster's
// own readiness), and `/clusters/<name>/<any Kubernetes path>` forwarded to that cluster as the caller —
// ordinary requests streamed (forward.ts), exec/attach/port-forward upgrades spliced (upgrade.ts).
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { forbidden, isStatusError, internalError, StatusError } from '../api/errors.js';
import type { Authenticator, UserInfo } from '../authn/interfaces.js';
import { parseRequestInfo } from '../server/requestinfo.js';
import { writeError, writeJson, writeText } from '../server/respond.js';
import { log } from '../log.js';
import { mayReachCluster } from './access.js';
import { auditIdentity, GatewayAuditLog, type GatewayAuditRecord } from './audit.js';
import type { GatewayAccessRule, GatewayConfig } from './config.js';
import { clusterUnavailable, forwardRequest } from './forward.js';
import { forwardedRequestHeaders, impersonationHeaders } from './headers.js';
import { IdentityResolver, type RequestIdentity } from './identity.js';
import { forwardUpgrade, writeSocketStatus } from './upgrade.js';
import { UpstreamCluster, UpstreamUnavailableError } from './upstream.js';

const CLUSTERS_PREFIX = '/clusters/';

export interface GatewayOptions {
  config: GatewayConfig;
  authenticator: Authenticator;
  tls: { cert: string; key: string };
  /** PEM bundle of the users' client CA: asked for in the TLS handshake (x509 verifies it later). */
  clientCaPem?: string;
}

interface Route {
  cluster: UpstreamCluster;
  /** The Kubernetes path and query, `/api/v1/pods?watch=1`. */
  pathAndQuery: string;
}

/** `/clusters/<name>/<rest>` → the cluster and `/<rest>`; plain string code, no regex over the URL. */
function splitClusterPath(url: string): { name: string; rest: string } | undefined {
  if (!url.startsWith(CLUSTERS_PREFIX)) return undefined;
  const after = url.slice(CLUSTERS_PREFIX.length);
  let end = after.length;
  for (let i = 0; i < after.length; i++) {
    const c = after[i];
    if (c === '/' || c === '?') {
      end = i;
      break;
    }
  }
  const rest = after.slice(end);
  return { name: after.slice(0, end), rest: rest.startsWith('/') ? rest : `/${rest}` };
}

function pathOnly(pathAndQuery: string): { path: string; query: URLSearchParams } {
  const q = pathAndQuery.indexOf('?');
  return q < 0
    ? { path: pathAndQuery, query: new URLSearchParams() }
    : { path: pathAndQuery.slice(0, q), query: new URLSearchParams(pathAndQuery.slice(q + 1)) };
}

function kubeVerb(method: string, pathAndQuery: string): string {
  const { path, query } = pathOnly(pathAndQuery);
  try {
    return parseRequestInfo(method, path, query).verb;
  } catch {
    return method.toLowerCase();
  }
}

function notFoundStatus(url: string): StatusError {
  return new StatusError(404, 'NotFound', `the server could not find the requested resource (${url.split('?')[0]})`);
}

export class Gateway {
  private readonly server: http2.Http2SecureServer;
  private readonly clusters = new Map<string, UpstreamCluster>();
  private readonly identities: IdentityResolver;
  private readonly audit?: GatewayAuditLog;
  private readonly access?: GatewayAccessRule[];
  private readonly sockets = new Set<TLSSocket>();

  constructor(private readonly options: GatewayOptions) {
    for (const c of options.config.clusters) this.clusters.set(c.name, new UpstreamCluster(c));
    this.identities = new IdentityResolver(options.authenticator);
    if (options.config.audit) this.audit = new GatewayAuditLog(options.config.audit);
    if (options.config.access) this.access = options.config.access;
    // HTTP/2 where the client negotiates it (kubectl does), HTTP/1.1 otherwise and for upgrades.
    this.server = http2.createSecureServer({
      cert: options.tls.cert,
      key: options.tls.key,
      minVersion: 'TLSv1.2',
      allowHTTP1: true,
      // Ask for a client certificate; the x509 authenticator decides whether it is any good.
      requestCert: true,
      rejectUnauthorized: false,
      ...(options.clientCaPem ? { ca: options.clientCaPem } : {}),
    });
    // HTTP/1.1 connections: watches run as long as the cluster keeps them open; only the request head has a deadline.
    Object.assign(this.server, { requestTimeout: 0, headersTimeout: 30_000 });
    this.server.on(
      'request',
      (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) =>
        void this.handle(asHttp1Request(req), res as ServerResponse),
    );
    this.server.on('upgrade', (req, socket, head) => void this.handleUpgrade(req, socket, head));
    this.server.on('clientError', (_err, socket) => socket.destroy());
    // Upgraded (exec/attach/port-forward) sockets leave the HTTP server's bookkeeping; close() ends them too.
    this.server.on('secureConnection', (socket: TLSSocket) => {
      // Small writes (headers, watch events) must leave at once, not wait for Nagle's algorithm.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve(this.server.address() as AddressInfo));
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    for (const c of this.clusters.values()) c.close();
    this.audit?.close();
  }

  mayReach(user: UserInfo, cluster: string): boolean {
    return mayReachCluster(this.access, user, cluster);
  }

  private route(url: string): Route | undefined {
    const split = splitClusterPath(url);
    if (!split) return undefined;
    const cluster = this.clusters.get(split.name);
    return cluster ? { cluster, pathAndQuery: split.rest } : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    try {
      const { path } = pathOnly(url);
      if (path === '/healthz' || path === '/livez' || path === '/readyz') return writeText(res, 200, 'ok');
      if (path === '/clusters' || path === '/clusters/') return await this.listClusters(req, res);
      const route = this.route(url);
      if (!route) throw notFoundStatus(url);
      if (pathOnly(route.pathAndQuery).path === '/readyz') return await this.clusterReadyz(req, res, route.cluster);
      await this.proxy(req, res, route);
    } catch (e) {
      writeError(req, res, this.toStatusError(e, url));
    }
  }

  private async listClusters(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = await this.identities.caller(req);
    const host = req.headers.host ?? '';
    const items = [...this.clusters.keys()]
      .filter((name) => this.mayReach(caller, name))
      .map((name) => ({ name, server: `https://${host}${CLUSTERS_PREFIX}${name}` }));
    writeJson(req, res, 200, { apiVersion: 'gateway.kauth.dev/v1alpha1', kind: 'ClusterList', items });
  }

  /** The cluster's own /readyz (asked with the gateway's credential), or 503 naming it when unreachable. */
  private async clusterReadyz(req: IncomingMessage, res: ServerResponse, cluster: UpstreamCluster): Promise<void> {
    await new Promise<void>((resolve) => {
      const up = cluster.request(
        'GET',
        upstreamReadyzPath(req.url ?? ''),
        { accept: req.headers.accept ?? '*/*' },
        true,
      );
      up.on('response', (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, {
          'Content-Type': upRes.headers['content-type'] ?? 'text/plain; charset=utf-8',
        });
        upRes.pipe(res);
        upRes.on('end', resolve);
        upRes.on('error', () => resolve());
      });
      up.on('error', (e) => {
        writeError(req, res, clusterUnavailable(cluster.name, e.message));
        resolve();
      });
      up.end();
    });
  }

  /**
   * The identity a request acts as: authenticated, allowed by the access policy to reach the cluster, then
   * (for --as) allowed by the cluster to impersonate. `known` receives the caller as soon as it is known, so a
   * refused request is audited under its caller's name.
   */
  private async identityFor(
    req: IncomingMessage,
    route: Route,
    known: { caller?: UserInfo },
  ): Promise<RequestIdentity> {
    const { caller, passthrough } = await this.identities.authenticate(req, route.cluster);
    known.caller = caller;
    if (passthrough) return { kind: 'passthrough', caller };
    if (!this.mayReach(caller, route.cluster.name)) {
      throw forbidden(
        { group: '', resource: '' },
        '',
        `User ${JSON.stringify(caller.username)} cannot reach cluster ${JSON.stringify(route.cluster.name)} through the gateway`,
      );
    }
    return this.identities.actAs(req, route.cluster, caller);
  }

  private headersFor(req: IncomingMessage, identity: RequestIdentity, upgrade: boolean) {
    if (identity.kind === 'passthrough') return forwardedRequestHeaders(req, { upgrade, passthrough: true });
    return {
      ...forwardedRequestHeaders(req, { upgrade }),
      ...impersonationHeaders(identity.user, identity.caller.username),
    };
  }

  private async proxy(req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
    const started = Date.now();
    const known: { caller?: UserInfo } = {};
    let identity: RequestIdentity;
    try {
      identity = await this.identityFor(req, route, known);
    } catch (e) {
      this.recordRefusal(req, route, known.caller, e, started);
      throw e;
    }
    const code = await forwardRequest(
      req,
      res,
      route.cluster,
      route.pathAndQuery,
      this.headersFor(req, identity, false),
      identity.kind === 'impersonate',
    );
    this.record(req, route, identity, code || res.statusCode, started);
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const started = Date.now();
    const url = req.url ?? '/';
    const route = this.route(url);
    const known: { caller?: UserInfo } = {};
    try {
      if (!route) throw notFoundStatus(url);
      let identity: RequestIdentity;
      try {
        identity = await this.identityFor(req, route, known);
      } catch (e) {
        this.recordRefusal(req, route, known.caller, e, started);
        throw e;
      }
      const code = await forwardUpgrade(
        req,
        socket,
        head,
        route.cluster,
        route.pathAndQuery,
        this.headersFor(req, identity, true),
        identity.kind === 'impersonate',
      );
      this.record(req, route, identity, code, started);
    } catch (e) {
      writeSocketStatus(socket, this.toStatusError(e, url));
    }
  }

  private toStatusError(e: unknown, url: string): StatusError {
    if (isStatusError(e)) return e;
    if (e instanceof UpstreamUnavailableError) return clusterUnavailable(e.cluster, e.message);
    log.error({ err: (e as Error).message, path: url.split('?')[0] }, 'gateway request failed');
    return internalError((e as Error).message);
  }

  /** A request refused before it reached the cluster (401, 403, 503) is audited too. */
  private recordRefusal(
    req: IncomingMessage,
    route: Route,
    caller: UserInfo | undefined,
    e: unknown,
    started: number,
  ): void {
    const who = caller ?? { username: '', groups: [] };
    this.record(
      req,
      route,
      { kind: 'impersonate', caller: who, user: who, impersonated: false },
      this.toStatusError(e, req.url ?? '').code,
      started,
      true,
    );
  }

  private record(
    req: IncomingMessage,
    route: Route,
    identity: RequestIdentity,
    code: number,
    started: number,
    refused = false,
  ): void {
    if (!this.audit) return;
    const rec: GatewayAuditRecord = {
      time: new Date(started).toISOString(),
      caller: auditIdentity(identity.caller),
      ...(identity.kind === 'impersonate' && !refused ? { user: auditIdentity(identity.user) } : {}),
      originalUser: identity.caller.username,
      impersonated: identity.kind === 'impersonate' && identity.impersonated,
      ...(identity.kind === 'passthrough' ? { passthrough: true } : {}),
      cluster: route.cluster.name,
      verb: kubeVerb(req.method ?? 'GET', route.pathAndQuery),
      path: pathOnly(route.pathAndQuery).path,
      code,
      latencyMs: Date.now() - started,
    };
    try {
      this.audit.write(rec);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'gateway audit write failed');
    }
  }
}

/**
 * An HTTP/2 request (node's compatibility object) with what the forwarders read from an HTTP/1.1 one: every header
 * line apart (`headersDistinct`, no pseudo-headers) and `host` from `:authority`.
 */
function asHttp1Request(req: IncomingMessage | Http2ServerRequest): IncomingMessage {
  if (req.httpVersionMajor !== 2) return req as IncomingMessage;
  const distinct: Record<string, string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!name.startsWith(':')) (distinct[name] ??= []).push(raw[i + 1]!);
  }
  Object.defineProperty(req, 'headersDistinct', { value: distinct });
  req.headers.host ??= (req as Http2ServerRequest).authority;
  return req as unknown as IncomingMessage;
}

/** `/clusters/<name>/readyz?verbose` → `/readyz?verbose`. */
function upstreamReadyzPath(url: string): string {
  return splitClusterPath(url)?.rest ?? '/readyz';
}
