// The JSONPath subset of printer columns, selectable fields and scale paths; and the Table a CRD version prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { defsForCrd, type CrdSpec } from '../../../src/apiextensions/custom-resource.js';
import { evaluate, parsePath } from '../../../src/apiextensions/jsonpath.js';

const OBJ = { spec: { size: 3, tags: ['a', 'b'] }, metadata: { labels: { 'app.kubernetes.io/name': 'x' } } };

describe('JSONPath subset', () => {
  const cases: [string, unknown][] = [
    ['.spec.size', 3],
    ['.spec.tags[1]', 'b'],
    [".metadata.labels['app.kubernetes.io/name']", 'x'],
    ['.spec.missing.deeper', undefined],
    ['.spec.tags[5]', undefined],
  ];
  for (const [path, want] of cases) {
    it(path, () => {
      const steps = parsePath(path);
      assert.ok(typeof steps !== 'string', String(steps));
      assert.deepEqual(evaluate(OBJ, steps), want);
    });
  }
  for (const bad of ['spec.size', '.spec..size', '.spec[x]', '.spec[0', '{.spec}']) {
    it(`refuses ${bad}`, () => assert.equal(typeof parsePath(bad), 'string'));
  }
});

describe('a CRD version as served', () => {
  const spec: CrdSpec = {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
    versions: [
      { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object' } },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Tags', type: 'string', jsonPath: '.spec.tags' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
      { name: 'v0', served: false, storage: false },
    ],
  };
  const defs = defsForCrd(spec);
  it('serves the served versions, GA first (the preferred version), stored under one prefix in v1', () => {
    assert.deepEqual(
      defs.map((d) => d.version),
      ['v1', 'v1beta1'],
    );
    const beta = defs[1]!;
    assert.equal(beta.storedAs?.resource, 'widgets');
    const stored = beta.storedAs!.toStored({
      apiVersion: 'stable.example.com/v1beta1',
      kind: 'Widget',
      metadata: {},
    } as KubeObject);
    assert.equal(stored.apiVersion, 'stable.example.com/v1');
    assert.equal(beta.storedAs!.fromStored(stored).apiVersion, 'stable.example.com/v1beta1');
    assert.deepEqual(
      [defs[0]!.shortNames, defs[0]!.categories, defs[0]!.listKind, defs[0]!.singularName],
      [['wd'], ['all'], 'WidgetList', 'widget'],
    );
  });
  it('prints Name and the printer columns: nulls for missing values, JSON for lists, ages for dates', () => {
    const table = defs[0]!.table!;
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['Name', 'Size', 'Tags', 'Age'],
    );
    const ts = new Date(Date.now() - 3 * 60_000).toISOString();
    const obj = {
      apiVersion: 'stable.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', creationTimestamp: ts },
      spec: { tags: ['a'] },
    } as unknown as KubeObject;
    assert.deepEqual(table.cells(obj), ['w', null, '["a"]', '3m']);
  });
  it('a version without columns prints Name and Age', () => {
    assert.deepEqual(
      defs[1]!.table!.columns.map((c) => c.name),
      ['Name', 'Age'],
    );
  });
});
