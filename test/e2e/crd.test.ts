// CustomResourceDefinitions end to end with the real kubectl v1.35 and @kubernetes/client-node: a CRD applied
// and Established, custom resources with schema defaults, kube's 422 texts, pruning, printer columns, explain,
// short names and the `all` category, the status and scale subresources, field selectors (selectableFields),
// two served versions, RBAC on the custom resource for a user, and deleting the CRD deleting its resources.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  clientCert,
  kubeconfigFor,
  kubectl,
  request,
  ROOT,
  sleep,
  startCluster,
  type Cluster,
  type Who,
} from './harness.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'crd');
const CRD = 'widgets.stable.example.com';
const WIDGETS = '/apis/stable.example.com/v1/namespaces/demo/widgets';

describe('CustomResourceDefinitions with kubectl', () => {
  let c: Cluster;
  let admin: Who;
  const ok = (...args: string[]): string => {
    const r = kubectl(c, args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.out}${r.err}`);
    return r.out;
  };

  before(async () => {
    c = await startCluster();
    admin = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
    ok('create', 'namespace', 'demo');
    ok('apply', '-f', join(FIXTURES, 'widgets.yaml'));
    ok('wait', '--for', 'condition=established', `crd/${CRD}`, '--timeout=20s');
    ok('apply', '-n', 'demo', '-f', join(FIXTURES, 'widget-w1.yaml'));
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('the CRD is NamesAccepted and Established, with acceptedNames and storedVersions', () => {
    const crd = JSON.parse(ok('get', 'crd', CRD, '-o', 'json'));
    const conds = Object.fromEntries(
      crd.status.conditions.map((x: { type: string; status: string; reason: string }) => [
        x.type,
        `${x.status} ${x.reason}`,
      ]),
    );
    assert.deepEqual(conds, { NamesAccepted: 'True NoConflicts', Established: 'True InitialNamesAccepted' });
    assert.equal(crd.status.acceptedNames.plural, 'widgets');
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    assert.deepEqual(crd.spec.conversion, { strategy: 'None' });
    assert.equal(
      ok('apply', '-f', join(FIXTURES, 'widgets.yaml')).trim(),
      `customresourcedefinition.apiextensions.k8s.io/${CRD} unchanged`,
    );
    assert.match(
      ok('get', 'crd'),
      new RegExp(`^NAME\\s+CREATED AT\\s*\\n${CRD.replace(/\./g, '\\.')}\\s+\\d{4}-`, 'm'),
    );
  });

  it('deleting a namespace deletes the custom resources in it', async () => {
    ok('create', 'namespace', 'gone');
    kubectl(c, ['apply', '-n', 'gone', '-f', '-'], {
      input: 'apiVersion: stable.example.com/v1\nkind: Widget\nmetadata:\n  name: g1\nspec:\n  color: red\n',
    });
    ok('delete', 'namespace', 'gone', '--timeout=30s');
    const r = await request(c, { path: '/apis/stable.example.com/v1/widgets', who: admin });
    assert.deepEqual(
      r.json.items.filter((i: { metadata: { namespace: string } }) => i.metadata.namespace === 'gone'),
      [],
    );
  });

  it('kubectl get shows the printer columns; the default is applied; shortName and `all` find the widgets', () => {
    const out = ok('get', 'widgets', '-n', 'demo');
    assert.match(out, /^NAME\s+SIZE\s+COLOR\s+PHASE\s*$/m);
    // A column whose path finds nothing is a null cell, as kube's tableconvertor sends it (kubectl prints it empty).
    assert.match(out, /^w1\s+3\s+red\s*$/m);
    assert.match(out, /^w2\s+5\s+blue\s*$/m);
    assert.deepEqual(ok('get', 'wd', '-n', 'demo', '-o', 'name').trim().split('\n'), [
      'widget.stable.example.com/w1',
      'widget.stable.example.com/w2',
    ]);
    assert.match(ok('get', 'all', '-n', 'demo'), /widget\.stable\.example\.com\/w1/);
  });

  it('kubectl explain reads the published schema', () => {
    const out = ok('explain', 'widget.spec');
    assert.match(out, /KIND:\s+Widget/);
    assert.match(out, /color\s+<string>/);
    assert.match(out, /How big\./);
  });

  it("invalid resources get kube's 422 texts; unknown fields are pruned (or refused under Strict)", async () => {
    const bad = (spec: unknown) =>
      request(c, {
        method: 'POST',
        path: WIDGETS,
        who: admin,
        body: { apiVersion: 'stable.example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec },
      });
    let r = await bad({ color: 'green' });
    assert.equal(r.code, 422);
    assert.equal(
      r.json.message,
      'Widget.stable.example.com "bad" is invalid: spec.color: Unsupported value: "green": supported values: "red", "blue"',
    );
    r = await bad({ color: 'red', size: 'big' });
    assert.equal(
      r.json.message,
      'Widget.stable.example.com "bad" is invalid: spec.size: Invalid value: "big": spec.size in body must be of type integer: "string"',
    );
    r = await bad({ color: 'red', size: 0 });
    assert.equal(
      r.json.message,
      'Widget.stable.example.com "bad" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
    );
    const k = kubectl(c, ['apply', '-n', 'demo', '-f', '-'], {
      input: 'apiVersion: stable.example.com/v1\nkind: Widget\nmetadata:\n  name: bad\nspec:\n  color: green\n',
    });
    assert.notEqual(k.code, 0);
    assert.match(
      k.err,
      /The Widget "bad" is invalid: spec\.color: Unsupported value: "green": supported values: "red", "blue"/,
    );
    r = await bad({ color: 'red', extra: 1 });
    assert.equal(r.code, 201);
    assert.deepEqual(r.json.spec, { color: 'red', size: 3 });
    const strict = await request(c, {
      method: 'POST',
      path: `${WIDGETS}?fieldValidation=Strict`,
      who: admin,
      body: {
        apiVersion: 'stable.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'strict' },
        spec: { color: 'red', extra: 1 },
      },
    });
    assert.equal(strict.code, 400);
    assert.equal(
      strict.json.message,
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"',
    );
    await request(c, { method: 'DELETE', path: `${WIDGETS}/bad`, who: admin });
  });

  it('status subresource: /status writes status only, the main resource keeps it; generation follows spec', async () => {
    const cur = (await request(c, { path: `${WIDGETS}/w1`, who: admin })).json;
    assert.equal(cur.metadata.generation, 1);
    let r = await request(c, {
      method: 'PUT',
      path: `${WIDGETS}/w1/status`,
      who: admin,
      body: { ...cur, spec: { ...cur.spec, size: 9 }, status: { phase: 'Ready' } },
    });
    assert.equal(r.code, 200);
    assert.equal(r.json.spec.size, 3);
    assert.equal(r.json.status.phase, 'Ready');
    r = await request(c, {
      method: 'PATCH',
      path: `${WIDGETS}/w1`,
      who: admin,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: { spec: { size: 4 }, status: { phase: 'Hacked' } },
    });
    assert.equal(r.code, 200);
    assert.equal(r.json.spec.size, 4);
    assert.equal(r.json.status.phase, 'Ready');
    assert.equal(r.json.metadata.generation, 2);
    assert.match(ok('get', 'widget', 'w1', '-n', 'demo'), /^w1\s+4\s+red\s+Ready\s*$/m);
  });

  it('strategic merge patches are refused with 415, as for every custom resource', async () => {
    const r = await request(c, {
      method: 'PATCH',
      path: `${WIDGETS}/w1`,
      who: admin,
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      body: { spec: { size: 2 } },
    });
    assert.equal(r.code, 415);
    assert.equal(r.json.reason, 'UnsupportedMediaType');
    // kubectl's own patch path picks merge patch for custom resources.
    ok('patch', 'widget', 'w2', '-n', 'demo', '--type=merge', '-p', '{"spec":{"size":6}}');
    ok('label', 'widget', 'w2', '-n', 'demo', 'tier=gold');
    assert.equal(
      ok('get', 'widgets', '-n', 'demo', '-l', 'tier=gold', '-o', 'name').trim(),
      'widget.stable.example.com/w2',
    );
  });

  it('scale subresource: kubectl scale writes spec.replicas through an autoscaling/v1 Scale', async () => {
    ok('scale', 'widget', 'w2', '-n', 'demo', '--replicas=3');
    assert.equal(ok('get', 'widget', 'w2', '-n', 'demo', '-o', 'jsonpath={.spec.replicas}'), '3');
    const r = await request(c, { path: `${WIDGETS}/w2/scale`, who: admin });
    assert.equal(r.json.kind, 'Scale');
    assert.equal(r.json.spec.replicas, 3);
  });

  it('field selectors: metadata.name and the selectable field spec.color; others refused', async () => {
    assert.equal(
      ok('get', 'widgets', '-n', 'demo', '--field-selector', 'spec.color=blue', '-o', 'name').trim(),
      'widget.stable.example.com/w2',
    );
    assert.equal(
      ok('get', 'widgets', '-n', 'demo', '--field-selector', 'metadata.name=w1', '-o', 'name').trim(),
      'widget.stable.example.com/w1',
    );
    const r = await request(c, { path: `${WIDGETS}?fieldSelector=spec.size%3D3`, who: admin });
    assert.equal(r.code, 400);
  });

  it('a second served version serves the same objects with its apiVersion (conversion None)', async () => {
    const r = await request(c, { path: '/apis/stable.example.com/v1beta1/namespaces/demo/widgets/w1', who: admin });
    assert.equal(r.code, 200);
    assert.equal(r.json.apiVersion, 'stable.example.com/v1beta1');
    assert.equal(r.json.spec.color, 'red');
    assert.equal(
      ok('get', 'widgets.v1beta1.stable.example.com', 'w1', '-n', 'demo', '-o', 'jsonpath={.apiVersion}'),
      'stable.example.com/v1beta1',
    );
  });

  it('RBAC decides access to the custom resource exactly as to a built-in', () => {
    ok('create', 'role', 'widget-reader', '-n', 'demo', '--verb=get,list', '--resource=widgets.stable.example.com');
    ok('create', 'rolebinding', 'carol-widgets', '-n', 'demo', '--role=widget-reader', '--user=carol');
    assert.equal(
      kubectl(c, ['auth', 'can-i', 'get', 'widgets.stable.example.com', '--as', 'carol', '-n', 'demo']).out.trim(),
      'yes',
    );
    const no = kubectl(c, ['auth', 'can-i', 'delete', 'widgets.stable.example.com/w1', '--as', 'carol', '-n', 'demo']);
    assert.equal(no.out.trim(), 'no');
    const carol = kubeconfigFor(c, 'carol');
    assert.equal(
      kubectl(c, ['get', 'widget', 'w1', '-n', 'demo', '-o', 'name'], { kubeconfig: carol }).out.trim(),
      'widget.stable.example.com/w1',
    );
    const del = kubectl(c, ['delete', 'widget', 'w1', '-n', 'demo'], { kubeconfig: carol });
    assert.match(
      del.err,
      /widgets\.stable\.example\.com "w1" is forbidden: User "carol" cannot delete resource "widgets" in API group "stable\.example\.com" in the namespace "demo"/,
    );
  });

  it('@kubernetes/client-node: list, watch and an informer on the custom resource', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.adminKubeconfig);
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({
      group: 'stable.example.com',
      version: 'v1',
      namespace: 'demo',
      plural: 'widgets',
    })) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(list.items.map((i) => i.metadata.name).sort(), ['w1', 'w2']);
    const path = '/apis/stable.example.com/v1/namespaces/demo/widgets';
    const informer = k8s.makeInformer(
      kc,
      path,
      () =>
        api.listNamespacedCustomObject({
          group: 'stable.example.com',
          version: 'v1',
          namespace: 'demo',
          plural: 'widgets',
        }) as never,
    );
    const added: string[] = [];
    informer.on('add', (o: { metadata?: { name?: string } }) => {
      added.push(o.metadata?.name ?? '');
    });
    await informer.start();
    const watched: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      path,
      {},
      (type: string, o: { metadata: { name: string } }) => {
        watched.push(`${type} ${o.metadata.name}`);
      },
      () => {},
    );
    kubectl(c, ['apply', '-n', 'demo', '-f', '-'], {
      input: 'apiVersion: stable.example.com/v1\nkind: Widget\nmetadata:\n  name: w3\nspec:\n  color: blue\n',
    });
    for (let i = 0; i < 50 && !(added.includes('w3') && watched.includes('ADDED w3')); i++) await sleep(100);
    req.abort();
    await informer.stop();
    assert.ok(added.includes('w1') && added.includes('w3'), added.join(','));
    assert.ok(watched.includes('ADDED w3'), watched.join(','));
    assert.deepEqual(
      informer
        .list()
        .map((o: { metadata?: { name?: string } }) => o.metadata?.name)
        .sort(),
      ['w1', 'w2', 'w3'],
    );
  });

  it('deleting the CRD deletes its resources; a re-created CRD starts empty', async () => {
    ok('delete', 'crd', CRD, '--timeout=60s');
    assert.equal((await request(c, { path: WIDGETS, who: admin })).code, 404);
    assert.doesNotMatch(ok('api-resources'), /widgets/);
    ok('apply', '-f', join(FIXTURES, 'widgets.yaml'));
    ok('wait', '--for', 'condition=established', `crd/${CRD}`, '--timeout=20s');
    assert.equal(ok('get', 'widgets', '-n', 'demo', '-o', 'name').trim(), '');
  });
});
