import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCertificate } from '../../../src/pki/certificate.js';
import {
  checkExpiration,
  formatExpiry,
  renderExpiration,
  shortHumanDuration,
  tabwrite,
  type ExpirationReport,
} from '../../../src/pki/expiration.js';
import { ensurePkiTree } from '../../../src/pki/kubeadm-tree.js';
import { loadPrivateKeyPem, sameKey } from '../../../src/pki/keys.js';
import { renewAll, renewableNames, renewCertificate } from '../../../src/pki/renew.js';
import { loadKubeconfig } from '../../../src/kubeconfig/load.js';
import { resolveClusterCredentials } from '../../../src/kubeconfig/credentials.js';
import { openssl, tempDir } from './helpers.js';

const root = tempDir();
const DAY = 86_400_000;
const madeAt = new Date(Date.now() - 100 * DAY);
const golden = join(root, 'golden');
await ensurePkiTree({
  certDir: join(golden, 'pki'),
  advertiseAddress: '10.1.2.3',
  nodeName: 'node-0',
  algorithm: 'ECDSA-P256',
  now: madeAt,
});

function copy(name: string): string {
  const dir = join(root, name);
  cpSync(golden, dir, { recursive: true });
  return dir;
}

describe('shortHumanDuration (apimachinery duration.ShortHumanDuration)', () => {
  const cases: [number, string][] = [
    [-5, '<invalid>'],
    [-1, '0s'],
    [0, '0s'],
    [59, '59s'],
    [60, '1m'],
    [3599, '59m'],
    [3600, '1h'],
    [86_399, '23h'],
    [86_400, '1d'],
    [364 * 86_400 + 86_399, '364d'],
    [365 * 86_400, '1y'],
    [3650 * 86_400 - 60, '9y'],
  ];
  for (const [s, want] of cases) it(`${s}s → ${want}`, () => assert.equal(shortHumanDuration(s), want));
});

describe('check-expiration report', () => {
  it('lists the kubeadm names sorted, with CA and residual time, then the CAs', () => {
    const r = checkExpiration(join(golden, 'pki'), golden);
    assert.deepEqual(
      r.certificates.map((c) => [c.name, c.caName]),
      [
        ['admin.conf', 'ca'],
        ['apiserver', 'ca'],
        ['apiserver-etcd-client', 'etcd-ca'],
        ['apiserver-kubelet-client', 'ca'],
        ['controller-manager.conf', 'ca'],
        ['etcd-healthcheck-client', 'etcd-ca'],
        ['etcd-peer', 'etcd-ca'],
        ['etcd-server', 'etcd-ca'],
        ['front-proxy-client', 'front-proxy-ca'],
        ['scheduler.conf', 'ca'],
        ['super-admin.conf', 'ca'],
      ],
    );
    assert.deepEqual(
      r.authorities.map((c) => c.name),
      ['ca', 'etcd-ca', 'front-proxy-ca'],
    );
    for (const c of r.certificates) assert.equal(shortHumanDuration(c.residualSeconds!), '264d', c.name);
    for (const c of r.authorities) assert.equal(shortHumanDuration(c.residualSeconds!), '9y', c.name);
    assert.ok(r.certificates.every((c) => !c.missing && !c.externallyManaged));
  });
  it('marks missing files and externally managed CAs', () => {
    const dir = copy('missing');
    rmSync(join(dir, 'pki', 'apiserver.crt'));
    rmSync(join(dir, 'scheduler.conf'));
    rmSync(join(dir, 'pki', 'etcd', 'ca.key'));
    const r = checkExpiration(join(dir, 'pki'), dir);
    assert.equal(r.certificates.find((c) => c.name === 'apiserver')!.missing, true);
    assert.equal(r.certificates.find((c) => c.name === 'scheduler.conf')!.missing, true);
    assert.equal(r.certificates.find((c) => c.name === 'etcd-server')!.externallyManaged, true);
    assert.equal(r.authorities.find((c) => c.name === 'etcd-ca')!.externallyManaged, true);
    const out = renderExpiration(r);
    assert.match(out, /^!MISSING! apiserver\s*$/m);
  });
  it("renders kubeadm's table byte for byte (tabwriter 10/4/3)", () => {
    const exp = new Date(Date.UTC(2027, 0, 2, 3, 4));
    const report: ExpirationReport = {
      certificates: [
        {
          name: 'admin.conf',
          missing: false,
          expires: exp,
          residualSeconds: 364 * 86_400 + 5,
          caName: 'ca',
          externallyManaged: false,
        },
        {
          name: 'front-proxy-client',
          missing: false,
          expires: exp,
          residualSeconds: 3_700,
          caName: 'front-proxy-ca',
          externallyManaged: true,
        },
        { name: 'scheduler.conf', missing: true, caName: 'ca', externallyManaged: false },
      ],
      authorities: [
        { name: 'ca', missing: false, expires: exp, residualSeconds: 9 * 365 * 86_400 + 100, externallyManaged: false },
      ],
    };
    assert.equal(
      renderExpiration(report),
      [
        // The !MISSING! cell widens the first column, as in Go's tabwriter.
        'CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED',
        'admin.conf                 Jan 02, 2027 03:04 UTC   364d            ca                      no      ',
        'front-proxy-client         Jan 02, 2027 03:04 UTC   1h              front-proxy-ca          yes     ',
        `!MISSING! scheduler.conf${' '.repeat(3 + 25 + 16 + 24)}`,
        '',
        'CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED',
        'ca                      Jan 02, 2027 03:04 UTC   9y              no      ',
        '',
      ].join('\n'),
    );
    assert.equal(formatExpiry(new Date(Date.UTC(2030, 11, 31, 23, 59))), 'Dec 31, 2030 23:59 UTC');
    assert.equal(tabwrite(['a\tb', 'ccc\td']), 'a         b\nccc       d\n');
  });
});

