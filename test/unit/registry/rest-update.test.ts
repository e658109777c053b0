// PUT and PATCH through the real RestHandler: preconditions, what an update may change, generation,
// status subresources, deletion in progress, and deployments/scale (store.go Update, rest/update.go
// BeforeUpdate, handlers/update.go + patch.go, the kinds' strategies).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Api } from './harness.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const PODS = '/api/v1/namespaces/demo/pods';
const DEPLOY = '/apis/apps/v1/namespaces/demo/deployments';
const MERGE = { contentType: 'application/merge-patch+json' };
const SMP = { contentType: 'application/strategic-merge-patch+json' };
const JSONPATCH = { contentType: 'application/json-patch+json' };

const deployment = (name: string): Record<string, unknown> => ({
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } },
  },
});

let api: Api;
beforeEach(async () => {
  api = new Api();
  await api.namespace('demo');
});

describe('update: preconditions', () => {
  it('a stale resourceVersion is 409 Conflict; none at all is an unconditional update', async () => {
    const cm = await api.ok('POST', CM, { metadata: { name: 'a' }, data: { v: '1' } });
    await api.ok('PATCH', `${CM}/a`, { data: { v: '2' } }, MERGE);
    const stale = await api.call('PUT', `${CM}/a`, { ...cm, data: { v: '3' } });
    assert.equal(stale.code, 409);
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.deepEqual(stale.body.details, { name: 'a', kind: 'configmaps' });
    const { resourceVersion: _rv, ...meta } = cm.metadata;
    const unconditional = await api.call('PUT', `${CM}/a`, { ...cm, metadata: meta, data: { v: '3' } });
    assert.equal(unconditional.code, 200);
    assert.equal(unconditional.body.data.v, '3');
  });

  it('a different metadata.uid is the UID precondition (409)', async () => {
    const cm = await api.ok('POST', CM, { metadata: { name: 'a' } });
    const r = await api.call('PUT', `${CM}/a`, { ...cm, metadata: { ...cm.metadata, uid: 'other' } });
    assert.equal(r.code, 409);
    assert.equal(
      r.body.message,
      `Operation cannot be fulfilled on configmaps "a": Precondition failed: UID in precondition: other, UID in object meta: ${cm.metadata.uid}`,
    );
  });

  it("the name and namespace of the body must be the URL's (handlers checkName)", async () => {
    const cm = await api.ok('POST', CM, { metadata: { name: 'a' } });
    const cases: [unknown, string][] = [
      [
        { ...cm, metadata: { ...cm.metadata, name: 'b' } },
        'the name of the object (b) does not match the name on the URL (a)',
      ],
      [{ ...cm, metadata: { namespace: 'demo' } }, 'the name of the object () does not match the name on the URL (a)'],
      [
        { ...cm, metadata: { ...cm.metadata, namespace: 'other' } },
        'the namespace of the object (other) does not match the namespace on the request (demo)',
      ],
    ];
    for (const [body, message] of cases) {
      const r = await api.call('PUT', `${CM}/a`, body);
      assert.equal(r.code, 400);
      assert.equal(r.body.message, message);
    }
  });

  it('PUT and PATCH of a missing object are 404', async () => {
    assert.equal(
      (await api.call('PUT', `${CM}/nope`, { metadata: { name: 'nope' } })).body.message,
      'configmaps "nope" not found',
    );
    assert.equal((await api.call('PATCH', `${CM}/nope`, { data: {} }, MERGE)).code, 404);
  });
});

