// Issue 11 item 6 end to end: `kauth login` (the compiled CLI) against a real OpenID provider (panva's
// oidc-provider over HTTPS with an openssl-made CA), the provider's login form driven over HTTP as a browser
// would: authorization code + PKCE through the loopback redirect, the device flow, the token cache (0600, served
// without contacting the provider), refresh after expiry, a failed refresh falling back to a new login, a
// callback with another state refused. Then the whole path with real kubectl v1.35: `kauth up` trusting the
// provider, `kauth kubeconfig oidc`, and `kubectl auth whoami` with the exec plugin doing the login.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { parse } from 'yaml';
import { KUBECTL, ROOT, kauth, kubectl, startCluster, type Cluster } from './harness.js';
import { startTestOpenIdProvider, type TestOpenIdProvider } from '../support/oidc-provider.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FAST_PKI = ['--cert-algorithm', 'ECDSA-P256'];

interface Run {
  code: number | null;
  out: string;
  err: string;
}

interface Running {
  /** Resolves with the first match of `re` in stderr so far or to come; rejects if the process ends first. */
  stderrMatch(re: RegExp): Promise<RegExpMatchArray>;
  done: Promise<Run>;
}

/** No display: the plugin must not try to open a browser here. */
function envWithoutDisplay(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.KUBERNETES_EXEC_INFO;
  return { ...env, ...extra };
}

/** Starts a process without blocking this one (the provider answers from this very process). */
function start(command: string, args: string[], env: NodeJS.ProcessEnv = envWithoutDisplay()): Running {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const m = err.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
    check();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      for (const w of waiters.splice(0)) w.reject(new Error(`process ended before stderr matched ${w.re}: ${err}`));
      resolve({ code, out, err });
    }),
  );
  return {
    done,
    stderrMatch: (re) =>
      new Promise((resolve, reject) => {
        waiters.push({ re, resolve, reject });
        check();
        if (child.exitCode !== null) reject(new Error(`process ended before stderr matched ${re}: ${err}`));
      }),
  };
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const AUTH_URL = /Open this URL in your browser to log in:\s+(https:\/\/\S+)/;
const USER_CODE = /enter the code: (\S+)/;

