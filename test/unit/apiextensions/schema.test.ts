// A CRD version's schema applied to custom resources: pruning (pkg/apiserver/schema/pruning), defaulting
// (…/schema/defaulting) and OpenAPI v3 validation with kube-openapi's texts as apiextensions renders them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDefaults, compile, prune, validate, type Schema } from '../../../src/apiextensions/schema.js';

const WIDGET: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['color'],
      properties: {
        size: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
        color: { type: 'string', enum: ['red', 'blue'] },
        name: { type: 'string', maxLength: 5, minLength: 2 },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
        ratio: { type: 'number', exclusiveMinimum: true, minimum: 0 } as Schema,
        port: { 'x-kubernetes-int-or-string': true },
        nick: { type: 'string', nullable: true },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        nested: {
          type: 'object',
          properties: { deep: { type: 'object', default: {}, properties: { n: { type: 'integer', default: 7 } } } },
        },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
};

describe('validation: kube-openapi texts through ConvertToFieldErrors', () => {
  const check = compile(WIDGET);
  const cases: { name: string; spec: unknown; want: string[] }[] = [
    { name: 'valid', spec: { color: 'red', size: 2 }, want: [] },
    {
      name: 'wrong type',
      spec: { color: 'red', size: 'big' },
      want: ['spec.size: Invalid value: "big": spec.size in body must be of type integer: "string"'],
    },
    {
      name: 'float for integer',
      spec: { color: 'red', size: 1.5 },
      want: ['spec.size: Invalid value: 1.5: spec.size in body must be of type integer: "number"'],
    },
    {
      name: 'enum',
      spec: { color: 'green' },
      want: ['spec.color: Unsupported value: "green": supported values: "red", "blue"'],
    },
    { name: 'required', spec: { size: 2 }, want: ['spec.color: Required value'] },
    {
      name: 'minimum',
      spec: { color: 'red', size: 0 },
      want: ['spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1'],
    },
    {
      name: 'maximum',
      spec: { color: 'red', size: 11 },
      want: ['spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10'],
    },
    {
      name: 'maxLength',
      spec: { color: 'red', name: 'toolong' },
      want: ['spec.name: Too long: may not be more than 5 bytes'],
    },
    {
      name: 'minLength',
      spec: { color: 'red', name: 'a' },
      want: ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long'],
    },
    {
      name: 'maxItems',
      spec: { color: 'red', tags: ['a', 'b', 'c'] },
      want: ['spec.tags: Too many: 3: must have at most 2 items'],
    },
    {
      name: 'item type',
      spec: { color: 'red', tags: ['a', 1] },
      want: ['spec.tags[1]: Invalid value: 1: spec.tags[1] in body must be of type string: "integer"'],
    },
    { name: 'int-or-string accepts both', spec: { color: 'red', port: 'http' }, want: [] },
    {
      name: 'int-or-string refuses bool',
      spec: { color: 'red', port: true },
      want: ['spec.port: Invalid value: true: spec.port in body must be of type integer,string: "boolean"'],
    },
    { name: 'nullable', spec: { color: 'red', nick: null }, want: [] },
    {
      name: 'additionalProperties schema',
      spec: { color: 'red', labels: { a: 1 } },
      want: ['spec.labels.a: Invalid value: 1: spec.labels.a in body must be of type string: "integer"'],
    },
    {
      name: 'several errors',
      spec: { color: 'x', size: 0 },
      want: [
        'spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
        'spec.color: Unsupported value: "x": supported values: "red", "blue"',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = validate(check, { apiVersion: 'x/v1', kind: 'W', metadata: { name: 'w' }, spec: c.spec }).map(
        (e) => `${e.field}: ${e.message}`,
      );
      assert.deepEqual(got.sort(), [...c.want].sort());
    });
  }
  it('metadata in the schema is not validated by it (ObjectMeta rules apply instead)', () => {
    const fn = compile({
      type: 'object',
      required: ['metadata'],
      properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 2 } } } },
    });
    assert.deepEqual(validate(fn, { metadata: { name: 'longer' } }), []);
  });
  it('pattern is not enforced (JavaScript regexps are not linear time)', () => {
    const fn = compile({ type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } });
    assert.deepEqual(validate(fn, { s: 'a'.repeat(40) + '!' }), []);
  });
});

describe('pruning', () => {
  it('reports the pruned paths, as Strict field validation names them', () => {
    const obj = { spec: { color: 'red', extra: 1, tags: ['a'] }, junk: { a: 1 }, status: { other: 2 } };
    assert.deepEqual(prune(obj, WIDGET), ['spec.extra', 'junk', 'status.other']);
  });
  const cases: { name: string; in: Record<string, unknown>; out: Record<string, unknown> }[] = [
    {
      name: 'unknown top-level and nested fields go (paths reported)',
      in: { apiVersion: 'a/v1', kind: 'W', metadata: { name: 'w', x: 1 }, junk: 1, spec: { color: 'red', extra: 'x' } },
      out: { apiVersion: 'a/v1', kind: 'W', metadata: { name: 'w', x: 1 }, spec: { color: 'red' } },
    },
    {
      name: 'preserve-unknown-fields keeps a subtree',
      in: { spec: { free: { a: { b: 1 } } } },
      out: { spec: { free: { a: { b: 1 } } } },
    },
    {
      name: 'additionalProperties keeps map keys',
      in: { spec: { labels: { a: 'b' } } },
      out: { spec: { labels: { a: 'b' } } },
    },
    {
      name: 'array items are pruned',
      in: { spec: { tags: ['a'] }, status: { phase: 'x', other: 1 } },
      out: { spec: { tags: ['a'] }, status: { phase: 'x' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = structuredClone(c.in);
      const pruned = prune(obj, WIDGET);
      assert.deepEqual(obj, c.out);
      assert.equal(pruned.length > 0, JSON.stringify(c.in) !== JSON.stringify(c.out));
    });
  }
  it('embedded resources keep apiVersion, kind and metadata', () => {
    const s: Schema = {
      type: 'object',
      properties: { tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: {} } },
    };
    const obj = { tpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } };
    prune(obj, s);
    assert.deepEqual(obj, { tpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } });
  });
});

describe('defaulting', () => {
  const cases: { name: string; in: Record<string, unknown>; out: Record<string, unknown> }[] = [
    {
      name: 'a missing field gets its default',
      in: { spec: { color: 'red' } },
      out: { spec: { color: 'red', size: 3 } },
    },
    { name: 'a set field keeps its value', in: { spec: { size: 5 } }, out: { spec: { size: 5 } } },
    { name: 'null of a non-nullable field is defaulted', in: { spec: { size: null } }, out: { spec: { size: 3 } } },
    {
      name: 'a defaulted object is defaulted inside',
      in: { spec: { nested: {} } },
      out: { spec: { size: 3, nested: { deep: { n: 7 } } } },
    },
    { name: 'no parent, no default below it', in: {}, out: {} },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = structuredClone(c.in);
      applyDefaults(obj, WIDGET);
      assert.deepEqual(obj, c.out);
    });
  }
});
