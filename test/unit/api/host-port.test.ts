import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpsUrl, joinHostPort, reachableHost } from '../../../src/api/host-port.js';

test('joinHostPort brackets IPv6 literals only, as net.JoinHostPort', () => {
  const cases: [string, number, string][] = [
    ['127.0.0.1', 6443, '127.0.0.1:6443'],
    ['::', 6443, '[::]:6443'],
    ['::1', 443, '[::1]:443'],
    ['fd00::10', 6443, '[fd00::10]:6443'],
    ['::ffff:127.0.0.1', 6443, '[::ffff:127.0.0.1]:6443'],
    ['kauth.example', 6443, 'kauth.example:6443'],
  ];
  for (const [host, port, want] of cases) assert.equal(joinHostPort(host, port), want, host);
  assert.equal(httpsUrl('::1', 6443), 'https://[::1]:6443');
});

test('reachableHost maps the unspecified addresses to loopback and keeps the rest', () => {
  assert.equal(reachableHost('0.0.0.0'), '127.0.0.1');
  assert.equal(reachableHost('::'), '127.0.0.1');
  assert.equal(reachableHost(''), '127.0.0.1');
  assert.equal(reachableHost('::1'), '::1');
  assert.equal(reachableHost('10.0.0.5'), '10.0.0.5');
});
