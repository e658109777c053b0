// One target cluster as the gateway sees it: its URL and the gateway's own credential there (from the cluster's
// kubeconfig, through src/kubeconfig), keep-alive agents, and small JSON calls (SubjectAccessReview, TokenReview).
import https from 'node:https';
import tls from 'node:tls';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { loadKubeconfig, resolveClusterCredentials } from '../kubeconfig/index.js';
import type { GatewayCluster } from './config.js';

/** An upstream that does not accept a TCP connection in this time is reported down. */
export const CONNECT_TIMEOUT_MS = 3000;
/** kube's client default for TLS handshakes (client-go's transport: 10 s). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** SubjectAccessReview/TokenReview round trips: a budget, so a slow cluster cannot pin requests forever. */
const REVIEW_TIMEOUT_MS = 5000;
const MAX_REVIEW_RESPONSE_BYTES = 1 << 20;

export class UpstreamUnavailableError extends Error {
  constructor(
    readonly cluster: string,
    cause: string,
  ) {
    super(`cluster "${cluster}" is unavailable: ${cause}`);
    this.name = 'UpstreamUnavailableError';
  }
}

export class UpstreamCluster {
  readonly name: string;
  private readonly base: URL;
  /** Carries the gateway's client certificate (when its kubeconfig has one). */
  private readonly agent: https.Agent;
  /** No client certificate: for service-account tokens passed through as they are. */
  private readonly passthroughAgent: https.Agent;
  private readonly token?: string;

  constructor(config: GatewayCluster) {
    this.name = config.name;
    const creds = resolveClusterCredentials(loadKubeconfig(config.kubeconfig));
    if (creds.exec) {
      throw new Error(
        `clusters "${config.name}": ${config.kubeconfig}: exec credential plugins are not supported for the gateway's own credential`,
      );
    }
    if (!creds.clientCertPem && !creds.token) {
      throw new Error(
        `clusters "${config.name}": ${config.kubeconfig}: needs a client certificate or a token for the gateway`,
      );
    }
    this.base = new URL(creds.server);
    if (this.base.protocol !== 'https:')
      throw new Error(`clusters "${config.name}": server ${creds.server} must be https`);
    // One TLS context per agent, shared by its connections: without it Node builds a context (CA store, key,
    // certificate) for every connection — per-watch memory and CPU for each new upstream connection.
    const ca = creds.caPem ? { ca: creds.caPem } : {};
    const clientCert = creds.clientCertPem ? { cert: creds.clientCertPem, key: creds.clientKeyPem } : {};
    const common = {
      rejectUnauthorized: !creds.insecureSkipTlsVerify,
      ...(creds.tlsServerName ? { servername: creds.tlsServerName } : {}),
      keepAlive: true,
      maxFreeSockets: 64,
      scheduling: 'lifo' as const,
    };
    this.agent = new https.Agent({
      ...common,
      ...ca,
      ...clientCert,
      secureContext: tls.createSecureContext({ ...ca, ...clientCert }),
    });
    this.passthroughAgent = new https.Agent({ ...common, ...ca, secureContext: tls.createSecureContext(ca) });
    if (creds.token) this.token = creds.token;
  }

  /** The upstream path for a Kubernetes path (the server URL may itself carry a path prefix). */
  upstreamPath(pathAndQuery: string): string {
    const prefix = this.base.pathname.endsWith('/') ? this.base.pathname.slice(0, -1) : this.base.pathname;
    return prefix + pathAndQuery;
  }

  /**
   * A request to the cluster. With `asGateway` the gateway's credential is attached (its client certificate via
   * the agent, or its bearer token); without, the caller's own headers go as they are (token passthrough).
   */
  request(method: string, pathAndQuery: string, headers: OutgoingHttpHeaders, asGateway: boolean): ClientRequest {
    const h: OutgoingHttpHeaders = { ...headers, host: this.base.host };
    if (asGateway && this.token) h.authorization = `Bearer ${this.token}`;
    const req = https.request({
      protocol: 'https:',
      hostname: this.base.hostname,
      port: this.base.port || 443,
      method,
      path: this.upstreamPath(pathAndQuery),
      headers: h,
      agent: asGateway ? this.agent : this.passthroughAgent,
    });
    failFastOnConnect(req);
    return req;
  }

  /** POSTs a JSON object with the gateway's credential; resolves with the status and parsed body. */
  postJson(path: string, body: unknown): Promise<{ code: number; json: Record<string, unknown> }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = this.request(
        'POST',
        path,
        {
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        true,
      );
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${REVIEW_TIMEOUT_MS} ms`)),
        REVIEW_TIMEOUT_MS,
      );
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_REVIEW_RESPONSE_BYTES) req.destroy(new Error('review response too large'));
          else chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // a non-JSON answer is treated as an empty object; the status code says what happened
          }
          resolve({ code: res.statusCode ?? 0, json });
        });
        res.on('error', (e) => reject(new UpstreamUnavailableError(this.name, e.message)));
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(new UpstreamUnavailableError(this.name, e.message));
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
    this.passthroughAgent.destroy();
  }
}

/**
 * A fresh connection whose TCP connect does not finish quickly fails the request, so a dead cluster is a fast
 * 503; the TLS handshake that follows gets a longer budget (it is CPU, and slow under load, not a sign of death).
 * A reused keep-alive connection is already up.
 */
export function failFastOnConnect(req: ClientRequest): void {
  req.on('socket', (socket) => {
    socket.setNoDelay(true);
    if (!socket.connecting) return;
    let timer = setTimeout(
      () => req.destroy(new Error(`connect timeout after ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      const tooSlow = new Error(`TLS handshake timeout after ${TLS_HANDSHAKE_TIMEOUT_MS} ms`);
      timer = setTimeout(() => req.destroy(tooSlow), TLS_HANDSHAKE_TIMEOUT_MS);
    });
    socket.once('secureConnect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}
