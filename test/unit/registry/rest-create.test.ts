// POST through the real RestHandler: what create stamps and refuses, with kube-apiserver's texts
// (registry/generic/registry/store.go create, registry/rest/create.go, endpoints/handlers/create.go).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Api } from './harness.js';

const CM = '/api/v1/namespaces/demo/configmaps';
const PODS = '/api/v1/namespaces/demo/pods';
const pod = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { name, ...extra },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
});

let api: Api;
beforeEach(async () => {
  api = new Api();
  await api.namespace('demo');
});

describe('create: what the server stamps', () => {
  it('sets uid, creationTimestamp and a resourceVersion; clears what clients may not set', async () => {
    const r = await api.call('POST', CM, {
      metadata: {
        name: 'a',
        uid: 'mine',
        creationTimestamp: '2000-01-01T00:00:00Z',
        deletionTimestamp: '2000-01-01T00:00:00Z',
        deletionGracePeriodSeconds: 5,
        selfLink: '/x',
        generation: 7,
      },
      data: { k: 'v' },
    });
    assert.equal(r.code, 201);
    const m = r.body.metadata;
    assert.match(m.uid, /^[0-9a-f-]{36}$/);
    assert.notEqual(m.uid, 'mine');
    assert.notEqual(m.creationTimestamp, '2000-01-01T00:00:00Z');
    assert.match(m.resourceVersion, /^\d+$/);
    for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'generation'])
      assert.equal(m[f], undefined, f);
  });

  it('only kinds that track it get metadata.generation (pods, deployments: 1; configmaps, roles: none)', async () => {
    const cases: [string, unknown, number | undefined][] = [
      [PODS, pod('p'), 1],
      [
        '/apis/apps/v1/namespaces/demo/deployments',
        {
          metadata: { name: 'd' },
          spec: {
            selector: { matchLabels: { app: 'd' } },
            template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
          },
        },
        1,
      ],
      [CM, { metadata: { name: 'c' } }, undefined],
      ['/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'r' }, rules: [] }, undefined],
      ['/api/v1/namespaces', { metadata: { name: 'other' } }, undefined],
    ];
    for (const [path, body, want] of cases)
      assert.equal((await api.ok('POST', path, body)).metadata.generation, want, path);
  });

  it("answers kind, apiVersion, metadata, spec, status in the Go encoder's order", async () => {
    const r = await api.call('POST', PODS, pod('ordered', { labels: { z: '1', a: '2' } }));
    assert.deepEqual(Object.keys(r.body), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    assert.deepEqual(Object.keys(r.body.metadata).slice(0, 6), [
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'generation',
      'creationTimestamp',
    ]);
    assert.deepEqual(Object.keys(r.body.metadata.labels), ['a', 'z']);
  });
});

