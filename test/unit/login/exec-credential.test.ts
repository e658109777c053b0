import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execCredential, ExecInfoError, parseExecInfo } from '../../../src/login/exec-credential.js';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const info = (o: object): string => JSON.stringify(o);

describe('parseExecInfo (KUBERNETES_EXEC_INFO as client-go sets it)', () => {
  const cases: { name: string; env: string | undefined; want?: object; error?: RegExp }[] = [
    { name: 'run by hand: no variable', env: undefined, want: { apiVersion: V1 } },
    { name: 'empty variable', env: '', want: { apiVersion: V1 } },
    {
      name: 'v1, interactive (stdin is a terminal)',
      env: info({ kind: 'ExecCredential', apiVersion: V1, spec: { interactive: true } }),
      want: { apiVersion: V1, interactive: true },
    },
    {
      name: 'v1, not interactive',
      env: info({ kind: 'ExecCredential', apiVersion: V1, spec: { interactive: false } }),
      want: { apiVersion: V1, interactive: false },
    },
    {
      name: 'v1beta1 is answered in v1beta1',
      env: info({ kind: 'ExecCredential', apiVersion: V1BETA1, spec: {} }),
      want: { apiVersion: V1BETA1 },
    },
    {
      name: 'cluster info is ignored',
      env: info({
        kind: 'ExecCredential',
        apiVersion: V1,
        spec: { cluster: { server: 'https://x' }, interactive: false },
      }),
      want: { apiVersion: V1, interactive: false },
    },
    {
      name: 'v1alpha1 (removed in 1.24)',
      env: info({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1alpha1' }),
      error: /apiVersion "client.authentication.k8s.io\/v1alpha1"/,
    },
    { name: 'wrong kind', env: info({ kind: 'Pod', apiVersion: V1 }), error: /kind "Pod"/ },
    { name: 'not JSON', env: '{kind:', error: /not valid JSON/ },
    { name: 'a JSON list', env: '[]', error: /not an object/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) {
        assert.throws(
          () => parseExecInfo(c.env),
          (e: unknown) => e instanceof ExecInfoError && c.error!.test((e as Error).message),
        );
      } else {
        assert.deepEqual(parseExecInfo(c.env), c.want);
      }
    });
  }
});

describe('execCredential', () => {
  it('has the apiVersion asked for, the token, and exp as metav1.Time (RFC 3339, UTC, whole seconds)', () => {
    const cred = execCredential(
      { apiVersion: V1, interactive: true },
      'header.payload.sig',
      new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678)),
    );
    assert.deepEqual(cred, {
      kind: 'ExecCredential',
      apiVersion: V1,
      status: { token: 'header.payload.sig', expirationTimestamp: '2030-01-02T03:04:05Z' },
    });
    assert.equal(execCredential({ apiVersion: V1BETA1 }, 't', new Date(0)).apiVersion, V1BETA1);
  });
});
