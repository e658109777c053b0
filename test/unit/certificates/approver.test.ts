// csrapproving (after sarapprove_test.go), the signer-permission check shared by the admission plugins, the
// cleaner's ages, and the kubeadm bootstrap RBAC that makes TLS bootstrap work with the bootstrap policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAuthorizedForSignerName } from '../../../src/admission/certificates.js';
import type { Attributes } from '../../../src/authz/interfaces.js';
import { CsrApprovingController, decideApproval } from '../../../src/controllers/csr-approving.js';
import { cleanupReason, CsrCleaner } from '../../../src/controllers/csr-cleaner.js';
import { Informer } from '../../../src/controllers/informer.js';
import { conditionsOf } from '../../../src/registry/resources/certificates.js';
import { kubeadmNodeBootstrapRbac } from '../../../src/controlplane/certificates-setup.js';
import {
  cond,
  csrObject,
  FakeAuthorizer,
  memoryObjects,
  opensslCa,
  opensslCsr,
  readText,
  type CsrFixture,
} from './fixtures.js';

const KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';
const NODE_CSR = (): string => opensslCsr('/O=system:nodes/CN=system:node:n1');
const allowSubresources =
  (...subs: string[]) =>
  (a: Attributes) =>
    a.verb === 'create' &&
    a.apiGroup === 'certificates.k8s.io' &&
    a.resource === 'certificatesigningrequests' &&
    subs.includes(a.subresource);

describe('decideApproval', () => {
  const request = NODE_CSR();
  const base: CsrFixture = { request, signerName: KUBELET, usages: ['digital signature', 'client auth'] };
  const cases: { name: string; csr: CsrFixture; allow: string[]; want: string; tried?: string[] }[] = [
    {
      name: 'bootstrap: requester may create nodeclient',
      csr: { ...base, username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] },
      allow: ['nodeclient'],
      want: 'Auto approving kubelet client certificate after SubjectAccessReview.',
    },
    {
      name: 'self renewal: username is the CN',
      csr: { ...base, username: 'system:node:n1', groups: ['system:nodes'] },
      allow: ['selfnodeclient'],
      want: 'Auto approving self kubelet client certificate after SubjectAccessReview.',
    },
    {
      name: 'self renewal falls back to nodeclient',
      csr: { ...base, username: 'system:node:n1', groups: ['system:nodes'] },
      allow: ['nodeclient'],
      want: 'Auto approving kubelet client certificate after SubjectAccessReview.',
    },
    {
      name: 'someone else’s CN is not self',
      csr: { ...base, username: 'system:node:n2', groups: ['system:nodes'] },
      allow: ['selfnodeclient'],
      want: 'refused',
      tried: ['nodeclient'],
    },
    {
      name: 'recognized but not allowed',
      csr: { ...base, username: 'system:node:n1' },
      allow: [],
      want: 'refused',
      tried: ['selfnodeclient', 'nodeclient'],
    },
    {
      name: 'not a kubelet client signer',
      csr: { ...base, signerName: 'kubernetes.io/kube-apiserver-client', username: 'u' },
      allow: ['nodeclient', 'selfnodeclient'],
      want: 'ignore',
    },
    {
      name: 'kubelet signer but usages do not match',
      csr: { ...base, usages: ['client auth'], username: 'u' },
      allow: ['nodeclient'],
      want: 'ignore',
    },
    {
      name: 'kubelet signer but wrong organization',
      csr: { ...base, request: opensslCsr('/CN=system:node:n1'), username: 'u' },
      allow: ['nodeclient'],
      want: 'ignore',
    },
    {
      name: 'already approved',
      csr: { ...base, username: 'u', conditions: [cond('Approved')] },
      allow: ['nodeclient'],
      want: 'ignore',
    },
    {
      name: 'already denied',
      csr: { ...base, username: 'u', conditions: [cond('Denied')] },
      allow: ['nodeclient'],
      want: 'ignore',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const authz = new FakeAuthorizer(allowSubresources(...c.allow));
      const d = await decideApproval(csrObject(c.csr), authz);
      if (c.want === 'ignore' || c.want === 'refused') {
        assert.equal(d.kind, c.want);
        if (d.kind === 'refused') assert.deepEqual(d.tried, c.tried);
      } else {
        assert.equal(d.kind, 'approve');
        if (d.kind === 'approve') {
          assert.equal(d.condition.type, 'Approved');
          assert.equal(d.condition.status, 'True');
          assert.equal(d.condition.reason, 'AutoApproved');
          assert.equal(d.condition.message, c.want);
        }
      }
    });
  }

  it('asks about the requester recorded in the CSR (username, uid, groups, extra), not anyone else', async () => {
    const authz = new FakeAuthorizer(() => false);
    const o = csrObject({
      ...base,
      username: 'system:bootstrap:abcdef',
      uid: 'u-9',
      groups: ['system:bootstrappers', 'system:authenticated'],
    });
    (o.spec as Record<string, unknown>).extra = { k: ['v'] };
    await decideApproval(o, authz);
    assert.equal(authz.calls.length, 1);
    const a = authz.calls[0]!;
    assert.deepEqual(a.user, {
      username: 'system:bootstrap:abcdef',
      uid: 'u-9',
      groups: ['system:bootstrappers', 'system:authenticated'],
      extra: { k: ['v'] },
    });
    assert.deepEqual(
      [a.verb, a.apiGroup, a.resource, a.subresource, a.namespace, a.name, a.isResourceRequest],
      ['create', 'certificates.k8s.io', 'certificatesigningrequests', 'nodeclient', '', '', true],
    );
  });

  it('an authorizer error is not an approval', async () => {
    const authz = new FakeAuthorizer(() => ({ decision: 'Allow', reason: '', error: 'webhook timed out' }));
    const d = await decideApproval(csrObject({ ...base, username: 'u' }), authz);
    assert.equal(d.kind, 'refused');
  });
});