describe('update: resourceVersion and generation', () => {
  it('a no-op update keeps the resourceVersion (a client re-encoding the object in another key order too)', async () => {
    const cm = await api.ok('POST', CM, { metadata: { name: 'a', labels: { x: '1', y: '2' } }, data: { k: 'v' } });
    const reordered = {
      data: { k: 'v' },
      metadata: { labels: { y: '2', x: '1' }, ...cm.metadata },
      apiVersion: 'v1',
      kind: 'ConfigMap',
    };
    const r = await api.ok('PUT', `${CM}/a`, reordered);
    assert.equal(r.metadata.resourceVersion, cm.metadata.resourceVersion);
    const patched = await api.ok('PATCH', `${CM}/a`, { metadata: { labels: { x: '1' } } }, MERGE);
    assert.equal(patched.metadata.resourceVersion, cm.metadata.resourceVersion);
  });

  it('generation: pods bump on spec changes only; deployments on spec or annotations; configmaps have none', async () => {
    await api.ok('POST', PODS, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } });
    assert.equal(
      (await api.ok('PATCH', `${PODS}/p`, { metadata: { labels: { a: 'b' } } }, SMP)).metadata.generation,
      1,
    );
    assert.equal(
      (await api.ok('PATCH', `${PODS}/p`, { spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }, SMP)).metadata
        .generation,
      2,
    );
    assert.equal(
      (await api.ok('PATCH', `${PODS}/p/status`, { status: { phase: 'Running' } }, MERGE)).metadata.generation,
      2,
    );

    await api.ok('POST', DEPLOY, deployment('web'));
    assert.equal(
      (await api.ok('PATCH', `${DEPLOY}/web`, { metadata: { labels: { tier: 'x' } } }, MERGE)).metadata.generation,
      1,
    );
    assert.equal(
      (await api.ok('PATCH', `${DEPLOY}/web`, { metadata: { annotations: { note: 'x' } } }, MERGE)).metadata.generation,
      2,
    );
    assert.equal((await api.ok('PATCH', `${DEPLOY}/web`, { spec: { replicas: 3 } }, MERGE)).metadata.generation, 3);

    await api.ok('POST', CM, { metadata: { name: 'c' }, data: { a: '1' } });
    assert.equal((await api.ok('PATCH', `${CM}/c`, { data: { a: '2' } }, MERGE)).metadata.generation, undefined);
  });

  it('clients cannot set generation, uid or creationTimestamp on update', async () => {
    const cm = await api.ok('POST', CM, { metadata: { name: 'a' } });
    const r = await api.ok('PUT', `${CM}/a`, {
      ...cm,
      metadata: { ...cm.metadata, generation: 9, creationTimestamp: '2000-01-01T00:00:00Z' },
      data: { x: 'y' },
    });
    assert.equal(r.metadata.generation, undefined);
    assert.equal(r.metadata.creationTimestamp, cm.metadata.creationTimestamp);
  });

  it('dryRun update answers the new object with the stored resourceVersion and stores nothing', async () => {
    const cm = await api.ok('POST', CM, { metadata: { name: 'a' }, data: { v: '1' } });
    const r = await api.ok('PATCH', `${CM}/a?dryRun=All`, { data: { v: '2' } }, MERGE);
    assert.equal(r.data.v, '2');
    assert.equal(r.metadata.resourceVersion, cm.metadata.resourceVersion);
    assert.equal((await api.ok('GET', `${CM}/a`)).data.v, '1');
    assert.equal(
      (await api.call('PATCH', `${CM}/a?dryRun=Maybe`, { data: {} }, MERGE)).body.message,
      'PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Maybe"}: supported values: "All"',
    );
  });
});

