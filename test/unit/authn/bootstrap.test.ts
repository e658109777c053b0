import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/types.js';
import { BootstrapTokenAuthenticator } from '../../../src/authn/bootstrap.js';
import { FakeGetter } from '../serviceaccount/fixtures.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const TOKEN = 'abcdef.0123456789abcdef';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** kubeadm's bootstrap token Secret, with `data` overrides (undefined removes a key). */
function secret(
  data: Record<string, string | undefined> = {},
  meta: Record<string, unknown> = {},
  type = 'bootstrap.kubernetes.io/token',
): KubeObject {
  const plain: Record<string, string | undefined> = {
    'token-id': 'abcdef',
    'token-secret': '0123456789abcdef',
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
    'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
    expiration: '2026-05-02T12:00:00Z',
    ...data,
  };
  const encoded = Object.fromEntries(
    Object.entries(plain)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, b64(v!)]),
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type,
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', uid: 'u', ...meta },
    data: encoded,
  };
}

describe('BootstrapTokenAuthenticator', () => {
  const cases: { name: string; token?: string; secret?: KubeObject; groups?: string[] }[] = [
    {
      name: 'kubeadm join token',
      secret: secret(),
      groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token'],
    },
    { name: 'no extra groups', secret: secret({ 'auth-extra-groups': undefined }), groups: ['system:bootstrappers'] },
    {
      name: 'extra groups de-duplicated and sorted',
      secret: secret({ 'auth-extra-groups': 'system:bootstrappers:z,system:bootstrappers:a,system:bootstrappers:z' }),
      groups: ['system:bootstrappers', 'system:bootstrappers:a', 'system:bootstrappers:z'],
    },
    {
      name: 'no expiration',
      secret: secret({ expiration: undefined }),
      groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token'],
    },
    { name: 'not a bootstrap token shape', token: 'ABCDEF.0123456789abcdef', secret: secret() },
    { name: 'secret part too short', token: 'abcdef.0123456789', secret: secret() },
    { name: 'a JWT is not a bootstrap token', token: 'eyJhbGciOi.eyJpc3Mi.sig', secret: secret() },
    { name: 'no Secret', secret: undefined },
    { name: 'wrong secret', token: 'abcdef.fedcba9876543210', secret: secret() },
    { name: 'Secret of the wrong type', secret: secret({}, {}, 'Opaque') },
    { name: 'token-id differs from the name', secret: secret({ 'token-id': 'zzzzzz' }) },
    { name: 'expired', secret: secret({ expiration: '2026-05-01T11:59:59Z' }) },
    { name: 'expires right now', secret: secret({ expiration: '2026-05-01T12:00:00Z' }) },
    { name: 'unparseable expiration counts as expired', secret: secret({ expiration: 'tomorrow' }) },
    { name: 'not for authentication', secret: secret({ 'usage-bootstrap-authentication': 'false' }) },
    { name: 'usage key missing', secret: secret({ 'usage-bootstrap-authentication': undefined }) },
    {
      name: 'extra group outside system:bootstrappers:',
      secret: secret({ 'auth-extra-groups': 'system:bootstrappers:ok,system:masters' }),
    },
    { name: 'Secret being deleted', secret: secret({}, { deletionTimestamp: '2026-05-01T11:00:00Z' }) },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const getter = new FakeGetter();
      if (c.secret) getter.put('secrets', c.secret);
      const resp = await new BootstrapTokenAuthenticator(getter, { now: () => NOW }).authenticateToken(
        c.token ?? TOKEN,
      );
      if (c.groups) assert.deepEqual(resp, { user: { username: 'system:bootstrap:abcdef', groups: c.groups } });
      else assert.equal(resp, null, 'every mismatch is "not authenticated", never an error');
    });
  }
  test('tokens that cannot be bootstrap tokens never reach the store', async () => {
    const getter = new FakeGetter();
    await new BootstrapTokenAuthenticator(getter).authenticateToken('not-a-token');
    assert.equal(getter.calls, 0);
  });
  test("a store failure is an error (as the lister's is)", async () => {
    const getter = new FakeGetter();
    getter.failWith = new Error('database is locked');
    await assert.rejects(new BootstrapTokenAuthenticator(getter).authenticateToken(TOKEN), /database is locked/);
  });
});
