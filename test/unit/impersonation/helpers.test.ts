// The exported helpers, and the filter fed by a real node:http server (raw bytes on a socket), so the
// assumptions about Node's header parsing (duplicates, empty values, latin1) are checked, not assumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import {
  IMPERSONATE_HEADERS,
  describeImpersonation,
  impersonate,
  isImpersonationHeader,
  splitServiceAccountUsername,
  stripImpersonationHeaders,
  userString,
} from '../../../src/server/filters/impersonation.js';
import { TableAuthorizer, grant } from './fake-authorizer.js';

test('IMPERSONATE_HEADERS spells the names as Kubernetes does', () => {
  assert.deepEqual(
    { ...IMPERSONATE_HEADERS },
    {
      user: 'Impersonate-User',
      group: 'Impersonate-Group',
      uid: 'Impersonate-Uid',
      extraPrefix: 'Impersonate-Extra-',
    },
  );
});

const headerNames: [string, boolean][] = [
  ['Impersonate-User', true],
  ['impersonate-group', true],
  ['IMPERSONATE-UID', true],
  ['Impersonate-Extra-scopes', true],
  ['impersonate-extra-', true],
  ['Impersonate', false],
  ['Impersonate-Extra', false],
  ['Impersonate-Users', false],
  ['Authorization', false],
  ['X-Impersonate-User', false],
];
for (const [name, expected] of headerNames) {
  test(`isImpersonationHeader(${JSON.stringify(name)}) = ${expected}`, () => {
    assert.equal(isImpersonationHeader(name), expected);
  });
}

test('stripImpersonationHeaders removes every Impersonate-* header and nothing else, without mutating', () => {
  const headers = {
    host: 'kauth',
    accept: 'application/json',
    'impersonate-user': 'jane',
    'Impersonate-Group': ['a', 'b'],
    'impersonate-uid': '1',
    'impersonate-extra-scopes': 'view',
    'Impersonate-Extra-acme.com%2fproject': 'p',
  };
  const before = structuredClone(headers);
  assert.deepEqual(stripImpersonationHeaders(headers), { host: 'kauth', accept: 'application/json' });
  assert.deepEqual(headers, before);
});

const saNames: [string, { namespace: string; name: string } | undefined][] = [
  ['system:serviceaccount:demo:bot', { namespace: 'demo', name: 'bot' }],
  ['system:serviceaccount:kube-system:my.sa-1', { namespace: 'kube-system', name: 'my.sa-1' }],
  ['system:serviceaccount:demo', undefined],
  ['system:serviceaccount:demo:bot:x', undefined],
  ['system:serviceaccount::bot', undefined],
  ['system:serviceaccount:demo:', undefined],
  ['system:serviceaccount:Demo:bot', undefined],
  ['system:serviceaccount:demo:Bot', undefined],
  ['system:serviceaccount:de.mo:bot', undefined],
  [`system:serviceaccount:${'n'.repeat(64)}:bot`, undefined],
  [`system:serviceaccount:${'n'.repeat(63)}:bot`, { namespace: 'n'.repeat(63), name: 'bot' }],
  ['system:serviceaccounts:demo:bot', undefined],
  ['jane', undefined],
];
for (const [username, expected] of saNames) {
  test(`splitServiceAccountUsername(${JSON.stringify(username.length > 60 ? username.slice(0, 60) + '…' : username)})`, () => {
    assert.deepEqual(splitServiceAccountUsername(username), expected);
  });
}

test('userString and describeImpersonation use the Kubernetes log text', () => {
  assert.equal(userString(undefined), '<none>');
  assert.equal(userString({ username: '', groups: [] }), '<empty>');
  assert.equal(userString({ username: 'bob', groups: [] }), 'bob');
  assert.equal(
    describeImpersonation(
      { username: 'bob', groups: ['system:authenticated'] },
      { username: 'jane', groups: ['developers', 'system:authenticated'] },
    ),
    'bob[system:authenticated] is impersonating jane[developers,system:authenticated]',
  );
});

/** Sends `rawRequest` byte for byte to a fresh node:http server and returns the parsed request. */
async function parsedByNode(rawRequest: Buffer): Promise<IncomingMessage> {
  let resolveReq!: (r: IncomingMessage) => void;
  const received = new Promise<IncomingMessage>((resolve) => (resolveReq = resolve));
  const server = http.createServer((req, res) => {
    resolveReq(req);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.write(rawRequest);
    const req = await received;
    socket.destroy();
    return req;
  } finally {
    server.close();
  }
}

test('through a real node:http server: repeated lines, commas, empty values and UTF-8 come out as Kubernetes reads them', async () => {
  const raw = Buffer.concat([
    Buffer.from('GET /api/v1/pods HTTP/1.1\r\nHost: kauth\r\n'),
    Buffer.from('Impersonate-User: jan'),
    Buffer.from('é', 'utf8'),
    Buffer.from('\r\n'),
    Buffer.from('Impersonate-User: second\r\n'),
    Buffer.from('Impersonate-Group: a, b\r\nImpersonate-Group: c\r\nImpersonate-Group:\r\n'),
    Buffer.from('Impersonate-Extra-Acme.com%2Fproject: x\r\nimpersonate-extra-ACME.COM%2fPROJECT: y\r\n'),
    Buffer.from('Impersonate-Extra-Team: '),
    Buffer.from('플랫폼', 'utf8'),
    Buffer.from('\r\n'),
    Buffer.from('Impersonate-Uid: 42\r\nConnection: close\r\n\r\n'),
  ]);
  const req = await parsedByNode(raw);
  const authz = new TableAuthorizer([grant('admin', '*', '*', '*', '*', '*', '*')]);
  const result = await impersonate({ username: 'admin', groups: [] }, req.headers, authz, req.headersDistinct);
  assert.deepEqual(result, {
    impersonated: true,
    user: {
      username: 'jané',
      groups: ['a, b', 'c', '', 'system:authenticated'],
      uid: '42',
      extra: { 'acme.com/project': ['x', 'y'], team: ['플랫폼'] },
    },
  });
});

test('through a real node:http server: a lone Impersonate-Group is a 400 with the Kubernetes text', async () => {
  const req = await parsedByNode(
    Buffer.from('GET / HTTP/1.1\r\nHost: kauth\r\nImpersonate-Group: developers\r\nConnection: close\r\n\r\n'),
  );
  const authz = new TableAuthorizer([]);
  await assert.rejects(impersonate({ username: 'admin', groups: [] }, req.headers, authz, req.headersDistinct), {
    code: 400,
    reason: 'BadRequest',
    message: 'requested [{Group  developers    }] without impersonating a user',
  });
  assert.equal(authz.calls.length, 0);
});
