// scheduling.k8s.io, storage.k8s.io, node.k8s.io, admissionregistration.k8s.io, discovery.k8s.io and
// autoscaling/v2 through the real RestHandler: defaults, main validation rules, printers.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Api } from './harness.js';
import { builtinApi, table } from './builtin-harness.js';
import { SYSTEM_PRIORITY_CLASSES } from '../../../src/registry/resources/scheduling.js';

let api: Api;
beforeEach(async () => {
  api = builtinApi();
  await api.namespace('demo');
});

async function refused(path: string, body: Record<string, unknown>, text: string): Promise<void> {
  const r = await api.call('POST', path, body);
  assert.equal(r.code, 422, r.text);
  assert.ok(r.body.message.includes(text), r.body.message);
}

describe('priorityclasses', () => {
  const PC = '/apis/scheduling.k8s.io/v1/priorityclasses';
  it('the system classes kube-apiserver creates', () => {
    assert.deepEqual(
      SYSTEM_PRIORITY_CLASSES.map((c) => [c.metadata.name, c.value]),
      [
        ['system-node-critical', 2000001000],
        ['system-cluster-critical', 2000000000],
      ],
    );
  });
  it('reserved names and values', async () => {
    await refused(
      PC,
      { metadata: { name: 'system-mine' }, value: 1 },
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved",
    );
    await refused(
      PC,
      { metadata: { name: 'huge' }, value: 1_000_000_001 },
      'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
    );
  });
  it('value is immutable; NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY', async () => {
    const pc = await api.ok('POST', PC, { metadata: { name: 'high' }, value: 1000, globalDefault: true });
    assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
    pc.value = 2000;
    assert.equal((await api.call('PUT', `${PC}/high`, pc)).code, 422);
    const t = await table(api, PC);
    assert.deepEqual(t.columns, ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
    assert.deepEqual(
      [t.rows[0]!.Value, t.rows[0]!['Global-Default'], t.rows[0]!.PreemptionPolicy],
      [1000, true, 'PreemptLowerPriority'],
    );
  });
});

describe('storage.k8s.io', () => {
  const SC = '/apis/storage.k8s.io/v1/storageclasses';
  it('storageclasses: defaults, immutable provisioner, `(default)` in the name column', async () => {
    await refused(SC, { metadata: { name: 's' } }, 'provisioner: Required value');
    const sc = await api.ok('POST', SC, {
      metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/disk',
    });
    assert.deepEqual([sc.reclaimPolicy, sc.volumeBindingMode], ['Delete', 'Immediate']);
    sc.provisioner = 'other.com/disk';
    assert.equal((await api.call('PUT', `${SC}/std`, sc)).code, 422);
    const t = await table(api, SC);
    assert.deepEqual(t.columns, [
      'Name',
      'Provisioner',
      'ReclaimPolicy',
      'VolumeBindingMode',
      'AllowVolumeExpansion',
      'Age',
    ]);
    assert.deepEqual([t.rows[0]!.Name, t.rows[0]!.AllowVolumeExpansion], ['std (default)', 'false']);
  });

  it('csidrivers: SetDefaults_CSIDriver and the printer', async () => {
    const d = await api.ok('POST', '/apis/storage.k8s.io/v1/csidrivers', {
      metadata: { name: 'disk.example.com' },
      spec: {},
    });
    assert.deepEqual(
      [d.spec.attachRequired, d.spec.podInfoOnMount, d.spec.fsGroupPolicy, d.spec.volumeLifecycleModes],
      [true, false, 'ReadWriteOnceWithFSType', ['Persistent']],
    );
    const t = await table(api, '/apis/storage.k8s.io/v1/csidrivers');
    assert.deepEqual(t.columns, [
      'Name',
      'AttachRequired',
      'PodInfoOnMount',
      'StorageCapacity',
      'TokenRequests',
      'RequiresRepublish',
      'Modes',
      'Age',
    ]);
    assert.deepEqual([t.rows[0]!.TokenRequests, t.rows[0]!.Modes], ['<unset>', 'Persistent']);
  });

  it('volumeattachments: exactly one source; csinodes: unique drivers', async () => {
    await refused(
      '/apis/storage.k8s.io/v1/volumeattachments',
      { metadata: { name: 'v' }, spec: { attacher: 'a', nodeName: 'n', source: {} } },
      'spec.source: Invalid value',
    );
    await refused(
      '/apis/storage.k8s.io/v1/csinodes',
      {
        metadata: { name: 'n' },
        spec: {
          drivers: [
            { name: 'd', nodeID: '1' },
            { name: 'd', nodeID: '2' },
          ],
        },
      },
      'spec.drivers[1].name: Duplicate value: "d"',
    );
    await api.ok('POST', '/apis/storage.k8s.io/v1/volumeattachments', {
      metadata: { name: 'v' },
      spec: { attacher: 'a', nodeName: 'n', source: { persistentVolumeName: 'pv1' } },
    });
    const t = await table(api, '/apis/storage.k8s.io/v1/volumeattachments');
    assert.deepEqual(
      [t.rows[0]!.Attacher, t.rows[0]!.PV, t.rows[0]!.Node, t.rows[0]!.Attached],
      ['a', 'pv1', 'n', false],
    );
  });
});

describe('runtimeclasses, endpointslices, horizontalpodautoscalers', () => {
  it('runtimeclasses: handler is a DNS label', async () => {
    await refused(
      '/apis/node.k8s.io/v1/runtimeclasses',
      { metadata: { name: 'r' }, handler: 'Not_Valid' },
      'handler: Invalid value: "Not_Valid"',
    );
    await api.ok('POST', '/apis/node.k8s.io/v1/runtimeclasses', { metadata: { name: 'r' }, handler: 'runc' });
    assert.equal((await table(api, '/apis/node.k8s.io/v1/runtimeclasses')).rows[0]!.Handler, 'runc');
  });

  it('endpointslices: addressType required; PORTS and ENDPOINTS columns', async () => {
    const ES = '/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices';
    await refused(ES, { metadata: { name: 'e' }, endpoints: [] }, 'addressType: Required value');
    await api.ok('POST', ES, {
      metadata: { name: 'e' },
      addressType: 'IPv4',
      ports: [{ port: 80 }, { port: 443 }],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
    });
    const t = await table(api, ES);
    assert.deepEqual(t.columns, ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    assert.deepEqual([t.rows[0]!.Ports, t.rows[0]!.Endpoints], ['80,443', '10.0.0.1,10.0.0.2']);
  });

  it('horizontalpodautoscalers: minReplicas 1 and cpu 80% by default; REFERENCE and TARGETS', async () => {
    const HPA = '/apis/autoscaling/v2/namespaces/demo/horizontalpodautoscalers';
    await refused(
      HPA,
      {
        metadata: { name: 'h' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, minReplicas: 5, maxReplicas: 2 },
      },
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
    const h = await api.ok('POST', HPA, {
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 4 },
    });
    assert.deepEqual([h.spec.minReplicas, h.spec.metrics[0].resource.target.averageUtilization], [1, 80]);
    const t = await table(api, HPA);
    assert.deepEqual(t.columns, ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    assert.deepEqual(
      [t.rows[0]!.Reference, t.rows[0]!.Targets, t.rows[0]!.MinPods, t.rows[0]!.MaxPods],
      ['Deployment/d', 'cpu: <unknown>/80%', '1', 4],
    );
  });
});

describe('admissionregistration.k8s.io (stored, not enforced)', () => {
  const AR = '/apis/admissionregistration.k8s.io/v1';
  const webhook = {
    name: 'check.example.com',
    clientConfig: { url: 'https://hooks.example.com/check' },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  };

  it("webhook configurations: kube's defaults and WEBHOOKS count", async () => {
    const v = await api.ok('POST', `${AR}/validatingwebhookconfigurations`, {
      metadata: { name: 'v' },
      webhooks: [webhook],
    });
    const w = v.webhooks[0];
    assert.deepEqual(
      [w.failurePolicy, w.matchPolicy, w.timeoutSeconds, w.namespaceSelector, w.rules[0].scope],
      ['Fail', 'Equivalent', 10, {}, '*'],
    );
    const m = await api.ok('POST', `${AR}/mutatingwebhookconfigurations`, {
      metadata: { name: 'm' },
      webhooks: [webhook],
    });
    assert.equal(m.webhooks[0].reinvocationPolicy, 'Never');
    assert.equal((await table(api, `${AR}/validatingwebhookconfigurations`)).rows[0]!.Webhooks, 1);
  });

  it('webhook configurations: a two-segment name, no sideEffects, an http URL are refused', async () => {
    const r = await api.call('POST', `${AR}/validatingwebhookconfigurations`, {
      metadata: { name: 'v' },
      webhooks: [{ ...webhook, name: 'example.com', sideEffects: undefined, clientConfig: { url: 'http://x' } }],
    });
    assert.equal(r.code, 422);
    for (const text of [
      'webhooks[0].name: Invalid value: "example.com": should be a domain with at least three segments separated by dots',
      'webhooks[0].sideEffects: Required value',
      'webhooks[0].clientConfig.url: Invalid value: "http://x": \'https\' is the only allowed URL scheme',
    ]) {
      assert.ok(r.body.message.includes(text), r.body.message);
    }
  });

  it('validatingadmissionpolicies and bindings', async () => {
    await refused(
      `${AR}/validatingadmissionpolicies`,
      { metadata: { name: 'p' }, spec: { matchConstraints: {} } },
      'spec.validations: Required value',
    );
    await api.ok('POST', `${AR}/validatingadmissionpolicies`, {
      metadata: { name: 'p' },
      spec: {
        matchConstraints: {
          resourceRules: [
            { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] },
          ],
        },
        validations: [{ expression: 'object.spec.replicas <= 5' }],
      },
    });
    await refused(
      `${AR}/validatingadmissionpolicybindings`,
      { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny', 'Warn'] } },
      'spec.validationActions: Invalid value',
    );
    await api.ok('POST', `${AR}/validatingadmissionpolicybindings`, {
      metadata: { name: 'b' },
      spec: { policyName: 'p', validationActions: ['Deny'] },
    });
    assert.deepEqual(Object.values((await table(api, `${AR}/validatingadmissionpolicies`)).rows[0]!).slice(0, 3), [
      'p',
      1,
      '<unset>',
    ]);
    assert.deepEqual(
      Object.values((await table(api, `${AR}/validatingadmissionpolicybindings`)).rows[0]!).slice(0, 3),
      ['b', 'p', '<unset>'],
    );
  });
});
