// The remaining core/v1 kinds through the real RestHandler: defaults, main validation rules, printers,
// and componentstatuses computed on each request (read-only).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Api } from './harness.js';
import { builtinApi, table } from './builtin-harness.js';
import { formatEndpoints } from '../../../src/registry/resources/core-kinds.js';

const NS = '/api/v1/namespaces/demo';
const containers = [{ name: 'c', image: 'nginx' }];

let api: Api;
beforeEach(async () => {
  api = builtinApi();
  await api.namespace('demo');
});

describe('formatEndpoints', () => {
  const cases: [string, unknown, string][] = [
    ['none', [], '<none>'],
    [
      'ip:port pairs',
      [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }],
      '10.0.0.1:80,10.0.0.2:80',
    ],
    [
      'more than three',
      [{ addresses: [{ ip: 'a' }, { ip: 'b' }], ports: [{ port: 1 }, { port: 2 }] }],
      'a:1,b:1,a:2 + 1 more...',
    ],
    ['addresses without ports', [{ addresses: [{ ip: '10.0.0.1' }] }], '10.0.0.1'],
  ];
  for (const [what, subsets, want] of cases) it(what, () => assert.equal(formatEndpoints(subsets as never), want));
});

describe('core kinds: create, validate, print', () => {
  const invalid: [string, string, Record<string, unknown>, string][] = [
    [
      'endpoints',
      'a port out of range',
      { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 70000 }] }] },
      'subsets[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
    [
      'persistentvolumeclaims',
      'no access modes',
      { metadata: { name: 'c' }, spec: { resources: { requests: { storage: '1Gi' } } } },
      'spec.accessModes: Required value',
    ],
    ['podtemplates', 'no template', { metadata: { name: 't' } }, 'template: Required value'],
    [
      'replicationcontrollers',
      'a selector not matching',
      {
        metadata: { name: 'r' },
        spec: { selector: { app: 'x' }, template: { metadata: { labels: { app: 'y' } }, spec: { containers } } },
      },
      '`selector` does not match template `labels`',
    ],
    [
      'resourcequotas',
      'a negative quantity',
      { metadata: { name: 'q' }, spec: { hard: { pods: '-1' } } },
      'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
    ],
    [
      'limitranges',
      'a default on a Pod limit',
      { metadata: { name: 'l' }, spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }] } },
      "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
    ],
  ];
  for (const [resource, what, body, text] of invalid) {
    it(`${resource}: refuses ${what}`, async () => {
      const r = await api.call('POST', `${NS}/${resource}`, body);
      assert.equal(r.code, 422, r.text);
      assert.ok(r.body.message.includes(text), r.body.message);
    });
  }

  it('persistentvolumes: Retain and Filesystem by default, Pending; the printer', async () => {
    const pv = await api.ok('POST', '/api/v1/persistentvolumes', {
      metadata: { name: 'pv1' },
      spec: {
        capacity: { storage: '5Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        hostPath: { path: '/data' },
        storageClassName: 'slow',
      },
    });
    assert.deepEqual(
      [pv.spec.persistentVolumeReclaimPolicy, pv.spec.volumeMode, pv.status.phase],
      ['Retain', 'Filesystem', 'Pending'],
    );
    const t = await table(api, '/api/v1/persistentvolumes');
    assert.deepEqual(t.columns, [
      'Name',
      'Capacity',
      'Access Modes',
      'Reclaim Policy',
      'Status',
      'Claim',
      'StorageClass',
      'VolumeAttributesClass',
      'Reason',
      'Age',
      'VolumeMode',
    ]);
    const r = t.rows[0]!;
    assert.deepEqual(
      [
        r.Capacity,
        r['Access Modes'],
        r['Reclaim Policy'],
        r.Status,
        r.StorageClass,
        r.VolumeAttributesClass,
        r.VolumeMode,
      ],
      ['5Gi', 'RWO,RWX', 'Retain', 'Pending', 'slow', '<unset>', 'Filesystem'],
    );
  });

  it('replicationcontrollers: selector and labels default from the template', async () => {
    const rc = await api.ok('POST', `${NS}/replicationcontrollers`, {
      metadata: { name: 'r' },
      spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers } } },
    });
    assert.deepEqual([rc.spec.selector, rc.metadata.labels, rc.spec.replicas], [{ app: 'x' }, { app: 'x' }, 1]);
    const scale = await api.ok('GET', `${NS}/replicationcontrollers/r/scale`);
    assert.equal(scale.status.selector, 'app=x');
    const t = await table(api, `${NS}/replicationcontrollers`);
    assert.deepEqual(t.columns, ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    assert.equal(t.rows[0]!.Selector, 'app=x');
  });

  it('resourcequotas: NAME REQUEST LIMIT AGE, split on limits.*', async () => {
    const q = await api.ok('POST', `${NS}/resourcequotas`, {
      metadata: { name: 'q' },
      spec: { hard: { pods: '10', 'limits.cpu': '2' } },
    });
    q.status = { hard: { pods: '10', 'limits.cpu': '2' }, used: { pods: '3' } };
    await api.ok('PUT', `${NS}/resourcequotas/q/status`, q);
    const t = await table(api, `${NS}/resourcequotas`);
    assert.deepEqual(t.columns, ['Name', 'Request', 'Limit', 'Age']);
    assert.deepEqual([t.rows[0]!.Request, t.rows[0]!.Limit], ['pods: 3/10', 'limits.cpu: 0/2']);
  });

  it('podtemplates: no AGE column, pod labels', async () => {
    await api.ok('POST', `${NS}/podtemplates`, {
      metadata: { name: 't' },
      template: { metadata: { labels: { b: '2', a: '1' } }, spec: { containers } },
    });
    const t = await table(api, `${NS}/podtemplates`);
    assert.deepEqual(t.columns, ['Name', 'Containers', 'Images', 'Pod Labels']);
    assert.deepEqual(t.rows[0], { Name: 't', Containers: 'c', Images: 'nginx', 'Pod Labels': 'a=1,b=2' });
  });

  it('limitranges: a Container max becomes the default limit and request', async () => {
    const l = await api.ok('POST', `${NS}/limitranges`, {
      metadata: { name: 'l' },
      spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] },
    });
    assert.deepEqual([l.spec.limits[0].default, l.spec.limits[0].defaultRequest], [{ cpu: '2' }, { cpu: '2' }]);
  });
});

