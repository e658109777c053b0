// `--bind-address ::` (all IPv6 and IPv4 addresses): the published URLs keep a valid host, where they used to
// read `https://:::6443/…` (an IPv6 literal without its brackets).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientCert, request, startCluster, type Cluster } from './harness.js';

let c: Cluster;
let admin: { cert: Buffer; key: Buffer };
before(async () => {
  c = await startCluster({ args: ['--bind-address', '::'] });
  admin = clientCert(c, 'ipv6-admin', ['system:masters']);
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

test('the service-account issuer discovery names a reachable jwks_uri', async () => {
  const r = await request(c, { path: '/.well-known/openid-configuration', who: { cert: admin } });
  assert.equal(r.code, 200, r.text);
  assert.equal(r.json.jwks_uri, `https://127.0.0.1:${c.port}/openid/v1/jwks`);
  assert.doesNotThrow(() => new URL(r.json.jwks_uri));
});

test('the ready banner and /api name a URL that parses', async () => {
  assert.match(
    c.output(),
    new RegExp(`ready at https://\\[::\\]:${c.port}|ready at https://127\\.0\\.0\\.1:${c.port}`),
  );
  const api = await request(c, { path: '/api', who: { cert: admin } });
  const address: string = api.json.serverAddressByClientCIDRs[0].serverAddress;
  assert.doesNotThrow(() => new URL(`https://${address}`), address);
});
