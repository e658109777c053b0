// OIDC token verification throughput: cold (every token seen for the first time: parse, iss/aud/exp
// checks, RS256 signature against the issuer's cached key, claim mapping; no token cache) and warm
// (through the 10 s token cache), beside node:crypto's raw RS256 verify of the same tokens in the same
// run. The issuer is a local HTTPS test double; the run asserts it was not asked for anything while
// the timed loops ran (no network on the hot path).  Run: npx tsx bench/oidc.ts
import { sign, verify, webcrypto } from 'node:crypto';
import { decodeAuthenticationConfiguration } from '../src/authn/jwt/config-decode.js';
import { validateAuthenticationConfiguration } from '../src/authn/jwt/config-validate.js';
import { JwtAuthenticators } from '../src/authn/jwt/jwt-authenticators.js';
import { jwtAuthenticatorFromFlags } from '../src/authn/jwt/legacy-flags.js';
import { ALLOWED_SIGNING_ALGS } from '../src/authn/jwt/verify.js';
import type { TokenAuthenticator } from '../src/authn/interfaces.js';
import { CachedTokenAuthenticator } from '../src/authn/token-cache.js';
import { makeSigningKey, TestIssuer } from '../test/unit/authn/jwt/test-issuer.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const TOKENS = 4000;
const CONCURRENCY = 32;

/** Time (ms) to run `fn` `count` times, `inFlight` at a time, from index `from`. */
async function batch(fn: (i: number) => unknown, from: number, count: number, inFlight: number): Promise<number> {
  const start = performance.now();
  if (inFlight === 1) {
    for (let i = 0; i < count; i++) await fn(from + i);
  } else {
    let next = from;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < from + count) await fn(next++);
      }),
    );
  }
  return performance.now() - start;
}

/**
 * The machine is shared and its load moves: reference and subject run in small alternating batches
 * for about SECONDS, so both see the same load; rates are totals over the run, the ratio is theirs.
 */
async function paired(
  label: string,
  fn: (i: number) => unknown,
  reference: (i: number) => unknown,
  inFlight = 1,
): Promise<{ rate: number; ratio: number }> {
  const size = Math.max(32, inFlight * 4);
  await batch(fn, 0, size * 4, inFlight); // warm-up
  let refMs = 0;
  let subMs = 0;
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    refMs += await batch(reference, n, size, 1);
    subMs += await batch(fn, n, size, inFlight);
    n += size;
  }
  const result = { rate: n / (subMs / 1000), ratio: refMs / subMs };
  console.log(
    `${label.padEnd(58)} ${Math.round(result.rate).toLocaleString('en-US').padStart(10)} /s   ${result.ratio.toFixed(2).padStart(6)}× reference`,
  );
  return result;
}

const issuer = await TestIssuer.start();
const key = await makeSigningKey('bench-key');
issuer.publish(key);

// The common set-ups: the --oidc-* flags (email username, groups claim), and a configuration file with
// CEL mappings and a CEL validation rule.
const flags = jwtAuthenticatorFromFlags({
  issuerUrl: issuer.url,
  clientId: 'kauth',
  usernameClaim: 'email',
  groupsClaim: 'groups',
  groupsPrefix: 'oidc:',
  signingAlgs: ['RS256'],
  requiredClaims: [],
})!;
flags.issuer.certificateAuthority = issuer.caPem;
const fromFlags = new JwtAuthenticators({ algorithms: ['RS256'] }).start(
  validateAuthenticationConfiguration({ jwt: [flags] }, []).jwt,
);
const file = decodeAuthenticationConfiguration(`apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${issuer.url}
    audiences: [kauth]
    certificateAuthority: ${JSON.stringify(issuer.caPem)}
  claimValidationRules:
  - expression: "claims.?email_verified.orValue(true) == true"
    message: email must be verified
  claimMappings:
    username:
      expression: "'oidc:' + claims.email"
    groups:
      expression: "claims.groups.map(g, 'oidc:' + g)"
    uid:
      claim: sub
`);
const fromFile = new JwtAuthenticators({ algorithms: ALLOWED_SIGNING_ALGS }).start(
  validateAuthenticationConfiguration(file, []).jwt,
);
if (!(await fromFlags.whenReady(10_000)) || !(await fromFile.whenReady(10_000)))
  throw new Error('the test issuer did not answer');