describe('CsrApprovingController', () => {
  it('approves what the requester may have approved, and only that', async () => {
    const objects = memoryObjects();
    const def = objects.def('certificatesigningrequests');
    const request = NODE_CSR();
    await objects.create(
      def,
      csrObject({
        name: 'boot',
        request,
        signerName: KUBELET,
        usages: ['digital signature', 'key encipherment', 'client auth'],
        username: 'system:bootstrap:abcdef',
        groups: ['system:bootstrappers'],
      }),
    );
    await objects.create(
      def,
      csrObject({
        name: 'stranger',
        request,
        signerName: KUBELET,
        usages: ['digital signature', 'client auth'],
        username: 'eve',
        groups: ['system:authenticated'],
      }),
    );
    const authz = new FakeAuthorizer(
      (a) => a.user.groups.includes('system:bootstrappers') && allowSubresources('nodeclient')(a),
    );
    const informer = new Informer(objects, def);
    const c = new CsrApprovingController(objects, informer, () => authz);
    await informer.start();
    await c.queue.idle();
    informer.stop();
    c.queue.stop();
    const boot = conditionsOf((await objects.get('certificatesigningrequests', '', 'boot'))!);
    assert.equal(boot.length, 1);
    assert.equal(boot[0]!.reason, 'AutoApproved');
    assert.match(boot[0]!.lastUpdateTime!, /Z$/);
    assert.equal(conditionsOf((await objects.get('certificatesigningrequests', '', 'stranger'))!).length, 0);
  });
});

describe('isAuthorizedForSignerName', () => {
  const user = { username: 'carol', groups: [] };
  const cases: { name: string; allowed: string[]; signer: string; want: boolean; calls: string[] }[] = [
    { name: 'exact', allowed: ['example.com/foo'], signer: 'example.com/foo', want: true, calls: ['example.com/foo'] },
    {
      name: 'wildcard',
      allowed: ['example.com/*'],
      signer: 'example.com/foo',
      want: true,
      calls: ['example.com/foo', 'example.com/*'],
    },
    {
      name: 'neither',
      allowed: ['example.org/*'],
      signer: 'example.com/foo',
      want: false,
      calls: ['example.com/foo', 'example.com/*'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const authz = new FakeAuthorizer((a) => c.allowed.includes(a.name));
      assert.equal(await isAuthorizedForSignerName(authz, user, 'approve', c.signer), c.want);
      assert.deepEqual(
        authz.calls.map((a) => a.name),
        c.calls,
      );
      for (const a of authz.calls)
        assert.deepEqual(
          [a.verb, a.apiGroup, a.apiVersion, a.resource, a.isResourceRequest],
          ['approve', 'certificates.k8s.io', '*', 'signers', true],
        );
    });
  }
});

