// `kauth gateway` end to end: two real kauth clusters (east, west) behind one gateway, users signing in to the
// gateway with client certificates from their own CA, and the real kubectl v1.35 through it. Each cluster's
// RBAC decides; inbound Impersonate-* never reaches a cluster unchecked; --as is checked by the target cluster;
// watches stream; a cluster that dies ends its watches and leaves the other serving.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  freePort,
  kauth,
  KUBECTL,
  kubeconfigFor,
  kubectl,
  request,
  ROOT,
  sleep,
  startCluster,
  type Cluster,
  type Who,
} from './harness.js';
import { startTestOpenIdProvider, type TestOpenIdProvider } from '../support/oidc-provider.js';
import {
  FAKE_POD,
  FAKE_POD_PAGE,
  FAKE_POD_PORT,
  startStreamingUpstream,
  type StreamingUpstream,
} from '../support/streaming-upstream.js';

const SSR_PATH = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const SSR = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };

const GATEWAY_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kauth-gateway}
rules:
- {apiGroups: [""], resources: [users, groups, serviceaccounts], verbs: [impersonate]}
# uids and every userextras/<key>: RBAC matches a subresource only by its full name or "*"
- {apiGroups: [authentication.k8s.io], resources: ["*"], verbs: [impersonate]}
- {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
- {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kauth-gateway}
subjects: [{kind: User, name: kauth-gateway, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kauth-gateway}
`;
const EAST_RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: devs}
rules:
- {apiGroups: [""], resources: [pods, configmaps], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: devs}
subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: devs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-bob}
rules: [{apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [bob]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: alice-impersonates-bob}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-bob}
`;
/** West lets devs watch configmaps only (so a watch can be cut by stopping west), never list pods. */
const WEST_RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: devs-configmaps}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: devs-configmaps}
subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: devs-configmaps}
`;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** The users' CA (not any cluster's) and one client certificate per user, made with openssl. */
function usersCa(dir: string) {
  const f = (n: string) => join(dir, n);
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('users-ca.key'),
    '-out',
    f('users-ca.crt'),
    '-subj',
    '/CN=gateway-users-ca',
    '-days',
    '1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  writeFileSync(
    f('client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  const issue = (user: string, groups: string[]) => {
    const subj = `/CN=${user}${groups.map((g) => `/O=${g}`).join('')}`;
    openssl(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      f(`${user}.key`),
      '-subj',
      subj,
      '-out',
      f(`${user}.csr`),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      f(`${user}.csr`),
      '-CA',
      f('users-ca.crt'),
      '-CAkey',
      f('users-ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      f('client.ext'),
      '-out',
      f(`${user}.crt`),
    );
    return {
      certFile: f(`${user}.crt`),
      keyFile: f(`${user}.key`),
      cert: readFileSync(f(`${user}.crt`)),
      key: readFileSync(f(`${user}.key`)),
    };
  };
  return { caFile: f('users-ca.crt'), caKeyFile: f('users-ca.key'), issue };
}

/** Waits until `pred` holds or `ms` pass. */
async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (pred()) return true;
    await sleep(50);
  }
  return pred();
}

interface Ran {
  code: number;
  out: string;
  err: string;
}

/**
 * A process run without blocking the event loop (the test doubles in this process must keep answering), killed
 * after `timeoutMs`; `onStderr` sees the error output as it grows.
 */
function runAsync(
  cmd: string,
  args: string[],
  o: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; onStderr?: (err: string) => void } = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { env: o.env ?? process.env });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.stderr.on('data', (d) => {
      err += d;
      o.onStderr?.(err);
    });
    const t = setTimeout(() => c.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    c.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? 1, out, err });
    });
    c.stdin.end(o.input ?? '');
  });
}

function runKubectl(kubeconfig: string, args: string[]): Promise<Ran> {
  return runAsync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {
    env: { ...process.env, HOME: join(dirname(kubeconfig), '.home') },
  });
}

interface Watch {
  child: ChildProcess;
  out: () => string;
  exited: () => boolean;
}
function startWatch(kubeconfig: string, args: string[]): Watch {
  const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], {
    env: { ...process.env, HOME: join(dirname(kubeconfig), '.home') },
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  return { child, out: () => out, exited: () => child.exitCode !== null || child.signalCode !== null };
}

/**
 * TEST DOUBLE — a minimal OpenID issuer (discovery + JWKS over HTTPS) and a token it signed, standing in for
 * Keycloak: enough for the gateway's JWT authenticator (src/authn/jwt) to discover keys and verify the token.
 */
async function startTestIssuer(dir: string, caFile: string, caKey: string, claims: Record<string, unknown>) {
  const f = (n: string) => join(dir, n);
  writeFileSync(f('idp.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('idp.key'),
    '-subj',
    '/CN=127.0.0.1',
    '-out',
    f('idp.csr'),
  );
  openssl(
    'x509',
    '-req',
    '-in',
    f('idp.csr'),
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    f('idp.ext'),
    '-out',
    f('idp.crt'),
  );
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const server = https.createServer(
    { cert: readFileSync(f('idp.crt')), key: readFileSync(f('idp.key')) },
    (req, res) => {
      const send = (o: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(o));
      };
      if (req.url === '/.well-known/openid-configuration') {
        return send({
          issuer: url,
          jwks_uri: `${url}/keys`,
          authorization_endpoint: `${url}/auth`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      if (req.url === '/keys')
        return send({ keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
      res.writeHead(404);
      return res.end();
    },
  );
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const signed = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64({ iss: url, aud: 'kauth-gateway', iat: now - 5, exp: now + 3600, ...claims })}`;
  const token = `${signed}.${sign('sha256', Buffer.from(signed), keys.privateKey).toString('base64url')}`;
  return {
    url,
    token,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** `kauth gateway` from the compiled CLI, waited for until it says it is ready. */
async function startGateway(
  config: string,
  dataDir: string,
  port: number,
  flags: string[] = [],
): Promise<{ child: ChildProcess; server: string; caFile: string }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'gateway', '--config', config, '--data-dir', dataDir, ...flags],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KAUTH_LOG_LEVEL: 'warn' } },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  assert.ok(await until(() => out.includes('kauth gateway is ready') || child.exitCode !== null, 20_000), out);
  assert.equal(child.exitCode, null, out);
  return { child, server: `https://127.0.0.1:${port}`, caFile: join(dataDir, 'pki', 'gateway-ca.crt') };
}

