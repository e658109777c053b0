// The check engine's kube-bench semantics, as tables: compare ops, test items (set / compare / bin_op),
// statuses (scored FAIL vs unscored WARN, manual WARN), and bad input reported as a finding naming the file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, runCheck } from '../../../src/cis/evaluate.js';
import { parseFlags, readNode, splitWords } from '../../../src/cis/node-reader.js';
import { auditNode } from '../../../src/cis/node-audit.js';
import type { Check } from '../../../src/cis/types.js';

describe('compare (kube-bench ops)', () => {
  const cases: [string, string, string, boolean][] = [
    ['eq', 'false', 'false', true],
    ['eq', 'true', 'false', false],
    ['noteq', '0', '0', false],
    ['noteq', '5m', '0', true],
    ['has', 'Node,RBAC', 'RBAC', true],
    ['has', 'Node', 'RBAC', false],
    ['nothave', 'Node,RBAC', 'AlwaysAllow', true],
    ['nothave', 'AlwaysAllow', 'AlwaysAllow', false],
    ['gte', '30', '30', true],
    ['gte', '7', '30', false],
    ['gte', 'x', '30', false],
    ['bitmask', '600', '600', true],
    ['bitmask', '400', '600', true],
    ['bitmask', '644', '600', false],
    ['bitmask', '700', '600', false],
    ['valid_elements', 'aescbc', 'aescbc,kms,secretbox', true],
    ['valid_elements', 'identity', 'aescbc,kms,secretbox', false],
    ['valid_elements', '', 'a,b', false],
    ['unknown-op', 'a', 'a', false],
  ];
  for (const [op, actual, expected, want] of cases)
    it(`${op} ${actual} vs ${expected} → ${want}`, () => assert.equal(compare(op, actual, expected), want));
});

describe('flag parsing', () => {
  it('parses --k=v, --k v, bare --k, later wins', () => {
    const f = parseFlags(['kube-apiserver', '--a=1', '--b', 'two', '--c', '--d=x=y', '--a=3']);
    assert.deepEqual(
      [...f],
      [
        ['--a', '3'],
        ['--b', 'two'],
        ['--c', 'true'],
        ['--d', 'x=y'],
      ],
    );
  });
  it('splits quoted words', () => assert.deepEqual(splitWords(`a "b c" 'd' e=""`), ['a', 'b c', 'd', 'e=']));
});

function tree(files: Record<string, [string, number]>): string {
  const root = mkdtempSync(join(tmpdir(), 'kauth-cis-'));
  for (const [rel, [text, mode]] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
    chmodSync(join(root, rel), mode);
  }
  return root;
}

const kubeletCheck = (items: Check['tests'], scored = true): Check => ({
  id: 'T.1',
  text: 't',
  level: 1,
  scored,
  source: { kind: 'flags', component: 'kubelet', config: 'var/lib/kubelet/config.yaml' },
  tests: items,
  audit: '',
  remediation: 'fix it',
});
const DROP_IN = 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
const dropIn = (extra: string) =>
  `[Service]\nEnvironment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS ${extra}\n`;

describe('kubelet checks: flags override the config file, as kube-bench', () => {
  const anon = {
    items: [{ flag: '--anonymous-auth', path: 'authentication.anonymous.enabled', op: 'eq' as const, value: 'false' }],
  };
  const ro = {
    binOp: 'or' as const,
    items: [
      { flag: '--read-only-port', path: 'readOnlyPort', op: 'eq' as const, value: '0' },
      { flag: '--read-only-port', path: 'readOnlyPort', set: false },
    ],
  };
  const cases: { name: string; config: string; flags?: string; env?: string; check: Check; want: string }[] = [
    {
      name: 'config false → PASS',
      config: 'authentication: {anonymous: {enabled: false}}',
      check: kubeletCheck(anon),
      want: 'PASS',
    },
    {
      name: 'config true → FAIL',
      config: 'authentication: {anonymous: {enabled: true}}',
      check: kubeletCheck(anon),
      want: 'FAIL',
    },
    {
      name: 'absent (default true) → FAIL',
      config: 'kind: KubeletConfiguration',
      check: kubeletCheck(anon),
      want: 'FAIL',
    },
    {
      name: 'flag in drop-in overrides config',
      config: 'authentication: {anonymous: {enabled: false}}',
      flags: '--anonymous-auth=true',
      check: kubeletCheck(anon),
      want: 'FAIL',
    },
    {
      name: 'flag in kubeadm-flags.env',
      config: 'authentication: {anonymous: {enabled: true}}',
      env: 'KUBELET_KUBEADM_ARGS="--anonymous-auth=false"',
      check: kubeletCheck(anon),
      want: 'PASS',
    },
    { name: 'unscored failure → WARN', config: 'readOnlyPort: 10255', check: kubeletCheck(ro, false), want: 'WARN' },
    { name: 'or: unset passes', config: 'kind: KubeletConfiguration', check: kubeletCheck(ro, false), want: 'PASS' },
    { name: 'or: 0 passes', config: 'readOnlyPort: 0', check: kubeletCheck(ro, false), want: 'PASS' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const root = tree({
        'var/lib/kubelet/config.yaml': [c.config, 0o600],
        [DROP_IN]: [dropIn(c.flags ?? ''), 0o600],
        ...(c.env ? { 'var/lib/kubelet/kubeadm-flags.env': [c.env, 0o600] } : {}),
      });
      assert.equal(runCheck(c.check, readNode(root)).status, c.want);
    });
  }
});

describe('bad input is a finding naming the file, never a throw', () => {
  it('malformed kubelet config', () => {
    const root = tree({
      'var/lib/kubelet/config.yaml': ['authentication: {anonymous: [', 0o600],
      [DROP_IN]: [dropIn(''), 0o600],
    });
    const { facts, report } = auditNode(root);
    assert.match(facts.problems.get('var/lib/kubelet/config.yaml') ?? '', /malformed YAML/);
    const r421 = report.Controls[0]!.tests.flatMap((g) => g.results).find((r) => r.test_number === '4.2.1')!;
    assert.equal(r421.status, 'FAIL'); // the drop-in still gives flags; the broken file just gives no config
  });
  it('malformed static pod manifest → WARN naming the file', () => {
    const root = tree({ 'etc/kubernetes/manifests/kube-apiserver.yaml': ['spec: [', 0o600] });
    const { report } = auditNode(root);
    const r = report.Controls.flatMap((c) => c.tests.flatMap((g) => g.results)).find((x) => x.test_number === '1.2.6')!;
    assert.equal(r.status, 'WARN');
    assert.match(r.reason ?? '', /etc\/kubernetes\/manifests\/kube-apiserver\.yaml: malformed YAML/);
  });
  it('missing etcd data dir → FAIL naming it', () => {
    const root = tree({ 'etc/kubernetes/manifests/etcd.yaml': ['spec: {containers: [{command: [etcd]}]}', 0o600] });
    const { report } = auditNode(root);
    const r = report.Controls.flatMap((c) => c.tests.flatMap((g) => g.results)).find(
      (x) => x.test_number === '1.1.11',
    )!;
    assert.equal(r.status, 'FAIL');
    assert.match(r.reason ?? '', /file not found: var\/lib\/etcd/);
  });
});
