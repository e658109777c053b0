// DELETE and deletecollection through the real RestHandler: what each resource answers (store.go
// finalizeDelete / ReturnDeletedObject), DeleteOptions, preconditions (rest/delete.go BeforeDelete),
// dryRun, and namespace deletion (core/namespace/storage).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Api, tick } from './harness.js';
import { Informer } from '../../../src/controllers/informer.js';
import { NamespaceDeletionController } from '../../../src/controllers/namespace-deletion.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } };

let api: Api;
beforeEach(async () => {
  api = new Api();
  await api.namespace('demo');
});

describe('what DELETE answers', () => {
  const cases: { kind: string; path: string; body: Record<string, unknown>; returnsObject: boolean; group?: string }[] =
    [
      { kind: 'configmaps', path: CM, body: { metadata: { name: 'x' } }, returnsObject: false },
      {
        kind: 'secrets',
        path: '/api/v1/namespaces/demo/secrets',
        body: { metadata: { name: 'x' } },
        returnsObject: false,
      },
      {
        kind: 'roles',
        path: '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles',
        body: { metadata: { name: 'x' }, rules: [] },
        returnsObject: false,
        group: 'rbac.authorization.k8s.io',
      },
      {
        kind: 'deployments',
        path: '/apis/apps/v1/namespaces/demo/deployments',
        body: {
          metadata: { name: 'x' },
          spec: {
            selector: { matchLabels: { a: 'b' } },
            template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
          },
        },
        returnsObject: false,
        group: 'apps',
      },
      { kind: 'nodes', path: '/api/v1/nodes', body: { metadata: { name: 'x' } }, returnsObject: false },
      {
        kind: 'pods',
        path: '/api/v1/namespaces/demo/pods',
        body: { ...pod, metadata: { name: 'x' } },
        returnsObject: true,
      },
      {
        kind: 'services',
        path: '/api/v1/namespaces/demo/services',
        body: { metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } },
        returnsObject: true,
      },
      {
        kind: 'serviceaccounts',
        path: '/api/v1/namespaces/demo/serviceaccounts',
        body: { metadata: { name: 'x' } },
        returnsObject: true,
      },
    ];
  for (const c of cases) {
    it(`${c.kind}: ${c.returnsObject ? 'the deleted object' : 'a Success Status naming it'}`, async () => {
      const created = await api.ok('POST', c.path, c.body);
      const r = await api.call('DELETE', `${c.path}/x`);
      assert.equal(r.code, 200);
      if (c.returnsObject) {
        assert.equal(r.body.metadata.uid, created.metadata.uid);
        assert.notEqual(r.body.kind, 'Status');
      } else {
        const details: Record<string, string> = { name: 'x' };
        if (c.group) details.group = c.group;
        details.kind = c.kind;
        details.uid = created.metadata.uid;
        assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
        assert.deepEqual(Object.keys(r.body), ['kind', 'apiVersion', 'metadata', 'status', 'details']);
      }
      assert.equal((await api.call('GET', `${c.path}/x`)).code, 404);
    });
  }

  it('a missing object is 404', async () => {
    const r = await api.call('DELETE', `${CM}/nope`);
    assert.equal(r.code, 404);
    assert.equal(r.body.message, 'configmaps "nope" not found');
  });
});