describe('kauth gateway: one sign-in, many clusters', () => {
  let dir: string;
  let east: Cluster;
  let west: Cluster;
  let gw: ChildProcess;
  let G: { server: string; caFile: string };
  let alice: Who;
  let aliceConf: string;
  let auditFile: string;
  let issuer: Awaited<ReturnType<typeof startTestIssuer>>;
  let idp: TestOpenIdProvider;
  let config: string;
  let dataDir: string;
  const watches: ChildProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kauth-gateway-'));
    [east, west] = await Promise.all([startCluster(), startCluster()]);
    let k = kubectl(east, ['apply', '-f', '-'], { input: `${GATEWAY_ROLE}---\n${EAST_RBAC}` });
    assert.equal(k.code, 0, k.err);
    k = kubectl(west, ['apply', '-f', '-'], { input: `${GATEWAY_ROLE}---\n${WEST_RBAC}` });
    assert.equal(k.code, 0, k.err);

    const users = usersCa(dir);
    const aliceCert = users.issue('alice', ['devs']);
    alice = { cert: aliceCert };
    idp = await startTestOpenIdProvider({
      users: { dave: { email: 'dave@example.com', email_verified: true, groups: ['devs'] } },
    });
    issuer = await startTestIssuer(dir, users.caFile, users.caKeyFile, {
      sub: 'carol-1',
      email: 'carol@example.com',
      email_verified: true,
      groups: ['devs'],
    });
    auditFile = join(dir, 'audit', 'gateway-audit.log');
    const port = await freePort();
    config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      `apiVersion: gateway.kauth.dev/v1alpha1
kind: GatewayConfiguration
listen: 127.0.0.1:${port}
authentication:
  clientCAFile: ${users.caFile}
  jwt:
  - issuer: {url: ${issuer.url}, audiences: [kauth-gateway], certificateAuthority: ${JSON.stringify(readFileSync(users.caFile, 'utf8'))}}
    claimMappings: {username: {claim: email, prefix: ""}, groups: {claim: groups, prefix: ""}}
  - issuer: {url: ${idp.issuer}, audiences: [${idp.clientId}], certificateAuthority: ${JSON.stringify(idp.caPem)}}
    claimMappings: {username: {claim: email, prefix: ""}, groups: {claim: groups, prefix: ""}}
clusters:
- {name: east, kubeconfig: ${kubeconfigFor(east, 'kauth-gateway')}}
- {name: west, kubeconfig: ${kubeconfigFor(west, 'kauth-gateway')}}
audit: {path: ${auditFile}, maxSize: 64Ki, maxBackups: 2}
`,
    );
    dataDir = join(dir, 'gwdata');
    const started = await startGateway(config, dataDir, port);
    gw = started.child;
    G = { server: started.server, caFile: started.caFile };

    // The user's kubeconfig: one context per cluster, written by `kauth gateway kubeconfig`.
    aliceConf = join(dir, 'alice.conf');
    const r = kauth([
      'gateway',
      'kubeconfig',
      '--user',
      'alice',
      '--server',
      G.server,
      '--config',
      config,
      '--data-dir',
      dataDir,
      '--client-certificate',
      aliceCert.certFile,
      '--client-key',
      aliceCert.keyFile,
      '--namespace',
      'default',
      '-o',
      aliceConf,
    ]);
    assert.equal(r.code, 0, r.err);
  });

  after(async () => {
    for (const w of watches) w.kill('SIGKILL');
    gw?.kill('SIGTERM');
    // west may already be dead (SIGKILLed by the last test): stop() would wait for an exit that has happened.
    await Promise.all([
      east?.stop(),
      west && west.child.exitCode === null && west.child.signalCode === null ? west.stop() : undefined,
    ]);
    east?.cleanup();
    west?.cleanup();
    await issuer?.close();
    await idp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates its serving CA and key under --data-dir/pki, the key 0600', () => {
    assert.equal(statSync(join(dir, 'gwdata', 'pki', 'gateway.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'gwdata', 'pki', 'gateway-ca.key')).mode & 0o777, 0o600);
  });

  it('kubectl auth whoami through the gateway shows the caller on each cluster, with the original-user extra', async () => {
    for (const ctx of ['east@gateway', 'west@gateway']) {
      const k = await runKubectl(aliceConf, ['--context', ctx, 'auth', 'whoami', '-o', 'json']);
      assert.equal(k.code, 0, k.err);
      const u = JSON.parse(k.out).status.userInfo;
      assert.equal(u.username, 'alice');
      assert.deepEqual(u.groups, ['devs', 'system:authenticated']);
      assert.deepEqual(u.extra['authentication.kauth.io/original-user'], ['alice']);
    }
  });

  it("an OIDC user (JWT from the issuer) reaches both clusters as themselves, and each cluster's RBAC decides", async () => {
    const conf = join(dir, 'carol.conf');
    writeFileSync(
      conf,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'east',
        clusters: ['east', 'west'].map((c) => ({
          name: c,
          cluster: { server: `${G.server}/clusters/${c}`, 'certificate-authority': G.caFile },
        })),
        users: [{ name: 'carol', user: { token: issuer.token } }],
        contexts: ['east', 'west'].map((c) => ({
          name: c,
          context: { cluster: c, user: 'carol', namespace: 'default' },
        })),
      }),
    );
    for (const ctx of ['east', 'west']) {
      const k = await runKubectl(conf, ['--context', ctx, 'auth', 'whoami', '-o', 'json']);
      assert.equal(k.code, 0, k.err);
      const u = JSON.parse(k.out).status.userInfo;
      assert.equal(u.username, 'carol@example.com');
      assert.deepEqual(u.groups, ['devs', 'system:authenticated']);
    }
    let k = await runKubectl(conf, ['--context', 'east', 'get', 'pods']);
    assert.equal(k.code, 0, k.err);
    k = await runKubectl(conf, ['--context', 'west', 'get', 'pods']);
    assert.match(
      k.err,
      /pods is forbidden: User "carol@example.com" cannot list resource "pods" in API group "" in the namespace "default"/,
    );
    const r = await request(G, { path: '/clusters/east/api', who: { token: `${issuer.token.slice(0, -4)}AAAA` } });
    assert.equal(r.code, 401, 'a token with a bad signature');
  });

  it('speaks HTTP/2 to clients that negotiate it (as kubectl does), streaming included', async () => {
    const session = http2.connect(G.server, {
      ca: readFileSync(G.caFile),
      cert: alice.cert!.cert,
      key: alice.cert!.key,
    });
    try {
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const s = session.request({ ':path': path, accept: 'application/json' });
          let status = 0;
          let body = '';
          s.on('response', (h) => {
            status = Number(h[':status']);
          });
          s.on('data', (d) => {
            body += d;
          });
          s.on('end', () => resolve({ status, body }));
          s.on('error', reject);
        });
      const list = await get('/clusters/east/api/v1/namespaces/default/configmaps');
      assert.equal(list.status, 200, list.body);
      assert.equal(JSON.parse(list.body).kind, 'ConfigMapList');
      const forbidden = await get('/clusters/west/api/v1/namespaces/default/pods');
      assert.equal(forbidden.status, 403, forbidden.body);
    } finally {
      session.close();
    }
    // kubectl (Go's transport) negotiates HTTP/2 with the gateway: its http2 debug log shows the frames.
    const k = await new Promise<{ code: number; err: string }>((resolve) => {
      const c = spawn(KUBECTL, ['--kubeconfig', aliceConf, '--context', 'east@gateway', 'get', 'configmaps'], {
        env: { ...process.env, HOME: join(dir, '.home-h2'), GODEBUG: 'http2debug=1' },
      });
      let err = '';
      c.stderr.on('data', (d) => {
        err += d;
      });
      c.on('close', (code) => resolve({ code: code ?? 1, err }));
    });
    assert.equal(k.code, 0, k.err.slice(-2000));
    assert.match(k.err, /http2: Transport received HEADERS/);
  });

  it('a user who signs in once with kauth login (a real OpenID provider) reaches both clusters through the gateway', async () => {
    const conf = join(dir, 'dave.conf');
    const w = kauth([
      'gateway',
      'kubeconfig',
      '--user',
      'dave',
      '--server',
      G.server,
      '--config',
      config,
      '--data-dir',
      dataDir,
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
      `--login-arg=--token-cache-dir=${join(dir, 'login-cache')}`,
      '--namespace',
      'default',
      '-o',
      conf,
    ]);
    assert.equal(w.code, 0, w.err);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(dir, '.home-dave') };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const run = (args: string[], onStderr?: (err: string) => void) =>
      runAsync(KUBECTL, ['--kubeconfig', conf, ...args], { env, timeoutMs: 60_000, ...(onStderr ? { onStderr } : {}) });
    // The first command logs in: kubectl shows the plugin's URL, the user logs in in the "browser".
    let loggedIn: Promise<unknown> | undefined;
    const first = await run(['--context', 'east@gateway', 'auth', 'whoami', '-o', 'json'], (err) => {
      const m = /Open this URL in your browser to log in:\s+(https:\/\/\S+)/.exec(err);
      if (m && !loggedIn) loggedIn = idp.loginThroughForm(m[1]!, 'dave');
    });
    assert.equal(first.code, 0, first.err);
    assert.equal(JSON.parse(first.out).status.userInfo.username, 'dave@example.com');
    // Signed in once: the other cluster, from the plugin's cache.
    const second = await run(['--context', 'west@gateway', 'auth', 'whoami', '-o', 'json']);
    assert.equal(second.code, 0, second.err);
    const u = JSON.parse(second.out).status.userInfo;
    assert.equal(u.username, 'dave@example.com');
    assert.deepEqual(u.groups, ['devs', 'system:authenticated']);
    assert.doesNotMatch(second.err, /Open this URL/);
    assert.equal((await run(['--context', 'east@gateway', 'get', 'pods'])).code, 0);
    assert.match(
      (await run(['--context', 'west@gateway', 'get', 'pods'])).err,
      /User "dave@example.com" cannot list resource "pods"/,
    );
  });

  it("each cluster's own RBAC decides", async () => {
    let k = await runKubectl(aliceConf, ['--context', 'east@gateway', 'get', 'pods']);
    assert.equal(k.code, 0, k.err);
    k = await runKubectl(aliceConf, ['--context', 'west@gateway', 'get', 'pods']);
    assert.notEqual(k.code, 0);
    assert.match(
      k.err,
      /Error from server \(Forbidden\): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/,
    );
  });

  it("GET /clusters lists the clusters; no credential is kube's 401", async () => {
    let r = await request(G, { path: '/clusters', who: alice });
    assert.equal(r.code, 200, r.text);
    assert.deepEqual(
      r.json.items.map((i: { name: string }) => i.name),
      ['east', 'west'],
    );
    assert.equal(r.json.items[0].server, `${G.server}/clusters/east`);
    r = await request(G, { path: '/clusters/east/api/v1/namespaces/default/pods' });
    assert.equal(r.code, 401);
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    r = await request(G, { path: '/clusters/north/api', who: alice });
    assert.equal(r.code, 404);
    r = await request(G, { path: '/clusters/east/readyz' });
    assert.equal(r.code, 200, r.text);
  });

  it('never lets an inbound Impersonate-* header reach a cluster unchecked, in any spelling', async () => {
    const cases: { name: string; headers: Record<string, string | string[]> }[] = [
      { name: 'canonical user', headers: { 'Impersonate-User': 'kubernetes-admin' } },
      { name: 'lower case', headers: { 'impersonate-user': 'kubernetes-admin' } },
      { name: 'upper case', headers: { 'IMPERSONATE-USER': 'kubernetes-admin' } },
      { name: 'mixed case', headers: { 'iMpErSoNaTe-uSeR': 'kubernetes-admin' } },
      { name: 'group alone', headers: { 'Impersonate-Group': 'system:masters' } },
      {
        name: 'self plus masters group',
        headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': 'system:masters' },
      },
      { name: 'duplicated user header', headers: { 'Impersonate-User': ['alice', 'kubernetes-admin'] } },
      {
        name: 'duplicated group header',
        headers: { 'Impersonate-User': 'alice', 'impersonate-group': ['devs', 'system:masters'] },
      },
      { name: 'uid', headers: { 'Impersonate-Uid': 'admin-uid' } },
      { name: 'extra', headers: { 'Impersonate-Extra-Scopes': 'admin' } },
      {
        name: 'forged original-user extra',
        headers: { 'Impersonate-User': 'bob', 'Impersonate-Extra-authentication.kauth.io%2Foriginal-user': 'mallory' },
      },
    ];
    const plain = await request(G, { method: 'POST', path: `/clusters/east${SSR_PATH}`, who: alice, body: SSR });
    assert.equal(plain.code, 201, plain.text);
    assert.equal(plain.json.status.userInfo.username, 'alice');
    for (const c of cases) {
      const r = await request(G, {
        method: 'POST',
        path: `/clusters/east${SSR_PATH}`,
        who: alice,
        headers: c.headers,
        body: SSR,
      });
      const u = r.json?.status?.userInfo ?? {};
      const refused = r.code === 400 || r.code === 403;
      const asAlice =
        r.code === 201 &&
        u.username === 'alice' &&
        !(u.groups ?? []).includes('system:masters') &&
        JSON.stringify(u.extra?.['authentication.kauth.io/original-user']) === '["alice"]';
      assert.ok(refused || asAlice, `${c.name}: ${r.code} ${r.text}`);
    }
    const r = await request(G, {
      path: '/clusters/east/api/v1/namespaces/kube-system/secrets',
      who: alice,
      headers: { 'Impersonate-User': 'kubernetes-admin', 'Impersonate-Group': 'system:masters' },
    });
    assert.equal(r.code, 403, r.text);
  });

  it("kubectl --as works when the cluster lets the caller impersonate, and is kube's 403 when not", async () => {
    let k = await runKubectl(aliceConf, ['--context', 'east@gateway', '--as', 'bob', 'auth', 'whoami', '-o', 'json']);
    assert.equal(k.code, 0, k.err);
    const u = JSON.parse(k.out).status.userInfo;
    assert.equal(u.username, 'bob');
    assert.deepEqual(u.extra['authentication.kauth.io/original-user'], ['alice']);
    k = await runKubectl(aliceConf, ['--context', 'east@gateway', '--as', 'carol', 'get', 'pods']);
    assert.notEqual(k.code, 0);
    assert.match(
      k.err,
      /users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope/,
    );
    const r = await request(G, {
      method: 'POST',
      path: `/clusters/west${SSR_PATH}`,
      who: alice,
      headers: { 'Impersonate-User': 'bob' },
      body: SSR,
    });
    assert.equal(r.code, 403);
    assert.equal(
      r.json.message,
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    assert.equal(r.json.reason, 'Forbidden');
  });

  it('passes a service-account token of the target cluster through untouched (TokenReview there)', async () => {
    for (const args of [
      ['create', 'sa', 'robot'],
      ['create', 'rolebinding', 'robot-view', '--clusterrole=view', '--serviceaccount=default:robot'],
    ]) {
      const k = kubectl(east, args);
      assert.equal(k.code, 0, k.err);
    }
    const token = kubectl(east, ['create', 'token', 'robot']).out.trim();
    let r = await request(G, { method: 'POST', path: `/clusters/east${SSR_PATH}`, who: { token }, body: SSR });
    assert.equal(r.code, 201, r.text);
    assert.equal(r.json.status.userInfo.username, 'system:serviceaccount:default:robot');
    r = await request(G, { path: '/clusters/east/api/v1/namespaces/default/configmaps', who: { token } });
    assert.equal(r.code, 200, r.text);
    // The same token means nothing to west.
    r = await request(G, { path: '/clusters/west/api/v1/namespaces/default/configmaps', who: { token } });
    assert.equal(r.code, 401, r.text);
  });

  it('streams kubectl get -w through the gateway', async () => {
    const w = startWatch(aliceConf, ['--context', 'east@gateway', 'get', 'configmaps', '-w', '-o', 'name']);
    watches.push(w.child);
    await until(() => w.out().length > 0, 8000);
    const k = kubectl(east, ['create', 'configmap', 'gw-stream-probe', '--from-literal=a=b']);
    assert.equal(k.code, 0, k.err);
    assert.ok(await until(() => w.out().includes('configmap/gw-stream-probe'), 5000), w.out());
    w.child.kill('SIGKILL');
  });

  it('audits each request in one JSON line, with no secret in the file', () => {
    const lines = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const asBob = lines.find((l) => l.cluster === 'east' && l.user?.username === 'bob');
    assert.ok(asBob, 'a line for --as bob');
    assert.equal(asBob.caller.username, 'alice');
    assert.equal(asBob.originalUser, 'alice');
    assert.equal(asBob.impersonated, true);
    assert.equal(asBob.verb, 'create');
    assert.ok(lines.some((l) => l.cluster === 'west' && l.code === 403 && l.caller.username === 'alice'));
    assert.ok(lines.some((l) => l.passthrough === true && l.caller.username === 'system:serviceaccount:default:robot'));
    const text = readFileSync(auditFile, 'utf8');
    assert.doesNotMatch(text, /BEGIN|eyJ|Bearer/);
    assert.equal(statSync(auditFile).mode & 0o777, 0o600);
  });

  it('a cluster stopped mid-watch ends that watch; the other keeps serving; the dead one is a quick 503 naming it', async () => {
    const w = startWatch(aliceConf, ['--context', 'west@gateway', 'get', 'configmaps', '-w', '-o', 'name']);
    watches.push(w.child);
    const e = startWatch(aliceConf, ['--context', 'east@gateway', 'get', 'configmaps', '-w', '-o', 'name']);
    watches.push(e.child);
    assert.ok(
      await until(() => w.out().includes('configmap/') && e.out().includes('configmap/'), 8000),
      w.out() + e.out(),
    );
    await west.stop('SIGKILL');
    assert.ok(await until(w.exited, 10_000), `the west watch is still running: ${w.out()}`);
    assert.equal(e.exited(), false, 'the east watch ended with west');
    const t0 = Date.now();
    const r = await request(G, { path: '/clusters/west/api/v1/namespaces/default/configmaps', who: alice });
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(r.code, 503, r.text);
    assert.equal(r.json.kind, 'Status');
    assert.match(r.json.message, /cluster "west" is unavailable/);
    const ready = await request(G, { path: '/clusters/west/readyz' });
    assert.equal(ready.code, 503, ready.text);
    const k = await runKubectl(aliceConf, ['--context', 'east@gateway', 'get', 'pods']);
    assert.equal(k.code, 0, k.err);
    kubectl(east, ['create', 'configmap', 'gw-after-west']);
    assert.ok(await until(() => e.out().includes('configmap/gw-after-west'), 5000), e.out());
    e.child.kill('SIGKILL');
  });
});

