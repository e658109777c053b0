// The version skew policy as a table, and kubeadm's one-minor-at-a-time upgrade order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkSkew, upgradePlan, type ComponentVersion } from '../../../src/cis/version-skew.js';

const api = (v: string): ComponentVersion => ({ component: 'kube-apiserver', where: 'cp1', version: v });
describe('checkSkew', () => {
  const cases: [string, ComponentVersion['component'], string, 'PASS' | 'FAIL'][] = [
    ['v1.32.0', 'kubelet', 'v1.32.1', 'PASS'],
    ['v1.32.0', 'kubelet', 'v1.29.9', 'PASS'],
    ['v1.32.0', 'kubelet', 'v1.28.0', 'FAIL'],
    ['v1.32.0', 'kubelet', 'v1.33.0', 'FAIL'],
    ['v1.27.0', 'kubelet', 'v1.25.0', 'PASS'],
    ['v1.27.0', 'kubelet', 'v1.24.0', 'FAIL'],
    ['v1.32.0', 'kube-proxy', 'v1.33.0', 'FAIL'],
    ['v1.32.0', 'kube-controller-manager', 'v1.31.5', 'PASS'],
    ['v1.32.0', 'kube-controller-manager', 'v1.30.0', 'FAIL'],
    ['v1.32.0', 'kube-scheduler', 'v1.33.0', 'FAIL'],
    ['v1.32.0', 'kubectl', 'v1.33.2', 'PASS'],
    ['v1.32.0', 'kubectl', 'v1.31.0', 'PASS'],
    ['v1.32.0', 'kubectl', 'v1.34.0', 'FAIL'],
    ['v1.32.0', 'kubectl', 'v1.30.0', 'FAIL'],
  ];
  for (const [a, comp, v, want] of cases) {
    it(`apiserver ${a}, ${comp} ${v} → ${want}`, () => {
      const f = checkSkew([api(a), { component: comp, where: 'n1', version: v }]).find((x) => x.component === comp)!;
      assert.equal(f.status, want, f.message);
    });
  }
  it('apiserver instances more than one minor apart', () => {
    assert.equal(
      checkSkew([api('v1.30.0'), { component: 'kube-apiserver', where: 'cp2', version: 'v1.32.0' }])[0]!.status,
      'FAIL',
    );
  });
});

describe('upgradePlan', () => {
  it('control plane first, then nodes drained one at a time, one minor per step', () => {
    const steps = upgradePlan('v1.30.4', 'v1.32.1', { controlPlane: ['cp1', 'cp2'], workers: ['w1', 'w2'] });
    const idx = (s: string) => steps.findIndex((x) => x.includes(s));
    assert.ok(idx('# upgrade to v1.31.x') < idx('# upgrade to v1.32.1'));
    assert.match(steps[1]!, /^cp1: .*kubeadm upgrade apply v1\.31\.x/);
    assert.ok(idx('cp2: upgrade kubeadm; kubeadm upgrade node') < idx('w1: kubectl drain w1'));
    assert.ok(idx('w1: kubectl drain') < idx('w2: kubectl drain'));
    assert.throws(() => upgradePlan('v1.32.0', 'v1.31.0', { controlPlane: [], workers: [] }), /forward/);
  });
});
