// Webhook token authentication against a local HTTPS TokenReview service. The service is a test double
// (the real second kauth is in test/e2e/webhook-and-front-proxy.test.ts); TLS, the kubeconfig, retries,
// timeouts, audiences and the cache are the real code.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWebhookKubeconfig } from '../../../src/webhook/kubeconfig.js';
import { AuthenticationError, type AuthResponse } from '../../../src/authn/interfaces.js';
import {
  createWebhookTokenAuthenticator,
  WebhookTokenAuthenticator,
  type WebhookTokenOptions,
} from '../../../src/authn/webhook-token.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-webhook-token-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
openssl(
  'req',
  '-x509',
  ...EC,
  '-keyout',
  'ca.key',
  '-out',
  'ca.crt',
  '-subj',
  '/CN=webhook-ca',
  '-days',
  '1',
  '-addext',
  'basicConstraints=critical,CA:TRUE',
  '-addext',
  'keyUsage=critical,keyCertSign,cRLSign',
);
openssl('req', '-new', ...EC, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
writeFileSync(join(dir, 'srv.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
openssl(
  'x509',
  '-req',
  '-in',
  'srv.csr',
  '-CA',
  'ca.crt',
  '-CAkey',
  'ca.key',
  '-CAcreateserial',
  '-days',
  '1',
  '-extfile',
  'srv.ext',
  '-out',
  'srv.crt',
);

const TOKEN = 'secret-token-value-0123456789';
const API = 'https://kubernetes.default.svc.cluster.local';

interface Seen {
  path: string;
  authorization?: string;
  review: Record<string, any>;
}
type Reply = (review: Record<string, any>, res: ServerResponse) => void;

/** The TokenReview service double: records what it is sent, answers with the current reply. */
let reply: Reply = () => undefined;
const seen: Seen[] = [];
const server = https.createServer(
  { cert: readFileSync(join(dir, 'srv.crt')), key: readFileSync(join(dir, 'srv.key')) },
  (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, any>;
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, review });
      reply(review, res);
    });
  },
);
let port = 0;
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const json =
  (code: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_review, res) => {
    res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const status = (s: Record<string, unknown>, version = 'v1'): Reply =>
  json(200, { apiVersion: `authentication.k8s.io/${version}`, kind: 'TokenReview', status: s });
const bob = { username: 'bob', uid: 'u-1', groups: ['devs'], extra: { scopes: ['a', 'b'] } };

function kubeconfig(path = '/authenticate', user: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'w',
    clusters: [
      {
        name: 'w',
        cluster: { server: `https://127.0.0.1:${port}${path}`, 'certificate-authority': join(dir, 'ca.crt') },
      },
    ],
    users: [{ name: 'w', user }],
    contexts: [{ name: 'w', context: { cluster: 'w', user: 'w' } }],
  });
}

const logged: string[] = [];
function webhook(options: Partial<WebhookTokenOptions> = {}, config = kubeconfig()): WebhookTokenAuthenticator {
  seen.length = 0;
  return new WebhookTokenAuthenticator(parseWebhookKubeconfig(config, join(dir, 'w.conf')), {
    version: 'v1',
    implicitAudiences: [API],
    retry: { initialMs: 5, factor: 1.5, jitter: 0.2, steps: 5 },
    logger: { error: (obj) => logged.push(JSON.stringify(obj)) },
    ...options,
  });
}

describe('what is sent', () => {
  test("a v1 TokenReview POSTed to the exact URL, with the request's audiences and the kubeconfig's bearer token", async () => {
    reply = status({ authenticated: true, user: bob });
    const w = webhook({}, kubeconfig('/hooks/tokenreview?x=1', { token: 'webhook-credential' }));
    await w.authenticateToken(TOKEN, ['aud-1', 'aud-2']);
    assert.equal(seen[0]!.path, '/hooks/tokenreview?x=1');
    assert.equal(seen[0]!.authorization, 'Bearer webhook-credential');
    assert.deepEqual(seen[0]!.review, {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { token: TOKEN, audiences: ['aud-1', 'aud-2'] },
      status: { user: {} },
    });
    w.close();
  });
  test('not audience-limited: no spec.audiences', async () => {
    reply = status({ authenticated: true, user: bob });
    const w = webhook();
    await w.authenticateToken(TOKEN);
    assert.deepEqual(seen[0]!.review.spec, { token: TOKEN });
    w.close();
  });
  test("v1beta1 when asked (kube-apiserver's default version)", async () => {
    reply = status({ authenticated: true, user: bob }, 'v1beta1');
    const w = webhook({ version: 'v1beta1' });
    assert.equal((await w.authenticateToken(TOKEN))?.user.username, 'bob');
    assert.equal(seen[0]!.review.apiVersion, 'authentication.k8s.io/v1beta1');
    w.close();
  });
  test("another version is refused with kube's message", () => {
    assert.throws(
      () => webhook({ version: 'v2' as 'v1' }),
      /^Error: unsupported authentication webhook version "v2", supported versions are "v1", "v1beta1"$/,
    );
  });
});

