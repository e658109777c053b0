// The gateway's serving certificate: the configured files, or (default) a gateway CA and a serving certificate
// generated once under <data-dir>/pki, as `kauth up` makes its own, and reused on later starts.
import { join } from 'node:path';
import { isIP } from 'node:net';
import {
  createSelfSignedCa,
  generateKeyPair,
  issueCertificate,
  loadPrivateKeyPem,
  privateKeyToPem,
  writeFileAtomic,
  CERT_MODE,
  KEY_MODE,
} from '../pki/index.js';
import { readIfExists } from '../pki/files.js';
import { readFileSync } from 'node:fs';

export interface ServingTls {
  cert: string;
  key: string;
  /** The CA users should trust for the gateway (the generated one; the configured cert's chain otherwise). */
  caFile?: string;
}

const DAY_MS = 24 * 3600 * 1000;
const CA_DAYS = 3650;
const SERVING_DAYS = 365;

export function gatewayPkiPaths(dataDir: string) {
  const dir = join(dataDir, 'pki');
  return {
    dir,
    caCert: join(dir, 'gateway-ca.crt'),
    caKey: join(dir, 'gateway-ca.key'),
    cert: join(dir, 'gateway.crt'),
    key: join(dir, 'gateway.key'),
  };
}

/** Reads the configured pair, or generates/reuses the default one for `host` (the listen address). */
export async function servingTls(
  tls: { certFile: string; keyFile: string } | undefined,
  dataDir: string,
  host: string,
): Promise<ServingTls> {
  if (tls) return { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') };
  const p = gatewayPkiPaths(dataDir);
  const existing = { cert: readIfExists(p.cert), key: readIfExists(p.key) };
  if (existing.cert && existing.key) return { cert: existing.cert, key: existing.key, caFile: p.caCert };

  const now = new Date();
  let caCert = readIfExists(p.caCert);
  let caKeyPem = readIfExists(p.caKey);
  if (!caCert || !caKeyPem) {
    const ca = await generateKeyPair('ecdsa-p256');
    caCert = await createSelfSignedCa({
      commonName: 'kauth-gateway-ca',
      privateKey: ca.privateKey,
      notBefore: now,
      notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    });
    caKeyPem = privateKeyToPem(ca.privateKey);
    writeFileAtomic(p.caKey, caKeyPem, { mode: KEY_MODE, overwrite: true });
    writeFileAtomic(p.caCert, caCert, { mode: CERT_MODE, overwrite: true });
  }
  const serving = await generateKeyPair('ecdsa-p256');
  const ips = ['127.0.0.1', '::1'];
  const dns = ['localhost'];
  if (isIP(host) && host !== '0.0.0.0' && host !== '::' && !ips.includes(host)) ips.push(host);
  else if (!isIP(host) && !dns.includes(host)) dns.push(host);
  const cert = await issueCertificate({
    issuer: { certPem: caCert, privateKey: loadPrivateKeyPem(caKeyPem) },
    publicKey: serving.publicKey,
    subject: { commonName: 'kauth-gateway' },
    dnsNames: dns,
    ipAddresses: ips,
    extKeyUsages: ['serverAuth'],
    notBefore: now,
    notAfter: new Date(now.getTime() + SERVING_DAYS * DAY_MS),
  });
  const key = privateKeyToPem(serving.privateKey);
  writeFileAtomic(p.key, key, { mode: KEY_MODE, overwrite: true });
  writeFileAtomic(p.cert, cert + caCert, { mode: CERT_MODE, overwrite: true });
  return { cert: cert + caCert, key, caFile: p.caCert };
}
