// The CSR resource through the real RestHandler: what create stamps, what each write path may change, the
// `kubectl get csr` Table, and the admission plugins in the chain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certificatesAdmission } from '../../../src/admission/certificates.js';
import type { KubeObject } from '../../../src/api/types.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';
import { conditionSummary, CSR_TABLE, requestedDuration } from '../../../src/registry/resources/certificates.js';
import {
  ADMIN,
  b64,
  cond,
  csrObject,
  FakeAuthorizer,
  opensslCa,
  opensslCsr,
  readText,
  RestHarness,
} from './fixtures.js';

const URL_ = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
const JANE: UserInfo = {
  username: 'jane',
  uid: 'u-1',
  groups: ['devs', 'system:authenticated'],
  extra: { scopes: ['a', 'b'] },
};

const allowAll = () => new FakeAuthorizer(() => true);

describe('create', () => {
  it('stamps the requester from the request user and ignores the body’s spec.username/groups/status', async () => {
    const h = new RestHarness();
    const o = csrObject({
      username: 'mallory',
      groups: ['system:masters'],
      uid: 'forged',
      conditions: [cond('Approved')],
      expirationSeconds: 86400,
    });
    (o as Record<string, unknown>).bogusTopLevel = 1;
    const r = await h.call('POST', URL_, o, JANE);
    assert.equal(r.code, 201, JSON.stringify(r.body));
    const spec = r.body.spec as Record<string, unknown>;
    assert.equal(spec.username, 'jane');
    assert.equal(spec.uid, 'u-1');
    assert.deepEqual(spec.groups, ['devs', 'system:authenticated']);
    assert.deepEqual(spec.extra, { scopes: ['a', 'b'] });
    assert.deepEqual(r.body.status, {});
    assert.equal(r.body.bogusTopLevel, undefined);
    assert.equal(spec.expirationSeconds, 86400);
  });

  it('a request with invalid base64 is a 400, as Go’s JSON decoding would refuse it', async () => {
    const h = new RestHarness();
    const o = csrObject();
    (o.spec as Record<string, unknown>).request = 'not base64!';
    const r = await h.call('POST', URL_, o);
    assert.equal(r.code, 400);
    assert.match(
      String(r.body.message),
      /^CertificateSigningRequest in version "v1" cannot be handled as a CertificateSigningRequest: illegal base64 data at input byte 3$/,
    );
  });

  it('an invalid CSR is a 422 with Kubernetes’ message and causes', async () => {
    const h = new RestHarness();
    const o = csrObject({ expirationSeconds: 10 });
    const r = await h.call('POST', URL_, o);
    assert.equal(r.code, 422);
    assert.equal(r.body.reason, 'Invalid');
    assert.match(
      String(r.body.message),
      /"jane" is invalid: spec\.expirationSeconds: Invalid value: 10: may not specify a duration less than 600 seconds \(10 minutes\)$/,
    );
    assert.deepEqual((r.body.details as { causes: unknown[] }).causes, [
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 10: may not specify a duration less than 600 seconds (10 minutes)',
        field: 'spec.expirationSeconds',
      },
    ]);
  });
});

