// The merge engine against structured-merge-diff's and kube's field-manager behaviour, as tables: the fields a
// configuration sets, FieldsV1 round trips, ownership after updates and applies, conflicts and their texts,
// forced applies, removal of fields an applier stops applying, and list merges by key, as set, and atomic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSet } from '../../../../src/registry/apply/field-set.js';
import { applyConflictError, managerIdentifier } from '../../../../src/registry/apply/managed-fields.js';
import { DEDUCED, SCALAR, typeFromOpenApi, type TypeRef } from '../../../../src/registry/apply/schema.js';
import { compare, merge, toFieldSet, TypedValueError } from '../../../../src/registry/apply/typed.js';
import { apply, ConflictError, update, type Managers } from '../../../../src/registry/apply/updater.js';

const stringMap: TypeRef = { kind: 'map', elementType: SCALAR };
const META: TypeRef = {
  kind: 'map',
  fields: {
    name: SCALAR,
    namespace: SCALAR,
    labels: stringMap,
    annotations: stringMap,
    finalizers: { kind: 'list', listType: 'set', elementType: SCALAR },
  },
};
const CONFIGMAP: TypeRef = {
  kind: 'map',
  fields: { apiVersion: SCALAR, kind: SCALAR, metadata: META, data: stringMap },
};
const PORT: TypeRef = { kind: 'map', fields: { containerPort: SCALAR, protocol: SCALAR, name: SCALAR } };
const CONTAINER: TypeRef = {
  kind: 'map',
  fields: {
    name: SCALAR,
    image: SCALAR,
    args: { kind: 'list', listType: 'atomic', elementType: SCALAR },
    ports: {
      kind: 'list',
      listType: 'map',
      keys: ['containerPort', 'protocol'],
      keyDefaults: { protocol: 'TCP' },
      elementType: PORT,
    },
  },
};
const POD: TypeRef = {
  kind: 'map',
  fields: {
    apiVersion: SCALAR,
    kind: SCALAR,
    metadata: META,
    spec: {
      kind: 'map',
      fields: { containers: { kind: 'list', listType: 'map', keys: ['name'], elementType: CONTAINER } },
    },
  },
};

const cm = (data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c' },
  data,
  ...extra,
});
const A = (m: string) => managerIdentifier({ manager: m, operation: 'Apply', apiVersion: 'v1' });
const U = (m: string) => managerIdentifier({ manager: m, operation: 'Update', apiVersion: 'v1' });
const fields = (managers: Managers, id: string) => managers.get(id)?.set.toFieldsV1();

describe('toFieldSet: the fields a configuration sets', () => {
  const cases: { name: string; value: unknown; type: TypeRef; want: Record<string, unknown> }[] = [
    {
      name: 'typed map entries are leaves; the declared field holding them is not a member',
      value: { data: { key: 'a', b: 'c' } },
      type: CONFIGMAP,
      want: { 'f:data': { 'f:b': {}, 'f:key': {} } },
    },
    {
      name: 'without a schema every map entry is a member (SMD deduced type)',
      value: { data: { key: 'a' } },
      type: DEDUCED,
      want: { 'f:data': { '.': {}, 'f:key': {} } },
    },
    { name: 'an empty map is a leaf', value: { data: {} }, type: CONFIGMAP, want: { 'f:data': {} } },
    {
      name: 'list-map items are members and parents, keyed by their sorted key fields',
      value: { spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
      type: POD,
      want: {
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              '.': {},
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            },
          },
        },
      },
    },
    {
      name: 'an atomic list is one leaf',
      value: { spec: { containers: [{ name: 'w', args: ['a', 'b'] }] } },
      type: POD,
      want: { 'f:spec': { 'f:containers': { 'k:{"name":"w"}': { '.': {}, 'f:args': {}, 'f:name': {} } } } },
    },
    {
      name: 'set items are members by value',
      value: { metadata: { finalizers: ['a/b', 'c'] } },
      type: CONFIGMAP,
      want: { 'f:metadata': { 'f:finalizers': { 'v:"a/b"': {}, 'v:"c"': {} } } },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(toFieldSet(c.value, c.type).toFieldsV1(), c.want));

  it("an item without its key field (and no default) is SMD's error", () => {
    assert.throws(
      () => toFieldSet({ spec: { containers: [{ image: 'x' }] } }, POD),
      (e: unknown) =>
        e instanceof TypedValueError &&
        /associative list with keys has an element that omits key field "name" \(and doesn't have default value\)/.test(
          e.message,
        ),
    );
  });
});

