// A real OpenID provider for tests: panva's oidc-provider (an OpenID-certified OP, the stand-in for Keycloak or
// Dex here) served over HTTPS on 127.0.0.1 with a certificate from a CA made by openssl in the test, with the
// authorization code (+ PKCE), refresh token and device flows on, and its development login form — which
// `loginThroughForm` and `approveDevice` drive over HTTP as a browser would (cookies, redirects, forms).
// Not a test double: the protocol is the provider's own. Reused by the login, authn and gateway tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface TestUser {
  email?: string;
  email_verified?: boolean;
  groups?: string[];
  name?: string;
}

export interface TestClient {
  client_id: string;
  client_secret?: string;
  /** Default: http://127.0.0.1/callback (native clients may use any loopback port, RFC 8252 §7.3). */
  redirect_uris?: string[];
}

export interface TestOpenIdProviderOptions {
  /** Default: one public client "kauth". */
  clients?: TestClient[];
  /** Claims per login name; a login not listed gets `<login>@example.com` (verified) and no groups. */
  users?: Record<string, TestUser>;
  /** ID token lifetime; changeable later with setIdTokenTtl. Default 3600. */
  idTokenTtlSeconds?: number;
}

export interface FormResult {
  /** The URL the provider finally sent the browser to outside itself (the client's redirect URI), if any. */
  redirectedTo?: URL;
  /** The last response: the redirect target's (when followCallback) or the provider's last page. */
  status: number;
  body: string;
}

export interface TestOpenIdProvider {
  issuer: string;
  caPem: string;
  caFile: string;
  clientId: string;
  /** Requests the provider has served, as "METHOD /path" (to show when a client did not call it). */
  requests: string[];
  setIdTokenTtl(seconds: number): void;
  /**
   * Opens an authorization URL as a browser would, logs in as `login` and consents; by default then follows the
   * final redirect to the client's redirect URI (the loopback callback) and returns that response.
   */
  loginThroughForm(authorizationUrl: string, login: string, o?: { followCallback?: boolean }): Promise<FormResult>;
  /** The device flow's verification page: enters `userCode`, confirms, logs in as `login`, consents. */
  approveDevice(userCode: string, login: string): Promise<FormResult>;
  stop(): Promise<void>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A CA and a serving certificate for IP 127.0.0.1, made with openssl. */
function makeTls(dir: string): { caPem: string; caFile: string; cert: string; key: string } {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=test-oidc-ca',
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ],
    dir,
  );
  return {
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    caFile: join(dir, 'ca.crt'),
    cert: readFileSync(join(dir, 'server.crt'), 'utf8'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
  };
}

interface Page {
  status: number;
  location?: string;
  setCookies: string[];
  body: string;
}