describe('csr cleaner', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const HOUR = 3_600_000;
  const request = opensslCsr('/CN=x');
  const validCert = readText(opensslCa('ec', 3650).certFile);
  const cases: { name: string; f: CsrFixture; created: string; want: string | null }[] = [
    { name: 'fresh pending', f: {}, created: ago(HOUR), want: null },
    { name: 'pending for 25h', f: {}, created: ago(25 * HOUR), want: 'pending for more than 24h' },
    {
      name: 'denied 2h ago',
      f: { conditions: [cond('Denied', { lastUpdateTime: ago(2 * HOUR) })] },
      created: ago(3 * HOUR),
      want: 'denied more than 1h ago',
    },
    {
      name: 'denied 10m ago',
      f: { conditions: [cond('Denied', { lastUpdateTime: ago(600_000) })] },
      created: ago(3 * HOUR),
      want: null,
    },
    {
      name: 'failed 2h ago',
      f: {
        conditions: [
          cond('Approved', { lastUpdateTime: ago(3 * HOUR) }),
          cond('Failed', { lastUpdateTime: ago(2 * HOUR) }),
        ],
      },
      created: ago(3 * HOUR),
      want: 'failed more than 1h ago',
    },
    {
      name: 'approved, issued 2h ago',
      f: { conditions: [cond('Approved', { lastUpdateTime: ago(2 * HOUR) })], certificate: validCert },
      created: ago(3 * HOUR),
      want: 'approved and issued more than 1h ago',
    },
    {
      name: 'approved 2h ago but never issued',
      f: { conditions: [cond('Approved', { lastUpdateTime: ago(2 * HOUR) })] },
      created: ago(3 * HOUR),
      want: null,
    },
    {
      name: 'approved without timestamps',
      f: { conditions: [cond('Approved')], certificate: validCert },
      created: ago(3 * HOUR),
      want: null,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const o = csrObject({ ...c.f, request });
      o.metadata.creationTimestamp = c.created;
      assert.equal(cleanupReason(o, now), c.want);
    });
  }

  it('an expired issued certificate is cleaned whatever its age', () => {
    // No lastUpdateTime on the condition, so only the certificate's own expiry can make it old.
    const o = csrObject({ request, conditions: [{ type: 'Approved', status: 'True' }], certificate: validCert });
    o.metadata.creationTimestamp = new Date().toISOString();
    assert.equal(cleanupReason(o, new Date(Date.now() + 3649 * 86400_000)), null);
    assert.equal(cleanupReason(o, new Date(Date.now() + 3651 * 86400_000)), 'its certificate has expired');
  });

  it('runOnce deletes exactly the old ones', async () => {
    const objects = memoryObjects();
    const def = objects.def('certificatesigningrequests');
    const old = csrObject({ name: 'old', request });
    old.metadata.creationTimestamp = ago(48 * HOUR);
    const fresh = csrObject({ name: 'fresh', request });
    fresh.metadata.creationTimestamp = ago(HOUR);
    await objects.create(def, old);
    await objects.create(def, fresh);
    const informer = new Informer(objects, def);
    await informer.start();
    const deleted = await new CsrCleaner(objects, informer).runOnce(now);
    informer.stop();
    assert.deepEqual(deleted, ['old']);
    assert.equal(await objects.get('certificatesigningrequests', '', 'old'), undefined);
    assert.ok(await objects.get('certificatesigningrequests', '', 'fresh'));
  });
});

describe('kubeadm node bootstrap RBAC', () => {
  it('binds the bootstrap and renewal roles as kubeadm does', () => {
    const objs = kubeadmNodeBootstrapRbac();
    const bindings = objs
      .filter(([r]) => r.startsWith('clusterrolebindings.'))
      .map(([, o]) => [
        o.metadata.name,
        (o.roleRef as { name: string }).name,
        (o.subjects as { kind: string; name: string }[]).map((s) => `${s.kind}:${s.name}`).join(),
      ]);
    assert.deepEqual(bindings, [
      ['kubeadm:get-nodes', 'kubeadm:get-nodes', 'Group:system:bootstrappers'],
      ['kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', 'Group:system:bootstrappers'],
      [
        'kubeadm:node-autoapprove-bootstrap',
        'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
        'Group:system:bootstrappers',
      ],
      [
        'kubeadm:node-autoapprove-certificate-rotation',
        'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
        'Group:system:nodes',
      ],
    ]);
    const role = objs.find(([r, o]) => r.startsWith('clusterroles.') && o.metadata.name === 'kubeadm:get-nodes');
    assert.deepEqual(role?.[1].rules, [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
  });
});