describe('update: immutable fields and kind rules', () => {
  const cases: {
    name: string;
    path: string;
    create: Record<string, unknown>;
    patch: Record<string, unknown>;
    message: string | RegExp;
  }[] = [
    {
      name: 'pod spec beyond images',
      path: PODS,
      create: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      patch: { spec: { restartPolicy: 'Never' } },
      message: /^Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than/,
    },
    {
      name: 'deployment selector',
      path: DEPLOY,
      create: deployment('d'),
      patch: {
        spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } },
      },
      message: /^Deployment\.apps "d" is invalid: spec\.selector: Invalid value: .*field is immutable$/,
    },
    {
      name: 'rolebinding roleRef',
      path: '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings',
      create: {
        metadata: { name: 'rb' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' },
        subjects: [],
      },
      patch: { roleRef: { name: 'b' } },
      message:
        'RoleBinding.rbac.authorization.k8s.io "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
    },
    {
      name: 'a deletionTimestamp a client makes up',
      path: CM,
      create: { metadata: { name: 'c' } },
      patch: { metadata: { deletionTimestamp: '2030-01-02T03:04:05Z' } },
      message:
        'ConfigMap "c" is invalid: metadata.deletionTimestamp: Invalid value: 2030-01-02 03:04:05 +0000 UTC: field is immutable',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const name = (c.create.metadata as { name: string }).name;
      await api.ok('POST', c.path, c.create);
      const r = await api.call('PATCH', `${c.path}/${name}`, c.patch, MERGE);
      assert.equal(r.code, 422, r.text);
      if (typeof c.message === 'string') assert.equal(r.body.message, c.message);
      else assert.match(r.body.message, c.message);
    });
  }
});

