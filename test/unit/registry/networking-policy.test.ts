// networking.k8s.io/v1 (Ingress, IngressClass, NetworkPolicy), policy/v1 PodDisruptionBudget and
// coordination.k8s.io/v1 Lease through the real RestHandler: defaults, validation, printers.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Api } from './harness.js';
import { builtinApi, table } from './builtin-harness.js';

const NET = '/apis/networking.k8s.io/v1';
const ingress = (spec: Record<string, unknown>) => ({ metadata: { name: 'ing' }, spec });
const backend = { service: { name: 'svc', port: { number: 80 } } };

let api: Api;
beforeEach(async () => {
  api = builtinApi();
  await api.namespace('demo');
});

describe('ingresses', () => {
  const invalid: [string, Record<string, unknown>, string][] = [
    [
      'neither rules nor a default backend',
      {},
      'spec.rules: Invalid value: []: either `defaultBackend` or `rules` must be specified',
    ],
    [
      'a path without pathType',
      { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend }] } }] },
      'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    ],
    [
      'a relative Prefix path',
      { rules: [{ http: { paths: [{ path: 'x', pathType: 'Prefix', backend }] } }] },
      'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path',
    ],
    [
      'a backend with both port name and number',
      { defaultBackend: { service: { name: 'svc', port: { name: 'http', number: 80 } } } },
      'spec.defaultBackend.service.port: Invalid value',
    ],
    [
      'an IP host',
      { rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] },
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    ],
  ];
  for (const [what, spec, text] of invalid) {
    it(`refuses ${what}`, async () => {
      const r = await api.call('POST', `${NET}/namespaces/demo/ingresses`, ingress(spec));
      assert.equal(r.code, 422, r.text);
      assert.ok(r.body.message.includes(text), r.body.message);
    });
  }

  it('table: NAME CLASS HOSTS ADDRESS PORTS AGE', async () => {
    await api.ok(
      'POST',
      `${NET}/namespaces/demo/ingresses`,
      ingress({
        ingressClassName: 'nginx',
        tls: [{ hosts: ['a.example.com'] }],
        rules: ['a', 'b', 'c', 'd'].map((h) => ({
          host: `${h}.example.com`,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend }] },
        })),
      }),
    );
    const t = await table(api, `${NET}/namespaces/demo/ingresses`);
    assert.deepEqual(t.columns, ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    assert.deepEqual(
      [t.rows[0]!.Class, t.rows[0]!.Hosts, t.rows[0]!.Address, t.rows[0]!.Ports],
      ['nginx', 'a.example.com,b.example.com,c.example.com + 1 more...', '', '80, 443'],
    );
  });
});

describe('ingressclasses and networkpolicies', () => {
  it('ingressclasses: the controller is required and immutable; PARAMETERS as kind.group/name', async () => {
    assert.equal((await api.call('POST', `${NET}/ingressclasses`, { metadata: { name: 'c' }, spec: {} })).code, 422);
    const c = await api.ok('POST', `${NET}/ingressclasses`, {
      metadata: { name: 'c' },
      spec: {
        controller: 'example.com/ingress',
        parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' },
      },
    });
    assert.equal(c.spec.parameters.scope, 'Cluster');
    const t = await table(api, `${NET}/ingressclasses`);
    assert.deepEqual(
      [t.rows[0]!.Controller, t.rows[0]!.Parameters],
      ['example.com/ingress', 'Params.k8s.example.com/p'],
    );
    c.spec.controller = 'other.com/x';
    assert.equal((await api.call('PUT', `${NET}/ingressclasses/c`, c)).code, 422);
  });

  it('networkpolicies: policyTypes and protocols default; POD-SELECTOR printed', async () => {
    const p = await api.ok('POST', `${NET}/namespaces/demo/networkpolicies`, {
      metadata: { name: 'p' },
      spec: { podSelector: { matchLabels: { app: 'a' } }, egress: [{ ports: [{ port: 53 }] }] },
    });
    assert.deepEqual([p.spec.policyTypes, p.spec.egress[0].ports[0].protocol], [['Ingress', 'Egress'], 'TCP']);
    await api.ok('POST', `${NET}/namespaces/demo/networkpolicies`, {
      metadata: { name: 'deny' },
      spec: { podSelector: {} },
    });
    const t = await table(api, `${NET}/namespaces/demo/networkpolicies`);
    assert.deepEqual(t.columns, ['Name', 'Pod-Selector', 'Age']);
    assert.deepEqual(
      t.rows.map((r) => r['Pod-Selector']),
      ['<none>', 'app=a'],
    );
  });

  it('networkpolicies: a peer with ipBlock and a selector is refused', async () => {
    const r = await api.call('POST', `${NET}/namespaces/demo/networkpolicies`, {
      metadata: { name: 'p' },
      spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
    });
    assert.equal(r.code, 422);
    assert.match(
      r.body.message,
      /spec\.ingress\[0\]\.from\[0\]: Forbidden: may not specify both ipBlock and another peer/,
    );
  });
});

describe('poddisruptionbudgets', () => {
  const PDB = '/apis/policy/v1/namespaces/demo/poddisruptionbudgets';
  const invalid: [string, Record<string, unknown>, string][] = [
    [
      'both minAvailable and maxUnavailable',
      { minAvailable: 1, maxUnavailable: 1 },
      'minAvailable and maxUnavailable cannot be both set',
    ],
    [
      'a percentage over 100',
      { maxUnavailable: '150%' },
      'spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ],
    [
      'a negative count',
      { minAvailable: -1 },
      'spec.minAvailable: Invalid value: -1: must be greater than or equal to 0',
    ],
  ];
  for (const [what, spec, text] of invalid) {
    it(`refuses ${what}`, async () => {
      const r = await api.call('POST', PDB, { metadata: { name: 'p' }, spec });
      assert.equal(r.code, 422, r.text);
      assert.ok(r.body.message.includes(text), r.body.message);
    });
  }

  it('starts with a zero status and prints N/A for the unset bound', async () => {
    const p = await api.ok('POST', PDB, {
      metadata: { name: 'p' },
      spec: { minAvailable: '50%', selector: { matchLabels: { app: 'a' } } },
    });
    assert.deepEqual(p.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    const t = await table(api, PDB);
    assert.deepEqual(t.columns, ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    assert.deepEqual(
      [t.rows[0]!['Min Available'], t.rows[0]!['Max Unavailable'], t.rows[0]!['Allowed Disruptions']],
      ['50%', 'N/A', 0],
    );
  });
});

describe('leases', () => {
  const LEASES = '/apis/coordination.k8s.io/v1/namespaces/demo/leases';
  it('a zero duration is refused; HOLDER printed', async () => {
    const r = await api.call('POST', LEASES, { metadata: { name: 'l' }, spec: { leaseDurationSeconds: 0 } });
    assert.equal(r.code, 422);
    assert.match(r.body.message, /spec\.leaseDurationSeconds: Invalid value: 0: must be greater than 0/);
    await api.ok('POST', LEASES, { metadata: { name: 'l' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });
    const t = await table(api, LEASES);
    assert.deepEqual(t.columns, ['Name', 'Holder', 'Age']);
    assert.equal(t.rows[0]!.Holder, 'me');
  });
});