// Distinct tokens, signed with node:crypto (faster than going through jose for thousands of them).
const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT' })).toString('base64url');
const exp = Math.floor(Date.now() / 1000) + 3600;
const tokens = Array.from({ length: TOKENS }, (_, i) => {
  const payload = Buffer.from(
    JSON.stringify({
      iss: issuer.url,
      aud: 'kauth',
      sub: `user-${i}`,
      email: `user-${i}@example.com`,
      email_verified: true,
      groups: ['devs', 'ops'],
      iat: exp - 3600,
      nbf: exp - 3600,
      exp,
      jti: `jti-${i}`,
    }),
  ).toString('base64url');
  const input = `${header}.${payload}`;
  return {
    token: `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`,
    input: Buffer.from(input),
    signature: sign('sha256', Buffer.from(input), key.privateKey),
  };
});
const at = (i: number) => tokens[i % TOKENS]!;
// Every token authenticates (checked once here; a refusal in the timed loops would throw and end the run).
for (const a of [fromFlags, fromFile])
  for (let i = 0; i < TOKENS; i++)
    if (!(await a.authenticateToken(at(i).token))) throw new Error('bench token refused');

// kube's cache keeps successes 10 s; a longer TTL here only keeps every token a hit for the whole run.
const cachedFlags: TokenAuthenticator = new CachedTokenAuthenticator(fromFlags, {
  maxEntries: TOKENS * 2,
  successTtlMs: 600_000,
});

const webKey = await webcrypto.subtle.importKey(
  'jwk',
  key.jwk as webcrypto.JsonWebKey,
  { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  false,
  ['verify'],
);
const rawVerify = (i: number) => {
  const t = at(i);
  if (!verify('sha256', t.input, key.publicKey, t.signature)) throw new Error('raw verify failed');
};

console.log(
  `RSA-2048 / RS256 ID tokens (${at(0).token.length} bytes), ${TOKENS} distinct, about ${SECONDS} s per measurement, node ${process.version}\n`,
);
const before = { ...issuer.requests, fetches: fromFlags.fetches + fromFile.fetches };
const reference = await paired('reference: node:crypto verify (RS256, raw, sync)', rawVerify, rawVerify);
await paired(
  '  WebCrypto verify (RS256, raw, one at a time)',
  (i) => webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', webKey, at(i).signature, at(i).input),
  rawVerify,
);
const cold = await paired(
  'cold: --oidc-* flags (email, groups claim), one at a time',
  (i) => fromFlags.authenticateToken(at(i).token),
  rawVerify,
);
const coldConcurrent = await paired(
  `cold: --oidc-* flags, ${CONCURRENCY} in flight`,
  (i) => fromFlags.authenticateToken(at(i).token),
  rawVerify,
  CONCURRENCY,
);
const coldCel = await paired(
  'cold: config file (CEL username/groups/rule), one at a time',
  (i) => fromFile.authenticateToken(at(i).token),
  rawVerify,
);
for (let i = 0; i < TOKENS; i++) await cachedFlags.authenticateToken(at(i).token);
const warm = await paired(
  'warm: --oidc-* flags through the token cache',
  (i) => cachedFlags.authenticateToken(at(i).token),
  rawVerify,
);
const after = { ...issuer.requests, fetches: fromFlags.fetches + fromFile.fetches };
const fetched = after.discovery + after.jwks - before.discovery - before.jwks;

console.log(
  `\nraw RS256 verify ≈ ${Math.round(reference.rate).toLocaleString('en-US')}/s; cold ${Math.round(cold.rate).toLocaleString('en-US')}/s = ${cold.ratio.toFixed(2)}× raw (goal ≥ 0.80×: ${cold.ratio >= 0.8 ? 'met' : 'NOT met'})`,
);
console.log(
  `per token: cold ${(1e6 / cold.rate).toFixed(1)} µs (${(1e6 / coldConcurrent.rate).toFixed(1)} µs at ${CONCURRENCY} in flight), with CEL ${(1e6 / coldCel.rate).toFixed(1)} µs, warm ${(1e6 / warm.rate).toFixed(1)} µs`,
);
console.log(
  `network requests to the issuer during the timed loops: ${fetched} (key-set fetches counted by kauth: ${after.fetches - before.fetches})`,
);
if (fetched !== 0 || after.fetches !== before.fetches) {
  console.log('FAIL: the hot path fetched from the issuer');
  process.exitCode = 1;
}
fromFlags.close();
fromFile.close();
await issuer.close();