describe('componentstatuses', () => {
  it("lists controller-manager, scheduler and etcd-0 with kube's columns; get by name", async () => {
    const t = await table(api, '/api/v1/componentstatuses');
    assert.deepEqual(t.columns, ['Name', 'Status', 'Message', 'Error']);
    assert.deepEqual(
      t.rows.map((r) => [r.Name, r.Status]),
      [
        ['controller-manager', 'Healthy'],
        ['scheduler', 'Unhealthy'],
        ['etcd-0', 'Healthy'],
      ],
    );
    const cs = await api.ok('GET', '/api/v1/componentstatuses/etcd-0');
    assert.deepEqual(cs.conditions, [{ type: 'Healthy', status: 'True', message: 'ok' }]);
    assert.equal((await api.call('GET', '/api/v1/componentstatuses/nope')).code, 404);
  });

  it("etcd-0 is Unhealthy with the store's error when it does not answer", async () => {
    const down = builtinApi('etcd did not answer within 2s');
    const cs = await down.ok('GET', '/api/v1/componentstatuses/etcd-0');
    assert.deepEqual(cs.conditions, [{ type: 'Healthy', status: 'False', error: 'etcd did not answer within 2s' }]);
  });

  it('is read-only: create is 405', async () => {
    const r = await api.call('POST', '/api/v1/componentstatuses', { metadata: { name: 'x' } });
    assert.equal(r.code, 405);
  });
});