describe('DeleteOptions', () => {
  it("accepts kubectl's body (propagationPolicy, gracePeriodSeconds)", async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const r = await api.call('DELETE', `${CM}/a`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Background',
      gracePeriodSeconds: 0,
    });
    assert.equal(r.code, 200);
  });

  const invalid: { name: string; body?: unknown; query?: string; message: string; code?: number }[] = [
    {
      name: 'an unknown propagationPolicy',
      body: { propagationPolicy: 'Sideways' },
      message:
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
    },
    {
      name: 'orphanDependents with propagationPolicy',
      body: { orphanDependents: true, propagationPolicy: 'Orphan' },
      message:
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
    },
    {
      name: 'an unknown dryRun in the body',
      body: { dryRun: ['Some'] },
      message:
        'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"',
    },
    {
      name: 'propagationPolicy in the query',
      query: '?propagationPolicy=Sideways',
      message:
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
    },
    {
      name: 'a gracePeriodSeconds that is not a number',
      query: '?gracePeriodSeconds=soon',
      message: 'strconv.ParseInt: parsing "soon": invalid syntax',
      code: 400,
    },
    {
      name: 'a body of the wrong JSON type',
      body: { gracePeriodSeconds: 'soon' },
      message: 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64',
      code: 400,
    },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}`, async () => {
      await api.ok('POST', CM, { metadata: { name: 'a' } });
      const r = await api.call('DELETE', `${CM}/a${c.query ?? ''}`, c.body);
      assert.equal(r.code, c.code ?? 422, r.text);
      assert.equal(r.body.message, c.message);
      assert.equal((await api.call('GET', `${CM}/a`)).code, 200);
    });
  }

  it("preconditions: uid and resourceVersion, in BeforeDelete's words (named by Kind)", async () => {
    const cm = await api.ok('POST', CM, { metadata: { name: 'a' } });
    const uid = await api.call('DELETE', `${CM}/a`, { preconditions: { uid: 'other' } });
    assert.equal(uid.code, 409);
    assert.equal(
      uid.body.message,
      `Operation cannot be fulfilled on ConfigMap "a": the UID in the precondition (other) does not match the UID in record (${cm.metadata.uid}). The object might have been deleted and then recreated`,
    );
    assert.deepEqual(uid.body.details, { name: 'a', kind: 'ConfigMap' });
    const rv = await api.call('DELETE', `${CM}/a`, { preconditions: { resourceVersion: '1' } });
    assert.equal(
      rv.body.message,
      `Operation cannot be fulfilled on ConfigMap "a": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${cm.metadata.resourceVersion}). The object might have been modified`,
    );
    assert.equal(
      (
        await api.call('DELETE', `${CM}/a`, {
          preconditions: { uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion },
        })
      ).code,
      200,
    );
  });

  it('dryRun in the body (kubectl delete --dry-run=server) or the query deletes nothing', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    assert.equal(
      (await api.call('DELETE', `${CM}/a`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] })).code,
      200,
    );
    assert.equal((await api.call('DELETE', `${CM}/a?dryRun=All`)).code, 200);
    assert.equal((await api.call('GET', `${CM}/a`)).code, 200);
  });
});

describe('deletecollection', () => {
  it('deletes what the selectors match and answers the list as it was', async () => {
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ])
      await api.ok('POST', CM, { metadata: { name, labels: { tier } } });
    const r = await api.call('DELETE', `${CM}?labelSelector=tier%3Dweb`);
    assert.equal(r.code, 200);
    assert.equal(r.body.kind, 'ConfigMapList');
    assert.deepEqual(
      r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['a', 'b'],
    );
    const left = await api.ok('GET', CM);
    assert.deepEqual(
      left.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['c'],
    );
  });

  it('honours dryRun and field selectors; refuses an unsupported field label', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    await api.ok('POST', CM, { metadata: { name: 'b' } });
    const dry = await api.ok('DELETE', `${CM}?fieldSelector=metadata.name%3Da`, { dryRun: ['All'] });
    assert.equal(dry.items.length, 1);
    assert.equal((await api.ok('GET', CM)).items.length, 2);
    const bad = await api.call('DELETE', `${CM}?fieldSelector=data.k%3Dv`);
    assert.equal(bad.code, 400);
    assert.equal(bad.body.message, 'field label not supported: data.k');
  });

  it('is not served across namespaces (405) nor for namespaces themselves', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    assert.equal((await api.call('DELETE', '/api/v1/configmaps')).code, 405);
    assert.equal((await api.call('DELETE', '/api/v1/namespaces')).code, 405);
    assert.equal((await api.call('GET', `${CM}/a`)).code, 200);
  });
});

describe('namespace deletion', () => {
  it('goes Terminating (answering the namespace); the namespace controller empties and removes it', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a' } });
    const informer = new Informer(api.objects, api.objects.def('namespaces'));
    const controller = new NamespaceDeletionController(api.objects, informer);
    await informer.start();
    const r = await api.call('DELETE', '/api/v1/namespaces/demo');
    assert.equal(r.code, 200);
    assert.equal(r.body.kind, 'Namespace');
    assert.equal(r.body.status.phase, 'Terminating');
    assert.ok(r.body.metadata.deletionTimestamp);
    for (let i = 0; i < 20 && (await api.call('GET', '/api/v1/namespaces/demo')).code === 200; i++) await tick();
    assert.equal((await api.call('GET', '/api/v1/namespaces/demo')).code, 404);
    assert.equal((await api.call('GET', `${CM}/a`)).code, 404);
    controller.queue.stop();
    informer.stop();
  });

  it("a second delete while it is emptied is the namespace storage's 409", async () => {
    await api.ok('DELETE', '/api/v1/namespaces/demo');
    const again = await api.call('DELETE', '/api/v1/namespaces/demo');
    assert.equal(again.code, 409);
    assert.equal(
      again.body.message,
      'Operation cannot be fulfilled on namespaces "demo": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
    );
  });

  it("a UID precondition that does not match is refused in the namespace storage's words", async () => {
    const ns = await api.ok('GET', '/api/v1/namespaces/demo');
    const r = await api.call('DELETE', '/api/v1/namespaces/demo', { preconditions: { uid: 'x' } });
    assert.equal(r.code, 409);
    assert.equal(
      r.body.message,
      `Operation cannot be fulfilled on namespaces "demo": Precondition failed: UID in precondition: x, UID in object meta: ${ns.metadata.uid}`,
    );
  });

  it('default, kube-system and kube-public may not be deleted', async () => {
    await api.ok('POST', '/api/v1/namespaces', { metadata: { name: 'kube-system' } });
    const r = await api.call('DELETE', '/api/v1/namespaces/kube-system');
    assert.equal(r.code, 403);
    assert.equal(r.body.message, 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });
});
