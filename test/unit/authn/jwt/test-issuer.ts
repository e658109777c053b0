// A test double of an OpenID provider (the one part of these tests that cannot be real here): an
// HTTPS server on 127.0.0.1 with a certificate from its own openssl-made CA, serving discovery and a
// JWKS whose keys the test chooses, and signing tokens with jose. It counts the requests it answers.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, SignJWT, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JWK;
}

/** A CA and a serving certificate for 127.0.0.1, made with openssl (EC P-256: fast). */
export function makeServingCertificate(): { caPem: string; certPem: string; keyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-oidc-ca-'));
  const f = (n: string): string => join(dir, n);
  const ossl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    ossl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.crt'),
      '-subj',
      '/CN=test-oidc-ca',
      '-days',
      '1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    ossl('req', '-new', ...ec, '-keyout', f('srv.key'), '-out', f('srv.csr'), '-subj', '/CN=127.0.0.1');
    writeFileSync(
      f('srv.ext'),
      'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n',
    );
    ossl(
      'x509',
      '-req',
      '-in',
      f('srv.csr'),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      f('srv.ext'),
      '-out',
      f('srv.crt'),
    );
    return {
      caPem: readFileSync(f('ca.crt'), 'utf8'),
      certPem: readFileSync(f('srv.crt'), 'utf8'),
      keyPem: readFileSync(f('srv.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let sharedCert: ReturnType<typeof makeServingCertificate> | undefined;

export async function makeSigningKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const pair = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg]! })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

export class TestIssuer {
  /** Keys published in the JWKS (the test edits it to rotate). */
  served: JWK[] = [];
  /** What discovery says the issuer is (tests set another to see it refused). */
  discoveryIssuer?: string;
  /** Set to a status to make the issuer fail (e.g. 503) until cleared. */
  failWith?: number;
  requests = { discovery: 0, jwks: 0 };

  private constructor(
    private readonly server: https.Server,
    readonly url: string,
    readonly caPem: string,
    readonly path: string,
  ) {}

  /** Starts on a free loopback port; `path` puts the issuer under a path (https://127.0.0.1:port/path). */
  static async start(options: { path?: string } = {}): Promise<TestIssuer> {
    sharedCert ??= makeServingCertificate();
    const cert = sharedCert;
    const path = options.path ?? '';
    let issuer!: TestIssuer;
    const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (issuer.failWith) return send(issuer.failWith, { error: 'unavailable' });
      if (req.url === `${path}/.well-known/openid-configuration` || req.url === `${path}/custom-discovery`) {
        issuer.requests.discovery++;
        return send(200, {
          issuer: issuer.discoveryIssuer ?? issuer.url,
          jwks_uri: `${issuer.url}/keys`,
          authorization_endpoint: `${issuer.url}/auth`,
          token_endpoint: `${issuer.url}/token`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        });
      }
      if (req.url === `${path}/keys`) {
        issuer.requests.jwks++;
        return send(200, { keys: issuer.served });
      }
      send(404, { error: 'not found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    issuer = new TestIssuer(server, `https://127.0.0.1:${port}${path}`, cert.caPem, path);
    return issuer;
  }

  publish(...keys: SigningKey[]): void {
    this.served.push(...keys.map((k) => k.jwk));
  }

  /** A signed token; claims default to iss = this issuer and a 10-minute lifetime. */
  async sign(key: SigningKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.url, iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A token with `alg: none` and no signature. */
export function unsignedToken(claims: Record<string, unknown>, kid = 'k1'): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims)}.`;
}

/** The classic confusion attack: HS256 with the issuer's public key (PEM) as the HMAC secret. */
export async function hs256WithPublicKey(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  const secret = new TextEncoder().encode(key.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(secret);
}
