// GatewayConfiguration validation: every mistake is named by its field path, relative paths resolve against
// the config file's directory, and defaults are filled in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayConfigError, parseByteSize, validateGatewayConfig } from '../../../src/gateway/config.js';

const valid = () => ({
  apiVersion: 'gateway.kauth.dev/v1alpha1',
  kind: 'GatewayConfiguration',
  listen: '127.0.0.1:9443',
  authentication: { clientCAFile: 'users-ca.crt' },
  clusters: [
    { name: 'east', kubeconfig: '/etc/kauth/east.conf' },
    { name: 'west', kubeconfig: 'west.conf' },
  ],
});

function errorsOf(doc: unknown): string[] {
  try {
    validateGatewayConfig(doc, '/cfg');
  } catch (e) {
    assert.ok(e instanceof GatewayConfigError);
    return e.errors.map((x) => `${x.field}: ${x.message}`);
  }
  return [];
}

describe('validateGatewayConfig', () => {
  it("accepts the issue's shape, resolving relative paths against the file's directory", () => {
    const c = validateGatewayConfig({ ...valid(), audit: { path: 'audit.log' } }, '/cfg');
    assert.deepEqual(c.listen, { host: '127.0.0.1', port: 9443 });
    assert.equal(c.authentication.clientCAFile, '/cfg/users-ca.crt');
    assert.deepEqual(
      c.clusters.map((x) => x.kubeconfig),
      ['/etc/kauth/east.conf', '/cfg/west.conf'],
    );
    assert.deepEqual(c.audit, { path: '/cfg/audit.log', maxSize: 100 * 1024 * 1024, maxBackups: 5 });
  });

  it("webhook token authentication: kube's defaults (2m cache, v1beta1), the path relative to the file", () => {
    let c = validateGatewayConfig({ ...valid(), authentication: { webhook: { configFile: 'hook.conf' } } }, '/cfg');
    assert.deepEqual(c.authentication.webhook, { configFile: '/cfg/hook.conf', cacheTTL: 120, version: 'v1beta1' });
    c = validateGatewayConfig(
      { ...valid(), authentication: { webhook: { configFile: '/h.conf', cacheTTL: '1m30s', version: 'v1' } } },
      '/cfg',
    );
    assert.deepEqual(c.authentication.webhook, { configFile: '/h.conf', cacheTTL: 90, version: 'v1' });
  });

  const cases: { name: string; patch: Record<string, unknown>; want: RegExp }[] = [
    { name: 'wrong apiVersion', patch: { apiVersion: 'v1' }, want: /^apiVersion: Unsupported value: "v1"/ },
    { name: 'wrong kind', patch: { kind: 'Config' }, want: /^kind: Unsupported value/ },
    { name: 'unknown field', patch: { listne: 'x' }, want: /^listne: Unsupported value/ },
    { name: 'no listen', patch: { listen: undefined }, want: /^listen: Required value/ },
    { name: 'bad port', patch: { listen: '127.0.0.1:99999' }, want: /^listen: Invalid value: "127.0.0.1:99999"/ },
    { name: 'port not a number', patch: { listen: '127.0.0.1:1e3' }, want: /^listen: Invalid value/ },
    { name: 'tls without key', patch: { tls: { certFile: 'a.crt' } }, want: /^tls.keyFile: Required value/ },
    { name: 'no authentication', patch: { authentication: undefined }, want: /^authentication: Required value/ },
    { name: 'empty authentication', patch: { authentication: {} }, want: /^authentication: Required value/ },
    { name: 'jwt not a list', patch: { authentication: { jwt: {} } }, want: /^authentication.jwt: Invalid value/ },
    {
      name: 'webhook without configFile',
      patch: { authentication: { webhook: {} } },
      want: /^authentication.webhook.configFile: Required value/,
    },
    {
      name: 'webhook cacheTTL not a duration',
      patch: { authentication: { webhook: { configFile: 'h.conf', cacheTTL: '2 minutes' } } },
      want: /^authentication.webhook.cacheTTL: Invalid value: "2 minutes"/,
    },
    {
      name: 'webhook version',
      patch: { authentication: { webhook: { configFile: 'h.conf', version: 'v2' } } },
      want: /^authentication.webhook.version: Unsupported value: "v2": supported values: "v1", "v1beta1"/,
    },
    {
      name: 'jwt entry not a mapping',
      patch: { authentication: { jwt: ['x'] } },
      want: /^authentication.jwt\[0\]: Invalid value/,
    },
    {
      name: 'unknown authenticator',
      patch: { authentication: { webhok: {} } },
      want: /^authentication.webhok: Unsupported value/,
    },
    { name: 'no clusters', patch: { clusters: [] }, want: /^clusters: Required value/ },
    {
      name: 'cluster without kubeconfig',
      patch: { clusters: [{ name: 'east' }] },
      want: /^clusters\[0\].kubeconfig: Required value/,
    },
    {
      name: 'cluster name not a label',
      patch: { clusters: [{ name: 'East/1', kubeconfig: 'k' }] },
      want: /^clusters\[0\].name: Invalid value: "East\/1"/,
    },
    {
      name: 'duplicate cluster',
      patch: {
        clusters: [
          { name: 'a', kubeconfig: 'k' },
          { name: 'a', kubeconfig: 'k' },
        ],
      },
      want: /^clusters\[1\].name: Duplicate value: "a"/,
    },
    {
      name: 'access to unknown cluster',
      patch: { access: [{ clusters: ['north'], groups: ['devs'] }] },
      want: /^access\[0\].clusters\[0\]: Unsupported value: "north"/,
    },
    {
      name: 'access rule for nobody',
      patch: { access: [{ clusters: ['*'] }] },
      want: /^access\[0\].users: Required value/,
    },
    { name: 'audit without path', patch: { audit: { maxSize: '1Mi' } }, want: /^audit.path: Required value/ },
    {
      name: 'audit bad size',
      patch: { audit: { path: 'a', maxSize: '10MB' } },
      want: /^audit.maxSize: Invalid value: "10MB"/,
    },
    {
      name: 'audit bad backups',
      patch: { audit: { path: 'a', maxBackups: -1 } },
      want: /^audit.maxBackups: Invalid value: -1/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const doc: Record<string, unknown> = { ...valid(), ...c.patch };
      for (const [k, v] of Object.entries(c.patch)) if (v === undefined) delete doc[k];
      const errs = errorsOf(doc);
      assert.ok(
        errs.some((e) => c.want.test(e)),
        errs.join('\n'),
      );
    });
  }

  it('names every problem at once', () => {
    assert.equal(errorsOf({ ...valid(), listen: 'x', clusters: [] }).length, 2);
  });
});

describe('parseByteSize', () => {
  for (const [input, want] of [
    ['512Ki', 512 * 1024],
    ['10Mi', 10 * 1024 ** 2],
    ['1Gi', 1024 ** 3],
    ['4096', 4096],
    [2048, 2048],
    ['0', undefined],
    ['10MB', undefined],
    ['Mi', undefined],
    ['-1Mi', undefined],
    [1.5, undefined],
    ['9'.repeat(30), undefined],
  ] as const) {
    it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(parseByteSize(input), want));
  }
});