describe('services keep their ClusterIP', () => {
  it('an update without one keeps the allocated IP; changing it is refused', async () => {
    const SVC = '/api/v1/namespaces/demo/services';
    const svc = await api.ok('POST', SVC, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
    const ip = svc.spec.clusterIP as string;
    assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    const replaced = await api.ok('PUT', `${SVC}/s`, {
      metadata: { name: 's' },
      spec: { ports: [{ port: 81 }], clusterIP: '' },
    });
    assert.equal(replaced.spec.clusterIP, ip);
    assert.deepEqual(replaced.spec.clusterIPs, [ip]);
    const moved = await api.call(
      'PATCH',
      `${SVC}/s`,
      { spec: { clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.99'] } },
      MERGE,
    );
    assert.equal(moved.code, 422);
    assert.equal(
      moved.body.message,
      'Service "s" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set',
    );
  });
});

describe('status subresources', () => {
  it('/status changes status and metadata, never spec; the main resource never changes status', async () => {
    await api.ok('POST', PODS, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const viaStatus = await api.ok(
      'PATCH',
      `${PODS}/p/status`,
      { metadata: { labels: { seen: 'yes' } }, spec: { activeDeadlineSeconds: 5 }, status: { phase: 'Running' } },
      MERGE,
    );
    assert.equal(viaStatus.status.phase, 'Running');
    assert.equal(viaStatus.metadata.labels.seen, 'yes');
    assert.equal(viaStatus.spec.activeDeadlineSeconds, undefined);
    const viaMain = await api.ok('PATCH', `${PODS}/p`, { status: { phase: 'Failed' } }, MERGE);
    assert.equal(viaMain.status.phase, 'Running');
  });

  it('pods/status keeps ownerReferences; deployments/status keeps labels', async () => {
    await api.ok('POST', PODS, {
      metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }] },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    const pod = await api.ok('PATCH', `${PODS}/p/status`, { metadata: { ownerReferences: null } }, MERGE);
    assert.equal(pod.metadata.ownerReferences[0].uid, 'u1');
    await api.ok('POST', DEPLOY, deployment('d'));
    const d = await api.ok(
      'PATCH',
      `${DEPLOY}/d/status`,
      { metadata: { labels: { x: 'y' }, annotations: { a: 'b' } }, status: { replicas: 1 } },
      MERGE,
    );
    assert.equal(d.metadata.labels, undefined);
    assert.equal(d.metadata.annotations.a, 'b');
    assert.equal(d.status.replicas, 1);
  });

  it('namespaces/finalize changes spec.finalizers but not status; the main resource keeps both', async () => {
    const ns = await api.ok('GET', '/api/v1/namespaces/demo');
    const viaMain = await api.ok('PUT', '/api/v1/namespaces/demo', {
      ...ns,
      spec: { finalizers: [] },
      status: { phase: 'Terminating' },
    });
    assert.deepEqual(viaMain.spec.finalizers, ['kubernetes']);
    assert.equal(viaMain.status.phase, 'Active');
    const viaFinalize = await api.ok('PUT', '/api/v1/namespaces/demo/finalize', {
      ...viaMain,
      spec: { finalizers: [] },
      status: { phase: 'Terminating' },
    });
    assert.deepEqual(viaFinalize.spec.finalizers, []);
    assert.equal(viaFinalize.status.phase, 'Active');
  });
});

describe('finalizers and deletion in progress', () => {
  it('deleting marks; updates keep deletionTimestamp; no new finalizers; removing the last one deletes', async () => {
    await api.ok('POST', CM, { metadata: { name: 'f', finalizers: ['example.com/a', 'example.com/b'] } });
    const marked = await api.call('DELETE', `${CM}/f`);
    assert.equal(marked.code, 200);
    assert.equal(marked.body.kind, 'ConfigMap');
    assert.match(marked.body.metadata.deletionTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(marked.body.metadata.deletionGracePeriodSeconds, 0);

    const cleared = await api.ok(
      'PATCH',
      `${CM}/f`,
      { metadata: { deletionTimestamp: null, labels: { l: '1' } } },
      MERGE,
    );
    assert.equal(cleared.metadata.deletionTimestamp, marked.body.metadata.deletionTimestamp);
    assert.equal(cleared.metadata.labels.l, '1');

    const added = await api.call(
      'PATCH',
      `${CM}/f`,
      { metadata: { finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] } },
      MERGE,
    );
    assert.equal(added.code, 422);
    assert.equal(
      added.body.message,
      'ConfigMap "f" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/c"}',
    );

    await api.ok('PATCH', `${CM}/f`, { metadata: { finalizers: ['example.com/b'] } }, MERGE);
    assert.equal((await api.call('GET', `${CM}/f`)).code, 200);
    const last = await api.call('PATCH', `${CM}/f`, { metadata: { finalizers: null } }, MERGE);
    assert.equal(last.code, 200);
    assert.equal((await api.call('GET', `${CM}/f`)).code, 404);
  });

  it('a second delete of an object being finalized answers it again, unchanged', async () => {
    await api.ok('POST', CM, { metadata: { name: 'f', finalizers: ['example.com/a'] } });
    const first = await api.ok('DELETE', `${CM}/f`);
    const second = await api.ok('DELETE', `${CM}/f`);
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
  });
});

describe('patch types', () => {
  it('strategic merge patch as kubectl apply sends it ($setElementOrder, last-applied annotation)', async () => {
    await api.ok('POST', DEPLOY, deployment('web'));
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'side' }, { name: 'c' }],
            containers: [
              { name: 'side', image: 'busybox' },
              { name: 'c', image: 'nginx:1.27' },
            ],
          },
        },
      },
    };
    const r = await api.ok(
      'PATCH',
      `${DEPLOY}/web?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
      patch,
      SMP,
    );
    assert.deepEqual(
      r.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`),
      ['side=busybox', 'c=nginx:1.27'],
    );
    assert.equal(r.spec.template.spec.containers[1].imagePullPolicy, 'IfNotPresent');
  });

  it('a JSON patch test that fails is 422 with the generic text only', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' }, data: { k: 'v' } });
    const r = await api.call('PATCH', `${CM}/a`, [{ op: 'test', path: '/data/k', value: 'w' }], JSONPATCH);
    assert.equal(r.code, 422);
    assert.deepEqual(r.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('a patch whose result has a wrong JSON type is 422 on the patch field', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const r = await api.call('PATCH', `${CM}/a`, { metadata: { labels: { x: 5 } } }, MERGE);
    assert.equal(r.code, 422);
    assert.match(
      r.body.message,
      /^ "" is invalid: patch: Invalid value: ".*": json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.labels of type string$/,
    );
    assert.equal(r.body.details.causes[0].field, 'patch');
  });

  it('patch content types: unknown is 415 listing what is accepted (server-side apply among them)', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const unknown = await api.call('PATCH', `${CM}/a`, {}, { contentType: 'text/plain' });
    assert.equal(unknown.code, 415);
    assert.equal(
      unknown.body.message,
      'the body of the request was in an unknown format - accepted media types include: ' +
        'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
  });

  it("null in a list of primitives is Go's zero value: an empty finalizer (refused), an empty arg (kept)", async () => {
    await api.ok('POST', CM, { metadata: { name: 'a', finalizers: ['example.com/x'] } });
    const r = await api.call('PATCH', `${CM}/a`, { metadata: { finalizers: [null] } }, SMP);
    assert.equal(r.code, 422);
    // IsQualifiedName reports an empty name twice: empty, and not matching the name regex.
    assert.equal(
      r.body.message,
      'ConfigMap "a" is invalid: [metadata.finalizers: Invalid value: "": name part must be non-empty, ' +
        "metadata.finalizers: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')]",
    );
    const p = await api.ok('POST', PODS, {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i', args: ['a', null] }] },
    });
    assert.deepEqual(p.spec.containers[0].args, ['a', '']);
  });

  it('more than 10000 JSON patch operations is 413', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'a' }));
    const r = await api.call('PATCH', `${CM}/a`, ops, JSONPATCH);
    assert.equal(r.code, 413);
    assert.equal(
      r.body.message,
      'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    );
  });

  it('a strategic list item without its merge key is the plain error kube-apiserver passes through', async () => {
    await api.ok('POST', PODS, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const r = await api.call('PATCH', `${PODS}/p`, { spec: { containers: [{ image: 'x' }] } }, SMP);
    assert.equal(r.code, 500);
    assert.equal(r.body.message, 'map: map[image:x] does not contain declared merge key: name');
    assert.equal(r.body.reason, undefined);
  });
});

