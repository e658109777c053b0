// Issue 11 (items 1–2) end to end: `kauth up` with kube-apiserver's --oidc-* flags, and with
// --authentication-config, against a local HTTPS OpenID issuer (test double: discovery + JWKS), driven
// by the real kubectl: `kubectl auth whoami` shows the mapped user, RBAC on the mapped group decides
// `kubectl get`, refused tokens are 401, a rotated key and an edited configuration file are picked up
// without a restart, and the flag conflicts stop `kauth up` with kube's texts.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kauth, kubeconfigFor, kubectl, kubectlAsync, request, sleep, startCluster, type Cluster } from './harness.js';
import { makeSigningKey, TestIssuer, unsignedToken, type SigningKey } from '../unit/authn/jwt/test-issuer.js';

const FAST_PKI = ['--cert-algorithm', 'ECDSA-P256'];
const SSR_PATH = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const SSR = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
const now = (): number => Math.floor(Date.now() / 1000);

/**
 * Polls SelfSubjectReview (async, so the in-process issuer can answer kauth) until it is 201 and `until`
 * holds. A token factory gives a new token each time, so kube's 10 s token cache does not answer.
 */
async function whoamiSettled(
  c: Cluster,
  token: string | (() => Promise<string>),
  until: (user: any) => boolean = () => true,
  ms = 10_000,
): Promise<any> {
  const deadline = Date.now() + ms;
  let last: { code: number; text: string } = { code: 0, text: '' };
  while (Date.now() < deadline) {
    const r = await request(c, {
      method: 'POST',
      path: SSR_PATH,
      body: SSR,
      who: { token: typeof token === 'string' ? token : await token() },
    });
    last = r;
    if (r.code === 201 && until(r.json.status.userInfo)) return r.json.status.userInfo;
    await sleep(150);
  }
  assert.fail(`SelfSubjectReview never matched: ${last.code} ${last.text.slice(0, 300)}`);
}

