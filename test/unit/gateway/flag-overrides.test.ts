// `kauth gateway` flags: each one sets the GatewayConfiguration field it stands for, before validation.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateGatewayConfig } from '../../../src/gateway/config.js';
import { applyGatewayFlags } from '../../../src/gateway/flag-overrides.js';

describe('applyGatewayFlags', () => {
  it('flags alone make a whole configuration, paths relative to the working directory', () => {
    const doc = applyGatewayFlags(
      undefined,
      {
        clientCaFile: 'users-ca.crt',
        cluster: ['east=east.conf', 'west=/k/west.conf'],
        tlsCertFile: 'gw.crt',
        tlsPrivateKeyFile: 'gw.key',
        auditLogPath: 'audit.log',
        auditLogMaxsize: '10',
        auditLogMaxbackup: '3',
      },
      '/work',
    );
    const c = validateGatewayConfig({ ...(doc as object), listen: '127.0.0.1:9443' }, '/ignored');
    assert.equal(c.authentication.clientCAFile, '/work/users-ca.crt');
    assert.deepEqual(c.clusters, [
      { name: 'east', kubeconfig: '/work/east.conf' },
      { name: 'west', kubeconfig: '/k/west.conf' },
    ]);
    assert.deepEqual(c.tls, { certFile: '/work/gw.crt', keyFile: '/work/gw.key' });
    assert.deepEqual(c.audit, { path: '/work/audit.log', maxSize: 10 * 1024 * 1024, maxBackups: 3 });
  });

  it("a --cluster replaces the file's entry of the same name and keeps the others", () => {
    const file = {
      apiVersion: 'gateway.kauth.dev/v1alpha1',
      kind: 'GatewayConfiguration',
      listen: '127.0.0.1:1',
      authentication: { clientCAFile: '/ca' },
      clusters: [
        { name: 'east', kubeconfig: '/old' },
        { name: 'west', kubeconfig: '/w' },
      ],
    };
    const c = validateGatewayConfig(applyGatewayFlags(file, { cluster: ['east=/new'] }, '/'), '/');
    assert.deepEqual(c.clusters, [
      { name: 'west', kubeconfig: '/w' },
      { name: 'east', kubeconfig: '/new' },
    ]);
    assert.deepEqual(file.clusters[0], { name: 'east', kubeconfig: '/old' }, 'the file document is not mutated');
  });

  it('webhook flags fill authentication.webhook; --authentication-config adds its jwt issuers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kauth-gw-flags-'));
    writeFileSync(
      join(dir, 'authn.yaml'),
      'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n' +
        'jwt:\n- issuer: {url: https://idp.example, audiences: [gw]}\n  claimMappings: {username: {claim: sub, prefix: ""}}\n',
    );
    const doc = applyGatewayFlags(
      undefined,
      {
        authenticationConfig: 'authn.yaml',
        authenticationTokenWebhookConfigFile: 'hook.conf',
        authenticationTokenWebhookCacheTtl: '30s',
        authenticationTokenWebhookVersion: 'v1',
        cluster: ['c=/c'],
      },
      dir,
    );
    const c = validateGatewayConfig({ ...(doc as object), listen: '127.0.0.1:1' }, '/');
    assert.deepEqual(c.authentication.webhook, { configFile: join(dir, 'hook.conf'), cacheTTL: 30, version: 'v1' });
    assert.equal((c.authentication.jwt[0] as { issuer: { url: string } }).issuer.url, 'https://idp.example');
  });

  it('refuses a --cluster that is not NAME=KUBECONFIG', () => {
    for (const bad of ['east', '=x', 'east=']) {
      assert.throws(() => applyGatewayFlags(undefined, { cluster: [bad] }), /want NAME=KUBECONFIG/);
    }
  });
});
