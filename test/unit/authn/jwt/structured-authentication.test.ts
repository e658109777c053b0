// --authentication-config and --oidc-* set-up as kube-apiserver does it at start (the flag rules and
// their texts), the anonymous section, and reloading the file: valid changes swap the issuers without
// a restart, invalid ones keep the running configuration.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalAnonymousAuthenticator } from '../../../../src/authn/jwt/anonymous-conditions.js';
import {
  setupStructuredAuthentication,
  type StructuredAuthentication,
  type StructuredAuthenticationOptions,
} from '../../../../src/authn/jwt/structured-authentication.js';
import type { AuthRequest } from '../../../../src/authn/interfaces.js';
import { makeSigningKey, TestIssuer, type SigningKey } from './test-issuer.js';

let dir: string;
let issuer: TestIssuer;
let other: TestIssuer;
let key: SigningKey;
const running: StructuredAuthentication[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kauth-authn-config-'));
  [issuer, other] = await Promise.all([TestIssuer.start(), TestIssuer.start({ path: '/other' })]);
  key = await makeSigningKey('k1');
  issuer.publish(key);
  other.publish(key);
});
after(async () => {
  for (const r of running) r.close();
  await Promise.all([issuer.close(), other.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const noFlags = { usernameClaim: 'sub', signingAlgs: ['RS256'], requiredClaims: [] };
function setup(o: Partial<StructuredAuthenticationOptions>): StructuredAuthentication {
  const s = setupStructuredAuthentication({
    oidc: noFlags,
    flagsSet: new Set(),
    anonymousAuth: true,
    serviceAccountIssuers: ['https://kubernetes.default.svc.cluster.local'],
    reloadPollMs: 60_000,
    updateTimeoutMs: 2000,
    keySet: { initRetryMs: 100 },
    ...o,
  });
  running.push(s);
  return s;
}

function writeConfig(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n${body}`);
  return file;
}

const issuerYaml = (i: TestIssuer, prefix: string): string =>
  `- issuer:\n    url: ${i.url}\n    audiences: [kauth]\n    certificateAuthority: ${JSON.stringify(i.caPem)}\n  claimMappings:\n    username:\n      expression: "'${prefix}' + claims.sub"\n`;

async function username(s: StructuredAuthentication, i: TestIssuer): Promise<string | null> {
  const resp = await s.tokenAuthenticator!.authenticateToken(
    await i.sign(key, { sub: 'u', aud: 'kauth', n: Math.random() }),
  );
  return resp?.user.username ?? null;
}

describe('start-up rules for the flags and the file', () => {
  const refused: [string, Partial<StructuredAuthenticationOptions>, string][] = [
    [
      '--oidc-* without a client id',
      { oidc: { ...noFlags, issuerUrl: 'https://idp.example.com' }, flagsSet: new Set(['oidc-issuer-url']) },
      'oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set',
    ],
    [
      'only --oidc-username-claim',
      { flagsSet: new Set(['oidc-username-claim']) },
      'oidc-issuer-url and oidc-client-id must be specified together when any oidc-* flags are set',
    ],
    [
      'file and --oidc-* flags',
      { authenticationConfigFile: '/nonexistent', flagsSet: new Set(['oidc-groups-claim']) },
      'authentication-config file and oidc-* flags are mutually exclusive',
    ],
    [
      'an unreadable file',
      { authenticationConfigFile: '/nonexistent/authn.yaml' },
      'failed to load authentication configuration from file "/nonexistent/authn.yaml": open /nonexistent/authn.yaml: no such file or directory',
    ],
    [
      'an unsupported --oidc-signing-algs',
      {
        oidc: { ...noFlags, issuerUrl: 'https://idp.example.com', clientId: 'k', signingAlgs: ['HS256'] },
        flagsSet: new Set(['oidc-issuer-url']),
      },
      'oidc: unsupported signing alg: "HS256"',
    ],
    [
      'an issuer that is the service-account issuer',
      {
        oidc: { ...noFlags, issuerUrl: 'https://kubernetes.default.svc.cluster.local', clientId: 'k' },
        flagsSet: new Set(['oidc-issuer-url']),
      },
      'invalid authentication configuration: jwt[0].issuer.url: Invalid value: "https://kubernetes.default.svc.cluster.local": URL must not overlap with disallowed issuers: [https://kubernetes.default.svc.cluster.local]',
    ],
  ];
  for (const [name, o, want] of refused) {
    test(`${name} is refused`, () =>
      assert.throws(
        () => setup(o),
        (e: Error) => e.message === want || assert.fail(e.message),
      ));
  }

  test('--anonymous-auth given with an anonymous section is refused; not given, the section decides', () => {
    const file = writeConfig(
      'anon.yaml',
      'anonymous:\n  enabled: true\n  conditions:\n  - path: /livez\n  - path: /readyz\n',
    );
    assert.throws(
      () => setup({ authenticationConfigFile: file, flagsSet: new Set(['anonymous-auth']), anonymousAuth: false }),
      /^AuthenticationSetupError: anonymous: Forbidden: --anonymous-auth flag cannot be set when anonymous field is configured in authentication configuration file$/,
    );
    const s = setup({ authenticationConfigFile: file, anonymousAuth: false });
    assert.deepEqual(s.anonymous, { enabled: true, paths: ['/livez', '/readyz'] });
    assert.deepEqual(setup({ anonymousAuth: false }).anonymous, { enabled: false, paths: [] });
  });

  test('no flags and no file: no JWT authenticator at all', () => {
    assert.equal(setup({}).tokenAuthenticator, undefined);
  });
});

describe('anonymous conditions', () => {
  const req = (path?: string): AuthRequest & { path?: string } => ({ headers: {}, peerCertificates: [], path });
  test('only the listed paths are anonymous; without a path, none', async () => {
    const a = new ConditionalAnonymousAuthenticator(['/livez', '/readyz']);
    assert.equal((await a.authenticate(req('/livez')))?.user.username, 'system:anonymous');
    assert.equal(await a.authenticate(req('/livez/')), null);
    assert.equal(await a.authenticate(req('/api')), null);
    assert.equal(await a.authenticate(req()), null);
    assert.deepEqual((await new ConditionalAnonymousAuthenticator([]).authenticate(req('/x')))?.user.groups, [
      'system:unauthenticated',
    ]);
  });
});

describe('reloading --authentication-config', () => {
  test('a valid edit adds an issuer and changes a mapping without a restart', async () => {
    const file = writeConfig('reload.yaml', `jwt:\n${issuerYaml(issuer, 'one:')}`);
    const s = setup({ authenticationConfigFile: file });
    assert.equal(await s.tokenAuthenticator!.whenReady(3000), true);
    assert.equal(await username(s, issuer), 'one:u');
    assert.equal(await username(s, other), null, 'an issuer not configured yet: not ours');
    writeConfig('reload.yaml', `jwt:\n${issuerYaml(issuer, 'uno:')}${issuerYaml(other, 'two:')}`);
    await s.reload();
    assert.equal(await username(s, issuer), 'uno:u');
    assert.equal(await username(s, other), 'two:u');
    // Removing an issuer: its tokens are not ours any more.
    writeConfig('reload.yaml', `jwt:\n${issuerYaml(other, 'two:')}`);
    await s.reload();
    assert.equal(await username(s, issuer), null);
  });

  test('an invalid edit, a changed anonymous section or an issuer that never answers keep the running configuration', async () => {
    const file = writeConfig('keep.yaml', `anonymous:\n  enabled: true\njwt:\n${issuerYaml(issuer, 'one:')}`);
    const s = setup({ authenticationConfigFile: file, updateTimeoutMs: 500 });
    assert.equal(await s.tokenAuthenticator!.whenReady(3000), true);
    const edits = [
      'not: [valid',
      `anonymous:\n  enabled: true\njwt:\n${issuerYaml(issuer, 'one:').replace('audiences: [kauth]', 'audiences: []')}`,
      `anonymous:\n  enabled: false\njwt:\n${issuerYaml(issuer, 'two:')}`,
      `anonymous:\n  enabled: true\njwt:\n${issuerYaml(issuer, 'one:')}- issuer:\n    url: https://127.0.0.1:1/nowhere\n    audiences: [kauth]\n  claimMappings:\n    username:\n      claim: sub\n      prefix: ""\n`,
    ];
    for (const edit of edits) {
      writeConfig('keep.yaml', edit);
      await s.reload();
      assert.equal(await username(s, issuer), 'one:u', edit);
    }
  });
});
