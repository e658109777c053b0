// apps/v1 ReplicaSets, StatefulSets, DaemonSets and ControllerRevisions through the real RestHandler: kube's
// defaults, the main validation rules with their field paths, the scale and status subresources, and the
// printers' columns (pkg/printers/internalversion/printers.go).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Api } from './harness.js';
import { builtinApi, table } from './builtin-harness.js';

const APPS = '/apis/apps/v1/namespaces/demo';
const template = (labels: Record<string, string> = { app: 'a' }, spec: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...spec },
});
const workload = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { selector: { matchLabels: { app: 'a' } }, template: template(), ...spec },
});

let api: Api;
beforeEach(async () => {
  api = builtinApi();
  await api.namespace('demo');
});

describe('apps: defaults', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['replicasets', 'replicas', { replicas: 1 }],
    [
      'statefulsets',
      'replicas, policies, retention',
      {
        replicas: 1,
        podManagementPolicy: 'OrderedReady',
        revisionHistoryLimit: 10,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
    ],
    [
      'daemonsets',
      'update strategy',
      {
        revisionHistoryLimit: 10,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      },
    ],
  ];
  for (const [resource, what, want] of cases) {
    it(`${resource}: ${what}`, async () => {
      const o = await api.ok('POST', `${APPS}/${resource}`, workload('w'));
      for (const [k, v] of Object.entries(want)) assert.deepEqual(o.spec[k], v, k);
      assert.equal(o.spec.template.spec.restartPolicy, 'Always');
      assert.equal(o.metadata.generation, 1);
    });
  }
});

describe('apps: validation (422 naming the field)', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    [
      'replicasets',
      'negative replicas',
      workload('w', { replicas: -1 }),
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'replicasets',
      'selector not matching the template',
      workload('w', { selector: { matchLabels: { app: 'b' } } }),
      'spec.template.metadata.labels: Invalid value: {"app":"a"}: `selector` does not match template `labels`',
    ],
    [
      'replicasets',
      'no selector',
      { metadata: { name: 'w' }, spec: { template: template() } },
      'spec.selector: Required value',
    ],
    [
      'statefulsets',
      'restartPolicy Never',
      workload('w', { template: template({ app: 'a' }, { restartPolicy: 'Never' }) }),
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
    [
      'statefulsets',
      'an unknown podManagementPolicy',
      workload('w', { podManagementPolicy: 'Sometimes' }),
      'spec.podManagementPolicy: Unsupported value: "Sometimes"',
    ],
    [
      'daemonsets',
      'an empty selector',
      workload('w', { selector: {} }),
      'spec.selector: Invalid value: {}: empty selector is invalid for daemonset',
    ],
    ['controllerrevisions', 'no revision', { metadata: { name: 'r' }, data: {} }, 'revision: Required value'],
  ];
  for (const [resource, what, body, text] of cases) {
    it(`${resource}: ${what}`, async () => {
      const r = await api.call('POST', `${APPS}/${resource}`, body);
      assert.equal(r.code, 422, r.text);
      assert.equal(r.body.reason, 'Invalid');
      assert.ok(r.body.message.includes(text), r.body.message);
    });
  }

  it('a selector is immutable (replicasets)', async () => {
    const o = await api.ok('POST', `${APPS}/replicasets`, workload('w'));
    o.spec.selector = { matchLabels: { app: 'a', tier: 'x' } };
    o.spec.template.metadata.labels.tier = 'x';
    const r = await api.call('PUT', `${APPS}/replicasets/w`, o);
    assert.equal(r.code, 422);
    assert.match(r.body.message, /spec\.selector: Invalid value: .*: field is immutable/);
  });

  it('statefulset spec fields other than the mutable ones are forbidden to change', async () => {
    const o = await api.ok('POST', `${APPS}/statefulsets`, workload('w', { serviceName: 'a' }));
    o.spec.serviceName = 'b';
    const r = await api.call('PUT', `${APPS}/statefulsets/w`, o);
    assert.equal(r.code, 422);
    assert.match(r.body.message, /spec: Forbidden: updates to statefulset spec for fields other than 'replicas'/);
  });
});

