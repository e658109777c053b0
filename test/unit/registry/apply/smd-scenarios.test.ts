// Scenarios from structured-merge-diff's own merge tests (merge/leaf_test.go, set_test.go,
// multiple_appliers_test.go), restated here as facts: a sequence of applies, forced applies and updates by named
// managers, then the object, each manager's fields and the conflicts SMD answers. Versions are left out: kauth
// serves one version per kind for apply.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSet } from '../../../../src/registry/apply/field-set.js';
import type { Path, PathElement, Scalar } from '../../../../src/registry/apply/path.js';
import { pathString } from '../../../../src/registry/apply/path.js';
import { SCALAR, type TypeRef } from '../../../../src/registry/apply/schema.js';
import { apply, ConflictError, update, type Managers } from '../../../../src/registry/apply/updater.js';

const LEAF: TypeRef = { kind: 'map', fields: { numeric: SCALAR, string: SCALAR, bool: SCALAR } };
const SETS: TypeRef = { kind: 'map', fields: { list: { kind: 'list', listType: 'set', elementType: SCALAR } } };
const ITEM: TypeRef = { kind: 'map', fields: { name: SCALAR, value: SCALAR } };
const STRUCT: TypeRef = { kind: 'map', fields: { name: SCALAR, scalarField_v1: SCALAR, scalarField_v2: SCALAR } };
const ASSOC: TypeRef = {
  kind: 'map',
  fields: { list: { kind: 'list', listType: 'map', keys: ['name'], elementType: ITEM }, struct: STRUCT },
};

type Op = { op: 'apply' | 'force' | 'update'; manager: string; object: unknown; conflicts?: string[] };
interface Scenario {
  type: TypeRef;
  ops: Op[];
  object: unknown;
  managed: Record<string, Path[]>;
}

const f = (field: string): PathElement => ({ field });
const V = (value: Scalar): PathElement => ({ value });
const K = (name: string): PathElement => ({ key: [['name', name]] });
const P = (...els: (string | PathElement)[]): Path => els.map((e) => (typeof e === 'string' ? f(e) : e));

