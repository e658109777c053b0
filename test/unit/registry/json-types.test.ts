// Go's encoding/json type errors as kube-apiserver reports them, Go %v of decoded JSON, key order and
// semantic equality — the helpers the REST handler relies on for exact texts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goFloat, goValue } from '../../../src/registry/go-value.js';
import { inGoOrder, jsonDepth, jsonTypeError } from '../../../src/registry/json-types.js';
import { jsonEqual } from '../../../src/registry/json-walk.js';

describe('jsonTypeError', () => {
  const pod = (spec: unknown, meta: unknown = { name: 'p' }): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta,
    spec,
  });
  const cases: [string, Record<string, unknown>, string | undefined][] = [
    ['a valid pod', pod({ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] }), undefined],
    ['nulls are zero values', pod({ containers: null, nodeName: null }, { name: null }), undefined],
    ['unknown fields are not type errors', pod({ nope: 5 }), undefined],
    [
      'number into string',
      pod({}, { name: 5 }),
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    ],
    [
      'string into int64',
      pod({ terminationGracePeriodSeconds: '30' }),
      'json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    ],
    [
      'bool into string inside a list',
      pod({ containers: [{ name: true }] }),
      'json: cannot unmarshal bool into Go struct field Container.spec.containers.name of type string',
    ],
    [
      'object into a list',
      pod({ containers: {} }),
      'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    ],
    [
      'out of int32 range',
      pod({ containers: [{ name: 'c', ports: [{ containerPort: 2 ** 31 }] }] }),
      'json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ],
    [
      'IntOrString takes numbers and strings',
      pod({
        containers: [
          { name: 'c', readinessProbe: { httpGet: { port: 'http' } }, livenessProbe: { httpGet: { port: 8080 } } },
        ],
      }),
      undefined,
    ],
    [
      'IntOrString refuses an object',
      pod({ containers: [{ name: 'c', readinessProbe: { httpGet: { port: {} } } }] }),
      'json: cannot unmarshal object into Go struct field HTTPGetAction.spec.containers.readinessProbe.httpGet.port of type int32',
    ],
    [
      'Time must be a string',
      pod({}, { name: 'p', creationTimestamp: 5 }),
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
    ],
    ['a kind without schema is not checked', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: 5 }, undefined],
  ];
  for (const [name, obj, want] of cases)
    it(name, () => assert.equal(jsonTypeError(obj, obj.apiVersion as string, obj.kind as string), want));

  it("[]byte fields take base64 with Go's StdEncoding errors", () => {
    const secret = (data: Record<string, unknown>): string | undefined =>
      jsonTypeError({ metadata: {}, data }, 'v1', 'Secret');
    assert.equal(secret({ k: 'aGVsbG8=' }), undefined);
    assert.equal(secret({ k: 'aGVsbG8' }), 'illegal base64 data at input byte 4');
    assert.equal(secret({ k: 'a$==' }), 'illegal base64 data at input byte 1');
    assert.equal(secret({ k: 1 }), 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
  });
});

describe('jsonDepth', () => {
  const cases: [string, number][] = [
    ['{}', 1],
    ['[[[]]]', 3],
    ['{"a":"[[[[["}', 1],
    ['{"a":"\\"[["}', 1],
    ['1', 0],
  ];
  for (const [text, want] of cases) it(text, () => assert.equal(jsonDepth(text), want));
});

describe('goValue (fmt %v of decoded JSON)', () => {
  const cases: [unknown, string][] = [
    [{ name: 'x', image: 'nginx' }, 'map[image:nginx name:x]'],
    [{ b: [1, 'a', true, null] }, 'map[b:[1 a true <nil>]]'],
    [80, '80'],
    [1.5, '1.5'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.00001, '1e-05'],
    [100000, '100000'],
  ];
  for (const [v, want] of cases) it(want, () => assert.equal(goValue(v), want));
  it('NaN and infinities', () =>
    assert.deepEqual([goFloat(NaN), goFloat(Infinity), goFloat(-Infinity)], ['NaN', '+Inf', '-Inf']));
});

describe('inGoOrder', () => {
  it('kind and apiVersion first, struct order after, map keys sorted, unknown keys kept at the end', () => {
    const out = inGoOrder({
      status: {},
      zz: 1,
      spec: { containers: [{ image: 'i', name: 'c' }] },
      metadata: { labels: { b: '1', a: '2' }, name: 'p' },
      apiVersion: 'v1',
      kind: 'Pod',
    });
    assert.deepEqual(Object.keys(out), ['kind', 'apiVersion', 'metadata', 'spec', 'status', 'zz']);
    assert.deepEqual(Object.keys(out.metadata), ['name', 'labels']);
    assert.deepEqual(Object.keys(out.metadata.labels), ['a', 'b']);
    assert.deepEqual(Object.keys(out.spec.containers[0]!), ['name', 'image']);
  });
});

describe('jsonEqual', () => {
  const cases: [unknown, unknown, boolean][] = [
    [{ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [[1, 2], [2, 1], false],
    [{ a: null }, {}, false],
    ['1', 1, false],
  ];
  for (const [a, b, want] of cases)
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`, () => assert.equal(jsonEqual(a, b), want));
});
