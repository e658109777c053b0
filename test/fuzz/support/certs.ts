// Client certificate chains for the certificate fuzzer, made with @peculiar/x509 (as src/pki does) so that
// they can be wrong in every way a CA library refuses: expired, not yet valid, server-only, intermediates
// that are not CAs, self-signed look-alikes of the cluster CA, many self-signed certificates sharing one key,
// signing cycles. Each plan says whether kube-apiserver's x509 authenticator (Go's x509.Verify against the
// client CA, ExtKeyUsageClientAuth, intermediates from the TLS chain) accepts it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { toPem } from '../../../src/pki/pem.js';
import { toSigningKey } from '../../../src/pki/signing-key.js';
import { x509, type x509Types } from '../../../src/pki/x509.js';
import type { Identity } from './cluster.js';

const DAY = 86_400_000;
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export type Story =
  | 'leaf'
  | 'leaf-no-eku'
  | 'via-intermediate'
  | 'extra-junk'
  | 'untrusted-ca'
  | 'self-signed'
  | 'expired'
  | 'not-yet-valid'
  | 'server-auth-only'
  | 'intermediate-not-ca'
  | 'lookalike-ca'
  | 'shared-key-selfsigned'
  | 'masters-untrusted'
  | 'expired-intermediate'
  | 'cycle';

/** The stories kube accepts; every other one is a 401. */
export const ACCEPTED: ReadonlySet<Story> = new Set<Story>(['leaf', 'leaf-no-eku', 'via-intermediate', 'extra-junk']);

export interface ChainPlan {
  story: Story;
  /** The user (CN) and groups (O) of the leaf. */
  user: string;
  groups: string[];
  /** How many extra certificates the story adds (junk, look-alikes, shared-key self-signed). */
  extra: number;
  /** Send the certificates leaf first, or shuffled after the leaf. */
  shuffle: boolean;
}

const STORIES: Story[] = [
  'leaf',
  'leaf',
  'leaf-no-eku',
  'via-intermediate',
  'via-intermediate',
  'extra-junk',
  'untrusted-ca',
  'self-signed',
  'expired',
  'not-yet-valid',
  'server-auth-only',
  'intermediate-not-ca',
  'lookalike-ca',
  'shared-key-selfsigned',
  'shared-key-selfsigned',
  'masters-untrusted',
  'expired-intermediate',
  'cycle',
];

export const chainPlan: fc.Arbitrary<ChainPlan> = fc.record({
  story: fc.constantFrom(...STORIES),
  user: fc.constantFrom('fz-cert', 'fz-cert-2', 'system:admin', 'fz-getter', 'ü-user', 'a,b=c'),
  groups: fc.array(fc.constantFrom('fz-group', 'team', 'system:authenticated', ''), { maxLength: 2 }),
  extra: fc.integer({ min: 1, max: 9 }),
  shuffle: fc.boolean(),
});

interface Issuer {
  name: string;
  key: KeyObject;
}

function newKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

