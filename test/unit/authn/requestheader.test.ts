// Request-header (front proxy) authentication with real certificates made by openssl: only a client
// certificate from the request-header CA with an allowed CN may assert a user in headers.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudienceAgnosticRequestAuthenticator } from '../../../src/authn/audiences.js';
import { buildAuthenticator } from '../../../src/authn/chain.js';
import { AuthenticationError, type AuthResponse } from '../../../src/authn/interfaces.js';
import {
  RequestHeaderAuthenticator,
  unescapeExtraKey,
  type RequestHeaderOptions,
} from '../../../src/authn/requestheader.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-requestheader-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function ca(name: string): void {
  openssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    `/CN=${name}`,
    '-days',
    '2',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}
function leaf(name: string, issuer: string, subject: string, eku = 'clientAuth'): X509Certificate {
  openssl('req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  writeFileSync(
    join(dir, `${name}.ext`),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${eku}\n`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${issuer}.crt`,
    '-CAkey',
    `${issuer}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
  return new X509Certificate(readFileSync(join(dir, `${name}.crt`)));
}

ca('front-proxy-ca');
ca('kubernetes');
const proxy = leaf('proxy', 'front-proxy-ca', '/CN=front-proxy-client');
const intruder = leaf('intruder', 'front-proxy-ca', '/CN=intruder');
const noCn = leaf('nocn', 'front-proxy-ca', '/O=proxies');
const serverOnly = leaf('server-only', 'front-proxy-ca', '/CN=front-proxy-client', 'serverAuth');
const alice = leaf('alice', 'kubernetes', '/CN=alice/O=devs');
const frontProxyCa = readFileSync(join(dir, 'front-proxy-ca.crt'), 'utf8');
const clusterCa = readFileSync(join(dir, 'kubernetes.crt'), 'utf8');

const KUBEADM: RequestHeaderOptions = {
  clientCaPems: [frontProxyCa],
  allowedNames: ['front-proxy-client'],
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
};

type Want = null | RegExp | Partial<AuthResponse['user']>;

describe('RequestHeaderAuthenticator', () => {
  const cases: {
    name: string;
    options?: Partial<RequestHeaderOptions>;
    cert?: X509Certificate;
    headers: IncomingHttpHeaders;
    distinct?: Record<string, string[]>;
    want: Want;
    cleared?: boolean;
  }[] = [
    { name: "no client certificate: headers are nobody's word", headers: { 'x-remote-user': 'bob' }, want: null },
    {
      name: 'front-proxy-client asserts a user with groups and extra',
      cert: proxy,
      headers: {
        'x-remote-user': 'bob',
        'x-remote-group': 'g1',
        'x-remote-extra-scopes': 'view',
        accept: 'application/json',
      },
      want: { username: 'bob', groups: ['g1'], extra: { scopes: ['view'] } },
      cleared: true,
    },
    {
      name: 'front-proxy-client without a user header: no user, headers left',
      cert: proxy,
      headers: { 'x-remote-group': 'g1' },
      want: null,
      cleared: false,
    },
    { name: 'an empty user header is no user', cert: proxy, headers: { 'x-remote-user': '' }, want: null },
    {
      name: 'a CN not in the allowed list',
      cert: intruder,
      headers: { 'x-remote-user': 'bob' },
      want: /^x509: subject with cn=intruder is not in the allowed list$/,
    },
    {
      name: 'no CN at all is not allowed either',
      cert: noCn,
      headers: { 'x-remote-user': 'bob' },
      want: /^x509: subject with cn= is not in the allowed list$/,
    },
    {
      name: 'an empty allowed list admits any CN the CA signed',
      options: { allowedNames: [] },
      cert: intruder,
      headers: { 'x-remote-user': 'bob' },
      want: { username: 'bob', groups: [] },
    },
    {
      name: "the cluster CA's certificate cannot assert (unknown authority)",
      cert: alice,
      headers: { 'x-remote-user': 'bob' },
      want: /certificate signed by unknown authority/,
    },
    {
      name: 'a proxy certificate without clientAuth usage',
      cert: serverOnly,
      headers: { 'x-remote-user': 'bob' },
      want: /incompatible key usage/,
    },
    {
      name: 'the first username header with a value wins',
      options: { usernameHeaders: ['X-Remote-User', 'X-Forwarded-User'] },
      cert: proxy,
      headers: { 'x-remote-user': '', 'x-forwarded-user': 'carol' },
      want: { username: 'carol', groups: [] },
    },
    {
      name: 'every value of every group header, in flag order',
      options: { groupHeaders: ['X-Remote-Group', 'X-Team'] },
      cert: proxy,
      headers: { 'x-remote-user': 'bob', 'x-remote-group': 'a, b', 'x-team': 'c' },
      distinct: { 'x-remote-group': ['a', '', 'b'], 'x-team': ['c'] },
      want: { username: 'bob', groups: ['a', 'b', 'c'] },
    },
    {
      name: 'uid from the uid headers',
      options: { uidHeaders: ['X-Remote-Uid'] },
      cert: proxy,
      headers: { 'x-remote-user': 'bob', 'x-remote-uid': 'u-1' },
      want: { username: 'bob', uid: 'u-1', groups: [] },
      cleared: true,
    },
    {
      name: 'extra keys are lower-cased and %-unescaped, values kept together',
      cert: proxy,
      headers: { 'x-remote-user': 'bob', 'x-remote-extra-acme.com%2fproject': 'p1', 'x-remote-extra-bad%zz': 'v' },
      distinct: { 'x-remote-extra-acme.com%2fproject': ['p1', 'p2'], 'x-remote-extra-bad%zz': ['v'] },
      want: { username: 'bob', groups: [], extra: { 'acme.com/project': ['p1', 'p2'], 'bad%zz': ['v'] } },
      cleared: true,
    },
    {
      name: 'an extra key named __proto__ is just a key',
      cert: proxy,
      headers: { 'x-remote-user': 'bob', 'x-remote-extra-__proto__': 'x' },
      want: { username: 'bob', groups: [], extra: Object.fromEntries([['__proto__', ['x']]]) },
    },
    {
      name: 'header names match case-insensitively',
      options: { usernameHeaders: ['x-REMOTE-user'], extraHeaderPrefixes: ['X-REMOTE-EXTRA-'] },
      cert: proxy,
      headers: { 'x-remote-user': 'bob', 'x-remote-extra-k': 'v' },
      want: { username: 'bob', groups: [], extra: { k: ['v'] } },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const auth = new RequestHeaderAuthenticator({ ...KUBEADM, ...c.options });
      const headers = { ...c.headers };
      const p = auth.authenticate({ headers, headersDistinct: c.distinct, peerCertificates: c.cert ? [c.cert] : [] });
      if (c.want instanceof RegExp) {
        await assert.rejects(p, (e: Error) => e instanceof AuthenticationError && (c.want as RegExp).test(e.message));
        return;
      }
      const resp = await p;
      if (c.want === null) assert.equal(resp, null);
      else assert.deepEqual(resp, { user: c.want });
      if (c.cleared === true) {
        const left = Object.keys(headers).filter((h) => h.startsWith('x-remote-'));
        assert.deepEqual(left, [], 'identity headers are removed once used');
        if ('accept' in c.headers) assert.equal(headers.accept, 'application/json', 'other headers stay');
      }
      if (c.cleared === false) assert.deepEqual(headers, c.headers);
    });
  }

  test('a verification failure is remembered per connection (the same certificate object)', async () => {
    const auth = new RequestHeaderAuthenticator(KUBEADM);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        auth.authenticate({ headers: { 'x-remote-user': 'bob' }, peerCertificates: [alice] }),
        /unknown authority/,
      );
    }
  });

  const invalid: [string, Partial<RequestHeaderOptions>, RegExp][] = [
    ['a blank username header', { usernameHeaders: [' '] }, /empty value in "requestheader-username-headers"/],
    ['a blank group header', { groupHeaders: [''] }, /empty value in "requestheader-group-headers"/],
    ['a blank extra prefix', { extraHeaderPrefixes: ['  '] }, /empty value in "requestheader-extra-headers-prefix"/],
    ['a blank allowed name', { allowedNames: [''] }, /empty value in "requestheader-allowed-names"/],
    ['a CA file without certificates', { clientCaPems: ['not a pem'] }, /no certificate found/],
  ];
  for (const [name, options, re] of invalid) {
    test(`refused at start: ${name}`, () =>
      assert.throws(() => new RequestHeaderAuthenticator({ ...KUBEADM, ...options }), re));
  }
});

describe('unescapeExtraKey (url.PathUnescape, kept as sent when malformed)', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['acme.com%2fproject', 'acme.com/project'],
    ['%e4%b8%ad', '中'],
    ['a+b', 'a+b'],
    ['100%', '100%'],
    ['%zz', '%zz'],
    ['%2', '%2'],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(unescapeExtraKey(input), want));
});

describe("first in the union, before x509 (kube-apiserver's order)", () => {
  const chain = buildAuthenticator({
    before: [
      new AudienceAgnosticRequestAuthenticator(
        ['https://kubernetes.default.svc.cluster.local'],
        new RequestHeaderAuthenticator(KUBEADM),
      ),
    ],
    clientCaPems: [clusterCa],
    tokenAuthenticators: [],
    apiAudiences: ['https://kubernetes.default.svc.cluster.local'],
  });
  const H = { 'x-remote-user': 'bob', 'x-remote-group': 'g1' };
  test("the front proxy's user, in system:authenticated", async () => {
    const resp = await chain.authenticate({ headers: { ...H }, peerCertificates: [proxy] });
    assert.equal(resp?.user.username, 'bob');
    assert.deepEqual(resp?.user.groups, ['g1', 'system:authenticated']);
  });
  test('a cluster-CA certificate is its own user, whatever the headers say', async () => {
    const resp = await chain.authenticate({ headers: { ...H }, peerCertificates: [alice] });
    assert.equal(resp?.user.username, 'alice');
    assert.deepEqual(resp?.user.groups, ['devs', 'system:authenticated']);
  });
  test('a front-proxy certificate with a name not allowed is refused, not anonymous', async () => {
    await assert.rejects(
      chain.authenticate({ headers: { ...H }, peerCertificates: [intruder] }),
      /not in the allowed list/,
    );
  });
  test('the front proxy without a user header is nobody: x509 does not know its CA either', async () => {
    await assert.rejects(chain.authenticate({ headers: {}, peerCertificates: [proxy] }), /unknown authority/);
  });
});