const scenarios: Record<string, Scenario> = {
  'leaf: apply twice': {
    type: LEAF,
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string' } },
      { op: 'apply', manager: 'default', object: { numeric: 2, string: 'string', bool: false } },
    ],
    object: { numeric: 2, string: 'string', bool: false },
    managed: { default: [P('numeric'), P('string'), P('bool')] },
  },
  'leaf: apply, update, apply — no conflict': {
    type: LEAF,
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string' } },
      { op: 'update', manager: 'controller', object: { numeric: 1, string: 'string', bool: true } },
      { op: 'apply', manager: 'default', object: { numeric: 2, string: 'string' } },
    ],
    object: { numeric: 2, string: 'string', bool: true },
    managed: { default: [P('numeric'), P('string')], controller: [P('bool')] },
  },
  'leaf: apply, update, apply — conflict, then forced': {
    type: LEAF,
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string' } },
      { op: 'update', manager: 'controller', object: { numeric: 1, string: 'controller string', bool: true } },
      {
        op: 'apply',
        manager: 'default',
        object: { numeric: 2, string: 'user string' },
        conflicts: ['controller .string'],
      },
      { op: 'force', manager: 'default', object: { numeric: 2, string: 'user string' } },
    ],
    object: { numeric: 2, string: 'user string', bool: true },
    managed: { default: [P('numeric'), P('string')], controller: [P('bool')] },
  },
  'leaf: apply twice, removing': {
    type: LEAF,
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 1, string: 'string', bool: false } },
      { op: 'apply', manager: 'default', object: { string: 'new string' } },
    ],
    object: { string: 'new string' },
    managed: { default: [P('string')] },
  },
  'leaf: an update takes the field; the applier omitting it leaves it': {
    type: LEAF,
    ops: [
      { op: 'apply', manager: 'default', object: { numeric: 2 } },
      { op: 'update', manager: 'controller', object: { numeric: 1 } },
      { op: 'apply', manager: 'default', object: {} },
    ],
    object: { numeric: 1 },
    managed: { controller: [P('numeric')] },
  },
  'set: apply twice': {
    type: SETS,
    ops: [
      { op: 'apply', manager: 'default', object: { list: ['a', 'c'] } },
      { op: 'apply', manager: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managed: { default: ['a', 'b', 'c', 'd'].map((v) => P('list', V(v))) },
  },
  "set: apply, update, apply with no overlap (SMD's merge order)": {
    type: SETS,
    ops: [
      { op: 'apply', manager: 'default', object: { list: ['a', 'c'] } },
      { op: 'update', manager: 'controller', object: { list: ['a', 'b', 'c', 'd'] } },
      { op: 'apply', manager: 'default', object: { list: ['a', 'aprime', 'c', 'cprime'] } },
    ],
    object: { list: ['a', 'b', 'aprime', 'c', 'd', 'cprime'] },
    managed: {
      default: ['a', 'aprime', 'c', 'cprime'].map((v) => P('list', V(v))),
      controller: [P('list', V('b')), P('list', V('d'))],
    },
  },
  'set: apply twice, reordered': {
    type: SETS,
    ops: [
      { op: 'apply', manager: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { op: 'apply', manager: 'default', object: { list: ['a', 'd', 'c', 'b'] } },
    ],
    object: { list: ['a', 'd', 'c', 'b'] },
    managed: { default: ['a', 'b', 'c', 'd'].map((v) => P('list', V(v))) },
  },
  "set: an update reorders, the applier's order wins on re-apply": {
    type: SETS,
    ops: [
      { op: 'apply', manager: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { op: 'update', manager: 'controller', object: { list: ['a', 'd', 'c', 'b'] } },
      { op: 'apply', manager: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managed: { default: ['a', 'b', 'c', 'd'].map((v) => P('list', V(v))) },
  },
  "appliers: one removes an item only it applied; the other's stays": {
    type: ASSOC,
    ops: [
      { op: 'apply', manager: 'apply-one', object: { list: [{ name: 'a' }, { name: 'b' }] } },
      { op: 'apply', manager: 'apply-two', object: { list: [{ name: 'c' }] } },
      { op: 'apply', manager: 'apply-one', object: { list: [{ name: 'a' }] } },
    ],
    object: { list: [{ name: 'a' }, { name: 'c' }] },
    managed: {
      'apply-one': [P('list', K('a')), P('list', K('a'), 'name')],
      'apply-two': [P('list', K('c')), P('list', K('c'), 'name')],
    },
  },
  'appliers: the same value is no conflict': {
    type: ASSOC,
    ops: [
      { op: 'apply', manager: 'apply-one', object: { list: [{ name: 'a', value: 0 }] } },
      { op: 'apply', manager: 'apply-two', object: { list: [{ name: 'a', value: 0 }] } },
    ],
    object: { list: [{ name: 'a', value: 0 }] },
    managed: {
      'apply-one': [P('list', K('a')), P('list', K('a'), 'name'), P('list', K('a'), 'value')],
      'apply-two': [P('list', K('a')), P('list', K('a'), 'name'), P('list', K('a'), 'value')],
    },
  },
  "appliers: a different value conflicts on the item's field": {
    type: ASSOC,
    ops: [
      { op: 'apply', manager: 'apply-one', object: { list: [{ name: 'a', value: 0 }] } },
      {
        op: 'apply',
        manager: 'apply-two',
        object: { list: [{ name: 'a', value: 1 }] },
        conflicts: ['apply-one .list[name="a"].value'],
      },
    ],
    object: { list: [{ name: 'a', value: 0 }] },
    managed: { 'apply-one': [P('list', K('a')), P('list', K('a'), 'name'), P('list', K('a'), 'value')] },
  },
  'unset scalar, sole owner: removed': {
    type: ASSOC,
    ops: [
      { op: 'apply', manager: 'apply-one', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
      { op: 'apply', manager: 'apply-one', object: { struct: { name: 'a' } } },
    ],
    object: { struct: { name: 'a' } },
    managed: { 'apply-one': [P('struct', 'name')] },
  },
  'unset scalar shared with another applier: kept': {
    type: ASSOC,
    ops: [
      { op: 'apply', manager: 'apply-one', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
      { op: 'apply', manager: 'apply-two', object: { struct: { scalarField_v1: 'a' } } },
      { op: 'apply', manager: 'apply-one', object: { struct: { name: 'a' } } },
    ],
    object: { struct: { name: 'a', scalarField_v1: 'a' } },
    managed: { 'apply-one': [P('struct', 'name')], 'apply-two': [P('struct', 'scalarField_v1')] },
  },
  'unset scalar shared with an updater: kept, and the updater keeps the struct it created': {
    type: ASSOC,
    ops: [
      { op: 'update', manager: 'updater', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
      { op: 'apply', manager: 'applier', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
      { op: 'apply', manager: 'applier', object: { struct: { name: 'a' } } },
    ],
    object: { struct: { name: 'a', scalarField_v1: 'a' } },
    managed: {
      updater: [P('struct'), P('struct', 'name'), P('struct', 'scalarField_v1')],
      applier: [P('struct', 'name')],
    },
  },
  'an updater claims a field from an applier': {
    type: ASSOC,
    ops: [
      { op: 'apply', manager: 'applier', object: { struct: { name: 'a', scalarField_v1: 'a' } } },
      { op: 'update', manager: 'updater', object: { struct: { name: 'a', scalarField_v1: 'b' } } },
    ],
    object: { struct: { name: 'a', scalarField_v1: 'b' } },
    managed: { updater: [P('struct', 'scalarField_v1')], applier: [P('struct', 'name')] },
  },
};

describe('structured-merge-diff scenarios', () => {
  for (const [name, s] of Object.entries(scenarios)) {
    it(name, () => {
      let live: unknown;
      let managers: Managers = new Map();
      for (const op of s.ops) {
        if (op.op === 'update') {
          managers = update(live ?? {}, op.object, s.type, 'v1', managers, op.manager);
          live = op.object;
          continue;
        }
        try {
          const r = apply(live, op.object, s.type, 'v1', managers, op.manager, op.op === 'force');
          assert.equal(op.conflicts, undefined, `${op.manager}'s apply should have conflicted`);
          live = r.object;
          managers = r.managers;
        } catch (e) {
          if (!(e instanceof ConflictError) || !op.conflicts) throw e;
          assert.deepEqual(
            e.conflicts.map((c) => `${c.manager} ${pathString(c.path)}`),
            op.conflicts,
          );
        }
      }
      assert.deepEqual(live, s.object);
      assert.deepEqual([...managers.keys()].sort(), Object.keys(s.managed).sort());
      for (const [manager, paths] of Object.entries(s.managed)) {
        assert.ok(
          managers.get(manager)!.set.equals(FieldSet.of(...paths)),
          `${manager}: ${JSON.stringify(managers.get(manager)!.set.toFieldsV1())} ≠ ${JSON.stringify(FieldSet.of(...paths).toFieldsV1())}`,
        );
      }
    });
  }
});
