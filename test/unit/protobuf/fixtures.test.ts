// Bodies captured from real kubectl v1.35 (see fixtures/README.md), decoded and compared with what Go's
// encoding/json writes for the same objects: kubectl's own `--dry-run=client -o json` output, byte for byte.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtobufObject } from '../../../src/api/protobuf/decode.js';
import { statusErrorOf } from './helpers.js';

// The fixtures stay in the source tree: from dist/test/… (the compiled suite) look there.
const dir = join(import.meta.dirname.replace(/[\\/]dist([\\/]test[\\/])/, '$1'), 'fixtures');

interface IndexEntry {
  file: string;
  command: string;
  method: string;
  path: string;
  status: string;
  goJson?: string;
}
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as IndexEntry[];
const fixture = (file: string): Buffer => readFileSync(join(dir, file));
const decode = (file: string): Record<string, unknown> =>
  decodeProtobufObject(fixture(file)) as unknown as Record<string, unknown>;

describe('kubectl bodies with a Go JSON oracle', () => {
  const withOracle = index.filter((e) => e.goJson);
  it('covers every `kubectl create <kind>` the brief names', () => {
    const files = new Set(withOracle.map((e) => e.file));
    for (const f of [
      'secret-docker-registry.pb',
      'service-externalname.pb',
      'namespace.pb',
      'serviceaccount.pb',
      'secret-generic.pb',
      'configmap.pb',
      'clusterrole.pb',
      'clusterrolebinding.pb',
      'role.pb',
      'rolebinding.pb',
      'deployment.pb',
      'service-clusterip.pb',
      'job.pb',
    ]) {
      assert.ok(files.has(f), f);
    }
  });
  for (const entry of withOracle) {
    it(`${entry.command}`, () => {
      const goJson = JSON.stringify(JSON.parse(readFileSync(join(dir, entry.goJson!), 'utf8')));
      // Compared as text: the same keys in the same order, as Go writes them.
      assert.equal(JSON.stringify(decode(entry.file)), goJson);
    });
  }
});

// Requests kubectl cannot print: the expected objects as Go's JSON encoding writes them.
const CASES: { file: string; want: Record<string, unknown> }[] = [
  {
    file: 'token.pb',
    want: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
      spec: {
        audiences: ['https://kubernetes.default.svc', 'vault'],
        expirationSeconds: 7200,
        boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'db-pass' },
      },
      status: { token: '', expirationTimestamp: null },
    },
  },
  {
    // No --audience, no --duration: nil slice and nil pointers, which Go writes as null (no omitempty).
    file: 'token-defaults.pb',
    want: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
      spec: { audiences: null, expirationSeconds: null, boundObjectRef: null },
      status: { token: '', expirationTimestamp: null },
    },
  },
  {
    file: 'ssar-resource.pb',
    want: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'pb-demo', verb: 'list', resource: 'pods' } },
      status: { allowed: false },
    },
  },
  {
    file: 'ssar-subresource.pb',
    want: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'pb-demo', verb: 'get', resource: 'pods', subresource: 'log' } },
      status: { allowed: false },
    },
  },
  {
    // -A: the namespace is "", which omitempty leaves out.
    file: 'ssar-named.pb',
    want: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { resourceAttributes: { verb: 'update', group: 'apps', resource: 'deployments', name: 'web' } },
      status: { allowed: false },
    },
  },
  {
    file: 'ssar-nonresource.pb',
    want: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { nonResourceAttributes: { path: '/logs/kube.log', verb: 'get' } },
      status: { allowed: false },
    },
  },
  {
    file: 'ssrr.pb',
    want: {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { namespace: 'pb-demo' },
      status: { resourceRules: null, nonResourceRules: null, incomplete: false },
    },
  },
  {
    file: 'ssr.pb',
    want: { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, status: { userInfo: {} } },
  },
];

