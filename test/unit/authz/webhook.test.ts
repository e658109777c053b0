// The webhook authorizer against a real local HTTPS service (certificates made with openssl, client
// certificate required), after webhook_v1_test.go: request shape, decisions, caching, timeouts, garbage,
// retries, v1beta1, and config errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookAuthorizer, WebhookConfigError, loadWebhookKubeconfig } from '../../../src/authz/webhook.js';
import { res, url, who } from './helpers.js';

const OPENSSL = '/usr/bin/openssl';

interface Seen {
  body: Record<string, any>;
  headers: IncomingMessage['headers'];
  clientCN: string | undefined;
}

let dir: string;
let server: https.Server;
let port: number;
let handler: (body: Record<string, any>, res: ServerResponse) => void = () => {};
const seen: Seen[] = [];
const logged: string[] = [];
const logger = { error: (o: object, msg: string) => void logged.push(`${msg} ${JSON.stringify(o)}`) };

function openssl(...args: string[]): void {
  execFileSync(OPENSSL, args, { cwd: dir, stdio: 'pipe' });
}

function kubeconfig(
  name: string,
  cluster: Record<string, unknown>,
  user: Record<string, unknown>,
  withContext = true,
): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: authz', '  cluster:'];
  for (const [k, v] of Object.entries(cluster)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  lines.push('users:', '- name: apiserver', '  user:');
  for (const [k, v] of Object.entries(user)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  if (Object.keys(user).length === 0) lines[lines.length - 1] = '  user: {}';
  if (withContext)
    lines.push(
      'contexts:',
      '- name: webhook',
      '  context: {cluster: authz, user: apiserver}',
      'current-context: webhook',
    );
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kauth-webhook-'));
  // A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, all from openssl.
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=webhook-test-ca',
  );
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=authz.local',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:authz.local\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'server.ext',
  );
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
    '-subj',
    '/CN=kube-apiserver/O=system:masters',
  );
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '1',
    '-extfile',
    'client.ext',
  );

  server = https.createServer(
    {
      key: readFileSync(join(dir, 'server.key')),
      cert: readFileSync(join(dir, 'server.crt')),
      ca: readFileSync(join(dir, 'ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, response) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const cert = (req.socket as TLSSocket).getPeerCertificate();
        seen.push({ body, headers: req.headers, clientCN: cert?.subject?.CN as string | undefined });
        handler(body, response);
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function reply(status: Record<string, unknown>, code = 200): (b: Record<string, any>, r: ServerResponse) => void {
  return (body, r) => {
    r.writeHead(code, { 'Content-Type': 'application/json' });
    r.end(JSON.stringify({ apiVersion: body.apiVersion, kind: 'SubjectAccessReview', status }));
  };
}

function authorizer(opts: ConstructorParameters<typeof WebhookAuthorizer>[1] = {}): WebhookAuthorizer {
  const path = kubeconfig(
    'webhook.conf',
    { server: `https://127.0.0.1:${port}/authorize`, 'certificate-authority': 'ca.crt' },
    { 'client-certificate': 'client.crt', 'client-key': 'client.key' },
  );
  return WebhookAuthorizer.fromKubeconfigFile(path, {
    logger,
    retry: { initialMs: 20, factor: 1, attempts: 3 },
    ...opts,
  });
}

const jane = {
  username: 'jane',
  uid: 'u-1',
  groups: ['group1', 'group2'],
  extra: { scopes: ['a', 'b'], 'acme.com/project': ['p'] },
};

describe('webhook authorizer: requests and decisions', () => {
  it('sends an authorization.k8s.io/v1 SubjectAccessReview with the client certificate, and allows', async () => {
    seen.length = 0;
    handler = reply({ allowed: true, reason: 'jane may read pods' });
    const w = authorizer();
    try {
      const got = await w.authorize(
        res(jane, {
          verb: 'get',
          apiVersion: 'v1',
          resource: 'pods',
          subresource: 'log',
          namespace: 'kittensandponies',
          name: 'p',
        }),
      );
      assert.deepEqual(got, { decision: 'Allow', reason: 'jane may read pods' });
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.clientCN, 'kube-apiserver');
      assert.equal(seen[0]!.headers['content-type'], 'application/json');
      assert.deepEqual(seen[0]!.body, {
        kind: 'SubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: {
          resourceAttributes: {
            namespace: 'kittensandponies',
            verb: 'get',
            version: 'v1',
            resource: 'pods',
            subresource: 'log',
            name: 'p',
          },
          user: 'jane',
          groups: ['group1', 'group2'],
          extra: { 'acme.com/project': ['p'], scopes: ['a', 'b'] },
          uid: 'u-1',
        },
        status: { allowed: false },
      });
    } finally {
      w.close();
    }
  });

  it('non-resource requests send nonResourceAttributes', async () => {
    seen.length = 0;
    handler = reply({ allowed: false });
    const w = authorizer();
    try {
      assert.deepEqual(await w.authorize(url(who('bob'), 'get', '/healthz')), { decision: 'NoOpinion', reason: '' });
      assert.deepEqual(seen[0]!.body.spec, { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'bob' });
    } finally {
      w.close();
    }
  });

  const decisions: [string, Record<string, unknown>, object][] = [
    [
      'denied → Deny with the reason',
      { allowed: false, denied: true, reason: 'nope' },
      { decision: 'Deny', reason: 'nope' },
    ],
    [
      'neither → NoOpinion with the reason',
      { allowed: false, reason: 'not my business' },
      { decision: 'NoOpinion', reason: 'not my business' },
    ],
    [
      'both → Deny with an error',
      { allowed: true, denied: true, reason: 'confused' },
      {
        decision: 'Deny',
        reason: 'confused',
        error: 'webhook subject access review returned both allow and deny response',
      },
    ],
    ['empty status → NoOpinion', {}, { decision: 'NoOpinion', reason: '' }],
  ];
  for (const [name, status, want] of decisions) {
    it(name, async () => {
      handler = reply(status);
      const w = authorizer();
      try {
        assert.deepEqual(await w.authorize(res(who('x'), { verb: 'get', resource: name.replace(/\W/g, '') })), want);
      } finally {
        w.close();
      }
    });
  }

  it('speaks v1beta1 when asked (groups sent as `group`)', async () => {
    seen.length = 0;
    handler = reply({ allowed: true });
    const w = authorizer({ version: 'v1beta1' });
    try {
      assert.equal((await w.authorize(res(who('x', 'g'), { verb: 'list', resource: 'pods' }))).decision, 'Allow');
      assert.equal(seen[0]!.body.apiVersion, 'authorization.k8s.io/v1beta1');
      assert.deepEqual(seen[0]!.body.spec.group, ['g']);
      assert.equal(seen[0]!.body.spec.groups, undefined);
    } finally {
      w.close();
    }
  });

  it('-data fields and a bearer token work too', async () => {
    seen.length = 0;
    handler = reply({ allowed: true });
    const b64 = (f: string) => readFileSync(join(dir, f)).toString('base64');
    const path = kubeconfig(
      'data.conf',
      { server: `https://127.0.0.1:${port}/authorize`, 'certificate-authority-data': b64('ca.crt') },
      { 'client-certificate-data': b64('client.crt'), 'client-key-data': b64('client.key'), token: 's3cret' },
      false,
    );
    const w = WebhookAuthorizer.fromKubeconfigFile(path, { logger });
    try {
      assert.equal((await w.authorize(res(who('x'), { verb: 'get', resource: 'pods' }))).decision, 'Allow');
      assert.equal(seen[0]!.headers.authorization, 'Bearer s3cret');
      assert.equal(seen[0]!.clientCN, 'kube-apiserver');
    } finally {
      w.close();
    }
  });

  it('reports no rules (SelfSubjectRulesReview is incomplete)', () => {
    const w = authorizer();
    assert.deepEqual(w.rulesFor(who('x'), 'ns'), {
      resourceRules: [],
      nonResourceRules: [],
      incomplete: true,
      evaluationError: 'webhook authorizer does not support user rule resolution',
    });
    w.close();
  });
});

describe('webhook authorizer: cache', () => {
  it('caches allowed answers for the authorized TTL and others for the unauthorized TTL', async () => {
    let now = 1_000_000;
    const w = authorizer({ now: () => now, authorizedTTLms: 300_000, unauthorizedTTLms: 30_000 });
    try {
      seen.length = 0;
      handler = reply({ allowed: true });
      const a = res(who('cached'), { verb: 'get', resource: 'pods' });
      await w.authorize(a);
      await w.authorize(a);
      assert.equal(seen.length, 1, 'second allowed answer comes from the cache');
      now += 299_000;
      await w.authorize(a);
      assert.equal(seen.length, 1);
      now += 2_000;
      await w.authorize(a);
      assert.equal(seen.length, 2, 'expired after 5 minutes');

      handler = reply({ allowed: false, reason: 'no' });
      const d = res(who('cached'), { verb: 'delete', resource: 'pods' });
      assert.equal((await w.authorize(d)).reason, 'no');
      await w.authorize(d);
      assert.equal(seen.length, 3);
      now += 31_000;
      await w.authorize(d);
      assert.equal(seen.length, 4, 'denials expire after 30 s');

      // A different user is a different review.
      await w.authorize(res(who('other'), { verb: 'delete', resource: 'pods' }));
      assert.equal(seen.length, 5);
    } finally {
      w.close();
    }
  });

  it('does not cache failures', async () => {
    seen.length = 0;
    handler = (_b, r) => r.end('not json');
    const w = authorizer();
    try {
      const a = res(who('x'), { verb: 'get', resource: 'failures' });
      assert.equal((await w.authorize(a)).decision, 'NoOpinion');
      handler = reply({ allowed: true });
      assert.equal((await w.authorize(a)).decision, 'Allow');
    } finally {
      w.close();
    }
  });
});

describe('webhook authorizer: failures never hang or throw', () => {
  it('a service that never answers times out into NoOpinion with an error, and is logged', async () => {
    handler = () => {}; // never respond
    logged.length = 0;
    const w = authorizer({ timeoutMs: 300 });
    try {
      const start = Date.now();
      const got = await w.authorize(res(who('x'), { verb: 'get', resource: 'slow' }));
      const took = Date.now() - start;
      assert.equal(got.decision, 'NoOpinion');
      assert.equal(got.reason, '');
      assert.match(
        got.error!,
        /^webhook authorizer https:\/\/127\.0\.0\.1:\d+\/authorize: Post "https:\/\/127\.0\.0\.1:\d+\/authorize": context deadline exceeded/,
      );
      assert.ok(took >= 280 && took < 2000, `took ${took}ms`);
      assert.equal(logged.length, 1);
      assert.match(logged[0]!, /Failed to make webhook authorizer request/);
    } finally {
      w.close();
    }
  });

  const garbage: [string, (b: Record<string, any>, r: ServerResponse) => void, RegExp][] = [
    ['not JSON', (_b, r) => r.end('<html>oops</html>'), /invalid response: not JSON/],
    ['a JSON array', (_b, r) => r.end('[]'), /invalid response: not a JSON object/],
    ['wrong kind', (_b, r) => r.end('{"kind":"Status","status":"Failure"}'), /invalid response: kind "Status"/],
    ['allowed is a string', (_b, r) => r.end('{"status":{"allowed":"true"}}'), /status\.allowed is not a boolean/],
    // The body of a non-Status answer is not echoed (it could repeat the request); a Status' message is.
    [
      'HTTP 403',
      (_b, r) => {
        r.writeHead(403);
        r.end('go away');
      },
      /HTTP 403$/,
    ],
    [
      'HTTP 403 Status',
      (_b, r) => {
        r.writeHead(403);
        r.end('{"kind":"Status","message":"go away"}');
      },
      /HTTP 403: go away$/,
    ],
  ];
  for (const [name, h, re] of garbage) {
    it(`garbage: ${name}`, async () => {
      handler = h;
      seen.length = 0;
      const w = authorizer();
      try {
        const got = await w.authorize(res(who('x'), { verb: 'get', resource: name.replace(/\W/g, '') }));
        assert.equal(got.decision, 'NoOpinion');
        assert.match(got.error!, re);
        assert.equal(seen.length, 1, 'not retried');
      } finally {
        w.close();
      }
    });
  }

  it('5xx is retried with backoff, then succeeds', async () => {
    seen.length = 0;
    let calls = 0;
    handler = (body, r) => {
      calls++;
      if (calls < 3) {
        // DefaultShouldRetry: a 500, or any 5xx that names a Retry-After.
        if (calls === 1) r.writeHead(500);
        else r.writeHead(503, { 'Retry-After': '1' });
        r.end('busy');
      } else reply({ allowed: true })(body, r);
    };
    const w = authorizer();
    try {
      assert.equal((await w.authorize(res(who('x'), { verb: 'get', resource: 'retry' }))).decision, 'Allow');
      assert.equal(seen.length, 3);
    } finally {
      w.close();
    }
  });

  it('persistent 5xx gives up after the configured attempts', async () => {
    seen.length = 0;
    handler = (_b, r) => {
      r.writeHead(500);
      r.end('broken');
    };
    const w = authorizer();
    try {
      const got = await w.authorize(res(who('x'), { verb: 'get', resource: 'broken' }));
      assert.match(got.error!, /HTTP 500$/);
      assert.equal(seen.length, 3);
    } finally {
      w.close();
    }
  });

  it('an unreachable service is an error', async () => {
    const path = kubeconfig(
      'closed.conf',
      { server: 'https://127.0.0.1:1/authorize', 'certificate-authority': 'ca.crt' },
      {},
    );
    const w = WebhookAuthorizer.fromKubeconfigFile(path, { logger, retry: { initialMs: 10, factor: 1, attempts: 2 } });
    try {
      const got = await w.authorize(res(who('x'), { verb: 'get', resource: 'pods' }));
      assert.equal(got.decision, 'NoOpinion');
      assert.match(got.error!, /ECONNREFUSED/);
    } finally {
      w.close();
    }
  });

  it('a server certificate from an unknown CA is refused', async () => {
    const path = kubeconfig(
      'noca.conf',
      { server: `https://127.0.0.1:${port}/authorize` },
      { 'client-certificate': 'client.crt', 'client-key': 'client.key' },
    );
    const w = WebhookAuthorizer.fromKubeconfigFile(path, { logger });
    try {
      const got = await w.authorize(res(who('x'), { verb: 'get', resource: 'pods' }));
      assert.equal(got.decision, 'NoOpinion');
      assert.match(got.error!, /certificate/i);
    } finally {
      w.close();
    }
  });
});

describe('webhook config errors', () => {
  const cases: [string, string, RegExp][] = [
    ['invalid YAML', 'clusters: [\n', /: not valid YAML or JSON /],
    ['not a mapping', '- 1\n', /: a kubeconfig must be a mapping/],
    ['no clusters', 'users: []\n', /: current-context is not set and no context was given$/],
    ['no server', 'clusters:\n- name: a\n  cluster: {}\n', /: cluster "a" has no server defined$/],
    ['bad server', 'clusters:\n- name: a\n  cluster: {server: "ftp://x"}\n', /only https \(or http\) is supported$/],
    [
      'missing CA file',
      'clusters:\n- name: a\n  cluster: {server: "https://x", certificate-authority: nope.crt}\n',
      /cannot read certificate-authority .*nope\.crt: no such file$/,
    ],
    [
      'certificate without key',
      'clusters:\n- name: a\n  cluster: {server: "https://x"}\nusers:\n- name: u\n  user: {client-certificate: client.crt}\n',
      /user "u" has a client certificate without a key$/,
    ],
    [
      'unknown current-context',
      'current-context: gone\ncontexts: []\nclusters:\n- name: a\n  cluster: {server: "https://x"}\n',
      /context "gone" does not exist$/,
    ],
    [
      'bad base64',
      'clusters:\n- name: a\n  cluster: {server: "https://x", certificate-authority-data: "%%%"}\n',
      /certificate-authority-data is not valid base64$/,
    ],
  ];
  for (const [name, text, re] of cases) {
    it(name, () => {
      const file = join(dir, 'bad.conf');
      writeFileSync(file, text);
      assert.throws(
        () => loadWebhookKubeconfig(file),
        (e: unknown) =>
          e instanceof WebhookConfigError &&
          e.message.startsWith(`${file}: `) &&
          re.test(e.message) &&
          !e.message.includes('\n'),
      );
    });
  }

  it('a missing file', () => {
    assert.throws(
      () => WebhookAuthorizer.fromKubeconfigFile(join(dir, 'absent.conf')),
      (e: unknown) =>
        e instanceof WebhookConfigError && /absent\.conf: cannot read the webhook config: ENOENT$/.test(e.message),
    );
  });

  it('resolves relative paths against the file, not the working directory', () => {
    const cfg = loadWebhookKubeconfig(
      kubeconfig(
        'rel.conf',
        { server: 'https://authz.local/x', 'certificate-authority': 'ca.crt', 'tls-server-name': 'authz.local' },
        { 'client-certificate': 'client.crt', 'client-key': 'client.key' },
      ),
    );
    assert.deepEqual(cfg.ca, readFileSync(join(dir, 'ca.crt')));
    assert.equal(cfg.tlsServerName, 'authz.local');
    assert.equal(cfg.server.href, 'https://authz.local/x');
  });
});
