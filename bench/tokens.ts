// Service-account token throughput: verification cold (signature + claims + store lookups, no
// cache), warm (token cache hit), and bound-token issuance, each against node:crypto's raw RS256
// verify of the same token measured in the same run.  Run: npx tsx bench/tokens.ts
import { generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import type { KubeObject, ObjectGetter } from '../src/api/types.js';
import { CachedTokenAuthenticator } from '../src/authn/token-cache.js';
import { TokenIssuer } from '../src/serviceaccount/issue.js';
import { signingKeyFrom } from '../src/serviceaccount/keys.js';
import { ServiceAccountJwtVerifier, ServiceAccountTokenAuthenticator } from '../src/serviceaccount/validate.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

class MapGetter implements ObjectGetter {
  readonly objects = new Map<string, KubeObject>();
  async get(resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.objects.get(`${resource}/${namespace}/${name}`);
  }
}

/** Calls per second of `fn`, run back to back for `ms` milliseconds. */
async function measure(fn: () => unknown, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 32; i++) await fn();
    n += 32;
  }
  return n / ((performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The machine is shared, so throughput drifts: each measurement alternates short rounds of the
 * reference and of `fn`, and the ratio is the median of the per-round ratios.
 */
async function paired(
  label: string,
  fn: () => unknown,
  reference: () => unknown,
): Promise<{ rate: number; ratio: number }> {
  await measure(fn, 200);
  const rounds = Math.max(3, Math.round(SECONDS / 0.5));
  const rates: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const ref = await measure(reference, 250);
    const r = await measure(fn, 250);
    rates.push(r);
    ratios.push(r / ref);
  }
  const result = { rate: median(rates), ratio: median(ratios) };
  console.log(
    `${label.padEnd(46)} ${Math.round(result.rate).toLocaleString('en-US').padStart(10)} /s   ${result.ratio.toFixed(2).padStart(6)}× reference`,
  );
  return result;
}

const signingKey = signingKeyFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
const getter = new MapGetter();
const saUid = randomUUID();
const podUid = randomUUID();
getter.objects.set('serviceaccounts/demo/pod-viewer', {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'pod-viewer', namespace: 'demo', uid: saUid },
});
getter.objects.set('pods/demo/netpod', {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'netpod', namespace: 'demo', uid: podUid },
});

const issuer = new TokenIssuer({ issuer: ISSUER, signingKey, apiAudiences: [ISSUER] });
const request = {
  namespace: 'demo',
  serviceAccount: { name: 'pod-viewer', uid: saUid },
  audiences: [ISSUER],
  expirationSeconds: 3607,
  boundObject: { kind: 'Pod' as const, name: 'netpod', uid: podUid, nodeName: 'worker-1', nodeUid: randomUUID() },
};
const token = await issuer.issueBoundToken(request);
const [h, p, s] = token.split('.') as [string, string, string];
const signingInput = Buffer.from(`${h}.${p}`);
const signature = Buffer.from(s, 'base64url');

const options = { issuers: [ISSUER], apiAudiences: [ISSUER], publicKeys: [signingKey], getter, lookup: true };
const authenticator = new ServiceAccountTokenAuthenticator(options);
const verifier = new ServiceAccountJwtVerifier(options);
const cached = new CachedTokenAuthenticator(authenticator);
if (!(await authenticator.authenticateToken(token))) throw new Error('bench token does not authenticate');

console.log(
  `RSA-2048 / RS256 pod-bound token, ${token.length} bytes, about ${SECONDS} s per measurement in alternating reference/subject rounds, node ${process.version}\n`,
);
const rawVerify = () => verify('sha256', signingInput, signingKey.key, signature);
const reference = await paired('reference: node:crypto verify (RS256, raw)', rawVerify, rawVerify);
const parsed = await paired('verify: parse + signature + iss/aud', () => verifier.verify(token), rawVerify);
const cold = await paired(
  'authenticate cold (+ times, SA/pod lookups)',
  () => authenticator.authenticateToken(token),
  rawVerify,
);
const warm = await paired('authenticate warm (token cache hit)', () => cached.authenticateToken(token), rawVerify);
const issue = await paired('issue bound token (RS256 sign)', () => issuer.issueBoundToken(request), rawVerify);
console.log(
  `\nraw RS256 verify ≈ ${Math.round(reference.rate).toLocaleString('en-US')}/s; cold authentication ${Math.round(cold.rate).toLocaleString('en-US')}/s (target ≥ 15,000/s: ${cold.rate >= 15000 ? 'met' : 'NOT met'})`,
);
console.log(
  `per token: verify ${(1e6 / parsed.rate).toFixed(1)} µs, cold ${(1e6 / cold.rate).toFixed(1)} µs, warm ${(1e6 / warm.rate).toFixed(1)} µs, issue ${(1e6 / issue.rate).toFixed(1)} µs`,
);