describe('apps: subresources', () => {
  it('scale reads and writes spec.replicas (replicasets, statefulsets), bumping the generation', async () => {
    for (const resource of ['replicasets', 'statefulsets']) {
      await api.ok('POST', `${APPS}/${resource}`, workload('w', { replicas: 2 }));
      const scale = await api.ok('GET', `${APPS}/${resource}/w/scale`);
      assert.deepEqual(
        [scale.kind, scale.apiVersion, scale.spec.replicas, scale.status.selector],
        ['Scale', 'autoscaling/v1', 2, 'app=a'],
      );
      await api.ok(
        'PATCH',
        `${APPS}/${resource}/w/scale`,
        { spec: { replicas: 5 } },
        { contentType: 'application/merge-patch+json' },
      );
      const o = await api.ok('GET', `${APPS}/${resource}/w`);
      assert.deepEqual([o.spec.replicas, o.metadata.generation], [5, 2], resource);
    }
  });

  it('status is kept by main-resource writes and written by /status', async () => {
    const o = await api.ok('POST', `${APPS}/daemonsets`, { ...workload('w'), status: { numberReady: 9 } });
    assert.deepEqual(o.status, {});
    o.status = { desiredNumberScheduled: 3, numberReady: 2 };
    await api.ok('PUT', `${APPS}/daemonsets/w/status`, o);
    const again = await api.ok('GET', `${APPS}/daemonsets/w`);
    again.status = { numberReady: 0 };
    const after = await api.ok('PUT', `${APPS}/daemonsets/w`, again);
    assert.deepEqual(after.status, { desiredNumberScheduled: 3, numberReady: 2 });
  });
});

describe('apps: table columns', () => {
  it('replicasets: NAME DESIRED CURRENT READY AGE, containers/images/selector with -o wide', async () => {
    await api.ok('POST', `${APPS}/replicasets`, workload('w', { replicas: 3 }));
    const t = await table(api, `${APPS}/replicasets`);
    assert.deepEqual(t.columns, ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    assert.deepEqual(t.priorities, [0, 0, 0, 0, 0, 1, 1, 1]);
    assert.deepEqual(
      { ...t.rows[0], Age: 'x' },
      {
        Name: 'w',
        Desired: 3,
        Current: 0,
        Ready: 0,
        Age: 'x',
        Containers: 'c',
        Images: 'nginx:1.27',
        Selector: 'app=a',
      },
    );
  });

  it('statefulsets: READY as ready/desired', async () => {
    await api.ok('POST', `${APPS}/statefulsets`, workload('w', { replicas: 2 }));
    const t = await table(api, `${APPS}/statefulsets`);
    assert.deepEqual(t.columns, ['Name', 'Ready', 'Age', 'Containers', 'Images']);
    assert.equal(t.rows[0]!.Ready, '0/2');
  });

  it('daemonsets: the node selector column', async () => {
    await api.ok(
      'POST',
      `${APPS}/daemonsets`,
      workload('w', { template: template({ app: 'a' }, { nodeSelector: { 'kubernetes.io/os': 'linux' } }) }),
    );
    const t = await table(api, `${APPS}/daemonsets`);
    assert.deepEqual(t.columns, [
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Up-to-date',
      'Available',
      'Node Selector',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    assert.equal(t.rows[0]!['Node Selector'], 'kubernetes.io/os=linux');
  });

  it('controllerrevisions: CONTROLLER from the controlling owner', async () => {
    await api.ok('POST', `${APPS}/controllerrevisions`, {
      metadata: {
        name: 'r-1',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }],
      },
      data: {},
      revision: 1,
    });
    const t = await table(api, `${APPS}/controllerrevisions`);
    assert.deepEqual(t.columns, ['Name', 'Controller', 'Revision', 'Age']);
    assert.deepEqual([t.rows[0]!.Controller, t.rows[0]!.Revision], ['statefulset.apps/web', 1]);
  });
});