describe('what the answer means (webhook.go)', () => {
  type Want = null | RegExp | AuthResponse;
  const cases: { name: string; reply: Reply; audiences?: string[]; want: Want }[] = [
    {
      name: 'authenticated, not audience-limited: the user as sent, no audiences',
      reply: status({ authenticated: true, user: bob }),
      want: { user: bob },
    },
    {
      name: 'authenticated for one of the wanted audiences',
      reply: status({ authenticated: true, user: bob, audiences: ['b', 'z'] }),
      audiences: ['a', 'b'],
      want: { user: bob, audiences: ['b'] },
    },
    {
      name: 'no audiences in the answer: the API audiences stand in',
      reply: status({ authenticated: true, user: bob }),
      audiences: ['other', API],
      want: { user: bob, audiences: [API] },
    },
    {
      name: 'no audiences in the answer and none of the API ones wanted: not authenticated',
      reply: status({ authenticated: true, user: bob }),
      audiences: ['other'],
      want: null,
    },
    {
      name: 'answered for other audiences: not authenticated',
      reply: status({ authenticated: true, user: bob, audiences: ['z'] }),
      audiences: ['a'],
      want: null,
    },
    {
      name: 'an extra key named __proto__ is just a key',
      reply: (_r, res) => {
        res.writeHead(200);
        res.end('{"status":{"authenticated":true,"user":{"username":"x","extra":{"__proto__":["p"]}}}}');
      },
      want: { user: { username: 'x', groups: [], extra: Object.fromEntries([['__proto__', ['p']]]) } },
    },
    { name: 'not authenticated, no error', reply: status({ authenticated: false }), want: null },
    {
      name: 'not authenticated with an error: the error',
      reply: status({ authenticated: false, error: 'token expired' }),
      want: /^token expired$/,
    },
    {
      name: 'an error that repeats the token does not repeat it here',
      reply: status({ error: `bad token ${TOKEN}` }),
      want: /^bad token \[redacted\]$/,
    },
    { name: 'an answer without a status: not authenticated', reply: json(200, { kind: 'TokenReview' }), want: null },
    {
      name: 'not JSON',
      reply: (_r, res) => {
        res.writeHead(200);
        res.end('<html>');
      },
      want: /invalid response: not JSON/,
    },
    {
      name: 'another kind',
      reply: json(200, { kind: 'Status', status: 'Success' }),
      want: /kind "Status", want TokenReview/,
    },
    {
      name: 'groups not strings',
      reply: status({ authenticated: true, user: { username: 'x', groups: [1] } }),
      want: /status.user.groups is not a list of strings/,
    },
    {
      name: 'authenticated not a boolean',
      reply: status({ authenticated: 'yes' }),
      want: /status.authenticated is not a boolean/,
    },
    {
      name: 'a 401 from the webhook: its Status message, not its body',
      reply: json(401, { kind: 'Status', message: 'Unauthorized', code: 401 }),
      want: /HTTP 401: Unauthorized$/,
    },
    {
      name: 'a 404 without a Status',
      reply: (_r, res) => {
        res.writeHead(404);
        res.end(`no such path; you sent ${TOKEN}`);
      },
      want: /HTTP 404$/,
    },
    {
      name: 'a huge answer is refused',
      reply: (_r, res) => {
        res.writeHead(200);
        res.end(Buffer.alloc(1.5 * 1024 * 1024, 0x20));
      },
      want: /response larger than 1048576 bytes/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      reply = c.reply;
      const w = webhook();
      const p = w.authenticateToken(TOKEN, c.audiences);
      try {
        if (c.want instanceof RegExp) {
          await assert.rejects(
            p,
            (e: Error) =>
              e instanceof AuthenticationError &&
              (c.want as RegExp).test(e.message.replace(/^webhook token authenticator \S+: /, '')),
          );
        } else {
          assert.deepEqual(await p, c.want);
        }
      } finally {
        w.close();
      }
    });
  }
});

