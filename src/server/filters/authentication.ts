// HTTP glue for authentication (apiserver/pkg/endpoints/filters/authentication.go): run the
// authenticator union; any failure is the exact 401 Status; success drops the Authorization header.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket, PeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { unauthorized } from '../../api/errors.js';
import type { Authenticator, AuthResponse } from '../../authn/interfaces.js';
import { log } from '../../log.js';

/** The client's chain as node:crypto certificates, leaf first. */
export function peerChain(req: IncomingMessage): X509Certificate[] {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate !== 'function') return [];
  const cached = (sock as unknown as { kauthChain?: X509Certificate[] }).kauthChain;
  if (cached) return cached;
  const chain: X509Certificate[] = [];
  let cert = sock.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  const seen = new Set<string>();
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate as typeof cert;
  }
  // One TLS connection carries many requests; parse its chain once.
  (sock as unknown as { kauthChain?: X509Certificate[] }).kauthChain = chain;
  return chain;
}

/** The path without the query, as kube's anonymous conditions compare it. */
function requestPath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export async function authenticate(req: IncomingMessage, authenticator: Authenticator): Promise<AuthResponse> {
  let resp: AuthResponse | null;
  try {
    resp = await authenticator.authenticate({
      headers: req.headers,
      headersDistinct: req.headersDistinct,
      path: requestPath(req),
      peerCertificates: peerChain(req),
    });
  } catch (e) {
    log.info(
      { path: req.url?.split('?')[0], reason: (e as Error).message },
      'Unable to authenticate the request due to an error',
    );
    throw unauthorized();
  }
  if (!resp) throw unauthorized();
  delete req.headers.authorization;
  return resp;
}
