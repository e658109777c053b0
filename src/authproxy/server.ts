// `kauth auth-proxy`: an HTTPS reverse proxy that authenticates (client certificate, bearer token via TokenReview,
// anonymous in kubelet mode when allowed), authorizes (SubjectAccessReview, or AlwaysAllow in kubelet mode) and
// forwards allowed requests to --upstream. Two request → attributes mappings: kube-rbac-proxy's (a non-resource
// SAR of the path, or the config file's resourceAttributes with rewrites) and the kubelet's (nodes/<subresource>).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { AnonymousAuthenticator } from '../authn/anonymous.js';
import { BearerTokenAuthenticator } from '../authn/bearer.js';
import { AuthenticatedGroupAdder } from '../authn/group-adder.js';
import type { Authenticator, AuthResponse, UserInfo } from '../authn/interfaces.js';
import { UnionAuthenticator, withAnonymousFallback } from '../authn/union.js';
import { X509Authenticator } from '../authn/x509.js';
import { nonResourceAttributes, resourceAttributes } from '../authz/attributes.js';
import type { Attributes, Authorizer } from '../authz/interfaces.js';
import { log } from '../log.js';
import { peerChain } from '../server/filters/authentication.js';
import { fillTemplate, type ProxyConfigFile } from './config-file.js';
import { kubeletForbiddenBody, kubeletSubresources, verbForMethod } from './kubelet.js';
import { matchesAny } from './paths.js';

export interface AuthProxyOptions {
  upstream: URL;
  listenHost: string;
  listenPort: number;
  tlsCert: Buffer;
  tlsKey: Buffer;
  /** Client certificates are verified against these CAs; none: certificates authenticate nobody. */
  clientCaPems: string[];
  /** TokenReview-backed token authenticator; undefined: bearer tokens are not accepted. */
  tokens?: import('../authn/interfaces.js').TokenAuthenticator;
  anonymous: boolean;
  authorizer: Authorizer;
  mode: { kind: 'rbac-proxy'; config: ProxyConfigFile } | { kind: 'kubelet'; nodeName: string };
  allowPaths: string[];
  ignorePaths: string[];
  /** Forward the caller's identity in these headers (kube-rbac-proxy's --auth-header-fields-enabled). */
  authHeaders?: { user: string; groups: string; separator: string };
  /** Kubelet mode with readOnlyPort ≠ 0: a plain-HTTP, unauthenticated listener on 127.0.0.1. */
  readOnlyPort?: number;
}

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export class AuthProxy {
  private readonly authenticator: Authenticator;
  private readonly agent: http.Agent;
  private servers: http.Server[] = [];

  constructor(private readonly o: AuthProxyOptions) {
    const chain: Authenticator[] = [new X509Authenticator(o.clientCaPems)];
    if (o.tokens) chain.push(new BearerTokenAuthenticator(o.tokens));
    // As the delegating authenticator kube-rbac-proxy and the kubelet build: system:authenticated added to the chain's users.
    const union = new AuthenticatedGroupAdder(new UnionAuthenticator(chain));
    this.authenticator = o.anonymous ? withAnonymousFallback(union, new AnonymousAuthenticator()) : union;
    this.agent =
      o.upstream.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  async start(): Promise<{ port: number; readOnlyPort?: number }> {
    const secure = https.createServer(
      { cert: this.o.tlsCert, key: this.o.tlsKey, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
      (req, res) => {
        this.handle(req, res).catch((e) => this.fail(res, e));
      },
    );
    this.servers.push(secure);
    await new Promise<void>((r, j) => {
      secure.once('error', j);
      secure.listen(this.o.listenPort, this.o.listenHost, () => r());
    });
    const out: { port: number; readOnlyPort?: number } = { port: (secure.address() as AddressInfo).port };
    if (this.o.readOnlyPort) {
      // The kubelet's read-only port: no authentication, no authorization, reads only.
      const ro = http.createServer((req, res) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'Method Not Allowed\n');
        this.forward(req, res, undefined);
      });
      this.servers.push(ro);
      await new Promise<void>((r, j) => {
        ro.once('error', j);
        ro.listen(this.o.readOnlyPort, '127.0.0.1', () => r());
      });
      out.readOnlyPort = (ro.address() as AddressInfo).port;
    }
    return out;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((r) => {
            s.closeAllConnections();
            s.close(() => r());
          }),
      ),
    );
  }

  private fail(res: ServerResponse, e: unknown): void {
    log.error({ err: (e as Error).message }, 'auth-proxy request failed');
    if (!res.headersSent) text(res, 500, 'Internal Server Error\n');
    else res.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req.url ?? '/');
    if (this.o.allowPaths.length > 0 && !matchesAny(this.o.allowPaths, path))
      return text(res, 404, '404 page not found\n');
    if (matchesAny(this.o.ignorePaths, path)) return this.forward(req, res, undefined);
    let who: AuthResponse | null = null;
    try {
      who = await this.authenticator.authenticate({ headers: req.headers, path, peerCertificates: peerChain(req) });
    } catch (e) {
      log.info({ path, reason: (e as Error).message }, 'Unable to authenticate the request due to an error');
    }
    if (!who) return text(res, 401, 'Unauthorized\n');
    const user = who.user;
    const verdict =
      this.o.mode.kind === 'kubelet'
        ? await this.authorizeKubelet(req, path, user, this.o.mode.nodeName)
        : await this.authorizeRbacProxy(req, path, user, this.o.mode.config);
    if (verdict) return text(res, verdict.code, verdict.body);
    this.forward(req, res, user);
  }

  /** auth.go: each subresource in turn; the first allowed wins; an authorizer error is a 500. */
  private async authorizeKubelet(
    req: IncomingMessage,
    path: string,
    user: UserInfo,
    nodeName: string,
  ): Promise<{ code: number; body: string } | undefined> {
    const verb = verbForMethod(req.method);
    const subs = kubeletSubresources(path);
    for (const subresource of subs) {
      const r = await this.o.authorizer.authorize(
        resourceAttributes(user, { verb, apiVersion: 'v1', resource: 'nodes', subresource, name: nodeName, path }),
      );
      if (r.decision === 'Allow') return undefined;
      if (r.error) {
        log.error({ user: user.username, verb, err: r.error }, 'kubelet authorization error');
        return {
          code: 500,
          body: `Authorization error (user=${user.username}, verb=${verb}, resource=nodes, subresource(s)=[${subs.join(' ')}])\n`,
        };
      }
    }
    return { code: 403, body: kubeletForbiddenBody(user.username, verb, subs) };
  }

  /** kube-rbac-proxy: every attribute set must be allowed; its 403 names the (last) refused one. */
  private async authorizeRbacProxy(
    req: IncomingMessage,
    path: string,
    user: UserInfo,
    cfg: ProxyConfigFile,
  ): Promise<{ code: number; body: string } | undefined> {
    const verb = verbForMethod(req.method);
    const all = rbacProxyAttributes(req, path, user, verb, cfg);
    if (all.length === 0)
      return { code: 403, body: `Forbidden (user=${user.username}, verb=${verb}, resource=, subresource=)\n` };
    for (const attrs of all) {
      const r = await this.o.authorizer.authorize(attrs);
      if (r.decision === 'Allow') continue;
      if (r.error) log.error({ user: user.username, verb, err: r.error }, 'authorization error');
      return {
        code: 403,
        body: `Forbidden (user=${user.username}, verb=${verb}, resource=${attrs.resource}, subresource=${attrs.subresource})\n`,
      };
    }
    return undefined;
  }

  private forward(req: IncomingMessage, res: ServerResponse, user: UserInfo | undefined): void {
    const up = this.o.upstream;
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    delete headers.authorization;
    const ah = this.o.authHeaders;
    if (ah) {
      delete headers[ah.user.toLowerCase()];
      delete headers[ah.groups.toLowerCase()];
      if (user) {
        headers[ah.user.toLowerCase()] = user.username;
        headers[ah.groups.toLowerCase()] = user.groups.join(ah.separator);
      }
    }
    headers.host = up.host;
    const basePath = up.pathname.endsWith('/') ? up.pathname.slice(0, -1) : up.pathname;
    const out = (up.protocol === 'https:' ? https : http).request(
      {
        protocol: up.protocol,
        hostname: up.hostname,
        port: up.port,
        method: req.method,
        path: basePath + (req.url ?? '/'),
        headers,
        agent: this.agent,
      },
      (upRes) => {
        const h = { ...upRes.headers };
        for (const k of HOP_BY_HOP) delete h[k];
        res.writeHead(upRes.statusCode ?? 502, h);
        upRes.pipe(res);
      },
    );
    out.on('error', (e) => {
      log.error({ err: e.message }, 'http: proxy error');
      if (!res.headersSent) text(res, 502, 'Bad Gateway\n');
      else res.destroy();
    });
    req.pipe(out);
  }
}