describe('FieldSet', () => {
  const v1 = {
    'f:data': { '.': {}, 'f:a': {} },
    'f:metadata': { 'f:labels': { 'f:x': {} } },
    'f:spec': {
      'f:c': { 'k:{"name":"n"}': { '.': {}, 'f:image': {} } },
      'f:s': { 'v:"a"': {}, 'v:1': {} },
      'f:l': { 'i:0': {} },
    },
  };
  it('reads and writes FieldsV1 unchanged', () => assert.deepEqual(FieldSet.fromFieldsV1(v1).toFieldsV1(), v1));
  it('refuses keys that are not path elements', () =>
    assert.throws(() => FieldSet.fromFieldsV1({ 'x:y': {} }), /unknown field path element "x:y"/));
  it('union, difference, intersection', () => {
    const a = FieldSet.fromFieldsV1({ 'f:a': {}, 'f:b': { 'f:c': {} } });
    const b = FieldSet.fromFieldsV1({ 'f:b': { 'f:c': {}, 'f:d': {} } });
    assert.deepEqual(a.union(b).toFieldsV1(), { 'f:a': {}, 'f:b': { 'f:c': {}, 'f:d': {} } });
    assert.deepEqual(a.difference(b).toFieldsV1(), { 'f:a': {} });
    assert.deepEqual(a.intersection(b).toFieldsV1(), { 'f:b': { 'f:c': {} } });
    assert.deepEqual(b.recursiveDifference(FieldSet.fromFieldsV1({ 'f:b': {} })).toFieldsV1(), {});
  });
});

describe('compare', () => {
  it('an added map is a member itself as well as its entries (the "." of Update entries)', () => {
    const c = compare(cm({}, { data: undefined }), cm({ key: 'a' }), CONFIGMAP);
    assert.deepEqual(c.added.toFieldsV1(), { 'f:data': { '.': {}, 'f:key': {} } });
    assert.ok(c.modified.empty() && c.removed.empty());
  });
  it('modified and removed leaves', () => {
    const c = compare(cm({ a: '1', b: '2' }), cm({ a: '9' }), CONFIGMAP);
    assert.deepEqual(c.modified.toFieldsV1(), { 'f:data': { 'f:a': {} } });
    assert.deepEqual(c.removed.toFieldsV1(), { 'f:data': { 'f:b': {} } });
  });
});

describe('merge', () => {
  const pod = (...containers: Record<string, unknown>[]) => ({ spec: { containers } });
  const names = (v: unknown) => (v as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name);
  it('list-map items merge by key; the applied value wins at leaves', () => {
    const out = merge(
      pod({ name: 'a', image: 'old', args: ['x'] }),
      pod({ name: 'a', image: 'new' }),
      POD,
    ) as ReturnType<typeof pod>;
    assert.deepEqual(out.spec.containers, [{ name: 'a', image: 'new', args: ['x'] }]);
  });
  it('new applied items go where the applied list puts them relative to shared items (SMD order)', () => {
    assert.deepEqual(
      names(merge(pod({ name: 'a' }, { name: 'b' }, { name: 'c' }), pod({ name: 'd' }, { name: 'b' }), POD)),
      ['a', 'd', 'b', 'c'],
    );
    assert.deepEqual(names(merge(pod({ name: 'a' }), pod({ name: 'b' }), POD)), ['a', 'b']);
  });
  it('atomic lists are replaced whole', () => {
    const out = merge(pod({ name: 'a', args: ['1', '2'] }), pod({ name: 'a', args: ['3'] }), POD) as ReturnType<
      typeof pod
    >;
    assert.deepEqual(out.spec.containers[0], { name: 'a', args: ['3'] });
  });
  it("duplicate keys in the applied list are SMD's error", () => {
    assert.throws(() => merge(pod(), pod({ name: 'a' }, { name: 'a' }), POD), /duplicate entries for key \[name="a"\]/);
  });
});

