import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../src/api/errors.js';
import { TokenIssuer } from '../../../src/serviceaccount/issue.js';
import {
  clampExpirationSeconds,
  prepareTokenRequest,
  tokenRequestResponse,
  type TokenRequestBody,
} from '../../../src/serviceaccount/token-request.js';
import { API_AUDIENCES, cluster, decodePart, ISSUER, rsaSigningKey } from './fixtures.js';

const NOW = new Date('2026-03-01T10:00:00.500Z');

function prepare(body: TokenRequestBody | undefined, extra: { name?: string; maxExpirationSeconds?: number } = {}) {
  const c = cluster();
  return {
    c,
    p: prepareTokenRequest({
      getter: c.getter,
      namespace: 'demo',
      name: extra.name ?? 'pod-viewer',
      body,
      apiAudiences: API_AUDIENCES,
      maxExpirationSeconds: extra.maxExpirationSeconds,
      now: NOW,
    }),
  };
}

function status(code: number, reason: string, message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof StatusError, `expected StatusError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

describe('TokenRequest validation and defaults', () => {
  test('empty body: API audiences, 3600 s, no binding', async () => {
    const { c, p } = prepare({ spec: {} });
    assert.deepEqual(await p, {
      namespace: 'demo',
      serviceAccount: { name: 'pod-viewer', uid: c.sa.metadata.uid },
      audiences: API_AUDIENCES,
      expirationSeconds: 3600,
      boundObjectRef: undefined,
      boundObject: undefined,
      warnings: [],
      now: NOW,
    });
  });
  test("kubectl create token --duration 1m → 422 with kube-apiserver's message", async () => {
    const { p } = prepare({ spec: { expirationSeconds: 60 } });
    await assert.rejects(
      p,
      status(
        422,
        'Invalid',
        'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
      ),
    );
    await p.catch((e: StatusError) => {
      assert.deepEqual(e.details, {
        group: 'authentication.k8s.io',
        kind: 'TokenRequest',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 60: may not specify a duration less than 10 minutes',
            field: 'spec.expirationSeconds',
          },
        ],
      });
    });
  });
  test('over 2^32 seconds → 422', async () => {
    await assert.rejects(
      prepare({ spec: { expirationSeconds: 2 ** 32 + 1 } }).p,
      status(
        422,
        'Invalid',
        /spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2\^32 seconds$/,
      ),
    );
  });
  test('exactly 10 minutes is fine', async () => {
    assert.equal((await prepare({ spec: { expirationSeconds: 600 } }).p).expirationSeconds, 600);
  });
  test('a string duration is a decode error (400)', async () => {
    await assert.rejects(
      prepare({ spec: { expirationSeconds: '900' as never } }).p,
      status(400, 'BadRequest', /cannot be handled as a TokenRequest/),
    );
  });
  test('--service-account-max-token-expiration shortens, with a warning', async () => {
    const r = await prepare({ spec: { expirationSeconds: 86400 } }, { maxExpirationSeconds: 3600 }).p;
    assert.equal(r.expirationSeconds, 3600);
    assert.deepEqual(r.warnings, ['requested expiration of 86400 seconds shortened to 3600 seconds']);
    assert.deepEqual(clampExpirationSeconds(600, 0), { expirationSeconds: 600 });
  });
  test('explicit audiences are kept', async () => {
    assert.deepEqual((await prepare({ spec: { audiences: ['vault'] } }).p).audiences, ['vault']);
  });
  test('unknown ServiceAccount → 404 before validation', async () => {
    await assert.rejects(
      prepare({ spec: { expirationSeconds: 1 } }, { name: 'ghost' }).p,
      status(404, 'NotFound', 'serviceaccounts "ghost" not found'),
    );
  });
  test('body naming another ServiceAccount → 422', async () => {
    await assert.rejects(
      prepare({ metadata: { name: 'other' } }).p,
      status(
        422,
        'Invalid',
        'TokenRequest.authentication.k8s.io "pod-viewer" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
      ),
    );
  });
});

describe('boundObjectRef', () => {
  test('Pod: bound with its node', async () => {
    const { c, p } = prepare({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'netpod' } } });
    assert.deepEqual((await p).boundObject, {
      kind: 'Pod',
      name: 'netpod',
      uid: c.pod.metadata.uid,
      nodeName: 'worker-1',
      nodeUid: c.node.metadata.uid,
    });
  });
  test('Pod on a node that has no Node object: node name only', async () => {
    const c = cluster();
    c.getter.delete('nodes', '', 'worker-1');
    const r = await prepareTokenRequest({
      getter: c.getter,
      namespace: 'demo',
      name: 'pod-viewer',
      body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'netpod' } } },
      apiAudiences: API_AUDIENCES,
    });
    assert.deepEqual(r.boundObject, { kind: 'Pod', name: 'netpod', uid: c.pod.metadata.uid, nodeName: 'worker-1' });
  });
  test('Secret and Node', async () => {
    const s = prepare({ spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'anchor' } } });
    assert.deepEqual((await s.p).boundObject, { kind: 'Secret', name: 'anchor', uid: s.c.secret.metadata.uid });
    const n = prepare({ spec: { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'worker-1' } } });
    assert.deepEqual((await n.p).boundObject, { kind: 'Node', name: 'worker-1', uid: n.c.node.metadata.uid });
  });
  const errors: [string, TokenRequestBody['spec'], number, string, string | RegExp][] = [
    [
      'ConfigMap',
      { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } },
      400,
      'BadRequest',
      'cannot bind token to object of type /v1, Kind=ConfigMap',
    ],
    [
      'apps Deployment',
      { boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'x' } },
      400,
      'BadRequest',
      'cannot bind token to object of type apps/v1, Kind=Deployment',
    ],
    [
      'a Pod in another group',
      { boundObjectRef: { kind: 'Pod', apiVersion: 'example.com/v1', name: 'netpod' } },
      400,
      'BadRequest',
      'cannot bind token to object of type example.com/v1, Kind=Pod',
    ],
    [
      'missing pod',
      { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } },
      404,
      'NotFound',
      'pods "gone" not found',
    ],
    [
      'missing secret',
      { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'gone' } },
      404,
      'NotFound',
      'secrets "gone" not found',
    ],
    [
      'stale pod UID',
      { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'netpod', uid: 'old' } },
      409,
      'Conflict',
      'Operation cannot be fulfilled on Pod "netpod": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
    ],
  ];
  for (const [name, spec, code, reason, message] of errors) {
    test(`${name} → ${code}`, async () => {
      await assert.rejects(prepare({ spec }).p, status(code, reason, message));
    });
  }
  test('a pod running as another ServiceAccount → 400', async () => {
    const c = cluster();
    c.getter.put('serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'other', namespace: 'demo', uid: 'o' },
    });
    await assert.rejects(
      prepareTokenRequest({
        getter: c.getter,
        namespace: 'demo',
        name: 'other',
        body: { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'netpod' } } },
        apiAudiences: API_AUDIENCES,
      }),
      status(
        400,
        'BadRequest',
        'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.',
      ),
    );
  });
});

describe('the response', () => {
  test('status expiry is the requested lifetime even when the token itself is extended', async () => {
    const { p } = prepare({
      spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'netpod' } },
    });
    const prepared = await p;
    const token = await new TokenIssuer({
      issuer: ISSUER,
      signingKey: rsaSigningKey(),
      apiAudiences: API_AUDIENCES,
    }).issueBoundToken({ ...prepared, now: prepared.now });
    const claims = decodePart(token, 1);
    assert.equal(Number(claims.exp) - Number(claims.iat), 365 * 24 * 3600);
    const resp = tokenRequestResponse(prepared, token);
    assert.deepEqual(resp, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'pod-viewer', namespace: 'demo', creationTimestamp: '2026-03-01T10:00:00Z' },
      spec: {
        audiences: API_AUDIENCES,
        expirationSeconds: 3607,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'netpod' },
      },
      status: { token, expirationTimestamp: '2026-03-01T11:00:07Z' },
    });
  });
});
