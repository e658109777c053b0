// Issues 4 and 5 end to end, beyond the shared acceptance checks: static token file, RBAC escalation
// prevention through kubectl, can-i's variants, bound-token lifetimes, the legacy Secret token, and
// start-up refusing broken authentication files with one line.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  clientCert,
  kauth,
  kubeconfigFor,
  kubectl,
  request,
  sleep,
  startCluster,
  type Cluster,
  type Who,
} from './harness.js';

const claims = (t: string): Record<string, any> => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString());

describe('authentication and authorization end to end', () => {
  let c: Cluster;
  let admin: Who;
  before(async () => {
    const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'kauth-authz-'));
    writeFileSync(join(dir, 'tokens.csv'), 'static-token-1,alice,uid-alice,"devs,qa"\nstatic-token-2,bob,uid-bob\n');
    c = await startCluster({ dir, args: ['--token-auth-file', join(dir, 'tokens.csv')] });
    admin = { cert: clientCert(c, 'kubernetes-admin', ['system:masters']) };
    for (const args of [
      ['create', 'ns', 'demo'],
      ['create', 'sa', 'pod-viewer', '-n', 'demo'],
      ['create', 'clusterrole', 'pods-view-role', '--verb=get,list,watch', '--resource=pods'],
      [
        'create',
        'clusterrolebinding',
        'pods-view-rolebinding',
        '--clusterrole=pods-view-role',
        '--serviceaccount=demo:pod-viewer',
      ],
    ]) {
      const k = kubectl(c, args);
      assert.equal(k.code, 0, k.err);
    }
  });
  after(async () => {
    await c.stop();
    c.cleanup();
  });

  it('authenticates static tokens with their groups and refuses unknown ones with the exact 401', async () => {
    let r = await request(c, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      who: { token: 'static-token-1' },
    });
    assert.equal(r.code, 201, r.text);
    assert.deepEqual(r.json.status.userInfo, {
      username: 'alice',
      uid: 'uid-alice',
      groups: ['devs', 'qa', 'system:authenticated'],
    });
    r = await request(c, { path: '/api/v1/pods', who: { token: 'static-token-3' } });
    assert.equal(
      r.text.trim(),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
    );
  });

  it('answers kubectl auth can-i for namespaces, subresources, non-resource URLs and --list', () => {
    const bob = kubeconfigFor(c, 'bob', [], 'static-token-2');
    kubectl(c, ['create', 'role', 'log-reader', '-n', 'demo', '--verb=get', '--resource=pods/log']);
    kubectl(c, ['create', 'rolebinding', 'bob-logs', '-n', 'demo', '--role=log-reader', '--user=bob']);
    const can = (...args: string[]): string => kubectl(c, ['auth', 'can-i', ...args], { kubeconfig: bob }).out.trim();
    assert.equal(can('get', 'pods', '--subresource=log', '-n', 'demo'), 'yes');
    assert.equal(can('get', 'pods', '--subresource=log', '-n', 'default'), 'no');
    assert.equal(can('get', 'pods', '-n', 'demo'), 'no');
    assert.equal(can('get', '/healthz'), 'yes');
    assert.equal(can('get', '/metrics'), 'no');
    assert.equal(can('create', 'selfsubjectaccessreviews'), 'yes');
    const list = kubectl(c, ['auth', 'can-i', '--list', '-n', 'demo'], { kubeconfig: bob });
    assert.match(list.out, /^pods\/log\s+\[\]\s+\[\]\s+\[get\]$/m);
    assert.equal(
      kubectl(c, ['auth', 'can-i', 'list', 'pods', '--as=system:serviceaccount:demo:pod-viewer', '-A']).out.trim(),
      'yes',
    );
  });

  it("refuses RBAC escalation with kube-apiserver's message, and allows it with bind", () => {
    const bob = kubeconfigFor(c, 'bob', [], 'static-token-2');
    kubectl(c, ['create', 'role', 'rbac-writer', '-n', 'demo', '--verb=create,get', '--resource=roles,rolebindings']);
    kubectl(c, ['create', 'rolebinding', 'bob-rbac', '-n', 'demo', '--role=rbac-writer', '--user=bob']);
    let k = kubectl(c, ['create', 'role', 'too-much', '-n', 'demo', '--verb=delete', '--resource=secrets'], {
      kubeconfig: bob,
    });
    assert.notEqual(k.code, 0);
    assert.match(
      k.err,
      /roles\.rbac\.authorization\.k8s\.io "too-much" is forbidden: user "bob" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["delete"\]\}/,
    );
    k = kubectl(c, ['create', 'rolebinding', 'self-admin', '-n', 'demo', '--clusterrole=admin', '--user=bob'], {
      kubeconfig: bob,
    });
    assert.notEqual(k.code, 0);
    assert.match(k.err, /rolebindings\.rbac\.authorization\.k8s\.io "self-admin" is forbidden: user "bob"/);
    kubectl(c, [
      'create',
      'clusterrole',
      'bind-admin',
      '--verb=bind',
      '--resource=clusterroles',
      '--resource-name=admin',
    ]);
    kubectl(c, ['create', 'rolebinding', 'bob-bind', '-n', 'demo', '--clusterrole=bind-admin', '--user=bob']);
    k = kubectl(c, ['create', 'rolebinding', 'self-admin', '-n', 'demo', '--clusterrole=admin', '--user=bob'], {
      kubeconfig: bob,
    });
    assert.equal(k.code, 0, k.err);
  });

  it('keeps the aggregated view role current', async () => {
    kubectl(c, ['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'widget-viewer', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
        rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }],
      }),
    });
    let rules = '';
    for (let i = 0; i < 40 && !rules.includes('widgets'); i++) {
      await sleep(50);
      rules = kubectl(c, ['get', 'clusterrole', 'view', '-o', 'jsonpath={.rules[*].resources}']).out;
    }
    assert.match(rules, /widgets/);
  });

  it('issues TokenRequest tokens with the requested lifetime and refuses less than 10 minutes', () => {
    const t = kubectl(c, [
      'create',
      'token',
      'pod-viewer',
      '-n',
      'demo',
      '--duration=2h',
      '--audience=https://kubernetes.default.svc.cluster.local',
    ]).out.trim();
    const cl = claims(t);
    assert.equal(cl.exp - cl.iat, 7200);
    assert.deepEqual(cl.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(cl.sub, 'system:serviceaccount:demo:pod-viewer');
    const k = kubectl(c, ['create', 'token', 'pod-viewer', '-n', 'demo', '--duration=5m']);
    assert.notEqual(k.code, 0);
    assert.match(k.err, /may not specify a duration less than 10 minutes/);
  });

  it('fills a legacy service-account token Secret that authenticates with curl (seed 003)', async () => {
    kubectl(c, ['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: 'pod-viewer',
          namespace: 'demo',
          annotations: { 'kubernetes.io/service-account.name': 'pod-viewer' },
        },
      }),
    });
    let token = '';
    for (let i = 0; i < 40 && !token; i++) {
      await sleep(50);
      token = Buffer.from(
        kubectl(c, ['get', 'secret', '-n', 'demo', 'pod-viewer', '-o', 'jsonpath={$.data.token}']).out,
        'base64',
      ).toString();
    }
    assert.equal(claims(token).iss, 'kubernetes/serviceaccount');
    assert.equal(claims(token).exp, undefined);
    let r = await request(c, { path: '/api/v1/pods', who: { token } });
    assert.equal(r.code, 200);
    r = await request(c, { path: '/api/v1/deployments', who: { token } });
    assert.equal(
      r.json.message,
      'deployments is forbidden: User "system:serviceaccount:demo:pod-viewer" cannot list resource "deployments" in API group "" at the cluster scope',
    );
    assert.deepEqual(r.json.details, { kind: 'deployments' });
    kubectl(c, ['delete', 'secret', 'pod-viewer', '-n', 'demo']);
    // Requests may ride kube-apiserver's 10 s success cache; TokenReview asks the authenticators directly.
    r = await request(c, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      who: admin,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    assert.equal(r.code, 201);
    assert.notEqual(r.json.status.authenticated, true);
  });

  it('serves OIDC discovery to service accounts and keeps the server up under token garbage', async () => {
    const t = kubectl(c, ['create', 'token', 'pod-viewer', '-n', 'demo']).out.trim();
    let r = await request(c, { path: '/.well-known/openid-configuration', who: { token: t } });
    assert.equal(r.code, 200);
    assert.equal(r.headers['cache-control'], 'public, max-age=3600');
    r = await request(c, { path: '/openid/v1/jwks', who: { token: t } });
    assert.equal(r.headers['content-type'], 'application/jwk-set+json');
    // A third-party verifier: jose fetches the JWKS from kauth (trusting the cluster CA) and verifies the token.
    const jose = await import('jose');
    const ca = readFileSync(c.caFile);
    const fetchWithCa = (url: string, o: { headers: Headers }): Promise<Response> =>
      new Promise((resolveFetch, rejectFetch) => {
        const headers: Record<string, string> = { Authorization: `Bearer ${t}` };
        o.headers.forEach((v, k) => {
          headers[k] = v;
        });
        https
          .get(url, { ca, headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () =>
              resolveFetch(
                new Response(Buffer.concat(chunks), {
                  status: res.statusCode,
                  headers: { 'content-type': String(res.headers['content-type']) },
                }),
              ),
            );
          })
          .on('error', rejectFetch);
      });
    const jwks = jose.createRemoteJWKSet(new URL(`${c.server}/openid/v1/jwks`), { [jose.customFetch]: fetchWithCa });
    const verified = await jose.jwtVerify(t, jwks, {
      issuer: 'https://kubernetes.default.svc.cluster.local',
      audience: 'https://kubernetes.default.svc.cluster.local',
    });
    assert.equal(verified.payload.sub, 'system:serviceaccount:demo:pod-viewer');
    for (const bad of [
      'a.b.c',
      '...',
      'x'.repeat(100_000),
      `${t}x`,
      Buffer.from('{"alg":"none"}').toString('base64url') + '.e30.',
    ]) {
      r = await request(c, { path: '/api/v1/pods', who: { token: bad } });
      assert.equal(r.code, 401, bad.slice(0, 40));
    }
    assert.equal((await request(c, { path: '/readyz', who: admin })).code, 200);
  });
});

describe('start-up refuses broken configuration with one line', () => {
  it('names the token file and line', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'kauth-badcfg-'));
    writeFileSync(join(dir, 'tokens.csv'), 'good,alice,1\nonlytwo,columns\n');
    const r = kauth([
      'up',
      '--data-dir',
      join(dir, 'data'),
      '--secure-port',
      '0',
      '--token-auth-file',
      join(dir, 'tokens.csv'),
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /^error: .*tokens\.csv:2: /);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    const r2 = kauth([
      'up',
      '--data-dir',
      join(dir, 'data'),
      '--secure-port',
      '0',
      '--authorization-mode',
      'RBAC,Magic',
    ]);
    assert.notEqual(r2.code, 0);
    assert.match(r2.err, /unknown authorization mode "Magic"/);
  });
});