describe('kubectl bodies without an oracle', () => {
  for (const c of CASES) {
    it(`${index.find((e) => e.file === c.file)?.command ?? c.file}`, () => {
      assert.equal(JSON.stringify(decode(c.file)), JSON.stringify(c.want));
    });
  }

  for (const [file, type, reason, message] of [
    ['csr-approve.pb', 'Approved', 'KubectlApprove', 'This CSR was approved by kubectl certificate approve.'],
    ['csr-deny.pb', 'Denied', 'KubectlDeny', 'This CSR was denied by kubectl certificate deny.'],
  ] as const) {
    it(`kubectl certificate ${type === 'Approved' ? 'approve' : 'deny'}: the CSR read back, with the new condition`, () => {
      const csr = decode(file) as {
        kind: string;
        apiVersion: string;
        metadata: Record<string, unknown>;
        spec: Record<string, unknown>;
        status: { conditions: Record<string, unknown>[] };
      };
      assert.equal(csr.kind, 'CertificateSigningRequest');
      assert.equal(csr.apiVersion, 'certificates.k8s.io/v1');
      assert.deepEqual(Object.keys(csr.metadata), [
        'name',
        'uid',
        'resourceVersion',
        'generation',
        'creationTimestamp',
      ]);
      assert.match(csr.metadata.creationTimestamp as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const pem = Buffer.from(csr.spec.request as string, 'base64').toString('utf8');
      assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+-----END CERTIFICATE REQUEST-----\n$/);
      assert.deepEqual(Object.keys(csr.spec), [
        'request',
        'signerName',
        'expirationSeconds',
        'usages',
        'username',
        'groups',
        'extra',
      ]);
      assert.equal(csr.spec.signerName, 'kubernetes.io/kube-apiserver-client');
      assert.equal(csr.spec.expirationSeconds, 86400);
      assert.deepEqual(csr.spec.usages, ['client auth']);
      assert.deepEqual(csr.spec.groups, ['system:masters', 'system:authenticated']);
      assert.match(
        ((csr.spec.extra as Record<string, string[]>)['authentication.kubernetes.io/credential-id'] ?? [])[0] ?? '',
        /^X509SHA256=[0-9a-f]{64}$/,
      );
      assert.equal(csr.status.conditions.length, 1);
      const cond = csr.status.conditions[0]!;
      // kubectl sets lastUpdateTime only; the zero lastTransitionTime is written as null.
      assert.deepEqual(Object.keys(cond), [
        'type',
        'status',
        'reason',
        'message',
        'lastUpdateTime',
        'lastTransitionTime',
      ]);
      assert.deepEqual(
        { ...cond, lastUpdateTime: 'T' },
        { type, status: 'True', reason, message, lastUpdateTime: 'T', lastTransitionTime: null },
      );
      assert.match(cond.lastUpdateTime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
  }

  it('kubectl create quota: decoded since kauth serves ResourceQuotas (captured when it answered 415)', () => {
    assert.equal(
      JSON.stringify(decode('resourcequota-unsupported.pb')),
      JSON.stringify({
        kind: 'ResourceQuota',
        apiVersion: 'v1',
        metadata: { name: 'small', namespace: 'pb-demo' },
        spec: { hard: { pods: '2', 'requests.cpu': '500m' } },
        status: {},
      }),
    );
  });

  it('a kind kauth does not decode is 415, naming it', () => {
    // The captured quota body, re-labelled as a kind without a message (apps/v1 StatefulSet).
    const body = fixture('resourcequota-unsupported.pb');
    const text = body
      .toString('latin1')
      .replace('\x0a\x13\x0a\x02v1\x12\x0dResourceQuota', '\x0a\x16\x0a\x07apps/v1\x12\x0bStatefulSet');
    const err = statusErrorOf(() => decodeProtobufObject(Buffer.from(text, 'latin1')));
    assert.equal(err.code, 415);
    assert.equal(err.reason, 'UnsupportedMediaType');
    assert.match(err.message, /apps\/v1, Kind=StatefulSet/);
  });
});

describe('every truncation of every captured body', () => {
  it('decodes or fails with a 400, never anything else', () => {
    for (const entry of index) {
      const body = fixture(entry.file);
      for (let n = 0; n < body.length; n++) {
        try {
          decodeProtobufObject(body.subarray(0, n));
        } catch (e) {
          const err = statusErrorOf(() => {
            throw e;
          });
          assert.ok(err.code === 400 || err.code === 415, `${entry.file}[:${n}]: ${err.code} ${err.message}`);
        }
      }
    }
  });
});