describe('kauth login against a real OpenID provider', () => {
  let idp: TestOpenIdProvider;
  let dir: string;
  before(async () => {
    idp = await startTestOpenIdProvider({
      users: {
        alice: { email: 'alice@example.com', groups: ['devs', 'oncall'] },
        bob: { email: 'bob@example.com', groups: ['qa'] },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'kauth-login-e2e-'));
  });
  after(async () => {
    await idp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const loginArgs = (cacheDir: string, ...more: string[]): string[] => [
    CLI,
    'login',
    `--oidc-issuer-url=${idp.issuer}`,
    `--oidc-client-id=${idp.clientId}`,
    `--certificate-authority=${idp.caFile}`,
    '--oidc-extra-scope=email,groups',
    '--listen-address=127.0.0.1:0',
    '--skip-open-browser',
    `--token-cache-dir=${cacheDir}`,
    ...more,
  ];
  const cacheFiles = (cacheDir: string): string[] => readdirSync(cacheDir).filter((n) => /^[0-9a-f]{64}$/.test(n));

  /** Runs `kauth login --grant-type authcode`, logging in through the form as `user`. */
  async function authcodeLogin(cacheDir: string, user: string, ...more: string[]): Promise<{ run: Run; url: URL }> {
    const p = start(process.execPath, loginArgs(cacheDir, '--grant-type=authcode', ...more));
    const url = new URL((await p.stderrMatch(AUTH_URL))[1]!);
    const page = await idp.loginThroughForm(url.href, user);
    assert.equal(page.status, 200, page.body);
    assert.match(page.body, /You are logged in/);
    return { run: await p.done, url };
  }

  function credentialOf(run: Run): {
    token: string;
    claims: Record<string, unknown>;
    expiry: string;
    apiVersion: string;
  } {
    assert.equal(run.code, 0, run.err);
    assert.equal(run.out.split('\n').filter(Boolean).length, 1, 'stdout holds the ExecCredential only');
    const cred = JSON.parse(run.out);
    assert.equal(cred.kind, 'ExecCredential');
    return {
      token: cred.status.token,
      claims: decodeJwt(cred.status.token),
      expiry: cred.status.expirationTimestamp,
      apiVersion: cred.apiVersion,
    };
  }

  const cacheA = (): string => join(dir, 'cache-a');

  it('authorization code + PKCE through the loopback redirect: an ExecCredential with the ID token, cached 0600', async () => {
    const { run, url } = await authcodeLogin(cacheA(), 'alice');
    // The authorization request openid-client built: PKCE S256, state, nonce, the loopback redirect.
    assert.equal(url.origin, idp.issuer);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((url.searchParams.get('state') ?? '').length >= 32);
    assert.ok(url.searchParams.get('nonce'));
    assert.match(url.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(url.searchParams.get('scope'), 'openid email groups');

    const cred = credentialOf(run);
    assert.equal(cred.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(cred.claims.iss, idp.issuer);
    assert.equal(cred.claims.aud, idp.clientId);
    assert.equal(cred.claims.sub, 'alice');
    assert.equal(cred.claims.email, 'alice@example.com');
    assert.deepEqual(cred.claims.groups, ['devs', 'oncall']);
    assert.equal(cred.expiry, new Date((cred.claims.exp as number) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.doesNotMatch(run.err, new RegExp(cred.token.split('.')[2]!), 'the token never reaches stderr');

    assert.equal(statSync(cacheA()).mode & 0o777, 0o700);
    const files = cacheFiles(cacheA());
    assert.equal(files.length, 1);
    assert.equal(statSync(join(cacheA(), files[0]!)).mode & 0o777, 0o600);
    const cached = JSON.parse(readFileSync(join(cacheA(), files[0]!), 'utf8'));
    assert.equal(cached.id_token, cred.token);
    assert.ok(cached.refresh_token, 'the refresh token is kept for later');
  });

  it('a second run is served from the cache without contacting the provider, in the apiVersion kubectl asks', async () => {
    const before = idp.requests.length;
    const first = JSON.parse(readFileSync(join(cacheA(), cacheFiles(cacheA())[0]!), 'utf8')).id_token;
    const execInfo = JSON.stringify({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      spec: { interactive: false },
    });
    const run = await start(
      process.execPath,
      loginArgs(cacheA(), '--grant-type=authcode'),
      envWithoutDisplay({ KUBERNETES_EXEC_INFO: execInfo }),
    ).done;
    const cred = credentialOf(run);
    assert.equal(cred.token, first);
    assert.equal(cred.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.equal(run.err, '', 'nothing to tell the user');
    assert.deepEqual(idp.requests.slice(before), [], 'no request reached the provider');
  });

  it('an expired ID token is renewed with the refresh token, without a browser', async () => {
    idp.setIdTokenTtl(5); // under the 10 s margin: expired as soon as it is issued
    try {
      const forced = credentialOf(await start(process.execPath, loginArgs(cacheA(), '--force-refresh')).done);
      assert.ok((forced.claims.exp as number) - (forced.claims.iat as number) <= 5);
      const before = idp.requests.length;
      const run = await start(process.execPath, loginArgs(cacheA(), '--grant-type=authcode')).done;
      const cred = credentialOf(run);
      // The refresh below (POST /token, no browser) is the proof: within the same second the provider may issue
      // a byte-identical token (same claims, same iat), so the tokens are not compared.
      assert.ok((cred.claims.iat as number) >= (forced.claims.iat as number), 'an ID token issued by the refresh');
      assert.equal(cred.claims.email, 'alice@example.com');
      assert.doesNotMatch(run.err, AUTH_URL);
      const calls = idp.requests.slice(before);
      assert.ok(calls.includes('POST /token'), calls.join(', '));
      assert.ok(!calls.some((c) => c.startsWith('GET /auth')), calls.join(', '));
    } finally {
      idp.setIdTokenTtl(3600);
    }
  });

  it('a refresh token the provider refuses leads to a new login', async () => {
    const file = join(cacheA(), cacheFiles(cacheA())[0]!);
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    const expired = cached.id_token as string; // issued with a 5 s lifetime above
    writeFileSync(file, JSON.stringify({ id_token: expired, refresh_token: 'revoked-or-never-issued' }));
    const p = start(process.execPath, loginArgs(cacheA(), '--grant-type=authcode'));
    const url = (await p.stderrMatch(AUTH_URL))[1]!;
    assert.match((await p.stderrMatch(/The refresh token was not accepted \(([^)]*)\)/))[1]!, /invalid_grant/);
    assert.equal((await idp.loginThroughForm(url, 'alice')).status, 200);
    const cred = credentialOf(await p.done);
    assert.ok((cred.claims.exp as number) - Date.now() / 1000 > 3000);
    assert.notEqual(JSON.parse(readFileSync(file, 'utf8')).refresh_token, 'revoked-or-never-issued');
  });

  it('a callback with another state is refused and the login goes on; an error callback fails it', async () => {
    const cacheDir = join(dir, 'cache-state');
    const p = start(process.execPath, loginArgs(cacheDir, '--grant-type=authcode'));
    const url = new URL((await p.stderrMatch(AUTH_URL))[1]!);
    const callback = url.searchParams.get('redirect_uri')!;
    const forged = await httpGet(`${callback}?code=forged-code&state=not-the-state`);
    assert.equal(forged.status, 400);
    assert.match(forged.body, /state parameter does not match/);
    assert.equal((await idp.loginThroughForm(url.href, 'bob')).status, 200);
    assert.equal(credentialOf(await p.done).claims.email, 'bob@example.com');

    // The provider reporting a refusal (with the right state) ends the login with its error, exit code 1.
    const denied = start(process.execPath, loginArgs(join(dir, 'cache-denied'), '--grant-type=authcode'));
    const deniedUrl = new URL((await denied.stderrMatch(AUTH_URL))[1]!);
    const state = deniedUrl.searchParams.get('state')!;
    const page = await httpGet(
      `${deniedUrl.searchParams.get('redirect_uri')}?error=access_denied&error_description=no&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
    );
    assert.equal(page.status, 400);
    const run = await denied.done;
    assert.equal(run.code, 1);
    assert.equal(run.out, '');
    assert.match(run.err, /^error: login failed: .*access_denied/m);
  });

  it('the device authorization grant: verification URI and user code on stderr, polled until approved', async () => {
    const cacheDir = join(dir, 'cache-device');
    const p = start(process.execPath, loginArgs(cacheDir, '--grant-type=device-code'));
    assert.equal(
      (await p.stderrMatch(/Please visit the following URL in your browser: (\S+)/))[1],
      `${idp.issuer}/device`,
    );
    const userCode = (await p.stderrMatch(USER_CODE))[1]!;
    const page = await idp.approveDevice(userCode, 'bob');
    assert.match(page.body, /Sign-in Success/);
    const cred = credentialOf(await p.done);
    assert.equal(cred.claims.email, 'bob@example.com');
    assert.deepEqual(cred.claims.groups, ['qa']);
    assert.equal(cacheFiles(cacheDir).length, 1);
  });

  it('kauth login clean empties the cache (its files only); bad flags are one line', async () => {
    const cacheDir = join(dir, 'cache-clean');
    mkdirSync(cacheDir);
    writeFileSync(join(cacheDir, 'a'.repeat(64)), '{"id_token":"x"}');
    writeFileSync(join(cacheDir, 'notes.txt'), 'not ours');
    const r = kauth(['login', 'clean', `--token-cache-dir=${cacheDir}`]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readdirSync(cacheDir), ['notes.txt']);
    for (const [args, msg] of [
      [['login', '--oidc-client-id=x'], /--oidc-issuer-url is required/],
      [
        ['login', '--oidc-issuer-url=http://idp.example.com', '--oidc-client-id=x', `--token-cache-dir=${cacheDir}`],
        /must be https/,
      ],
      [
        ['login', '--oidc-issuer-url=https://x', '--oidc-client-id=x', '--grant-type=authcode-keyboard'],
        /not supported/,
      ],
    ] as const) {
      const bad = kauth([...args]);
      assert.equal(bad.code, 1);
      assert.match(bad.err, msg);
      assert.equal(bad.err.trim().split('\n').length, 1, bad.err);
    }
  });
});

describe('kubectl with the kauth login exec plugin against kauth up trusting the provider', () => {
  let idp: TestOpenIdProvider;
  let c: Cluster;
  before(async () => {
    idp = await startTestOpenIdProvider({ users: { alice: { email: 'alice@example.com', groups: ['devs'] } } });
    c = await startCluster({
      args: [
        ...FAST_PKI,
        '--oidc-issuer-url',
        idp.issuer,
        '--oidc-client-id',
        idp.clientId,
        '--oidc-ca-file',
        idp.caFile,
        '--oidc-username-claim',
        'email',
        '--oidc-groups-claim',
        'groups',
      ],
    });
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
    await idp.stop();
  });

  it('kauth kubeconfig oidc writes the exec user; kubectl auth whoami runs the login and shows the mapped identity', async () => {
    const kubeconfig = join(c.dir, 'oidc.conf');
    const cacheDir = join(c.dir, 'oidc-cache');
    const w = kauth([
      'kubeconfig',
      'oidc',
      '--cluster-name',
      'kauth-e2e',
      '--server',
      c.server,
      '--certificate-authority',
      c.caFile,
      '--oidc-issuer-url',
      idp.issuer,
      '--oidc-client-id',
      idp.clientId,
      '--oidc-ca-file',
      idp.caFile,
      '--oidc-extra-scope',
      'email,groups',
      '--grant-type',
      'authcode',
      '--login-arg=--listen-address=127.0.0.1:0',
      '--login-arg=--skip-open-browser',
      `--login-arg=--token-cache-dir=${cacheDir}`,
      '--kubeconfig',
      kubeconfig,
    ]);
    assert.equal(w.code, 0, w.err);
    assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
    const doc = parse(readFileSync(kubeconfig, 'utf8'));
    assert.equal(doc['current-context'], 'oidc@kauth-e2e');
    const exec = doc.users[0].user.exec;
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(exec.interactiveMode, 'IfAvailable');
    assert.equal(exec.provideClusterInfo, false);
    assert.ok(exec.args.includes('login'));
    assert.ok(exec.args.includes(`--oidc-issuer-url=${idp.issuer}`));

    // kubectl runs the plugin, which prints the login URL on kubectl's stderr; the user logs in in the "browser".
    const env = envWithoutDisplay({ HOME: join(c.dir, '.home-oidc') });
    const whoami = start(KUBECTL, ['--kubeconfig', kubeconfig, 'auth', 'whoami', '-o', 'json'], env);
    const url = (await whoami.stderrMatch(AUTH_URL))[1]!;
    assert.equal((await idp.loginThroughForm(url, 'alice')).status, 200);
    const run = await whoami.done;
    assert.equal(run.code, 0, run.err);
    const user = JSON.parse(run.out).status.userInfo;
    assert.equal(user.username, 'alice@example.com'); // email claim: no issuer prefix, as kube-apiserver does
    assert.deepEqual([...user.groups].sort(), ['devs', 'system:authenticated']);

    // RBAC decides on the provider's groups; the plugin now answers from its cache.
    assert.equal(
      kubectl(c, ['create', 'clusterrolebinding', 'devs-view', '--clusterrole=view', '--group=devs']).code,
      0,
    );
    const before = idp.requests.length;
    const get = await start(
      KUBECTL,
      ['--kubeconfig', kubeconfig, 'get', 'serviceaccounts', '-n', 'default', '-o', 'name'],
      env,
    ).done;
    assert.equal(get.code, 0, get.err);
    assert.match(get.out, /serviceaccount\/default/);
    const denied = await start(KUBECTL, ['--kubeconfig', kubeconfig, 'create', 'namespace', 'nope'], env).done;
    assert.equal(denied.code, 1);
    assert.match(denied.err, /User "alice@example.com" cannot create resource "namespaces"/);
    assert.deepEqual(
      idp.requests.slice(before).filter((r) => !r.includes('jwks') && !r.includes('.well-known')),
      [],
      'the exec plugin did not call the provider (only the API server may fetch discovery/JWKS)',
    );
  });
});