describe('failures: retried when transient, 401 at once otherwise, never a hang', () => {
  test('500 then an answer: retried', async () => {
    let n = 0;
    reply = (r, res) =>
      n++ === 0
        ? json(500, { kind: 'Status', message: 'later' })(r, res)
        : status({ authenticated: true, user: bob })(r, res);
    const w = webhook();
    assert.equal((await w.authenticateToken(TOKEN))?.user.username, 'bob');
    assert.equal(seen.length, 2);
    w.close();
  });
  const retried: [string, Reply][] = [
    ['429', json(429, { kind: 'Status', message: 'slow down' })],
    ['504', json(504, {})],
    ['503 with Retry-After', json(503, {}, { 'Retry-After': '1' })],
  ];
  for (const [name, r] of retried) {
    test(`${name}: five attempts in all (DefaultAuthWebhookRetryBackoff's steps), then an error`, async () => {
      reply = r;
      const w = webhook();
      await assert.rejects(w.authenticateToken(TOKEN), AuthenticationError);
      assert.equal(seen.length, 5);
      w.close();
    });
  }
  const once: [string, Reply][] = [
    ['403', json(403, { kind: 'Status', message: 'forbidden' })],
    ['503 without Retry-After', json(503, {})],
    ['400', json(400, {})],
  ];
  for (const [name, r] of once) {
    test(`${name}: not retried`, async () => {
      reply = r;
      const w = webhook();
      await assert.rejects(w.authenticateToken(TOKEN), AuthenticationError);
      assert.equal(seen.length, 1);
      w.close();
    });
  }
  test('a webhook that never answers: an error after the request timeout, not retried', async () => {
    reply = () => undefined; // holds the request open
    const w = webhook({ requestTimeoutMs: 300 });
    const t0 = Date.now();
    await assert.rejects(w.authenticateToken(TOKEN), /Client.Timeout exceeded/);
    const took = Date.now() - t0;
    assert.ok(took >= 280 && took < 2000, `took ${took} ms`);
    assert.equal(seen.length, 1);
    w.close();
    server.closeAllConnections();
  });
  test('the overall deadline bounds retries too', async () => {
    reply = json(500, {});
    const w = webhook({ retry: { initialMs: 200, factor: 1, jitter: 0, steps: 50 }, deadlineMs: 500 });
    const t0 = Date.now();
    await assert.rejects(w.authenticateToken(TOKEN), AuthenticationError);
    assert.ok(Date.now() - t0 < 1500);
    assert.ok(seen.length >= 2 && seen.length <= 4, `${seen.length} attempts`);
    w.close();
  });
  test('nobody listening: an error at once (a refused connection is not retried)', async () => {
    const closed = https.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const w = webhook({}, kubeconfig().replace(`127.0.0.1:${port}`, `127.0.0.1:${deadPort}`));
    const t0 = Date.now();
    await assert.rejects(w.authenticateToken(TOKEN), /ECONNREFUSED/);
    assert.ok(Date.now() - t0 < 1000);
    w.close();
  });
  test("a serving certificate from another CA than the kubeconfig's is an error, and nothing is sent", async () => {
    reply = status({ authenticated: true, user: bob });
    openssl(
      'req',
      '-x509',
      ...EC,
      '-keyout',
      'other-ca.key',
      '-out',
      'other-ca.crt',
      '-subj',
      '/CN=other-ca',
      '-days',
      '1',
    );
    const w = webhook(
      {},
      kubeconfig().replace(JSON.stringify(join(dir, 'ca.crt')), JSON.stringify(join(dir, 'other-ca.crt'))),
    );
    await assert.rejects(w.authenticateToken(TOKEN), /unable to verify|self.signed|certificate/i);
    assert.equal(seen.length, 0);
    w.close();
  });
  test('log lines never carry the token', () => {
    assert.ok(logged.length > 0);
    for (const line of logged) assert.ok(!line.includes(TOKEN), line);
  });
});

describe('its own cache (--authentication-token-webhook-cache-ttl)', () => {
  const file = join(dir, 'webhook.conf');
  const build = (cacheTtlSeconds?: number) => {
    writeFileSync(file, kubeconfig());
    seen.length = 0;
    return createWebhookTokenAuthenticator(file, {
      version: 'v1',
      implicitAudiences: [API],
      cacheTtlSeconds,
      retry: { initialMs: 5, factor: 1, jitter: 0, steps: 2 },
      logger: { error: () => undefined },
    });
  };
  test('authenticated answers are kept', async () => {
    reply = status({ authenticated: true, user: bob });
    const w = build();
    await w.authenticator.authenticateToken(TOKEN, [API]);
    await w.authenticator.authenticateToken(TOKEN, [API]);
    assert.equal(seen.length, 1);
    w.close();
  });
  test('"not authenticated" answers are kept as well', async () => {
    reply = status({ authenticated: false });
    const w = build();
    assert.equal(await w.authenticator.authenticateToken(TOKEN), null);
    assert.equal(await w.authenticator.authenticateToken(TOKEN), null);
    assert.equal(seen.length, 1);
    w.close();
  });
  test('errors are not', async () => {
    reply = json(403, {});
    const w = build();
    await assert.rejects(w.authenticator.authenticateToken(TOKEN));
    await assert.rejects(w.authenticator.authenticateToken(TOKEN));
    assert.equal(seen.length, 2);
    w.close();
  });
  test('other audiences are another entry', async () => {
    reply = status({ authenticated: true, user: bob, audiences: ['a', 'b'] });
    const w = build();
    assert.deepEqual((await w.authenticator.authenticateToken(TOKEN, ['a']))?.audiences, ['a']);
    assert.deepEqual((await w.authenticator.authenticateToken(TOKEN, ['b']))?.audiences, ['b']);
    assert.equal(seen.length, 2);
    w.close();
  });
  test('a TTL of 0 turns it off', async () => {
    reply = status({ authenticated: true, user: bob });
    const w = build(0);
    await w.authenticator.authenticateToken(TOKEN);
    await w.authenticator.authenticateToken(TOKEN);
    assert.equal(seen.length, 2);
    w.close();
  });
  test('a config file that does not exist is one line at start', () => {
    assert.throws(
      () => createWebhookTokenAuthenticator(join(dir, 'missing.conf'), { implicitAudiences: [API] }),
      /missing.conf: cannot read the webhook config: ENOENT/,
    );
  });
});