describe('renew', () => {
  const read = (p: string) => readFileSync(p, 'utf8');

  it('apiserver: same subject, SANs and usages, new key and validity, signed by the same CA', async () => {
    const dir = copy('renew-apiserver');
    const pki = join(dir, 'pki');
    const before = readCertificate(read(join(pki, 'apiserver.crt')));
    const oldKey = loadPrivateKeyPem(read(join(pki, 'apiserver.key')));
    const r = await renewCertificate('apiserver', { certDir: pki, kubeconfigDir: dir });
    assert.deepEqual(r, { name: 'apiserver', longName: 'certificate for serving the Kubernetes API', renewed: true });
    const after = readCertificate(read(join(pki, 'apiserver.crt')));
    for (const k of ['subject', 'dnsNames', 'ipAddresses', 'extKeyUsages', 'keyUsages', 'issuerString'] as const)
      assert.deepEqual(after[k], before[k], k);
    assert.notEqual(after.serialNumber, before.serialNumber);
    assert.ok(after.notAfter.getTime() - before.notAfter.getTime() > 99 * DAY);
    const newKey = loadPrivateKeyPem(read(join(pki, 'apiserver.key')));
    assert.ok(!sameKey(newKey, oldKey), 'kubeadm renews with a new key');
    assert.equal(openssl(['verify', '-CAfile', join(pki, 'ca.crt'), join(pki, 'apiserver.crt')]).status, 0);
  });
  it('--keep-key reuses the existing key', async () => {
    const dir = copy('renew-keep');
    const pki = join(dir, 'pki');
    const keyBefore = read(join(pki, 'etcd', 'server.key'));
    await renewCertificate('etcd-server', { certDir: pki, kubeconfigDir: dir, keepKey: true });
    assert.equal(read(join(pki, 'etcd', 'server.key')), keyBefore);
    assert.equal(
      openssl(['verify', '-CAfile', join(pki, 'etcd', 'ca.crt'), join(pki, 'etcd', 'server.crt')]).status,
      0,
    );
  });
  it('admin.conf: only the embedded client certificate and key change', async () => {
    const dir = copy('renew-admin');
    const before = loadKubeconfig(join(dir, 'admin.conf'));
    await renewCertificate('admin.conf', { certDir: join(dir, 'pki'), kubeconfigDir: dir });
    const after = loadKubeconfig(join(dir, 'admin.conf'));
    assert.deepEqual(after.clusters, before.clusters);
    assert.deepEqual(after.contexts, before.contexts);
    assert.notEqual(after.users[0]!.user['client-certificate-data'], before.users[0]!.user['client-certificate-data']);
    const creds = resolveClusterCredentials(after);
    const info = readCertificate(creds.clientCertPem!);
    assert.equal(info.subject.commonName, 'kubernetes-admin');
    assert.deepEqual(info.subject.organizations, ['kubeadm:cluster-admins']);
    assert.equal(openssl(['verify', '-CAfile', join(dir, 'pki', 'ca.crt')], creds.clientCertPem).status, 0);
  });
  it('all: every renewable certificate, and the tree stays consistent', async () => {
    const dir = copy('renew-all');
    const results = await renewAll({ certDir: join(dir, 'pki'), kubeconfigDir: dir });
    assert.deepEqual(
      results.map((r) => r.name),
      renewableNames(),
    );
    assert.ok(results.every((r) => r.renewed));
    const check = await ensurePkiTree({
      certDir: join(dir, 'pki'),
      advertiseAddress: '10.1.2.3',
      nodeName: 'node-0',
      algorithm: 'ECDSA-P256',
    });
    assert.deepEqual(check.created, []);
    for (const c of checkExpiration(join(dir, 'pki'), dir).certificates)
      assert.equal(shortHumanDuration(c.residualSeconds!), '364d', c.name);
  });
  it('refuses unknown names and does not renew under an external CA', async () => {
    const dir = copy('renew-refuse');
    await assert.rejects(
      renewCertificate('kubelet.conf', { certDir: join(dir, 'pki'), kubeconfigDir: dir }),
      /unknown certificate "kubelet.conf"; valid names: admin.conf/,
    );
    rmSync(join(dir, 'pki', 'front-proxy-ca.key'));
    const before = read(join(dir, 'pki', 'front-proxy-client.crt'));
    const r = await renewCertificate('front-proxy-client', { certDir: join(dir, 'pki'), kubeconfigDir: dir });
    assert.equal(r.renewed, false);
    assert.match(r.reason!, /external front-proxy-ca/);
    assert.equal(read(join(dir, 'pki', 'front-proxy-client.crt')), before);
  });
});
