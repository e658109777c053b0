// The web console (/ui/) end to end: its static assets as the server serves them (no credentials, content types,
// CSP, ETag/304, gzip, no traversal), then the console in real headless Chromium against a real kauth: sign in
// with a service-account token, the access matrix of another user, approve a CSR and see the certificate issued,
// deny another, who-can, the RBAC graph and the certificate timeline; a user without rights sees kube's 403
// message. Screenshots go to $TEST_RESULTS_DIR/console (default: <tmp>/kauth-test-results/console).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { kauth, kubectl, request, ROOT, startCluster, type Cluster } from './harness.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.env.TEST_RESULTS_DIR ?? join(tmpdir(), 'kauth-test-results'), 'console');
const NS = 'console-e2e';

/** CI runs `npm test` (build + tests); a bare checkout may not have the bundle yet: build it once. */
function ensureConsoleBuilt(): void {
  if (existsSync(join(ROOT, 'dist', 'ui', 'index.html'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-ui.mjs')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `console build failed: ${r.stderr}`);
}

/** GET with the request target exactly as given, no client credentials. */
function rawGet(c: Cluster, path: string): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(c.server);
    const req = https.request(
      { host: u.hostname, port: u.port, path, method: 'GET', ca: readFileSync(c.caFile), agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function createCsr(c: Cluster, cn: string): void {
  const made = kauth([
    'csr',
    'create',
    '--cn',
    cn,
    '--org',
    'devs',
    '--key-algorithm',
    'ECDSA-P256',
    '--key-out',
    join(c.dir, `${cn}.key`),
    '--csr-out',
    join(c.dir, `${cn}.csr`),
  ]);
  assert.equal(made.code, 0, made.err);
  const k = kubectl(c, ['create', '-f', '-'], { input: made.out });
  assert.equal(k.code, 0, k.err);
}

describe('web console', () => {
  let c: Cluster;
  let browser: Browser;
  let reviewerToken = '';
  let nobodyToken = '';
  const pageErrors: string[] = [];

  before(async () => {
    ensureConsoleBuilt();
    mkdirSync(SHOTS, { recursive: true });
    c = await startCluster();
    for (const args of [
      ['create', 'ns', NS],
      ['create', 'sa', 'reviewer', '-n', NS],
      ['create', 'sa', 'nobody', '-n', NS],
      [
        'create',
        'clusterrolebinding',
        'console-reviewer',
        '--clusterrole',
        'cluster-admin',
        `--serviceaccount=${NS}:reviewer`,
      ],
      ['create', 'role', 'secret-reader', '-n', NS, '--verb', 'get,list', '--resource', 'secrets'],
      ['create', 'rolebinding', 'alice-secrets', '-n', NS, '--role', 'secret-reader', '--user', 'alice'],
    ]) {
      const k = kubectl(c, args);
      assert.equal(k.code, 0, `${args.join(' ')}: ${k.err}`);
    }
    reviewerToken = kubectl(c, ['create', 'token', 'reviewer', '-n', NS]).out.trim();
    nobodyToken = kubectl(c, ['create', 'token', 'nobody', '-n', NS]).out.trim();
    assert.ok(reviewerToken && nobodyToken);
    createCsr(c, 'jane');
    createCsr(c, 'mallory');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    await c?.stop();
    c?.cleanup();
  });

  /** A fresh tab (its own sessionStorage) at 1280×800 that trusts nothing but records what the page complains of. */
  async function open(width = 1280, height = 800): Promise<Page> {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width, height } });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // The browser logs every non-2xx answer ("Failed to load resource: … 403"); those are the point of some tests.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    await page.goto(`${c.server}/ui/`);
    return page;
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByTestId('username').waitFor();
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('serves the console to anyone, with its content types, CSP, ETags and nothing outside the bundle', async () => {
    let r = await request(c, { path: '/ui/', headers: { Accept: 'text/html' } });
    assert.equal(r.code, 200, r.text);
    assert.match(String(r.headers['content-type']), /^text\/html; charset=utf-8$/);
    const csp = String(r.headers['content-security-policy']);
    for (const d of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"])
      assert.ok(csp.includes(d), csp);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['cache-control'], 'no-cache');
    const etag = String(r.headers.etag);
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    // A bad token changes nothing for files that hold no data.
    const withBadToken = await request(c, { path: '/ui/', who: { token: 'not-a-token' } });
    assert.equal(withBadToken.code, 200);
    r = await request(c, { path: '/ui/', headers: { 'If-None-Match': `"other", ${etag}` } });
    assert.equal(r.code, 304);
    assert.equal(r.text, '');

    const script = /src="\.\/(app-[A-Z0-9]+\.js)"/.exec((await request(c, { path: '/ui/' })).text)?.[1];
    const style = /href="\.\/(app-[A-Z0-9]+\.css)"/.exec((await request(c, { path: '/ui/' })).text)?.[1];
    assert.ok(script && style, 'index.html names its hashed script and stylesheet');
    r = await request(c, { path: `/ui/${script}` });
    assert.equal(r.code, 200);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    r = await request(c, { path: `/ui/${style}`, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.code, 200);
    assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(r.headers['content-encoding'], 'gzip');

    // Request targets sent byte for byte (a URL object would resolve the dot segments before sending).
    const cases: [string, string, number][] = [
      ['bare prefix redirects', '/ui', 301],
      ['unknown file', '/ui/nope.js', 404],
      ['dot-dot', '/ui/../package.json', 404],
      ['dot-dot to the checkout', '/ui/../../../package.json', 404],
      ['encoded dot-dot', '/ui/%2e%2e/%2e%2e/package.json', 404],
      ['encoded slash', '/ui/..%2f..%2fpackage.json', 404],
      ['backslash', '/ui/..\\..\\package.json', 404],
      ['double slash', '/ui//index.html', 404],
      ['source file', '/ui/main.tsx', 404],
      ['query ignored', '/ui/index.html?x=1', 200],
      ['a sibling path is not the console', '/uix', 403],
    ];
    for (const [name, path, code] of cases) {
      const raw = await rawGet(c, path);
      assert.equal(raw.code, code, `${name} (${path}): ${raw.text.slice(0, 200)}`);
      assert.ok(!raw.text.includes('"devDependencies"'), `${name}: no file outside the bundle`);
    }
    r = await request(c, { method: 'POST', path: '/ui/', body: {} });
    assert.equal(r.code, 405);
    assert.equal(r.headers.allow, 'GET, HEAD');
  });

  it('signs in with a token and shows the access matrix of another user', async () => {
    const page = await open();
    await shot(page, '01-sign-in');
    await signIn(page, reviewerToken);
    assert.equal(await page.getByTestId('whoami-username').textContent(), `system:serviceaccount:${NS}:reviewer`);
    assert.equal(await page.evaluate('Object.keys(localStorage).length'), 0, 'nothing in localStorage');

    await page.getByRole('link', { name: 'Access matrix' }).click();
    await page.getByLabel('User and groups').check();
    await page.getByLabel('User', { exact: true }).fill('alice');
    await page.getByLabel('Namespace', { exact: true }).fill(NS);
    await page.getByRole('button', { name: 'Show access' }).click();
    const matrix = page.getByTestId('matrix');
    await matrix.waitFor({ timeout: 30_000 });
    const access = (cell: string) => matrix.locator(`td[data-cell="${cell}"]`).getAttribute('data-access');
    const want: [string, string][] = [
      ['secrets/get', 'allowed'],
      ['secrets/list', 'allowed'],
      ['secrets/delete', 'denied'],
      ['pods/get', 'denied'],
      ['namespaces/deletecollection', 'not served'],
    ];
    for (const [cell, expected] of want) assert.equal(await access(cell), expected, cell);
    // The same question to kubectl gives the same answers.
    assert.equal(kubectl(c, ['auth', 'can-i', 'get', 'secrets', '-n', NS, '--as', 'alice']).out.trim(), 'yes');
    assert.equal(kubectl(c, ['auth', 'can-i', 'delete', 'secrets', '-n', NS, '--as', 'alice']).out.trim(), 'no');
    await shot(page, '02-access-matrix');

    // Keyboard: the view links are reachable with Tab and follow with Enter.
    const link = page.getByRole('link', { name: 'Who can' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/who-can$/);
    await page.getByLabel('Namespace').fill(NS);
    await page.getByRole('button', { name: 'Search' }).click();
    const whoCan = page.getByTestId('who-can');
    await whoCan.waitFor();
    await whoCan.locator('caption', { hasText: `in ${NS}:` }).waitFor();
    const row = (await whoCan.locator('tbody tr', { hasText: 'alice-secrets' }).innerText())
      .split('\t')
      .map((x) => x.trim());
    assert.deepEqual(row, ['User', 'alice', `RoleBinding ${NS}/alice-secrets`, 'Role secret-reader']);
    assert.match(await whoCan.innerText(), /system:masters\s+PrivilegedGroups/);
    assert.doesNotMatch(await whoCan.innerText(), /\bbob\b|nobody/);
    await shot(page, '03-who-can');

    await page.getByRole('link', { name: 'RBAC graph' }).click();
    await page.getByLabel('Subject', { exact: true }).selectOption('User:alice');
    const node = page.locator('[data-testid="rbac-graph"] g.node[aria-label="RoleBinding console-e2e/alice-secrets"]');
    await node.waitFor();
    await node.focus();
    assert.equal(
      await page.locator('[data-testid="rbac-graph"] path.edge.near').count(),
      2,
      'subject→binding and binding→role',
    );
    await shot(page, '04-rbac-graph');
    await page.context().close();
  });

  it('approves a CSR, shows the issued certificate, and denies another — as the signed-in user', async () => {
    const page = await open();
    await signIn(page, reviewerToken);
    await page.getByRole('link', { name: 'Certificate requests' }).click();
    const row = (name: string) => page.locator(`tr[data-csr="${name}"]`);
    // What the request asks for is shown (parsed in the browser) before anyone decides.
    await row('jane').getByTestId('requested-subject').waitFor();
    assert.equal(await row('jane').getByTestId('requested-subject').textContent(), 'O=devs, CN=jane');
    await page.getByRole('button', { name: 'Approve jane' }).click();
    await row('jane').getByTestId('issued').waitFor({ timeout: 15_000 });
    assert.match((await row('jane').getByTestId('condition').textContent()) ?? '', /^Approved,Issued/);
    assert.match(
      (await row('jane').getByTestId('issued').textContent()) ?? '',
      /^Issued to O=devs, CN=jane, valid until \d{4}-\d{2}-\d{2}$/,
    );
    await page.getByRole('button', { name: 'Deny mallory' }).click();
    await row('mallory')
      .getByTestId('condition')
      .filter({ hasText: /^Denied/ })
      .waitFor();
    await shot(page, '05-csrs');

    // The API agrees, and the approval carries the console's condition.
    assert.match(kubectl(c, ['get', 'csr', 'jane']).out, /Approved,Issued/);
    assert.match(kubectl(c, ['get', 'csr', 'mallory']).out, /\sDenied\s*$/m);
    const conds = JSON.parse(kubectl(c, ['get', 'csr', 'jane', '-o', 'json']).out).status.conditions as {
      type: string;
      reason: string;
    }[];
    assert.deepEqual(
      conds.filter((x) => x.type === 'Approved').map((x) => x.reason),
      ['KauthConsoleApprove'],
    );

    await page.getByRole('link', { name: 'Certificate expiry' }).click();
    const certs = page.getByTestId('certificates');
    await certs.waitFor();
    const text = (await certs.textContent()) ?? '';
    assert.match(text, /CSR jane/);
    assert.match(text, /\(CA\)/);
    await shot(page, '06-certificates');
    await page.context().close();
  });

  it("shows kube's 403 message to a user without rights, not a blank page", async () => {
    const page = await open();
    await signIn(page, nobodyToken);
    const user = `system:serviceaccount:${NS}:nobody`;
    await page.getByRole('link', { name: 'Certificate requests' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(
      await alert.locator('.error-message').textContent(),
      `certificatesigningrequests.certificates.k8s.io is forbidden: User "${user}" cannot list resource "certificatesigningrequests" in API group "certificates.k8s.io" at the cluster scope`,
    );
    assert.match((await alert.textContent()) ?? '', /\(403 Forbidden\)/);
    await shot(page, '07-forbidden-csrs');

    await page.getByRole('link', { name: 'Access matrix' }).click();
    await page.getByLabel('User and groups').check();
    await page.getByLabel('User', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Show access' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(
      await page.getByRole('alert').locator('.error-message').textContent(),
      `subjectaccessreviews.authorization.k8s.io is forbidden: User "${user}" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope`,
    );
    // Their own matrix needs no rights (SelfSubjectAccessReview): every cell is answered, here all denied for secrets.
    await page.getByRole('radio', { name: /^Me \(/ }).check();
    await page.getByRole('button', { name: 'Show access' }).click();
    await page.getByTestId('matrix').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('td[data-cell="secrets/get"]').getAttribute('data-access'), 'denied');
    await shot(page, '08-forbidden-matrix');
    await page.context().close();
  });

  it('is readable at phone width and leaves no page errors or CSP violations', async () => {
    const page = await open(390, 844);
    await signIn(page, reviewerToken);
    await page.getByRole('link', { name: 'Certificate requests' }).click();
    await page.locator('tr[data-csr="jane"]').getByTestId('requested-subject').waitFor();
    // The page itself does not scroll sideways; wide tables scroll inside their own box.
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    await shot(page, '09-phone-csrs');
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });
});
