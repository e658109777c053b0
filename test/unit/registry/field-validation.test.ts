// Server-side field validation over the per-kind schemas: unknown fields by path, the three modes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import { checkFields, fieldValidationMode, unknownFields } from '../../../src/registry/field-validation.js';

const pod = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { a: 'b' }, annotations: { x: 'y' } },
  spec: {
    containers: [
      { name: 'c', image: 'i', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } }, ...container },
    ],
    volumes: [{ name: 'v', configMap: { name: 'cm' } }],
    ...extra,
  },
});

describe('unknownFields', () => {
  const cases: [string, KubeObject, string[]][] = [
    ['a valid pod', pod(), []],
    ['a typo in the spec', pod({ restartPolcy: 'Never' }), ['spec.restartPolcy']],
    ['a typo in a container', pod({}, { imagePulPolicy: 'Always' }), ['spec.containers[0].imagePulPolicy']],
    [
      'an inlined volume source field',
      pod({ volumes: [{ name: 'v', secret: { secretName: 's', nope: 1 } }] }),
      ['spec.volumes[0].secret.nope'],
    ],
    ['probes with IntOrString ports', pod({}, { readinessProbe: { httpGet: { path: '/', port: 'http' } } }), []],
    ['a top-level stranger', { ...pod(), extra: 1 } as KubeObject, ['extra']],
    [
      'rbac rules',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'r' },
        rules: [{ verbs: ['get'], resources: ['pods'], apiGroups: [''], resourceName: ['x'] }],
      },
      ['rules[0].resourceName'],
    ],
    ['a kind without a schema', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: {}, whatever: 1 }, []],
  ];
  for (const [name, obj, want] of cases) it(name, () => assert.deepEqual(unknownFields(obj), want));
});

describe('fieldValidation modes', () => {
  it("Strict refuses with kube-apiserver's text", () => {
    assert.throws(
      () => checkFields(pod({ restartPolcy: 'Never' }), 'Strict'),
      (e: any) =>
        e.code === 400 &&
        e.message ===
          'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.restartPolcy"',
    );
  });
  it('Warn returns warnings and Ignore nothing', () => {
    assert.deepEqual(checkFields(pod({ restartPolcy: 'Never' }), 'Warn'), ['unknown field "spec.restartPolcy"']);
    assert.deepEqual(checkFields(pod({ restartPolcy: 'Never' }), 'Ignore'), []);
  });
  it('parses the parameter, defaulting to Warn', () => {
    assert.equal(fieldValidationMode(new URLSearchParams('')), 'Warn');
    assert.equal(fieldValidationMode(new URLSearchParams('fieldValidation=Strict')), 'Strict');
    assert.throws(
      () => fieldValidationMode(new URLSearchParams('fieldValidation=Loose')),
      (e: any) => e.code === 400,
    );
  });
});