describe('kauth gateway: kubectl exec and port-forward over WebSocket and SPDY/3.1, against a streaming test double', () => {
  let dir: string;
  let upstream: StreamingUpstream;
  let gw: ChildProcess;
  let aliceConf: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kauth-gateway-exec-'));
    const f = (n: string) => join(dir, n);
    // The double's CA, its serving certificate, and the gateway's client certificate there.
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      f('up-ca.key'),
      '-out',
      f('up-ca.crt'),
      '-subj',
      '/CN=upstream-ca',
      '-days',
      '1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const leaf = (name: string, subj: string, ext: string) => {
      writeFileSync(f(`${name}.ext`), ext);
      openssl(
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        f(`${name}.key`),
        '-subj',
        subj,
        '-out',
        f(`${name}.csr`),
      );
      openssl(
        'x509',
        '-req',
        '-in',
        f(`${name}.csr`),
        '-CA',
        f('up-ca.crt'),
        '-CAkey',
        f('up-ca.key'),
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        f(`${name}.ext`),
        '-out',
        f(`${name}.crt`),
      );
    };
    leaf('up', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    leaf('gw-client', '/CN=kauth-gateway', 'extendedKeyUsage=clientAuth\n');
    upstream = await startStreamingUpstream({
      cert: readFileSync(f('up.crt'), 'utf8'),
      key: readFileSync(f('up.key'), 'utf8'),
    });
    writeFileSync(
      f('pods-gateway.conf'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'c',
        clusters: [{ name: 'c', cluster: { server: upstream.server, 'certificate-authority': f('up-ca.crt') } }],
        users: [{ name: 'gw', user: { 'client-certificate': f('gw-client.crt'), 'client-key': f('gw-client.key') } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'gw' } }],
      }),
    );
    const users = usersCa(dir);
    const aliceCert = users.issue('alice', ['devs']);
    const port = await freePort();
    writeFileSync(
      f('gateway.yaml'),
      `apiVersion: gateway.kauth.dev/v1alpha1
kind: GatewayConfiguration
listen: 127.0.0.1:${port}
authentication: {clientCAFile: ${users.caFile}}
clusters: [{name: pods, kubeconfig: ${f('pods-gateway.conf')}}]
`,
    );
    const started = await startGateway(f('gateway.yaml'), f('gwdata'), port);
    gw = started.child;
    aliceConf = f('alice.conf');
    const r = kauth([
      'gateway',
      'kubeconfig',
      '--user',
      'alice',
      '--server',
      started.server,
      '--cluster',
      'pods',
      '--data-dir',
      f('gwdata'),
      '--client-certificate',
      aliceCert.certFile,
      '--client-key',
      aliceCert.keyFile,
      '--namespace',
      'default',
      '-o',
      aliceConf,
    ]);
    assert.equal(r.code, 0, r.err);
  });

  after(async () => {
    gw?.kill('SIGTERM');
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl exec runs the command and relays its output; the upgrade reached the cluster as alice', async () => {
    const k = await runKubectl(aliceConf, ['exec', FAKE_POD, '--', 'echo', 'hello', 'through', 'the', 'gateway']);
    assert.equal(k.code, 0, k.err);
    assert.equal(k.out, 'hello through the gateway\n');
    const upgrade = upstream.seen.find((r) => r.path.includes('/exec'));
    assert.ok(upgrade, 'the exec upgrade reached the upstream');
    assert.equal(upgrade.headers.upgrade?.toLowerCase(), 'websocket');
    assert.match(String(upgrade.headers['sec-websocket-protocol']), /v5\.channel\.k8s\.io/);
    assert.equal(upgrade.headers['impersonate-user'], 'alice');
    assert.deepEqual(upgrade.distinct['impersonate-group'], ['devs']);
    assert.equal(upgrade.headers.authorization, undefined);
  });

  /** kubectl with stdin, over WebSocket (kubectl's default) or SPDY/3.1 (the fallback, and older kubectls). */
  const kubectlWithInput = (args: string[], input: string, transport: 'websocket' | 'spdy') =>
    runAsync(KUBECTL, ['--kubeconfig', aliceConf, ...args], {
      input,
      env: {
        ...process.env,
        HOME: join(dir, '.home'),
        ...(transport === 'spdy'
          ? { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }
          : {}),
      },
    });

  for (const transport of ['websocket', 'spdy'] as const) {
    it(`kubectl exec -i over ${transport} streams stdin to the container and its output back, byte for byte`, async () => {
      const input = `ping over ${transport} ${'x'.repeat(70_000)}\nsecond line\n`;
      const k = await kubectlWithInput(['exec', '-i', FAKE_POD, '--', 'cat'], input, transport);
      assert.equal(k.code, 0, k.err);
      assert.equal(k.out, input);
    });

    it(`kubectl port-forward over ${transport}: curl reaches the pod's port through the gateway`, async () => {
      const local = await freePort();
      const env = {
        ...process.env,
        HOME: join(dir, '.home'),
        ...(transport === 'spdy' ? { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } : {}),
      };
      const before = upstream.seen.length;
      const pf = spawn(
        KUBECTL,
        ['--kubeconfig', aliceConf, 'port-forward', `pod/${FAKE_POD}`, `${local}:${FAKE_POD_PORT}`],
        { env },
      );
      try {
        await new Promise<void>((resolve, reject) => {
          let out = '';
          const t = setTimeout(() => reject(new Error(`port-forward did not start: ${out}`)), 20_000);
          pf.stdout.on('data', (d) => {
            out += d;
            if (out.includes('Forwarding from')) {
              clearTimeout(t);
              resolve();
            }
          });
          pf.stderr.on('data', (d) => {
            out += d;
          });
          pf.on('exit', () => reject(new Error(`port-forward exited: ${out}`)));
        });
        // Two connections in a row: each is its own pair of streams on the one upgraded connection.
        for (let i = 0; i < 2; i++) {
          // curl runs asynchronously: the test double answers from this process's event loop.
          const r = await runAsync('curl', ['-sS', '--max-time', '10', `http://127.0.0.1:${local}/`]);
          assert.equal(r.code, 0, r.err);
          assert.equal(r.out, FAKE_POD_PAGE);
        }
      } finally {
        pf.kill('SIGTERM');
      }
      const upgrade = upstream.seen.slice(before).find((r) => r.path.includes('/portforward'));
      assert.ok(upgrade, 'the port-forward upgrade reached the upstream');
      if (transport === 'websocket')
        assert.equal(upgrade.headers['sec-websocket-protocol'], 'SPDY/3.1+portforward.k8s.io');
      else assert.equal(upgrade.headers.upgrade, 'SPDY/3.1');
      assert.equal(upgrade.headers['impersonate-user'], 'alice');
      assert.equal(upgrade.headers.authorization, undefined);
    });
  }

  it('kubectl exec over SPDY/3.1 runs the command; the upgrade carried the stream protocols and alice', async () => {
    const k = await kubectlWithInput(['exec', FAKE_POD, '--', 'echo', 'over', 'spdy'], '', 'spdy');
    assert.equal(k.code, 0, k.err);
    assert.equal(k.out, 'over spdy\n');
    const spdy = upstream.seen.find((r) => r.headers.upgrade === 'SPDY/3.1' && r.path.includes('/exec'));
    assert.ok(spdy, 'the SPDY upgrade reached the upstream');
    assert.ok(
      (spdy.distinct['x-stream-protocol-version'] ?? []).includes('v4.channel.k8s.io'),
      JSON.stringify(spdy.distinct),
    );
    assert.equal(spdy.headers['impersonate-user'], 'alice');
  });

  it("a failing command's status comes back through the gateway (exit code non-zero, the pod's message)", async () => {
    const k = await kubectlWithInput(['exec', FAKE_POD, '--', 'no-such-command'], '', 'spdy');
    assert.notEqual(k.code, 0);
    assert.match(k.err, /command not found: no-such-command/);
  });

  it('inbound Impersonate-* on an upgrade is checked by the cluster (an unreachable check is refused, not skipped)', async () => {
    const k = await runKubectl(aliceConf, ['--as', 'admin', 'exec', FAKE_POD, '--', 'echo', 'no']);
    assert.notEqual(k.code, 0);
    assert.ok(!upstream.seen.some((r) => r.headers['impersonate-user'] === 'admin'), 'admin reached the upstream');
  });
});

