// Bodies that are not valid Kubernetes protobuf: each must fail with a 400 or 415 Status, quickly, whatever the size.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject } from '../../../src/api/protobuf/decode.js';
import { MAGIC, delimited, encodeMessage, encodeObject, envelope, key, statusErrorOf, varint } from './helpers.js';

const ns = (raw: number[] | Uint8Array): Buffer => envelope('v1', 'Namespace', Uint8Array.from(raw));
const NS_ERR = 'Namespace in version "v1" cannot be handled as a Namespace: ';

/** A deterministic byte stream (xorshift32), so a failure can be reproduced. */
function garbage(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const CASES: { name: string; body: () => Buffer; code: number; message: string | RegExp }[] = [
  { name: 'an empty body', body: () => Buffer.alloc(0), code: 400, message: 'the body of the request was empty' },
  {
    name: 'JSON sent with the protobuf content type',
    body: () => Buffer.from('{"kind":"Namespace","apiVersion":"v1"}'),
    code: 400,
    message:
      'the object provided is unrecognized (decoding protobuf): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
  },
  {
    name: 'a prefix cut short',
    body: () => MAGIC.subarray(0, 3),
    code: 400,
    message: /expected prefix \[107 56 115 0\]/,
  },
  {
    name: 'the magic alone: no kind',
    body: () => MAGIC,
    code: 400,
    message: "Object 'Kind' is missing in the protobuf body",
  },
  {
    name: 'an envelope with a truncated varint',
    body: () => Buffer.concat([MAGIC, Buffer.from([0x0a, 0x80])]),
    code: 400,
    message: 'the object provided is unrecognized (decoding protobuf): unexpected EOF',
  },
  {
    name: 'an envelope whose typeMeta claims more bytes than there are',
    body: () => Buffer.concat([MAGIC, Buffer.from([0x0a, 0x7f, 0x0a, 0x02])]),
    code: 400,
    message: /unexpected EOF/,
  },
  {
    name: 'the envelope typeMeta with wire type 7',
    body: () => Buffer.concat([MAGIC, Buffer.from([0x0f])]),
    code: 400,
    message: /proto: wrong wireType = 7 for field typeMeta$/,
  },
  {
    name: 'an unknown envelope field with wire type 7',
    body: () => Buffer.concat([MAGIC, Buffer.from(key(9, 7))]),
    code: 400,
    message: /proto: illegal wireType 7$/,
  },
  {
    name: 'an object cut inside a varint',
    body: () => ns([...key(1, 2), 0x85]),
    code: 400,
    message: `${NS_ERR}unexpected EOF`,
  },
  {
    name: 'an object cut inside a string',
    body: () => ns([...key(1, 2), 4, ...key(1, 2), 10, 0x61]),
    code: 400,
    message: `${NS_ERR}unexpected EOF`,
  },
  {
    name: 'a nested length past its enclosing message',
    body: () => ns([...key(1, 2), 2, ...key(1, 2), 5, 0x61, 0x62, 0x63, 0x64, 0x65]),
    code: 400,
    message: `${NS_ERR}unexpected EOF`,
  },
  {
    name: 'metadata sent as a varint',
    body: () => ns([...key(1, 0), 1]),
    code: 400,
    message: `${NS_ERR}proto: wrong wireType = 0 for field metadata`,
  },
  {
    name: 'a string field (name) sent as fixed32',
    body: () => ns(delimited(1, [...key(1, 5), 1, 2, 3, 4])),
    code: 400,
    message: `${NS_ERR}proto: wrong wireType = 5 for field name`,
  },
  {
    name: 'a bool (Secret.immutable) sent length-delimited',
    body: () => envelope('v1', 'Secret', Uint8Array.from(delimited(5, [1]))),
    code: 400,
    message: 'Secret in version "v1" cannot be handled as a Secret: proto: wrong wireType = 2 for field immutable',
  },
  {
    name: 'field number 0',
    body: () => ns([0x02, 0x00]),
    code: 400,
    message: `${NS_ERR}proto: Namespace: illegal tag 0 (wire type 2)`,
  },
  {
    name: 'an end-group with no group',
    body: () => ns([...key(9, 4)]),
    code: 400,
    message: `${NS_ERR}proto: Namespace: wiretype end group for non-group`,
  },
  {
    name: 'an unknown field with wire type 6',
    body: () => ns([...key(9, 6)]),
    code: 400,
    message: `${NS_ERR}proto: illegal wireType 6`,
  },
  {
    name: 'a varint longer than 10 bytes',
    body: () => ns([...key(9, 0), ...Array(11).fill(0xff), 0x01]),
    code: 400,
    message: `${NS_ERR}proto: integer overflow`,
  },
  {
    name: 'a group that never ends',
    body: () => ns([...key(9, 3), ...key(10, 0), 1]),
    code: 400,
    message: `${NS_ERR}unexpected EOF`,
  },
  {
    name: 'an unknown kind',
    body: () => envelope('apps/v1', 'StatefulSet', Uint8Array.from([])),
    code: 415,
    message:
      'the body of the request was in protobuf for apps/v1, Kind=StatefulSet, which this server cannot decode from protobuf - send it as application/json',
  },
  {
    name: 'a known kind under another version',
    body: () => envelope('rbac.authorization.k8s.io/v1beta1', 'Role', Uint8Array.from([])),
    code: 415,
    message: /rbac\.authorization\.k8s\.io\/v1beta1, Kind=Role/,
  },
  {
    name: 'a gzip content encoding',
    body: () => envelope('v1', 'Namespace', Uint8Array.from([]), { contentEncoding: 'gzip' }),
    code: 415,
    message: /content encoding "gzip"/,
  },
  {
    name: 'JSON wrapped in the envelope',
    body: () => envelope('v1', 'Namespace', Buffer.from('{}'), { contentType: 'application/json' }),
    code: 415,
    message: /content type "application\/json"/,
  },
  {
    name: 'an impossible IntOrString type',
    body: () =>
      encodeObject('v1', 'Service', 'core.v1.Service', { spec: { ports: [{ port: 80, targetPort: { type: 2 } }] } }),
    code: 400,
    message: 'Service in version "v1" cannot be handled as a Service: impossible IntOrString.Type',
  },
  {
    name: 'a quantity that does not parse',
    body: () => encodeObject('v1', 'Node', 'core.v1.Node', { status: { capacity: { cpu: { string: 'two' } } } }),
    code: 400,
    message: /Node: quantities must match the regular expression/,
  },
  {
    name: 'a time past the year 9999',
    body: () =>
      encodeObject('v1', 'Namespace', 'core.v1.Namespace', {
        metadata: { creationTimestamp: { seconds: 253402300800 } },
      }),
    code: 400,
    message: /outside the years 0001-9999/,
  },
  {
    name: 'managedFields that are not JSON',
    body: () =>
      encodeObject('v1', 'Namespace', 'core.v1.Namespace', {
        metadata: { managedFields: [{ fieldsV1: { Raw: Buffer.from('{not json') } }] },
      }),
    code: 400,
    message: /RawExtension/,
  },
  { name: '5 MB of garbage', body: () => garbage(5 << 20, 0x9e3779b9), code: 400, message: /expected prefix/ },
  {
    name: '5 MB of garbage after the magic',
    body: () => Buffer.concat([MAGIC, garbage(5 << 20, 12345)]),
    code: 400,
    message: /the object provided is unrecognized \(decoding protobuf\)/,
  },
  {
    name: '5 MB of garbage as a Namespace',
    body: () => ns(garbage(5 << 20, 777)),
    code: 400,
    message: /^Namespace in version "v1" cannot be handled as a Namespace: /,
  },
  // Five million nested start-group keys: a recursive skipper would overflow the stack.
  {
    name: '5 MB of nested groups in an unknown field',
    body: () => ns(Buffer.alloc(5 << 20, key(15, 3)[0]!)),
    code: 400,
    message: `${NS_ERR}unexpected EOF`,
  },
];

describe('malformed protobuf bodies', () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.code}`, () => {
      const started = performance.now();
      const err = statusErrorOf(() => decodeProtobufObject(c.body()));
      assert.equal(err.code, c.code, err.message);
      assert.equal(err.reason, c.code === 400 ? 'BadRequest' : 'UnsupportedMediaType');
      if (typeof c.message === 'string') assert.equal(err.message, c.message);
      else assert.match(err.message, c.message);
      assert.ok(performance.now() - started < 2000, 'took too long');
    });
  }

  it('random single-byte corruptions of a Deployment decode or fail with a 400/415, nothing else', () => {
    const body = encodeObject('apps/v1', 'Deployment', 'apps.v1.Deployment', {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx',
                ports: [{ containerPort: 80 }],
                resources: { limits: { cpu: { string: '1' } } },
              },
            ],
          },
        },
      },
    });
    const noise = garbage(4000, 42);
    for (let i = 0; i < 2000; i++) {
      const copy = Buffer.from(body);
      copy[noise[2 * i]! % copy.length] = noise[2 * i + 1]!;
      try {
        decodeProtobufObject(copy);
      } catch (e) {
        const err = statusErrorOf(() => {
          throw e;
        });
        assert.ok(err.code === 400 || err.code === 415, `${err.code} ${err.message}`);
      }
    }
  });
});

describe('well-formed bodies the decoder must accept', () => {
  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = [
      ...key(20, 0),
      0x96,
      0x01,
      ...key(21, 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      ...delimited(22, [1, 2, 3]),
      ...key(23, 5),
      1,
      2,
      3,
      4,
      ...key(24, 3),
      ...key(1, 0),
      5,
      ...key(25, 3),
      ...key(25, 4),
      ...key(24, 4),
    ];
    const got = decodeProtobufObject(ns([...unknown, ...delimited(1, delimited(1, Buffer.from('kept')))]));
    assert.deepStrictEqual(got, {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'kept' },
      spec: {},
      status: {},
    });
  });

  it('merges a message field that appears twice, as proto does (later scalars win, lists append)', () => {
    const first = delimited(1, [...delimited(1, Buffer.from('a')), ...delimited(14, Buffer.from('f1'))]);
    const second = delimited(1, [...delimited(1, Buffer.from('b')), ...delimited(14, Buffer.from('f2'))]);
    const got = decodeProtobufObject(ns([...first, ...second]));
    assert.deepStrictEqual(got.metadata, { name: 'b', finalizers: ['f1', 'f2'] });
  });

  it('reads repeated numbers both packed and unpacked', () => {
    // PodFailurePolicyOnExitCodesRequirement.values = 3 (repeated int32), inside Job.spec(2).podFailurePolicy(11).rules(1).onExitCodes(2)
    const onExitCodes = (values: number[]): number[] => delimited(2, [...delimited(2, Buffer.from('In')), ...values]);
    const wrap = (values: number[]): Buffer =>
      envelope('batch/v1', 'Job', Uint8Array.from(delimited(2, delimited(11, delimited(1, onExitCodes(values))))));
    type JobJson = { spec: { podFailurePolicy: { rules: { onExitCodes: { values: number[] } }[] } } };
    const exitCodes = (b: Buffer): unknown =>
      (decodeProtobufObject(b) as unknown as JobJson).spec.podFailurePolicy.rules[0]!.onExitCodes.values;
    assert.deepStrictEqual(exitCodes(wrap([...key(3, 0), 1, ...key(3, 0), 42])), [1, 42]);
    assert.deepStrictEqual(exitCodes(wrap([...delimited(3, [1, 42, ...varint(300)])])), [1, 42, 300]);
  });

  it('reads negative int32 (ten-byte varints) and large int64 exactly where they fit a double', () => {
    const body = encodeObject('v1', 'Pod', 'core.v1.Pod', {
      spec: { securityContext: { runAsUser: -1, fsGroup: 2 ** 40 }, priority: -5 },
    });
    const got = decodeProtobufObject(body) as unknown as {
      spec: { securityContext: Record<string, number>; priority: number };
    };
    assert.equal(got.spec.securityContext.runAsUser, -1);
    assert.equal(got.spec.securityContext.fsGroup, 2 ** 40);
    assert.equal(got.spec.priority, -5);
  });

  it('keeps a `__proto__` map key as an own property, as JSON.parse would', () => {
    // By hand: an object literal (and so protobufjs' fromObject) would swallow the key itself. ConfigMap.data is field 2.
    const entry = (k: string, v: string): number[] =>
      delimited(2, [...delimited(1, Buffer.from(k)), ...delimited(2, Buffer.from(v))]);
    const got = decodeProtobufObject(
      envelope('v1', 'ConfigMap', Uint8Array.from([...entry('__proto__', 'x'), ...entry('a', 'b')])),
    ) as unknown as { data: Record<string, unknown> };
    assert.deepStrictEqual(got.data, JSON.parse('{"__proto__":"x","a":"b"}'));
    assert.equal(Object.getPrototypeOf(got.data), Object.prototype);
  });

  it('decodes a 5 MB ConfigMap', () => {
    const big = 'x'.repeat(5 << 20);
    const got = decodeProtobufObject(
      encodeObject('v1', 'ConfigMap', 'core.v1.ConfigMap', { metadata: { name: 'big' }, data: { blob: big } }),
    ) as unknown as { data: { blob: string } };
    assert.equal(got.data.blob.length, big.length);
  });

  it('treats an empty Time as the zero time (null) and seconds 0 as the Unix epoch', () => {
    const conditions = (t: Record<string, unknown>): unknown =>
      (
        decodeProtobufObject(
          encodeObject(
            'certificates.k8s.io/v1',
            'CertificateSigningRequest',
            'certificates.v1.CertificateSigningRequest',
            { status: { conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: t }] } },
          ),
        ) as unknown as { status: { conditions: { lastUpdateTime: unknown }[] } }
      ).status.conditions[0]!.lastUpdateTime;
    assert.equal(conditions({}), null);
    assert.equal(conditions({ seconds: 0 }), '1970-01-01T00:00:00Z');
    assert.equal(conditions({ seconds: -62135596800 }), null);
    assert.equal(conditions({ seconds: 1, nanos: 999999999 }), '1970-01-01T00:00:01Z');
  });

  it('keeps encodeMessage and the decoder on the same field numbers (namespace metadata is field 1, name field 1)', () => {
    assert.deepEqual(
      [...encodeMessage('core.v1.Namespace', { metadata: { name: 'a' } })],
      [...delimited(1, delimited(1, Buffer.from('a')))],
    );
  });
});