describe('create: refusals', () => {
  const cases: {
    name: string;
    path?: string;
    body: unknown;
    code: number;
    message: string | RegExp;
    reason?: string;
  }[] = [
    {
      name: 'a namespace that does not match the URL',
      body: { metadata: { name: 'a', namespace: 'other' } },
      code: 400,
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    },
    {
      name: 'another API version',
      body: { apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'a' } },
      code: 400,
      message: 'the API version in the data (v2) does not match the expected API version (v1)',
    },
    {
      name: 'another served kind',
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' } },
      code: 400,
      message:
        'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion',
    },
    {
      name: 'a kind the scheme does not know',
      body: { apiVersion: 'v1', kind: 'Gizmo', metadata: { name: 'a' } },
      code: 400,
      message:
        /^Gizmo in version "v1" cannot be handled as a ConfigMap: no kind "Gizmo" is registered for version "v1"/,
    },
    {
      name: 'a number for metadata.name',
      body: { metadata: { name: 5 } },
      code: 400,
      message:
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    },
    {
      name: 'metadata that is not an object',
      body: { metadata: 'x' },
      code: 400,
      message:
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta',
    },
    {
      name: 'labels that are a list',
      body: { metadata: { name: 'a', labels: ['x'] } },
      code: 400,
      message:
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string',
    },
    {
      name: 'a label value that is a number',
      body: { metadata: { name: 'a', labels: { x: 1 } } },
      code: 400,
      message:
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    },
    {
      name: 'containers that are a string',
      path: PODS,
      body: { metadata: { name: 'p' }, spec: { containers: 'nginx' } },
      code: 400,
      message:
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    },
    {
      name: 'a fractional int32',
      path: PODS,
      body: {
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80.5 }] }] },
      },
      code: 400,
      message:
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    },
    {
      name: 'secret data that is not base64',
      path: '/api/v1/namespaces/demo/secrets',
      body: { metadata: { name: 's' }, data: { k: 'not base64!' } },
      code: 400,
      message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    },
    {
      name: 'a body that is a JSON list',
      body: [1, 2],
      code: 400,
      message:
        /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value of type struct/,
    },
    {
      name: 'a kind that is a number',
      body: { kind: 7, metadata: { name: 'a' } },
      code: 400,
      message:
        /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: json: cannot unmarshal number into Go struct field \.kind of type string \(\{"kind":7,/,
    },
    {
      name: 'a bad generateName (checked as a prefix)',
      body: { metadata: { generateName: 'Bad_' } },
      code: 422,
      message:
        /^ConfigMap "Bad_[a-z0-9]{5}" is invalid: \[metadata\.generateName: Invalid value: "Bad_": a lowercase RFC 1123 subdomain .*, metadata\.name: Invalid value: "Bad_[a-z0-9]{5}": a lowercase RFC 1123 subdomain/,
    },
    {
      name: 'an empty finalizer name',
      body: { metadata: { name: 'a', finalizers: ['ok.example.com/x', 'bad name'] } },
      code: 422,
      message: /^ConfigMap "a" is invalid: metadata\.finalizers: Invalid value: "bad name": name part must consist of/,
    },
    {
      name: 'an owner reference without uid',
      body: { metadata: { name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '' }] } },
      code: 422,
      message: 'ConfigMap "a" is invalid: metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await api.call('POST', c.path ?? CM, c.body);
      assert.equal(r.code, c.code, r.text);
      if (typeof c.message === 'string') assert.equal(r.body.message, c.message);
      else assert.match(r.body.message, c.message);
    });
  }

  it('a resourceVersion on a new object is the storage error kube-apiserver passes through (500, no reason)', async () => {
    const r = await api.call('POST', CM, { metadata: { name: 'a', resourceVersion: '12' } });
    assert.equal(r.code, 500);
    assert.deepEqual(r.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'resourceVersion should not be set on objects to be created',
      code: 500,
    });
    // A resourceVersion that does not parse as a positive integer is ignored (etcd3 store's check).
    assert.equal((await api.call('POST', CM, { metadata: { name: 'b', resourceVersion: '0' } })).code, 201);
  });

  it('AlreadyExists, and "object is being deleted" when the existing object is', async () => {
    await api.ok('POST', CM, { metadata: { name: 'a', finalizers: ['example.com/hold'] } });
    const again = await api.call('POST', CM, { metadata: { name: 'a' } });
    assert.equal(again.code, 409);
    assert.deepEqual(again.body.details, { name: 'a', kind: 'configmaps' });
    assert.equal(again.body.message, 'configmaps "a" already exists');
    await api.ok('DELETE', `${CM}/a`);
    const deleting = await api.call('POST', CM, { metadata: { name: 'a' } });
    assert.equal(deleting.body.message, 'object is being deleted: configmaps "a" already exists');
  });
});