function get(
  url: URL,
  o: { ca: string; cookies?: string; method?: string; form?: Record<string, string> },
): Promise<Page> {
  return new Promise((resolve, reject) => {
    const payload = o.form ? new URLSearchParams(o.form).toString() : undefined;
    const headers: Record<string, string | number> = { accept: 'text/html' };
    if (o.cookies) headers.cookie = o.cookies;
    if (payload !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          setCookies: res.headers['set-cookie'] ?? [],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    };
    const req =
      url.protocol === 'https:'
        ? https.request(url, { method: o.method ?? 'GET', headers, ca: o.ca, agent: false }, onResponse)
        : http.request(url, { method: o.method ?? 'GET', headers, agent: false }, onResponse);
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`timeout on ${url.origin}${url.pathname}`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Attribute value in one tag: name="value" (the provider's templates always quote with "). */
function attr(tag: string, name: string): string | undefined {
  const at = tag.indexOf(` ${name}="`);
  if (at < 0) return undefined;
  const start = at + name.length + 3;
  const end = tag.indexOf('"', start);
  return end < 0 ? undefined : tag.slice(start, end);
}

const unescapeHtml = (s: string): string =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** The first form of a page: its action and inputs (name → value, type). */
function parseForm(
  html: string,
): { action: string; inputs: { name: string; value: string; type: string }[] } | undefined {
  const start = html.indexOf('<form');
  if (start < 0) return undefined;
  const end = html.indexOf('</form>', start);
  const form = html.slice(start, end < 0 ? undefined : end);
  const action = attr(form.slice(0, form.indexOf('>') + 1).replaceAll('\n', ' '), 'action');
  if (action === undefined) return undefined;
  const inputs: { name: string; value: string; type: string }[] = [];
  for (let i = form.indexOf('<input'); i >= 0; i = form.indexOf('<input', i + 1)) {
    const tag = form.slice(i, form.indexOf('>', i) + 1).replace(/\s+/g, ' ');
    const name = attr(tag, 'name');
    if (name) inputs.push({ name, value: unescapeHtml(attr(tag, 'value') ?? ''), type: attr(tag, 'type') ?? 'text' });
  }
  return { action: unescapeHtml(action), inputs };
}

export async function startTestOpenIdProvider(opts: TestOpenIdProviderOptions = {}): Promise<TestOpenIdProvider> {
  const dir = mkdtempSync(join(tmpdir(), 'kauth-oidc-'));
  const tls = makeTls(dir);
  const requests: string[] = [];
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    requests.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let idTokenTtl = opts.idTokenTtlSeconds ?? 3600;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const clients = (opts.clients ?? [{ client_id: 'kauth' }]).map((c) => ({
    client_id: c.client_id,
    ...(c.client_secret
      ? { client_secret: c.client_secret, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
    application_type: 'native',
    redirect_uris: c.redirect_uris ?? ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
  }));
  const users = opts.users ?? {};
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true }, revocation: { enabled: true } },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'], profile: ['name'] },
    // Kubernetes reads the user's claims from the ID token, as Keycloak and Dex put them there.
    conformIdTokenClaims: false,
    // Keycloak's behaviour: a refresh token with every code and device grant, without offline_access.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    ttl: {
      IdToken: () => idTokenTtl,
      AccessToken: 3600,
      RefreshToken: 86400,
      DeviceCode: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 86400,
    },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => {
        const u = users[id] ?? {};
        return {
          sub: id,
          email: u.email ?? `${id}@example.com`,
          email_verified: u.email_verified ?? true,
          groups: u.groups ?? [],
          ...(u.name ? { name: u.name } : {}),
        };
      },
    }),
  });
  // Its warnings about development-only settings (devInteractions) are expected here.
  provider.on('server_error', (_ctx: unknown, err: unknown) =>
    process.stderr.write(`test OIDC provider: ${String(err)}\n`),
  );
  handler = provider.callback();

  /** Follows redirects and fills forms from `start` until the provider lets go of the browser. */
  async function drive(
    start: URL,
    fill: { login: string; userCode?: string },
    followCallback: boolean,
  ): Promise<FormResult> {
    const jar = new Map<string, string>();
    let url = start;
    let method = 'GET';
    let form: Record<string, string> | undefined;
    for (let step = 0; step < 25; step++) {
      if (url.origin !== issuer) {
        if (!followCallback) return { redirectedTo: url, status: 0, body: '' };
        const page = await get(url, { ca: tls.caPem });
        return { redirectedTo: url, status: page.status, body: page.body };
      }
      const cookies = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const page = await get(url, { ca: tls.caPem, cookies, method, ...(form ? { form } : {}) });
      for (const c of page.setCookies) {
        const pair = c.split(';')[0]!;
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      if (page.status >= 300 && page.status < 400 && page.location) {
        url = new URL(page.location, url);
        method = 'GET';
        form = undefined;
        continue;
      }
      if (page.status !== 200)
        throw new Error(`test OIDC provider answered ${page.status} at ${url.pathname}: ${page.body.slice(0, 300)}`);
      const parsed = parseForm(page.body);
      if (!parsed) return { status: page.status, body: page.body };
      form = {};
      for (const input of parsed.inputs) {
        if (input.name === 'login') form.login = fill.login;
        else if (input.name === 'password') form.password = 'any password';
        else if (input.name === 'user_code' && input.type === 'text') form.user_code = fill.userCode ?? '';
        else form[input.name] = input.value;
      }
      url = new URL(parsed.action, url);
      method = 'POST';
    }
    throw new Error('test OIDC provider: too many steps');
  }

  return {
    issuer,
    caPem: tls.caPem,
    caFile: tls.caFile,
    clientId: clients[0]!.client_id,
    requests,
    setIdTokenTtl: (seconds) => {
      idTokenTtl = seconds;
    },
    loginThroughForm: (authorizationUrl, login, o = {}) =>
      drive(new URL(authorizationUrl), { login }, o.followCallback ?? true),
    approveDevice: (userCode, login) => drive(new URL('/device', issuer), { login, userCode }, false),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
