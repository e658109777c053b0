// Server-side apply through the real RestHandler: create-on-apply (201), the fieldManager requirement, conflicts
// and force, removal of unapplied fields, managedFields on plain writes (manager from ?fieldManager or the user
// agent), containers merged by name, dry run, and apply's version/kind checks (handlers/patch.go, fieldmanager).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Api } from './harness.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/demo/deployments';
const APPLY = { contentType: 'application/apply-patch+yaml' };
const MERGE = { contentType: 'application/merge-patch+json' };

type Entry = {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: Record<string, any>;
};
const entry = (o: { metadata: { managedFields?: Entry[] } }, manager: string, operation?: string) =>
  (o.metadata.managedFields ?? []).find((e) => e.manager === manager && (!operation || e.operation === operation));
const cmYaml = (name: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"\n`)
    .join('')}`;

let api: Api;
beforeEach(async () => {
  api = new Api();
  await api.namespace('demo');
});

describe('server-side apply', () => {
  it('creates on apply (201) and records the applier', async () => {
    const r = await api.call('PATCH', `${CM}/a?fieldManager=ci`, cmYaml('a', { k: 'v' }), APPLY);
    assert.equal(r.code, 201, r.text);
    assert.equal(r.body.data.k, 'v');
    const e = entry(r.body, 'ci', 'Apply')!;
    assert.equal(e.apiVersion, 'v1');
    assert.equal(e.fieldsType, 'FieldsV1');
    assert.deepEqual(e.fieldsV1, { 'f:data': { 'f:k': {} } });
    assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal((await api.call('GET', `${CM}/a`)).body.data.k, 'v');
  });

  it("an apply without fieldManager is kube's 422; force on another patch type is 422 too", async () => {
    const r = await api.call('PATCH', `${CM}/a`, cmYaml('a', {}), APPLY);
    assert.equal(r.code, 422);
    assert.equal(
      r.body.message,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    await api.ok('POST', CM, { metadata: { name: 'b' } });
    const forced = await api.call('PATCH', `${CM}/b?force=true`, { data: { x: 'y' } }, MERGE);
    assert.equal(forced.code, 422);
    assert.match(forced.body.message, /force: Forbidden: may not be specified for non-apply patch/);
  });

  it('conflict (409 FieldManagerConflict), force, and removal of what the applier stopped applying', async () => {
    await api.ok('PATCH', `${CM}/c?fieldManager=kubectl`, cmYaml('c', { key: 'a', keep: 'x', drop: 'y' }), APPLY);
    const clash = await api.call('PATCH', `${CM}/c?fieldManager=other`, cmYaml('c', { key: 'b' }), APPLY);
    assert.equal(clash.code, 409);
    assert.deepEqual(clash.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl": .data.key',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.key' }] },
      code: 409,
    });
    const forced = await api.ok('PATCH', `${CM}/c?fieldManager=other&force=true`, cmYaml('c', { key: 'b' }), APPLY);
    assert.equal(forced.data.key, 'b');
    assert.deepEqual(Object.keys(entry(forced, 'kubectl')!.fieldsV1['f:data']), ['f:drop', 'f:keep']);
    const dropped = await api.ok('PATCH', `${CM}/c?fieldManager=kubectl`, cmYaml('c', { keep: 'x' }), APPLY);
    assert.deepEqual(dropped.data, { key: 'b', keep: 'x' });
  });

  it('plain writes record an Update entry: ?fieldManager, else the user agent before its first "/"', async () => {
    const created = await api.ok('POST', `${CM}?fieldManager=kubectl-create`, {
      metadata: { name: 'd', labels: { app: 'x' } },
      data: { a: '1' },
    });
    assert.deepEqual(entry(created, 'kubectl-create', 'Update')!.fieldsV1, {
      'f:data': { '.': {}, 'f:a': {} },
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    });
    const patched = await api.ok(
      'PATCH',
      `${CM}/d`,
      { data: { b: '2' } },
      { ...MERGE, userAgent: 'kubectl/v1.35.2 (linux/amd64) kubernetes/fdc9d74' },
    );
    assert.deepEqual(entry(patched, 'kubectl', 'Update')!.fieldsV1, { 'f:data': { 'f:b': {} } });
  });

  it('containers merge by name across managers; an image another manager set conflicts on its key path', async () => {
    const deploy = (containers: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n` +
      `  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: ${containers}\n`;
    await api.ok('PATCH', `${DEPLOY}/web?fieldManager=kubectl`, deploy('[{name: app, image: "nginx:1"}]'), APPLY);
    const sidecar = await api.ok(
      'PATCH',
      `${DEPLOY}/web?fieldManager=injector`,
      deploy('[{name: sidecar, image: "envoy:1"}]'),
      APPLY,
    );
    assert.deepEqual(
      sidecar.spec.template.spec.containers.map((c: { name: string }) => c.name),
      ['app', 'sidecar'],
    );
    const clash = await api.call(
      'PATCH',
      `${DEPLOY}/web?fieldManager=injector`,
      deploy('[{name: app, image: "nginx:2"}]'),
      APPLY,
    );
    assert.equal(clash.code, 409);
    assert.match(
      clash.body.message,
      /conflict with "kubectl": \.spec\.template\.spec\.containers\[name="app"\]\.image/,
    );
  });

  it('dry run answers the applied object and stores nothing', async () => {
    const r = await api.call('PATCH', `${CM}/e?fieldManager=ci&dryRun=All`, cmYaml('e', { k: 'v' }), APPLY);
    assert.equal(r.code, 201, r.text);
    assert.equal((await api.call('GET', `${CM}/e`)).code, 404);
  });

  it("refuses another version or kind, managedFields in the configuration, and a name that is not the URL's", async () => {
    let r = await api.call(
      'PATCH',
      `${CM}/f?fieldManager=ci`,
      'apiVersion: v2\nkind: ConfigMap\nmetadata: {name: f}\n',
      APPLY,
    );
    assert.equal(r.code, 400);
    assert.equal(
      r.body.message,
      'Incorrect version specified in apply patch. Specified patch version: v2, expected: v1',
    );
    r = await api.call(
      'PATCH',
      `${CM}/f?fieldManager=ci`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f, managedFields: [{manager: x}]}\n',
      APPLY,
    );
    assert.equal(r.code, 400);
    assert.equal(r.body.message, 'metadata.managedFields must be nil');
    r = await api.call(
      'PATCH',
      `${CM}/f?fieldManager=ci`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: g}\n',
      APPLY,
    );
    assert.equal(r.code, 400);
    assert.equal(r.body.message, 'the name of the object (g) does not match the name on the URL (f)');
  });
});
