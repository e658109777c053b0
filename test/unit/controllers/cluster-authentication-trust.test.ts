// What the cluster authentication trust publisher writes into kube-system/extension-apiserver-authentication,
// merged with what is there (clusterauthenticationtrust's combine rules), with openssl-made CAs.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configMapData,
  type ClusterAuthenticationInfo,
} from '../../../src/controllers/cluster-authentication-trust.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-trust-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function ca(name: string): string {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  return readFileSync(join(dir, `${name}.crt`), 'utf8');
}
const clusterCa = ca('kubernetes');
const frontProxyCa = ca('front-proxy-ca');
const otherCa = ca('other-proxy-ca');
const names = (bundle: string | undefined): string[] =>
  [...(bundle ?? '').matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map(
    (m) => new X509Certificate(m[0]).subject,
  );

const KUBEADM: ClusterAuthenticationInfo = {
  clientCaPem: clusterCa,
  requestHeader: {
    caPem: frontProxyCa,
    allowedNames: ['front-proxy-client'],
    usernameHeaders: ['X-Remote-User'],
    uidHeaders: [],
    groupHeaders: ['X-Remote-Group'],
    extraHeaderPrefixes: ['X-Remote-Extra-'],
  },
};

describe('configMapData (getConfigMapDataFor over combinedClusterAuthenticationInfo)', () => {
  test('a new ConfigMap: the CAs as PEM, every list as a JSON array, uid headers [] when none', () => {
    const data = configMapData({}, KUBEADM);
    assert.deepEqual(Object.keys(data), [
      'client-ca-file',
      'requestheader-username-headers',
      'requestheader-uid-headers',
      'requestheader-group-headers',
      'requestheader-extra-headers-prefix',
      'requestheader-client-ca-file',
      'requestheader-allowed-names',
    ]);
    assert.equal(data['client-ca-file'], new X509Certificate(clusterCa).toString());
    assert.deepEqual(names(data['requestheader-client-ca-file']), ['CN=front-proxy-ca']);
    assert.equal(data['requestheader-username-headers'], '["X-Remote-User"]');
    assert.equal(data['requestheader-uid-headers'], '[]');
    assert.equal(data['requestheader-group-headers'], '["X-Remote-Group"]');
    assert.equal(data['requestheader-extra-headers-prefix'], '["X-Remote-Extra-"]');
    assert.equal(data['requestheader-allowed-names'], '["front-proxy-client"]');
  });
  test('without a front proxy: the client CA only', () => {
    assert.deepEqual(Object.keys(configMapData({}, { clientCaPem: clusterCa })), ['client-ca-file']);
  });
  test('nothing to say: nothing', () => {
    assert.deepEqual(configMapData({}, {}), {});
  });
  test('what another API server put there is kept: lists unioned in order, CA bundles unioned once', () => {
    const theirs = {
      'requestheader-client-ca-file': otherCa + frontProxyCa,
      'requestheader-allowed-names': '["other-proxy","front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User","X-Other-User"]',
      'requestheader-uid-headers': '["X-Remote-Uid"]',
      'unrelated-key': 'dropped, as kube rewrites the data whole',
    };
    const data = configMapData(theirs, KUBEADM);
    assert.deepEqual(names(data['requestheader-client-ca-file']), ['CN=other-proxy-ca', 'CN=front-proxy-ca']);
    assert.equal(data['requestheader-allowed-names'], '["other-proxy","front-proxy-client"]');
    assert.equal(data['requestheader-username-headers'], '["X-Remote-User","X-Other-User"]');
    assert.equal(data['requestheader-uid-headers'], '["X-Remote-Uid"]');
    assert.equal(data['unrelated-key'], undefined);
  });
  test('already what it should be: the same data again (no write)', () => {
    const once = configMapData({}, KUBEADM);
    assert.deepEqual(configMapData(once, KUBEADM), once);
  });
  test('certificates expired more than five minutes ago are dropped', () => {
    const inThreeDays = Date.now() + 3 * 24 * 3600_000;
    assert.deepEqual(configMapData({ 'client-ca-file': clusterCa }, {}, inThreeDays), {});
  });
  const broken: [string, Record<string, string>, RegExp][] = [
    ['a list that is not JSON', { 'requestheader-allowed-names': '[oops' }, /JSON/],
    ['a list of numbers', { 'requestheader-group-headers': '[1]' }, /not a JSON list of strings/],
    ['a CA bundle without certificates', { 'client-ca-file': 'nothing here' }, /does not contain any valid/],
  ];
  for (const [name, existing, re] of broken)
    test(`refused (retried later): ${name}`, () => assert.throws(() => configMapData(existing, KUBEADM), re));
});
