// ValidateCustomResourceDefinition as a table: names, scope, versions (exactly one storage version), structural
// schemas, printer columns and selectable fields, with kube's field paths and texts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { validateCrd } from '../../../src/apiextensions/crd-validation.js';
import { compareVersions } from '../../../src/apiextensions/custom-resource.js';

function crd(mut: (spec: Record<string, any>) => void = () => {}, name = 'widgets.stable.example.com'): KubeObject {
  const spec: Record<string, any> = {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget', singular: 'widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } },
      },
    ],
  };
  mut(spec);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec,
  } as unknown as KubeObject;
}

describe('CRD validation', () => {
  const cases: { name: string; obj: KubeObject; want: string[] }[] = [
    { name: 'valid', obj: crd(), want: [] },
    {
      name: 'name is plural.group',
      obj: crd(() => {}, 'gadgets.stable.example.com'),
      want: ['metadata.name: Invalid value: "gadgets.stable.example.com": must be spec.names.plural+"."+spec.group'],
    },
    {
      name: 'two storage versions',
      obj: crd((s) => {
        s.versions.push({ ...s.versions[0], name: 'v2' });
      }),
      want: ['spec.versions: Invalid value: ["v1","v2"]: must have exactly one version marked as storage version'],
    },
    {
      name: 'no storage version',
      obj: crd((s) => {
        s.versions[0].storage = false;
      }),
      want: ['spec.versions: Invalid value: ["v1"]: must have exactly one version marked as storage version'],
    },
    {
      name: 'scope',
      obj: crd((s) => {
        s.scope = 'Global';
      }),
      want: ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'],
    },
    {
      name: 'group needs a dot',
      obj: crd((s) => {
        s.group = 'example';
      }, 'widgets.example'),
      want: ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
    },
    {
      name: 'kind required',
      obj: crd((s) => {
        delete s.names.kind;
      }),
      want: ['spec.names.kind: Required value'],
    },
    {
      name: 'schema required',
      obj: crd((s) => {
        delete s.versions[0].schema;
      }),
      want: ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required'],
    },
    {
      name: 'structural: a type at every level',
      obj: crd((s) => {
        s.versions[0].schema.openAPIV3Schema.properties.spec = { properties: { a: { type: 'string' } } };
      }),
      want: [
        'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
      ],
    },
    {
      name: 'printer column type',
      obj: crd((s) => {
        s.versions[0].additionalPrinterColumns = [{ name: 'X', type: 'float', jsonPath: '.spec.x' }];
      }),
      want: [
        'spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: "float": supported values: "integer", "number", "string", "boolean", "date"',
      ],
    },
    {
      name: 'printer column path',
      obj: crd((s) => {
        s.versions[0].additionalPrinterColumns = [{ name: 'X', type: 'string', jsonPath: 'spec.x' }];
      }),
      want: [
        'spec.versions[0].additionalPrinterColumns[0].jsonPath: Invalid value: "spec.x": must be a simple json path starting with .',
      ],
    },
    {
      name: 'forbidden schema keywords',
      obj: crd((s) => {
        s.versions[0].schema.openAPIV3Schema.properties.spec = {
          type: 'object',
          patternProperties: { '^a': { type: 'string' } },
          properties: { l: { type: 'array', uniqueItems: true, items: { type: 'string' } } },
        };
      }),
      want: [
        'spec.versions[0].schema.openAPIV3Schema.properties[spec].patternProperties: Forbidden: patternProperties is not supported',
        'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ],
    },
    {
      name: 'conversion webhook is not served',
      obj: crd((s) => {
        s.conversion = { strategy: 'Webhook' };
      }),
      want: ['spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None"'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        validateCrd(c.obj).map((e) => `${e.field}: ${e.message}`),
        c.want,
      );
    });
  }
});

describe('version priority (kube-aware ordering)', () => {
  it('GA before beta before alpha, higher first', () => {
    assert.deepEqual(['v1alpha1', 'v2', 'v1beta2', 'v1', 'foo', 'v1beta1'].sort(compareVersions), [
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v1alpha1',
      'foo',
    ]);
  });
});
