import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import {
  BearerTokenAuthenticator,
  MAX_BEARER_TOKEN_LENGTH,
  WebSocketProtocolAuthenticator,
} from '../../../src/authn/bearer.js';
import { AuthenticationError, type AuthResponse, type TokenAuthenticator } from '../../../src/authn/interfaces.js';

/** Accepts exactly "good-token"; records what it was asked. */
class OneToken implements TokenAuthenticator {
  readonly name = 'one';
  seen: string[] = [];
  async authenticateToken(token: string): Promise<AuthResponse | null> {
    this.seen.push(token);
    if (token === 'boom') throw new AuthenticationError('token has expired');
    return token === 'good-token' ? { user: { username: 'alice', groups: ['dev'] } } : null;
  }
}

type Outcome = 'null' | RegExp | string;
async function run(
  auth: { authenticate: (r: { headers: IncomingHttpHeaders; peerCertificates: [] }) => Promise<AuthResponse | null> },
  headers: IncomingHttpHeaders,
  outcome: Outcome,
) {
  const p = auth.authenticate({ headers, peerCertificates: [] });
  if (outcome === 'null') assert.equal(await p, null);
  else if (outcome instanceof RegExp)
    await assert.rejects(p, (e: Error) => e instanceof AuthenticationError && outcome.test(e.message));
  else assert.equal((await p)?.user.username, outcome);
}

describe('Authorization: Bearer', () => {
  const cases: [string, string | undefined, Outcome][] = [
    ['valid', 'Bearer good-token', 'alice'],
    ['scheme is case-insensitive', 'bEaReR good-token', 'alice'],
    ['surrounding whitespace trimmed', '  Bearer good-token \t', 'alice'],
    ['words after the token are ignored (strings.Split)', 'Bearer good-token extra', 'alice'],
    ['no header', undefined, 'null'],
    ['empty header', '', 'null'],
    ['Basic auth is not ours', 'Basic YWxpY2U6cHc=', 'null'],
    ['scheme only', 'Bearer', 'null'],
    ['two spaces: empty token', 'Bearer  good-token', 'null'],
    ['unknown token', 'Bearer nope', /^invalid bearer token$/],
    ['authenticator error passes through', 'Bearer boom', /^token has expired$/],
    [
      'token over 64 KiB, refused before any lookup',
      `Bearer ${'x'.repeat(MAX_BEARER_TOKEN_LENGTH + 1)}`,
      /^invalid bearer token: token is longer than 65536 bytes$/,
    ],
  ];
  for (const [name, header, outcome] of cases) {
    test(name, async () => {
      const tokens = new OneToken();
      await run(new BearerTokenAuthenticator(tokens), header === undefined ? {} : { authorization: header }, outcome);
      if (name.startsWith('token over')) assert.deepEqual(tokens.seen, []);
    });
  }
  test('a 1 MiB header is an error, not a crash', async () => {
    await run(
      new BearerTokenAuthenticator(new OneToken()),
      { authorization: `Bearer ${'x'.repeat(1 << 20)}` },
      /^invalid bearer token/,
    );
  });
  test('the Authorization header is removed once accepted, kept otherwise', async () => {
    const auth = new BearerTokenAuthenticator(new OneToken());
    const ok: IncomingHttpHeaders = { authorization: 'Bearer good-token' };
    await auth.authenticate({ headers: ok, peerCertificates: [] });
    assert.equal(ok.authorization, undefined);
    const bad: IncomingHttpHeaders = { authorization: 'Bearer nope' };
    await auth.authenticate({ headers: bad, peerCertificates: [] }).catch(() => {});
    assert.equal(bad.authorization, 'Bearer nope');
  });
});

describe('websocket bearer subprotocol', () => {
  const enc = (t: string) => `base64url.bearer.authorization.k8s.io.${Buffer.from(t).toString('base64url')}`;
  const ws = { upgrade: 'websocket', connection: 'keep-alive, Upgrade' };
  const cases: [string, IncomingHttpHeaders, Outcome][] = [
    ['valid', { ...ws, 'sec-websocket-protocol': `${enc('good-token')}, v4.channel.k8s.io` }, 'alice'],
    ['not a websocket request', { 'sec-websocket-protocol': `${enc('good-token')}, v4.channel.k8s.io` }, 'null'],
    ['no token subprotocol', { ...ws, 'sec-websocket-protocol': 'v4.channel.k8s.io' }, 'null'],
    [
      'unknown token',
      { ...ws, 'sec-websocket-protocol': `${enc('nope')}, v4.channel.k8s.io` },
      /^invalid bearer token$/,
    ],
    [
      'token is the only subprotocol',
      { ...ws, 'sec-websocket-protocol': enc('good-token') },
      /^missing additional subprotocol$/,
    ],
    [
      'two tokens',
      { ...ws, 'sec-websocket-protocol': `${enc('good-token')}, ${enc('good-token')}, v4.channel.k8s.io` },
      /^multiple base64.bearer.authorization tokens specified$/,
    ],
    [
      'bad base64url',
      { ...ws, 'sec-websocket-protocol': 'base64url.bearer.authorization.k8s.io.a+b/, v4.channel.k8s.io' },
      /^invalid base64.bearer.authorization token encoding$/,
    ],
    [
      'not UTF-8',
      {
        ...ws,
        'sec-websocket-protocol': `base64url.bearer.authorization.k8s.io.${Buffer.from([0xff, 0xfe]).toString('base64url')}, v4.channel.k8s.io`,
      },
      /^invalid base64.bearer.authorization token$/,
    ],
  ];
  for (const [name, headers, outcome] of cases) {
    test(name, () => run(new WebSocketProtocolAuthenticator(new OneToken()), headers, outcome));
  }
  test('the token subprotocol is removed once accepted', async () => {
    const headers: IncomingHttpHeaders = {
      ...ws,
      'sec-websocket-protocol': `v4.channel.k8s.io, ${enc('good-token')}, v5.channel.k8s.io`,
    };
    await new WebSocketProtocolAuthenticator(new OneToken()).authenticate({ headers, peerCertificates: [] });
    assert.equal(headers['sec-websocket-protocol'], 'v4.channel.k8s.io,v5.channel.k8s.io');
  });
});