/** The SAR attributes kube-rbac-proxy asks for one request. */
export function rbacProxyAttributes(
  req: Pick<IncomingMessage, 'url' | 'headers'>,
  path: string,
  user: UserInfo,
  verb: string,
  cfg: ProxyConfigFile,
): Attributes[] {
  const ra = cfg.resourceAttributes;
  if (!ra) return [nonResourceAttributes(user, verb, path)];
  const values: string[] = [];
  const rw = cfg.rewrites;
  if (rw?.byQueryParameter)
    values.push(...new URL(req.url ?? '/', 'http://x').searchParams.getAll(rw.byQueryParameter));
  if (rw?.byHTTPHeader) {
    const h = req.headers[rw.byHTTPHeader.toLowerCase()];
    if (h !== undefined) values.push(...(Array.isArray(h) ? h : [h]));
  }
  const rewriting = !!(rw?.byQueryParameter || rw?.byHTTPHeader);
  const fill = (v: string): Attributes =>
    resourceAttributes(user, {
      verb,
      path,
      namespace: fillTemplate(ra.namespace, v),
      apiGroup: fillTemplate(ra.apiGroup, v),
      apiVersion: fillTemplate(ra.apiVersion, v),
      resource: fillTemplate(ra.resource, v),
      subresource: fillTemplate(ra.subresource, v),
      name: fillTemplate(ra.name, v),
    });
  return rewriting ? values.map(fill) : [fill('')];
}

export function readPem(file: string): Buffer {
  return readFileSync(file);
}