describe('OIDC and AuthenticationConfiguration with kubectl', () => {
  let issuer: TestIssuer;
  let key: SigningKey;
  let dir: string;
  let caFile: string;
  let configFile: string;
  let flags: Cluster; // --oidc-* flags
  let file: Cluster; // --authentication-config
  const claims = (o: Record<string, unknown> = {}) => ({
    sub: 'u-123',
    aud: 'kauth',
    email: 'jane@example.com',
    email_verified: true,
    groups: ['devs'],
    tenant: 'acme',
    ...o,
  });
  const authConfig = (usernamePrefix: string): string => `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${issuer.url}
    audiences: [kauth]
    certificateAuthority: ${JSON.stringify(issuer.caPem)}
  claimValidationRules:
  - expression: "claims.tenant == 'acme'"
    message: tenant must be acme
  claimMappings:
    username:
      expression: "'${usernamePrefix}' + claims.sub"
    groups:
      claim: groups
      prefix: "oidc:"
    uid:
      claim: sub
    extra:
    - key: example.com/tenant
      valueExpression: claims.tenant
`;

  before(async () => {
    issuer = await TestIssuer.start();
    key = await makeSigningKey('k1');
    issuer.publish(key);
    dir = mkdtempSync(join(tmpdir(), 'kauth-e2e-oidc-'));
    caFile = join(dir, 'oidc-ca.crt');
    writeFileSync(caFile, issuer.caPem);
    configFile = join(dir, 'authn.yaml');
    writeFileSync(configFile, authConfig('kauth:'));
    [flags, file] = await Promise.all([
      startCluster({
        args: [
          ...FAST_PKI,
          '--oidc-issuer-url',
          issuer.url,
          '--oidc-client-id',
          'kauth',
          '--oidc-ca-file',
          caFile,
          '--oidc-username-claim',
          'email',
          '--oidc-groups-claim',
          'groups',
          '--oidc-groups-prefix',
          'oidc:',
        ],
      }),
      startCluster({ args: [...FAST_PKI, '--authentication-config', configFile] }),
    ]);
    // The issuer's keys load in the background at start; wait for them before the synchronous kubectl calls.
    await whoamiSettled(flags, await issuer.sign(key, claims()));
    await whoamiSettled(file, await issuer.sign(key, claims()));
  });
  after(async () => {
    await Promise.all([flags?.stop(), file?.stop()]);
    flags?.cleanup();
    file?.cleanup();
    await issuer?.close();
  });

  it('--oidc-* flags: kubectl auth whoami shows the email (unprefixed) and the prefixed groups', async () => {
    const kc = kubeconfigFor(flags, 'jane-oidc', [], await issuer.sign(key, claims()));
    const r = kubectl(flags, ['auth', 'whoami', '-o', 'json'], { kubeconfig: kc });
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out).status.userInfo;
    assert.equal(info.username, 'jane@example.com');
    assert.deepEqual(info.groups, ['oidc:devs', 'system:authenticated']);
  });

  it('RBAC on the mapped group decides kubectl get', async () => {
    const dev = kubeconfigFor(flags, 'dev-oidc', [], await issuer.sign(key, claims()));
    const outsider = kubeconfigFor(
      flags,
      'outsider-oidc',
      [],
      await issuer.sign(key, claims({ email: 'bob@example.com', groups: ['sales'] })),
    );
    let r = kubectl(flags, ['get', 'configmaps', '-n', 'default'], { kubeconfig: dev });
    assert.notEqual(r.code, 0);
    assert.match(
      r.err,
      /User "jane@example\.com" cannot list resource "configmaps" in API group "" in the namespace "default"/,
    );
    r = kubectl(flags, [
      'create',
      'rolebinding',
      'oidc-devs-view',
      '--clusterrole=view',
      '--group=oidc:devs',
      '-n',
      'default',
    ]);
    assert.equal(r.code, 0, r.err);
    r = kubectl(flags, ['get', 'configmaps', '-n', 'default'], { kubeconfig: dev });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /kube-root-ca\.crt/);
    r = kubectl(flags, ['get', 'configmaps', '-n', 'default'], { kubeconfig: outsider });
    assert.match(r.err, /User "bob@example\.com" cannot list resource "configmaps"/);
  });

  it('expired, other-audience, other-issuer, unverified-email and unsigned tokens are 401 for kubectl', async () => {
    const bad = {
      expired: await issuer.sign(key, claims({ exp: now() - 60 })),
      'other audience': await issuer.sign(key, claims({ aud: 'someone-else' })),
      'other issuer': await issuer.sign(key, claims({ iss: 'https://idp.example.com' })),
      'email not verified': await issuer.sign(key, claims({ email_verified: false })),
      'alg none': unsignedToken({ ...claims(), iss: issuer.url, exp: now() + 600 }),
    };
    for (const [name, token] of Object.entries(bad)) {
      const r = kubectl(flags, ['auth', 'whoami'], {
        kubeconfig: kubeconfigFor(flags, `bad-${name.replace(/ /g, '-')}`, [], token),
      });
      assert.notEqual(r.code, 0, name);
      assert.match(r.err, /You must be logged in to the server \(Unauthorized\)/, name);
    }
  });

  it('a key rotated at the issuer is picked up without a restart', async () => {
    const rotated = await makeSigningKey('k2');
    issuer.publish(rotated);
    const user = await whoamiSettled(flags, await issuer.sign(rotated, claims()), undefined, 15_000);
    assert.equal(user.username, 'jane@example.com');
    const r = await kubectlAsync(flags, ['auth', 'whoami', '-o', 'json'], {
      kubeconfig: kubeconfigFor(flags, 'jane-rotated', [], await issuer.sign(rotated, claims())),
    });
    assert.equal(JSON.parse(r.out).status.userInfo.username, 'jane@example.com');
  });

  it('--authentication-config: CEL username, prefixed groups, uid and extra in kubectl auth whoami', async () => {
    const kc = kubeconfigFor(file, 'jane-config', [], await issuer.sign(key, claims({ jti: 'tok-1' })));
    const r = kubectl(file, ['auth', 'whoami', '-o', 'json'], { kubeconfig: kc });
    assert.equal(r.code, 0, r.err);
    const info = JSON.parse(r.out).status.userInfo;
    assert.equal(info.username, 'kauth:u-123');
    assert.equal(info.uid, 'u-123');
    assert.deepEqual(info.groups, ['oidc:devs', 'system:authenticated']);
    assert.deepEqual(info.extra, {
      'authentication.kubernetes.io/credential-id': ['JTI=tok-1'],
      'example.com/tenant': ['acme'],
    });
    const refused = kubectl(file, ['auth', 'whoami'], {
      kubeconfig: kubeconfigFor(file, 'other-tenant', [], await issuer.sign(key, claims({ tenant: 'evil' }))),
    });
    assert.match(refused.err, /Unauthorized/);
  });

  it('an edited configuration file is reloaded; an invalid edit keeps the running one', async () => {
    let n = 0;
    const token = () => issuer.sign(key, claims({ n: n++ }));
    writeFileSync(configFile, authConfig('v2:'));
    assert.equal((await whoamiSettled(file, token, (u) => u.username === 'v2:u-123')).username, 'v2:u-123');
    writeFileSync(configFile, authConfig('v3:').replace('audiences: [kauth]', 'audiences: []'));
    const deadline = Date.now() + 5000;
    while (!file.output().includes('failed to validate authentication config') && Date.now() < deadline)
      await sleep(100);
    const logged =
      file
        .output()
        .split('\n')
        .find((l) => l.includes('failed to validate authentication config')) ?? '';
    assert.match(
      logged,
      /jwt\[0\]\.issuer\.audiences: Required value: at least one jwt\[0\]\.issuer\.audiences is required/,
    );
    assert.equal((await whoamiSettled(file, token)).username, 'v2:u-123');
  });

  it("kauth up refuses --authentication-config with --oidc-* flags, and a bad configuration, with kube's texts", () => {
    const up = (args: string[]) =>
      kauth(['up', '--data-dir', join(dir, 'refused'), ...FAST_PKI, '--secure-port', '0', ...args]);
    let r = up(['--authentication-config', configFile, '--oidc-issuer-url', issuer.url, '--oidc-client-id', 'kauth']);
    assert.equal(r.code, 1);
    assert.match(r.err, /authentication-config file and oidc-\* flags are mutually exclusive/);
    r = up(['--oidc-issuer-url', issuer.url]);
    assert.match(r.err, /oidc-issuer-url and oidc-client-id must be specified together when any oidc-\* flags are set/);
    r = up(['--oidc-issuer-url', 'http://insecure.example.com', '--oidc-client-id', 'kauth']);
    assert.match(
      r.err,
      /invalid authentication configuration: jwt\[0\]\.issuer\.url: Invalid value: "http:\/\/insecure\.example\.com": URL scheme must be https/,
    );
    const anonymousFile = join(dir, 'anonymous.yaml');
    writeFileSync(
      anonymousFile,
      'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true\n',
    );
    r = up(['--authentication-config', anonymousFile, '--anonymous-auth=false']);
    assert.match(
      r.err,
      /anonymous: Forbidden: --anonymous-auth flag cannot be set when anonymous field is configured in authentication configuration file/,
    );
  });
});
