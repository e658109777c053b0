// What reaches a cluster through the gateway: no inbound Impersonate-* (any spelling, any count), no caller
// credential, no hop-by-hop header; and the impersonation headers that name the caller.
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import {
  encodeExtraKey,
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  impersonationHeaders,
  ORIGINAL_USER_EXTRA,
} from '../../../src/gateway/headers.js';

/** An IncomingMessage with these header lines, as Node's parser presents them (names lower-cased, lines kept apart). */
function incoming(raw: [string, string][]): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  const distinct: Record<string, string[]> = {};
  for (const [name, value] of raw) (distinct[name.toLowerCase()] ??= []).push(value);
  Object.defineProperty(req, 'headersDistinct', { value: distinct });
  return req;
}

describe('forwardedRequestHeaders', () => {
  it("drops every Impersonate-* spelling, repeated ones too, the caller's Authorization, Host and hop-by-hop headers", () => {
    const out = forwardedRequestHeaders(
      incoming([
        ['Impersonate-User', 'admin'],
        ['impersonate-user', 'root'],
        ['IMPERSONATE-GROUP', 'system:masters'],
        ['Impersonate-Group', 'x'],
        ['iMpErSoNaTe-UiD', '0'],
        ['Impersonate-Extra-Scopes', 'all'],
        ['impersonate-extra-authentication.kauth.io%2foriginal-user', 'mallory'],
        ['Authorization', 'Bearer secret'],
        ['Host', 'gw:9443'],
        ['Connection', 'keep-alive, X-Private'],
        ['X-Private', 'p'],
        ['Keep-Alive', 'timeout=5'],
        ['Transfer-Encoding', 'chunked'],
        ['Accept', 'application/json'],
        ['User-Agent', 'kubectl'],
      ]),
    );
    assert.deepEqual(out, { accept: 'application/json', 'user-agent': 'kubectl' });
  });

  it('keeps the upgrade handshake (and WebSocket/SPDY headers) for exec, attach and port-forward', () => {
    const out = forwardedRequestHeaders(
      incoming([
        ['Connection', 'Upgrade'],
        ['Upgrade', 'websocket'],
        ['Sec-WebSocket-Key', 'k'],
        ['Sec-WebSocket-Protocol', 'v5.channel.k8s.io, v4.channel.k8s.io'],
        ['X-Stream-Protocol-Version', 'v4.channel.k8s.io'],
        ['X-Stream-Protocol-Version', 'channel.k8s.io'],
        ['Impersonate-User', 'admin'],
      ]),
      { upgrade: true },
    );
    assert.deepEqual(out, {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': 'k',
      'sec-websocket-protocol': 'v5.channel.k8s.io, v4.channel.k8s.io',
      'x-stream-protocol-version': ['v4.channel.k8s.io', 'channel.k8s.io'],
    });
  });

  it('passes a cluster-issued token through untouched, with its own Impersonate-* for the cluster to check', () => {
    const out = forwardedRequestHeaders(
      incoming([
        ['Authorization', 'Bearer sa'],
        ['Impersonate-User', 'bob'],
      ]),
      { passthrough: true },
    );
    assert.deepEqual(out, { authorization: 'Bearer sa', 'impersonate-user': 'bob' });
  });
});

describe('impersonationHeaders', () => {
  it('names the user, groups (without system:authenticated, which kube adds), uid and extras, plus the original user', () => {
    const out = impersonationHeaders(
      {
        username: 'jané',
        uid: 'u-1',
        groups: ['devs', 'system:authenticated', 'qa'],
        extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'], [ORIGINAL_USER_EXTRA]: ['forged'] },
      },
      'alice',
    );
    assert.deepEqual(out, {
      'impersonate-user': Buffer.from('jané', 'utf8').toString('latin1'),
      'impersonate-group': ['devs', 'qa'],
      'impersonate-uid': 'u-1',
      'impersonate-extra-authentication.kubernetes.io%2Fcredential-id': ['X509SHA256=ab'],
      'impersonate-extra-authentication.kauth.io%2Foriginal-user': ['alice'],
    });
  });

  it('refuses control characters instead of sending them', () => {
    assert.throws(
      () => impersonationHeaders({ username: 'a\r\nImpersonate-Group: system:masters', groups: [] }, 'a'),
      /control character/,
    );
  });
});

describe('encodeExtraKey', () => {
  for (const [key, want] of [
    ['scopes', 'scopes'],
    ['example.com/team', 'example.com%2Fteam'],
    ['a b%', 'a%20b%25'],
    ['é', '%C3%A9'],
  ]) {
    it(`${key} → ${want}`, () => assert.equal(encodeExtraKey(key), want));
  }
});

describe('forwardedResponseHeaders', () => {
  it('keeps repeated headers and drops hop-by-hop ones', () => {
    assert.deepEqual(
      forwardedResponseHeaders([
        'Content-Type',
        'application/json',
        'Transfer-Encoding',
        'chunked',
        'Warning',
        'a',
        'Warning',
        'b',
        'Connection',
        'keep-alive',
      ]),
      ['Content-Type', 'application/json', 'Warning', 'a', 'Warning', 'b'],
    );
  });
});
