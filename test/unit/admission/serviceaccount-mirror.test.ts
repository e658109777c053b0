// The ServiceAccount plugin and mirror pods (plugin/pkg/admission/serviceaccount): a mirror pod is never
// given a service account or token volume, and may not reference service accounts, secrets or token projections.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AdmissionRequest } from '../../../src/admission/interface.js';
import { serviceAccountAdmission } from '../../../src/admission/serviceaccount.js';
import { StatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/types.js';
import { ObjectStore } from '../../../src/registry/object-store.js';
import { serviceAccounts } from '../../../src/registry/resources/core.js';
import { pods } from '../../../src/registry/resources/pods.js';
import { MemoryStore } from '../../../src/storage/memory.js';

function mirrorPod(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'static-web', namespace: 'ns', annotations: { 'kubernetes.io/config.mirror': 'abc' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }], ...spec },
  };
}

function create(object: KubeObject): AdmissionRequest {
  return {
    operation: 'CREATE',
    def: pods,
    subresource: '',
    namespace: 'ns',
    name: object.metadata.name ?? '',
    object,
    ctx: {
      user: { username: 'admin', groups: ['system:masters'] },
      dryRun: false,
      query: new URLSearchParams(),
      info: {
        isResourceRequest: true,
        path: '',
        verb: 'create',
        apiPrefix: 'api',
        apiGroup: '',
        apiVersion: 'v1',
        namespace: 'ns',
        resource: 'pods',
        subresource: '',
        name: '',
        parts: [],
      },
    },
  };
}

describe('ServiceAccount admission of mirror pods', () => {
  // The `default` account exists: a regular pod would get it and a token volume.
  const objects = new ObjectStore(new MemoryStore(), [pods, serviceAccounts]);
  const plugin = serviceAccountAdmission(() => objects);

  it('leaves a mirror pod as it is', async () => {
    await objects.create(serviceAccounts, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'ns' },
    });
    const pod = mirrorPod();
    const before = structuredClone(pod);
    await plugin.mutate!(create(pod));
    assert.deepEqual(pod, before);
    const regular = mirrorPod();
    delete regular.metadata.annotations;
    await plugin.mutate!(create(regular));
    assert.equal((regular.spec as { serviceAccountName?: string }).serviceAccountName, 'default');
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['a service account', { serviceAccountName: 'builder' }, 'a mirror pod may not reference service accounts'],
    [
      'a secret volume',
      { volumes: [{ name: 's', secret: { secretName: 'db' } }] },
      'a mirror pod may not reference secrets',
    ],
    [
      'an env secret',
      { containers: [{ name: 'c', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }] }] },
      'a mirror pod may not reference secrets',
    ],
    [
      'a token projection',
      { volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] },
      'a mirror pod may not use ServiceAccountToken volume projections',
    ],
  ];
  for (const [what, spec, message] of refused) {
    it(`refuses a mirror pod with ${what}`, async () => {
      await assert.rejects(
        Promise.resolve(plugin.mutate!(create(mirrorPod(spec)))),
        (e: StatusError) => e.code === 403 && e.message === `pods "static-web" is forbidden: ${message}`,
      );
    });
  }
});