describe('kauth gateway: webhook token authentication (a kauth cluster as the TokenReview webhook), flags, and the access policy', () => {
  let dir: string;
  let hub: Cluster;
  let gw: ChildProcess;
  let G: { server: string; caFile: string };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kauth-gateway-webhook-'));
    mkdirSync(join(dir, 'hub'));
    // Static tokens known only to the hub cluster: the gateway learns who they are through the webhook.
    writeFileSync(
      join(dir, 'hub', 'tokens.csv'),
      'hank-token-0123456789,hank,u-hank,"devs"\nivy-token-0123456789,ivy,u-ivy,"ops"\n',
    );
    hub = await startCluster({ dir: join(dir, 'hub'), args: ['--token-auth-file', join(dir, 'hub', 'tokens.csv')] });
    const k = kubectl(hub, ['apply', '-f', '-'], { input: `${GATEWAY_ROLE}---\n${EAST_RBAC}` });
    assert.equal(k.code, 0, k.err);
    // kube's webhook client POSTs to the kubeconfig's server URL as it is: the TokenReview endpoint itself.
    const gatewayConf = JSON.parse(readFileSync(kubeconfigFor(hub, 'kauth-gateway'), 'utf8'));
    gatewayConf.clusters[0].cluster.server = `${hub.server}/apis/authentication.k8s.io/v1/tokenreviews`;
    writeFileSync(join(dir, 'webhook.conf'), JSON.stringify(gatewayConf));
    const port = await freePort();
    // The file holds only what has no flag (the access policy); the rest comes from kube-style flags.
    writeFileSync(
      join(dir, 'gateway.yaml'),
      `apiVersion: gateway.kauth.dev/v1alpha1
kind: GatewayConfiguration
listen: 127.0.0.1:${port}
access:
- {clusters: [hub], groups: [devs]}
`,
    );
    const started = await startGateway(join(dir, 'gateway.yaml'), join(dir, 'gwdata'), port, [
      '--authentication-token-webhook-config-file',
      join(dir, 'webhook.conf'),
      '--authentication-token-webhook-cache-ttl',
      '30s',
      '--authentication-token-webhook-version',
      'v1',
      '--cluster',
      `hub=${kubeconfigFor(hub, 'kauth-gateway')}`,
    ]);
    gw = started.child;
    G = { server: started.server, caFile: started.caFile };
  });

  after(async () => {
    gw?.kill('SIGTERM');
    await hub?.stop();
    hub?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a token the webhook vouches for reaches the cluster as that user, and the cluster's RBAC decides", async () => {
    const who = { token: 'hank-token-0123456789' };
    let r = await request(G, { method: 'POST', path: `/clusters/hub${SSR_PATH}`, who, body: SSR });
    assert.equal(r.code, 201, r.text);
    assert.equal(r.json.status.userInfo.username, 'hank');
    assert.deepEqual(r.json.status.userInfo.groups, ['devs', 'system:authenticated']);
    assert.deepEqual(r.json.status.userInfo.extra['authentication.kauth.io/original-user'], ['hank']);
    r = await request(G, { path: '/clusters/hub/api/v1/namespaces/default/configmaps', who });
    assert.equal(r.code, 200, r.text);
    r = await request(G, { path: '/clusters/hub/api/v1/namespaces/default/secrets', who });
    assert.equal(r.code, 403, r.text);
    assert.match(r.json.message, /User "hank" cannot list resource "secrets"/);
  });

  it('the access policy keeps a signed-in user out of a cluster no rule names for them (403), and GET /clusters hides it', async () => {
    const who = { token: 'ivy-token-0123456789' };
    let r = await request(G, { path: '/clusters/hub/api/v1/namespaces/default/configmaps', who });
    assert.equal(r.code, 403, r.text);
    assert.equal(r.json.kind, 'Status');
    assert.match(r.json.message, /User "ivy" cannot reach cluster "hub" through the gateway/);
    r = await request(G, { path: '/clusters', who });
    assert.equal(r.code, 200, r.text);
    assert.deepEqual(r.json.items, []);
    r = await request(G, { path: '/clusters', who: { token: 'hank-token-0123456789' } });
    assert.deepEqual(
      r.json.items.map((c: { name: string }) => c.name),
      ['hub'],
    );
  });

  it("a token the webhook does not know is kube's 401", async () => {
    const r = await request(G, {
      path: '/clusters/hub/api/v1/namespaces/default/configmaps',
      who: { token: 'nobody-knows-this-token' },
    });
    assert.equal(r.code, 401, r.text);
    assert.equal(r.json.reason, 'Unauthorized');
  });
});