describe('apply and update: ownership, conflicts, force, removal', () => {
  it('create by apply: the applier owns exactly its configuration', () => {
    const r = apply(undefined, cm({ key: 'a' }), CONFIGMAP, 'v1', new Map(), A('kubectl'), false);
    assert.deepEqual(r.object, cm({ key: 'a' }));
    assert.deepEqual(fields(r.managers, A('kubectl')), {
      'f:apiVersion': {},
      'f:data': { 'f:key': {} },
      'f:kind': {},
      'f:metadata': { 'f:name': {} },
    });
  });

  const start = () =>
    apply(undefined, cm({ key: 'a', keep: 'x', drop: 'y' }), CONFIGMAP, 'v1', new Map(), A('kubectl'), false);

  it("a second applier changing an owned value conflicts with kube's 409 text, and nothing changes", () => {
    const s = start();
    let err: unknown;
    try {
      apply(s.object, cm({ key: 'b' }), CONFIGMAP, 'v1', s.managers, A('other'), false);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConflictError);
    const status = applyConflictError(
      err.conflicts.filter((c) => c.path.some((p) => 'field' in p && p.field === 'key')),
    ).toStatus();
    assert.equal(status.code, 409);
    assert.equal(status.reason, 'Conflict');
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "kubectl": .data.key');
    assert.deepEqual(status.details?.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.key' },
    ]);
  });

  it('applying the same value is no conflict: both own it', () => {
    const s = start();
    const r = apply(s.object, cm({ key: 'a' }), CONFIGMAP, 'v1', s.managers, A('other'), false);
    assert.deepEqual(fields(r.managers, A('other'))?.['f:data'], { 'f:key': {} });
    assert.deepEqual(Object.keys(fields(r.managers, A('kubectl'))?.['f:data'] as object), [
      'f:drop',
      'f:keep',
      'f:key',
    ]);
  });

  it('force takes the value and the ownership', () => {
    const s = start();
    const r = apply(s.object, cm({ key: 'b' }), CONFIGMAP, 'v1', s.managers, A('other'), true);
    assert.equal((r.object as ReturnType<typeof cm>).data.key, 'b');
    assert.deepEqual(Object.keys(fields(r.managers, A('kubectl'))?.['f:data'] as object), ['f:drop', 'f:keep']);
    assert.deepEqual(fields(r.managers, A('other'))?.['f:data'], { 'f:key': {} });
  });

  it('a field dropped from the configuration is removed when only the applier owned it, kept when another does', () => {
    const s = start();
    const forced = apply(s.object, cm({ key: 'b' }), CONFIGMAP, 'v1', s.managers, A('other'), true);
    const r = apply(forced.object, cm({ keep: 'x' }), CONFIGMAP, 'v1', forced.managers, A('kubectl'), false);
    assert.deepEqual((r.object as ReturnType<typeof cm>).data, { key: 'b', keep: 'x' });
  });

  it('an update takes fields from an applier without conflict; the applier then conflicts with "x" using v1', () => {
    const s = start();
    const edited = cm({ key: 'edited', keep: 'x', drop: 'y' });
    const managers = update(s.object, edited, CONFIGMAP, 'v1', s.managers, U('kubectl-edit'));
    assert.deepEqual(fields(managers, U('kubectl-edit')), { 'f:data': { 'f:key': {} } });
    assert.deepEqual(Object.keys(fields(managers, A('kubectl'))?.['f:data'] as object), ['f:drop', 'f:keep']);
    let err: unknown;
    try {
      apply(edited, cm({ key: 'again', keep: 'x', drop: 'y' }), CONFIGMAP, 'v1', managers, A('kubectl'), false);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConflictError);
    assert.equal(
      applyConflictError(err.conflicts).message,
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.key',
    );
  });

  it("several conflicts: grouped by manager, one line each (kube's text)", () => {
    const s = apply(undefined, cm({ a: '1', b: '2' }), CONFIGMAP, 'v1', new Map(), A('first'), false);
    let err: unknown;
    try {
      apply(s.object, cm({ a: '9', b: '9' }), CONFIGMAP, 'v1', s.managers, A('second'), false);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConflictError);
    assert.equal(
      applyConflictError(err.conflicts).message,
      'Apply failed with 2 conflicts: conflicts with "first":\n- .data.a\n- .data.b',
    );
  });

  it('containers merge by name: an item another manager added survives; the one the applier dropped goes', () => {
    const pod = (...containers: Record<string, unknown>[]) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers },
    });
    const s = apply(
      undefined,
      pod({ name: 'a', image: 'x' }, { name: 'b', image: 'y' }),
      POD,
      'v1',
      new Map(),
      A('kubectl'),
      false,
    );
    const withSidecar = pod({ name: 'a', image: 'x' }, { name: 'b', image: 'y' }, { name: 'sidecar', image: 'z' });
    const managers = update(s.object, withSidecar, POD, 'v1', s.managers, U('injector'));
    const r = apply(withSidecar, pod({ name: 'a', image: 'x2' }), POD, 'v1', managers, A('kubectl'), false);
    assert.deepEqual((r.object as ReturnType<typeof pod>).spec.containers, [
      { name: 'a', image: 'x2' },
      { name: 'sidecar', image: 'z' },
    ]);
  });

  it('a conflict inside a list-map item names the item by its key', () => {
    const pod = (image: string) => ({ spec: { containers: [{ name: 'web', image }] } });
    const s = apply(undefined, pod('a'), POD, 'v1', new Map(), A('kubectl'), false);
    let err: unknown;
    try {
      apply(s.object, pod('b'), POD, 'v1', s.managers, A('ci'), false);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConflictError);
    assert.equal(
      applyConflictError(err.conflicts).message,
      'Apply failed with 1 conflict: conflict with "kubectl": .spec.containers[name="web"].image',
    );
  });

  it("ignored fields (kube's reset fields: status on the main resource) are nobody's", () => {
    const ignored = FieldSet.fromFieldsV1({ 'f:status': {} });
    const r = apply(undefined, { spec: { a: 1 }, status: { b: 2 } }, DEDUCED, 'v1', new Map(), A('m'), false, {
      ignored,
    });
    assert.deepEqual(fields(r.managers, A('m')), { 'f:spec': { '.': {}, 'f:a': {} } });
  });
});

describe('typeFromOpenApi: CRD schemas', () => {
  it('reads list types, map keys with defaults, atomic maps and preserved unknown fields', () => {
    const t = typeFromOpenApi({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['port', 'protocol'],
              items: {
                type: 'object',
                properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
              },
            },
            tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
            sel: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
            raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    });
    const v = { spec: { ports: [{ port: 80 }], tags: ['a'], sel: { x: 'y' }, raw: { any: { deep: 1 } } } };
    assert.deepEqual(toFieldSet(v, t).toFieldsV1(), {
      'f:spec': {
        'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } },
        'f:raw': { 'f:any': { '.': {}, 'f:deep': {} } },
        'f:sel': {},
        'f:tags': { 'v:"a"': {} },
      },
    });
  });
});