describe('write paths', () => {
  async function created(h: RestHarness): Promise<KubeObject> {
    const r = await h.call('POST', URL_, csrObject({ request: opensslCsr('/CN=jane') }));
    assert.equal(r.code, 201);
    return r.body as unknown as KubeObject;
  }

  it('PUT on the main resource keeps spec and status (labels may change)', async () => {
    const h = new RestHarness();
    const cur = await created(h);
    const next = structuredClone(cur);
    (next.spec as Record<string, unknown>).signerName = 'example.com/other';
    (next.spec as Record<string, unknown>).usages = ['server auth'];
    next.status = { conditions: [cond('Approved')] };
    next.metadata.labels = { team: 'a' };
    const r = await h.call('PUT', `${URL_}/jane`, next);
    assert.equal(r.code, 200, JSON.stringify(r.body));
    assert.equal((r.body.spec as Record<string, unknown>).signerName, 'kubernetes.io/kube-apiserver-client');
    assert.deepEqual((r.body.spec as Record<string, unknown>).usages, ['client auth']);
    assert.deepEqual(r.body.status, {});
    assert.deepEqual((r.body.metadata as Record<string, unknown>).labels, { team: 'a' });
  });

  it('/approval writes only conditions, stamping their timestamps', async () => {
    const h = new RestHarness();
    const cur = await created(h);
    const next = structuredClone(cur);
    (next.spec as Record<string, unknown>).usages = ['server auth'];
    next.status = {
      conditions: [cond('Approved', { reason: 'KubectlApprove' })],
      certificate: b64(readText(opensslCa('ec').certFile)),
    };
    const r = await h.call('PUT', `${URL_}/jane/approval`, next);
    assert.equal(r.code, 200, JSON.stringify(r.body));
    const status = r.body.status as { conditions: Record<string, string>[]; certificate?: string };
    assert.equal(status.certificate, undefined);
    assert.equal(status.conditions.length, 1);
    assert.equal(status.conditions[0]!.type, 'Approved');
    assert.match(status.conditions[0]!.lastUpdateTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(status.conditions[0]!.lastTransitionTime, status.conditions[0]!.lastUpdateTime);
    assert.deepEqual((r.body.spec as Record<string, unknown>).usages, ['client auth']);
  });

  it('/approval as a JSON merge patch', async () => {
    const h = new RestHarness();
    await created(h);
    const r = await h.call('PATCH', `${URL_}/jane/approval`, { status: { conditions: [cond('Denied')] } }, ADMIN, {
      contentType: 'application/merge-patch+json',
    });
    assert.equal(r.code, 200, JSON.stringify(r.body));
    assert.equal(conditionSummary(r.body as unknown as KubeObject), 'Denied');
  });

  it('approving a Denied request fails (mutually exclusive)', async () => {
    const h = new RestHarness();
    const cur = await created(h);
    const denied = structuredClone(cur);
    denied.status = { conditions: [cond('Denied')] };
    assert.equal((await h.call('PUT', `${URL_}/jane/approval`, denied)).code, 200);
    const again = (await h.call('GET', `${URL_}/jane`)).body as unknown as KubeObject;
    (again.status as { conditions: unknown[] }).conditions.push(cond('Approved'));
    const r = await h.call('PUT', `${URL_}/jane/approval`, again);
    assert.equal(r.code, 422);
    assert.match(
      String(r.body.message),
      /status\.conditions\[1\]\.type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive$/,
    );
  });

  it('/status cannot add Approved (its Approved/Denied instances are kept from the stored object)', async () => {
    const h = new RestHarness();
    const cur = await created(h);
    const next = structuredClone(cur);
    next.status = { conditions: [cond('Approved')] };
    const r = await h.call('PUT', `${URL_}/jane/status`, next);
    assert.equal(r.code, 422);
    assert.match(
      String(r.body.message),
      /status\.conditions: Forbidden: updates may not add a condition of type "Approved"$/,
    );
  });

  it('/status sets the certificate once; Approved cannot be re-worded through it', async () => {
    const h = new RestHarness();
    const cur = await created(h);
    const approved = structuredClone(cur);
    approved.status = { conditions: [cond('Approved', { message: 'original' })] };
    assert.equal((await h.call('PUT', `${URL_}/jane/approval`, approved)).code, 200);
    const stored = (await h.call('GET', `${URL_}/jane`)).body as unknown as KubeObject;
    const pem = readText(opensslCa('ec').certFile);
    const next = structuredClone(stored);
    next.status = { conditions: [cond('Approved', { message: 'rewritten' })], certificate: b64(pem) };
    const r = await h.call('PUT', `${URL_}/jane/status`, next);
    assert.equal(r.code, 200, JSON.stringify(r.body));
    const status = r.body.status as { conditions: { message: string }[]; certificate: string };
    assert.equal(status.conditions[0]!.message, 'original');
    assert.equal(Buffer.from(status.certificate, 'base64').toString(), pem);
    const twice = structuredClone(r.body) as unknown as KubeObject;
    (twice.status as Record<string, unknown>).certificate = b64(readText(opensslCa('ec').certFile));
    const r2 = await h.call('PUT', `${URL_}/jane/status`, twice);
    assert.equal(r2.code, 422);
    assert.match(
      String(r2.body.message),
      /status\.certificate: Forbidden: updates may not modify existing certificate content$/,
    );
  });

  it('the main resource cannot set the certificate either (status is kept)', async () => {
    const h = new RestHarness();
    const cur = await created(h);
    const next = structuredClone(cur);
    next.status = { certificate: b64(readText(opensslCa('ec').certFile)) };
    const r = await h.call('PUT', `${URL_}/jane`, next);
    assert.equal(r.code, 200);
    assert.deepEqual(r.body.status, {});
  });
});

describe('admission in the chain', () => {
  it('approval needs `approve` on signers/<signerName> (or <domain>/*), checked on the stored object', async () => {
    const cases: { name: string; allow: string[]; want: number }[] = [
      { name: 'no signer permission', allow: [], want: 403 },
      { name: 'exact signer name', allow: ['kubernetes.io/kube-apiserver-client'], want: 200 },
      { name: 'domain wildcard', allow: ['kubernetes.io/*'], want: 200 },
      { name: 'another signer only', allow: ['kubernetes.io/kubelet-serving'], want: 403 },
    ];
    for (const c of cases) {
      const authz = new FakeAuthorizer(
        (a) =>
          a.verb === 'approve' &&
          a.resource === 'signers' &&
          a.apiGroup === 'certificates.k8s.io' &&
          c.allow.includes(a.name),
      );
      const h = new RestHarness(certificatesAdmission(() => authz));
      const cur = (await h.call('POST', URL_, csrObject({ name: 'pending2' }))).body as unknown as KubeObject;
      (cur.spec as Record<string, unknown>).signerName = 'example.com/forged';
      cur.status = { conditions: [cond('Approved')] };
      const r = await h.call('PUT', `${URL_}/pending2/approval`, cur, {
        username: 'carol',
        groups: ['system:authenticated'],
      });
      assert.equal(r.code, c.want, `${c.name}: ${JSON.stringify(r.body)}`);
      if (c.want === 403) {
        assert.equal(
          r.body.message,
          'certificatesigningrequests.certificates.k8s.io "pending2" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"',
        );
        assert.deepEqual(r.body.details, {
          name: 'pending2',
          group: 'certificates.k8s.io',
          kind: 'certificatesigningrequests',
        });
      }
    }
  });

  it('signing needs `sign` on the signer for /status writes that change something', async () => {
    const authz = new FakeAuthorizer((a) => a.verb !== 'sign');
    const h = new RestHarness(certificatesAdmission(() => authz));
    const cur = (await h.call('POST', URL_, csrObject())).body as unknown as KubeObject;
    const unchanged = await h.call('PUT', `${URL_}/jane/status`, cur);
    assert.equal(unchanged.code, 200);
    cur.status = { conditions: [cond('Failed')] };
    const r = await h.call('PUT', `${URL_}/jane/status`, cur, { username: 'bob', groups: [] });
    assert.equal(r.code, 403);
    assert.equal(
      r.body.message,
      'certificatesigningrequests.certificates.k8s.io "jane" is forbidden: user not permitted to sign requests with signerName "kubernetes.io/kube-apiserver-client"',
    );
  });

  it('kube-apiserver-client requests for O=system:masters are refused; other signers may ask', async () => {
    const h = new RestHarness(certificatesAdmission(allowAll));
    const masters = opensslCsr('/CN=evil/O=system:masters');
    const r = await h.call('POST', URL_, csrObject({ name: 'masters', request: masters }));
    assert.equal(r.code, 403);
    assert.equal(
      r.body.message,
      'certificatesigningrequests.certificates.k8s.io "masters" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
    );
    const other = await h.call(
      'POST',
      URL_,
      csrObject({ name: 'other', request: masters, signerName: 'example.com/anything' }),
    );
    assert.equal(other.code, 201);
  });
});

describe('kubectl get csr', () => {
  it('Table columns: NAME, AGE second, SIGNERNAME, REQUESTOR, REQUESTEDDURATION, CONDITION', async () => {
    const h = new RestHarness();
    await h.call('POST', URL_, csrObject({ expirationSeconds: 86400 }));
    const r = await h.call('GET', URL_, undefined, ADMIN, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    assert.equal(r.code, 200);
    assert.deepEqual(
      (r.body.columnDefinitions as { name: string }[]).map((c) => c.name),
      ['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition'],
    );
    const row = (r.body.rows as { cells: unknown[] }[])[0]!;
    assert.deepEqual(
      [row.cells[0], row.cells[2], row.cells[3], row.cells[4], row.cells[5]],
      ['jane', 'kubernetes.io/kube-apiserver-client', 'kubernetes-admin', '24h', 'Pending'],
    );
    assert.match(String(row.cells[1]), /^\d+s$/);
  });

  it('field selector spec.signerName', async () => {
    const h = new RestHarness();
    const request = opensslCsr('/CN=x');
    await h.call('POST', URL_, csrObject({ name: 'a', request }));
    await h.call('POST', URL_, csrObject({ name: 'b', request, signerName: 'example.com/other' }));
    const r = await h.call('GET', `${URL_}?fieldSelector=${encodeURIComponent('spec.signerName=example.com/other')}`);
    assert.deepEqual(
      (r.body.items as KubeObject[]).map((o) => o.metadata.name),
      ['b'],
    );
  });

  it('CONDITION text', () => {
    const pem = readText(opensslCa('ec').certFile);
    const cases: [Parameters<typeof csrObject>[0], string][] = [
      [{}, 'Pending'],
      [{ conditions: [cond('Approved')] }, 'Approved'],
      [{ conditions: [cond('Approved')], certificate: pem }, 'Approved,Issued'],
      [{ conditions: [cond('Denied')] }, 'Denied'],
      [{ conditions: [cond('Approved'), cond('Failed')] }, 'Approved,Failed'],
      [{ conditions: [cond('Approved'), cond('Denied')] }, 'Denied'],
      [{ conditions: [cond('Failed')] }, 'Pending,Failed'],
    ];
    const request = opensslCsr('/CN=x');
    for (const [f, want] of cases) assert.equal(conditionSummary(csrObject({ ...f, request })), want);
  });

  it('REQUESTEDDURATION as kubectl formats it', () => {
    const request = opensslCsr('/CN=x');
    const cases: [number | undefined, string][] = [
      [undefined, '<none>'],
      [600, '10m'],
      [3600, '60m'],
      [86400, '24h'],
      [7 * 86400, '7d'],
      [365 * 86400, '365d'],
      [3 * 365 * 86400, '3y'],
    ];
    for (const [s, want] of cases) {
      const o = csrObject({ request, expirationSeconds: s });
      assert.equal(requestedDuration(o), want, String(s));
      assert.equal(CSR_TABLE.cells(o)[4], want);
    }
  });
});
