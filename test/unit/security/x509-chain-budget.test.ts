// Issue 10, finding 2: building a client-certificate chain is bounded as Go's crypto/x509 bounds it — at most
// 100 signature checks (maxChainSignatureChecks), no CA twice in a path (alreadyInChain: same subject, key and
// SAN), a capped number of presented intermediates and a capped path length. Certificates made with openssl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AuthenticationError } from '../../../src/authn/interfaces.js';
import { X509Authenticator } from '../../../src/authn/x509.js';

/** crypto/x509's maxChainSignatureChecks. */
const GO_MAX_CHAIN_SIGNATURE_CHECKS = 100;

const dir = mkdtempSync(join(tmpdir(), 'kauth-chain-budget-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
const load = (name: string): X509Certificate => new X509Certificate(readFileSync(file(name)));

function key(name: string): void {
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
}
/** A self-signed CA certificate of `keyName` (optionally with a SAN, which makes it a different CA to Go). */
function selfSignedCa(name: string, keyName: string, subject: string, san?: string): void {
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    `${keyName}.key`,
    '-subj',
    subject,
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
    ...(san ? ['-addext', `subjectAltName=${san}`] : []),
  );
}
/** A certificate for `keyName`'s key with `subject`, signed by `issuer` (its .crt and the issuer's key). */
function signed(name: string, keyName: string, subject: string, issuer: string, issuerKey: string, ext: string): void {
  openssl('req', '-new', '-key', `${keyName}.key`, '-subj', subject, '-out', `${name}.csr`);
  writeFileSync(file(`${name}.ext`), ext);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${issuer}.crt`,
    '-CAkey',
    `${issuerKey}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

const CLIENT = 'extendedKeyUsage=clientAuth\n';
const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n';

// The trusted client CA and a real chain under it: root → intermediate → leaf.
key('root');
selfSignedCa('root', 'root', '/CN=client-ca');
key('inter');
signed('inter', 'inter', '/CN=team-intermediate', 'root', 'root', CA_EXT);
key('alice');
signed('alice', 'alice', '/CN=alice/O=team', 'inter', 'inter', CLIENT);

// Finding 2's attack: one key, twelve self-signed "CA"s with one subject and different SANs, and a leaf under
// that subject. Each certificate verifies every other, so an unbounded depth-first search walks 12! paths.
key('loop');
const LOOP = 12;
for (let i = 0; i < LOOP; i++) selfSignedCa(`loop-${i}`, 'loop', '/CN=loop-ca', `DNS:ca${i}.example`);
signed('loop-leaf', 'loop', '/CN=mallory/O=system:masters', 'loop-0', 'loop', CLIENT);

// Twelve CAs that are one CA to Go: same subject, same key, no SAN — pruned by alreadyInChain alone.
for (let i = 0; i < LOOP; i++) selfSignedCa(`same-${i}`, 'loop', '/CN=loop-ca');

// A ring of distinct keys under one subject: ring-i is signed by ring-(i+1)'s key, and no key identifiers say
// which, so every ring certificate is a potential parent of every other (by name), one signature in sixteen
// verifies, and no path ever reaches the trusted root: the path-length cap and the budget end the search.
const RING = 16;
const NO_KEY_IDS = 'subjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n';
for (let i = 0; i < RING; i++) key(`ring-${i}`);
for (let i = 0; i < RING; i++) selfSignedCa(`ring-self-${i}`, `ring-${i}`, '/CN=ring-ca');
for (let i = 0; i < RING; i++) {
  signed(
    `ring-${i}`,
    `ring-${i}`,
    '/CN=ring-ca',
    `ring-self-${(i + 1) % RING}`,
    `ring-${(i + 1) % RING}`,
    CA_EXT + NO_KEY_IDS,
  );
}
signed('ring-leaf', 'alice', '/CN=ring-user', 'ring-self-0', 'ring-0', CLIENT + NO_KEY_IDS);

/** Counts the signature checks made while running fn (X509Certificate.verify is the only one x509.ts uses). */
function countingSignatureChecks<T>(fn: () => Promise<T>): Promise<{ result: T | Error; checks: number; ms: number }> {
  const original = X509Certificate.prototype.verify;
  let checks = 0;
  X509Certificate.prototype.verify = function (this: X509Certificate, key) {
    checks++;
    return original.call(this, key);
  };
  const start = Date.now();
  return fn()
    .then(
      (r) => r as T | Error,
      (e: Error) => e,
    )
    .then((result) => {
      X509Certificate.prototype.verify = original;
      return { result, checks, ms: Date.now() - start };
    });
}

const authenticator = (): X509Authenticator => new X509Authenticator([readFileSync(file('root.crt'), 'utf8')]);
const chain = (...names: string[]): X509Certificate[] => names.map((n) => load(`${n}.crt`));

describe("x509 chain building budget (Go's maxChainSignatureChecks)", () => {
  it('a real chain through a presented intermediate still authenticates, in a few checks', async () => {
    const { result, checks } = await countingSignatureChecks(() =>
      authenticator().authenticate({ headers: {}, peerCertificates: chain('alice', 'inter') }),
    );
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(result?.user.username, 'alice');
    assert.ok(checks <= 3, `${checks} signature checks`);
  });

  const cases: { name: string; presented: string[]; message: RegExp }[] = [
    {
      name: `${LOOP} mutually signing CAs (one key, different SANs): stops at the budget`,
      presented: ['loop-leaf', ...Array.from({ length: LOOP }, (_, i) => `loop-${i}`)],
      message: /: x509: signature check attempts limit reached while verifying certificate chain$/,
    },
    {
      name: `${LOOP} copies of one CA: each is in the path once`,
      presented: ['loop-leaf', ...Array.from({ length: LOOP }, (_, i) => `same-${i}`)],
      message: /: x509: certificate signed by unknown authority$/,
    },
    {
      name: `a ring of ${RING} cross-signed CAs that never reaches a trusted root`,
      presented: ['ring-leaf', ...Array.from({ length: RING }, (_, i) => `ring-${i}`)],
      message:
        /: x509: (signature check attempts limit reached while verifying certificate chain|certificate signed by unknown authority)$/,
    },
  ];
  for (const c of cases) {
    it(c.name, { timeout: 20_000 }, async () => {
      const { result, checks, ms } = await countingSignatureChecks(() =>
        authenticator().authenticate({ headers: {}, peerCertificates: chain(...c.presented) }),
      );
      assert.ok(result instanceof AuthenticationError, `expected an authentication error, got ${String(result)}`);
      assert.match(result.message, /^verifying certificate SN=\d+, SKID=[0-9A-F:]*, AKID=[0-9A-F:]* failed: /);
      assert.match(result.message, c.message);
      assert.ok(checks <= GO_MAX_CHAIN_SIGNATURE_CHECKS, `${checks} signature checks`);
      assert.ok(ms < 2000, `took ${ms} ms`);
    });
  }
});