function escapeRdn(v: string): string {
  return v.replace(/[\\,+="<>;#]/g, (c) => `\\${c}`);
}

function dn(cn: string, groups: string[] = []): string {
  return [...groups.filter((g) => g).map((g) => `O=${escapeRdn(g)}`), `CN=${escapeRdn(cn)}`].join(', ');
}

interface CertOptions {
  subject: string;
  key: KeyObject;
  issuer: Issuer;
  ca?: boolean;
  eku?: string[] | null;
  notBefore?: Date;
  notAfter?: Date;
}

async function cert(o: CertOptions): Promise<string> {
  const now = Date.now();
  const signing = await toSigningKey(o.issuer.key);
  const extensions: x509Types.Extension[] = [
    new x509.BasicConstraintsExtension(o.ca ?? false, undefined, true),
    new x509.KeyUsagesExtension(
      o.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
  ];
  if (o.eku !== null && !o.ca) extensions.push(new x509.ExtendedKeyUsageExtension(o.eku ?? [OID_CLIENT_AUTH], false));
  const c = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: o.subject,
    issuer: o.issuer.name,
    notBefore: o.notBefore ?? new Date(now - DAY),
    notAfter: o.notAfter ?? new Date(now + DAY),
    publicKey: createPublicKey(o.key).export({ type: 'spki', format: 'der' }),
    signingKey: signing.key as never,
    signingAlgorithm: signing.algorithm as never,
    extensions,
  });
  return toPem('CERTIFICATE', c.rawData);
}

/** The cluster CA (subject and key) read from the fuzz server's PKI directory. */
export function clusterCa(dir: string): Issuer {
  const pem = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
  return {
    name: new x509.X509Certificate(pem).subject,
    key: createPrivateKey(readFileSync(join(dir, 'pki', 'ca.key'))),
  };
}

/** Builds the chain a plan describes: the TLS identity to send it with. */
export async function buildChain(plan: ChainPlan, ca: Issuer): Promise<Identity> {
  const leafKey = newKey();
  const subject = dn(plan.user, plan.groups);
  const leaf = (issuer: Issuer, o: Partial<CertOptions> = {}): Promise<string> =>
    cert({ subject, key: leafKey, issuer, ...o });
  const selfSigned = (name: string, key: KeyObject, isCa = true): Promise<string> =>
    cert({ subject: name, key, issuer: { name, key }, ca: isCa });
  const now = Date.now();
  let certs: string[];
  switch (plan.story) {
    case 'leaf':
      certs = [await leaf(ca)];
      break;
    case 'leaf-no-eku':
      certs = [await leaf(ca, { eku: null })];
      break;
    case 'via-intermediate': {
      const key = newKey();
      const inter = { name: 'CN=fz-intermediate', key };
      certs = [await leaf(inter), await cert({ subject: inter.name, key, issuer: ca, ca: true })];
      break;
    }
    case 'extra-junk': {
      const junk = await Promise.all(
        Array.from({ length: plan.extra }, (_, i) => selfSigned(`CN=junk-${i}`, newKey())),
      );
      certs = [await leaf(ca), ...junk];
      break;
    }
    case 'untrusted-ca': {
      const fake = { name: 'CN=fz-other-ca', key: newKey() };
      certs = [await leaf(fake), await selfSigned(fake.name, fake.key)];
      break;
    }
    case 'self-signed':
      certs = [await cert({ subject, key: leafKey, issuer: { name: subject, key: leafKey } })];
      break;
    case 'expired':
      certs = [await leaf(ca, { notBefore: new Date(now - 3 * DAY), notAfter: new Date(now - DAY) })];
      break;
    case 'not-yet-valid':
      certs = [await leaf(ca, { notBefore: new Date(now + DAY), notAfter: new Date(now + 3 * DAY) })];
      break;
    case 'server-auth-only':
      certs = [await leaf(ca, { eku: [OID_SERVER_AUTH] })];
      break;
    case 'intermediate-not-ca': {
      const key = newKey();
      const inter = { name: 'CN=fz-not-a-ca', key };
      certs = [await leaf(inter), await cert({ subject: inter.name, key, issuer: ca, ca: false })];
      break;
    }
    case 'lookalike-ca': {
      // A self-signed CA with the cluster CA's very subject, and another key.
      const fake = { name: ca.name, key: newKey() };
      certs = [await leaf(fake), await selfSigned(fake.name, fake.key)];
      break;
    }
    case 'shared-key-selfsigned': {
      // Many self-signed "CAs" with one subject and one key: each signs every other (the exponential chain search).
      const key = newKey();
      const name = 'CN=fz-loop';
      const copies = await Promise.all(Array.from({ length: plan.extra }, () => selfSigned(name, key)));
      certs = [await leaf({ name, key }), ...copies];
      break;
    }
    case 'masters-untrusted': {
      const fake = { name: 'CN=fz-evil-ca', key: newKey() };
      certs = [
        await cert({ subject: dn(plan.user, ['system:masters']), key: leafKey, issuer: fake }),
        await selfSigned(fake.name, fake.key),
      ];
      break;
    }
    case 'expired-intermediate': {
      const key = newKey();
      const inter = { name: 'CN=fz-old-intermediate', key };
      certs = [
        await leaf(inter),
        await cert({
          subject: inter.name,
          key,
          issuer: ca,
          ca: true,
          notBefore: new Date(now - 3 * DAY),
          notAfter: new Date(now - DAY),
        }),
      ];
      break;
    }
    case 'cycle': {
      // A is signed by B and B by A: a chain that never reaches a root.
      const a = { name: 'CN=fz-cycle-a', key: newKey() };
      const b = { name: 'CN=fz-cycle-b', key: newKey() };
      certs = [
        await leaf(a),
        await cert({ subject: a.name, key: a.key, issuer: b, ca: true }),
        await cert({ subject: b.name, key: b.key, issuer: a, ca: true }),
      ];
      break;
    }
  }
  if (plan.shuffle && certs.length > 2) certs = [certs[0]!, ...certs.slice(1).reverse()];
  return { cert: certs.join(''), key: leafKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