describe('create: generateName', () => {
  it("appends five characters from the name generator's alphabet", async () => {
    const r = await api.ok('POST', CM, { metadata: { generateName: 'web-' } });
    assert.match(r.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(r.metadata.generateName, 'web-');
  });

  it('cuts a long base so that the name fits 63 characters', async () => {
    const r = await api.ok('POST', CM, { metadata: { generateName: 'x'.repeat(70) } });
    assert.equal(r.metadata.name.length, 63);
    assert.ok(r.metadata.name.startsWith('x'.repeat(58)));
  });

  it('retries a colliding name with a new one (store.go createWithGenerateNameRetry)', async () => {
    const sequence = ['g-aaaaa', 'g-aaaaa', 'g-aaaaa', 'g-bbbbb'];
    const tries: string[] = [];
    const stubbed = new Api({
      generateName: (base) => {
        const n = sequence[tries.length] ?? `${base}zzzzz`;
        tries.push(n);
        return n;
      },
    });
    await stubbed.namespace('demo');
    assert.equal((await stubbed.ok('POST', CM, { metadata: { generateName: 'g-' } })).metadata.name, 'g-aaaaa');
    assert.equal((await stubbed.ok('POST', CM, { metadata: { generateName: 'g-' } })).metadata.name, 'g-bbbbb');
    assert.deepEqual(tries, sequence);
  });

  it('after eight collisions answers the generate-name conflict with a retry hint', async () => {
    let calls = 0;
    const stubbed = new Api({
      generateName: () => {
        calls++;
        return 'same-name';
      },
    });
    await stubbed.namespace('demo');
    await stubbed.ok('POST', CM, { metadata: { name: 'same-name' } });
    const r = await stubbed.call('POST', CM, { metadata: { generateName: 'same-' } });
    assert.equal(calls, 8);
    assert.equal(r.code, 409);
    assert.equal(r.body.reason, 'AlreadyExists');
    assert.equal(
      r.body.message,
      'configmaps "same-name" already exists, the server was not able to generate a unique name for the object',
    );
    assert.deepEqual(r.body.details, { name: 'same-name', kind: 'configmaps', retryAfterSeconds: 1 });
  });
});

describe('create: dryRun', () => {
  it('dryRun=All answers the object without storing it', async () => {
    const r = await api.call('POST', `${CM}?dryRun=All`, { metadata: { name: 'dry' } });
    assert.equal(r.code, 201);
    assert.equal(r.body.metadata.name, 'dry');
    assert.equal(r.body.metadata.resourceVersion, undefined);
    assert.equal((await api.call('GET', `${CM}/dry`)).code, 404);
  });

  it('dryRun still reports AlreadyExists', async () => {
    await api.ok('POST', CM, { metadata: { name: 'x' } });
    assert.equal((await api.call('POST', `${CM}?dryRun=All`, { metadata: { name: 'x' } })).code, 409);
  });

  it('an unknown dryRun value is CreateOptions validation (422), nothing stored', async () => {
    const r = await api.call('POST', `${CM}?dryRun=Yes`, { metadata: { name: 'y' } });
    assert.equal(r.code, 422);
    assert.equal(
      r.body.message,
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Yes"}: supported values: "All"',
    );
    assert.deepEqual(r.body.details, {
      group: 'meta.k8s.io',
      kind: 'CreateOptions',
      causes: [
        {
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: []string{"Yes"}: supported values: "All"',
          field: 'dryRun',
        },
      ],
    });
    assert.equal((await api.call('GET', `${CM}/y`)).code, 404);
  });

  it('an unknown fieldValidation value is 422 as well', async () => {
    const r = await api.call('POST', `${CM}?fieldValidation=Loose`, { metadata: { name: 'y' } });
    assert.equal(r.code, 422);
    assert.equal(
      r.body.message,
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });
});

describe('create in a namespace', () => {
  it('that does not exist: 404 namespaces "<ns>" not found', async () => {
    const r = await api.call('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'a' } });
    assert.equal(r.code, 404);
    assert.equal(r.body.message, 'namespaces "nowhere" not found');
  });

  it('that is terminating: 403 naming the object, with the NamespaceTerminating cause', async () => {
    await api.ok('POST', CM, { metadata: { name: 'keep', finalizers: ['example.com/hold'] } });
    const ns = await api.ok('DELETE', '/api/v1/namespaces/demo');
    assert.equal(ns.status.phase, 'Terminating');
    const r = await api.call('POST', CM, { metadata: { name: 'late' } });
    assert.equal(r.code, 403);
    assert.deepEqual(r.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'configmaps "late" is forbidden: unable to create new content in namespace demo because it is being terminated',
      reason: 'Forbidden',
      details: {
        name: 'late',
        kind: 'configmaps',
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: 'namespace demo is being terminated',
            field: 'metadata.namespace',
          },
        ],
      },
      code: 403,
    });
  });
});