describe('deployments/scale (kubectl scale)', () => {
  it('GET answers an autoscaling/v1 Scale; PATCH sets spec.replicas through the deployment strategy', async () => {
    await api.ok('POST', DEPLOY, deployment('web'));
    const scale = await api.ok('GET', `${DEPLOY}/web/scale`);
    assert.deepEqual(
      { kind: scale.kind, apiVersion: scale.apiVersion, spec: scale.spec, status: scale.status },
      {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 1 },
        status: { replicas: 0, selector: 'app=web' },
      },
    );
    const patched = await api.ok('PATCH', `${DEPLOY}/web/scale`, { spec: { replicas: 3 } }, MERGE);
    assert.equal(patched.spec.replicas, 3);
    const d = await api.ok('GET', `${DEPLOY}/web`);
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.metadata.generation, 2);
    assert.equal(patched.metadata.resourceVersion, d.metadata.resourceVersion);
  });

  it('PUT with a stale resourceVersion is 409; negative replicas is 422 on Scale.autoscaling', async () => {
    await api.ok('POST', DEPLOY, deployment('web'));
    const scale = await api.ok('GET', `${DEPLOY}/web/scale`);
    await api.ok('PATCH', `${DEPLOY}/web`, { metadata: { labels: { a: 'b' } } }, MERGE);
    assert.equal((await api.call('PUT', `${DEPLOY}/web/scale`, { ...scale, spec: { replicas: 2 } })).code, 409);
    const negative = await api.call('PATCH', `${DEPLOY}/web/scale`, { spec: { replicas: -1 } }, MERGE);
    assert.equal(negative.code, 422);
    assert.equal(
      negative.body.message,
      'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    assert.equal(
      (await api.call('GET', `${DEPLOY}/missing/scale`)).body.message,
      'deployments.apps "missing" not found',
    );
  });
});
