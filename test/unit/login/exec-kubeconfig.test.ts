import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loginExecConfig, mergeIntoKubeconfigFile, oidcKubeconfig } from '../../../src/login/exec-kubeconfig.js';
import { buildKubeconfig, writeKubeconfig } from '../../../src/kubeconfig/index.js';
import { KUBECTL, tempDir } from '../pki/helpers.js';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';

describe('loginExecConfig', () => {
  it('is a v1 exec entry running `login` with kubelogin-style flags', () => {
    const exec = loginExecConfig('/usr/bin/node', ['/opt/kauth/main.js'], {
      issuerUrl: 'https://idp.example.com',
      clientId: 'kubernetes',
      extraScopes: ['email', 'groups'],
      grantType: 'device-code',
      issuerCaFile: '/etc/idp-ca.pem',
      extraArgs: ['--listen-address=127.0.0.1:9000'],
    });
    assert.deepEqual(exec, {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: '/usr/bin/node',
      args: [
        '/opt/kauth/main.js',
        'login',
        '--oidc-issuer-url=https://idp.example.com',
        '--oidc-client-id=kubernetes',
        '--oidc-extra-scope=email',
        '--oidc-extra-scope=groups',
        '--grant-type=device-code',
        '--certificate-authority=/etc/idp-ca.pem',
        '--listen-address=127.0.0.1:9000',
      ],
      interactiveMode: 'IfAvailable',
      provideClusterInfo: false,
    });
  });
  it('leaves out defaults', () => {
    const exec = loginExecConfig('kauth', [], { issuerUrl: 'https://i', clientId: 'c', grantType: 'auto' });
    assert.deepEqual(exec.args, ['login', '--oidc-issuer-url=https://i', '--oidc-client-id=c']);
  });
});

describe('the OIDC kubeconfig', () => {
  const cfg = oidcKubeconfig({
    clusterName: 'prod',
    server: 'https://10.0.0.1:6443',
    caPem: CA,
    userName: 'oidc@prod',
    contextName: 'oidc@prod',
    namespace: 'team-a',
    exec: loginExecConfig('kauth', [], { issuerUrl: 'https://idp', clientId: 'k8s' }),
  });

  it('is read by kubectl as written', () => {
    const dir = tempDir('kauth-login-kc-');
    const file = join(dir, 'config');
    assert.equal(mergeIntoKubeconfigFile(file, cfg), false);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const r = spawnSync(KUBECTL, ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const view = JSON.parse(r.stdout);
    assert.equal(view['current-context'], 'oidc@prod');
    assert.deepEqual(view.contexts[0].context, { cluster: 'prod', user: 'oidc@prod', namespace: 'team-a' });
    assert.equal(Buffer.from(view.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), CA);
    const exec = view.users[0].user.exec;
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1');
    assert.equal(exec.command, 'kauth');
    assert.equal(exec.interactiveMode, 'IfAvailable');
    assert.equal(exec.provideClusterInfo, false);
  });

  it('merges into an existing file: same names replaced, the rest kept, the new context current', () => {
    const dir = tempDir('kauth-login-kc-');
    const file = join(dir, 'config');
    const admin = buildKubeconfig({
      clusterName: 'dev',
      server: 'https://127.0.0.1:6443',
      caPem: CA,
      userName: 'admin',
      token: 'abc',
    });
    admin.clusters.push({ name: 'prod', cluster: { server: 'https://old:6443' } });
    writeKubeconfig(file, admin);
    assert.equal(mergeIntoKubeconfigFile(file, cfg), true);
    const doc = parse(readFileSync(file, 'utf8'));
    assert.equal(doc['current-context'], 'oidc@prod');
    assert.deepEqual(doc.clusters.map((c: { name: string }) => c.name).sort(), ['dev', 'prod']);
    assert.equal(doc.clusters.find((c: { name: string }) => c.name === 'prod').cluster.server, 'https://10.0.0.1:6443');
    assert.deepEqual(doc.users.map((u: { name: string }) => u.name).sort(), ['admin', 'oidc@prod']);
    assert.equal(doc.users.find((u: { name: string }) => u.name === 'admin').user.token, 'abc');
    assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name).sort(), ['admin@dev', 'oidc@prod']);
  });
});
