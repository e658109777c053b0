// Issue 10, finding 10: metadata.labels and metadata.annotations are checked as kube's ValidateLabels and
// ValidateAnnotations check them — keys as qualified names (name part ≤ 63 bytes, prefix a DNS subdomain ≤ 253),
// values ≤ 63 bytes, annotations ≤ 262144 bytes in all — with their texts, counting UTF-8 bytes as Go does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/types.js';
import {
  dns1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  validateObjectMeta,
} from '../../../src/registry/validation.js';

const QUALIFIED =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('validation.IsQualifiedName (label and annotation keys)', () => {
  const cases: [string, string[]][] = [
    ['app', []],
    ['app.kubernetes.io/name', []],
    ['A_b-1.c', []],
    ['n'.repeat(63), []],
    ['n'.repeat(64), ['name part must be no more than 63 characters']],
    ['é'.repeat(32), ['name part must be no more than 63 characters', `name part ${QUALIFIED}`]], // 64 bytes
    [`${'p'.repeat(253)}/n`, []],
    [`${'p'.repeat(254)}/n`, ['prefix part must be no more than 253 characters']],
    ['Example.com/n', [`prefix part ${SUBDOMAIN}`]],
    ['/n', ['prefix part must be non-empty']],
    ['example.com/', ['name part must be non-empty', `name part ${QUALIFIED}`]],
    ['', ['name part must be non-empty', `name part ${QUALIFIED}`]],
    ['-app', [`name part ${QUALIFIED}`]],
    [
      'a/b/c',
      [`a qualified name ${QUALIFIED} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ],
  ];
  for (const [key, want] of cases)
    it(JSON.stringify(key.slice(0, 40)), () => assert.deepEqual(isQualifiedName(key), want));
  it('a subdomain prefix is measured in bytes', () =>
    assert.deepEqual(dns1123Subdomain('é'.repeat(127)), ['must be no more than 253 characters', SUBDOMAIN]));
});

describe('validation.IsValidLabelValue', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['v', []],
    ['v'.repeat(63), []],
    ['v'.repeat(64), ['must be no more than 63 characters']],
    ['-v', [LABEL_VALUE]],
    ['v'.repeat(64) + '-', ['must be no more than 63 characters', LABEL_VALUE]],
  ];
  for (const [value, want] of cases)
    it(JSON.stringify(value.slice(0, 40)), () => assert.deepEqual(isValidLabelValue(value), want));
});

describe('ValidateObjectMeta: labels and annotations', () => {
  const cm = (metadata: Record<string, unknown>): KubeObject =>
    ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'd', ...metadata } }) as KubeObject;
  const errors = (metadata: Record<string, unknown>): string[] =>
    validateObjectMeta(cm(metadata), true, () => []).map((e) => `${e.field}: ${e.message}`);

  it('reports each bad label key and value on metadata.labels, with the offending text', () => {
    assert.deepEqual(errors({ labels: { ['k'.repeat(64)]: 'v'.repeat(64) } }), [
      `metadata.labels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
      `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });
  it('checks annotation keys as qualified names, ignoring case', () => {
    assert.deepEqual(errors({ annotations: { 'Example.COM/Note': 'x' } }), []);
    assert.deepEqual(errors({ annotations: { 'a/b/c': 'x' } }), [
      `metadata.annotations: Invalid value: "a/b/c": a qualified name ${QUALIFIED} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]);
  });
  it('limits annotations to 262144 bytes of keys and values, counting UTF-8 bytes', () => {
    assert.deepEqual(errors({ annotations: { note: 'a'.repeat(262_144 - 4) } }), []);
    const tooLong = ['metadata.annotations: Too long: may not be more than 262144 bytes'];
    assert.deepEqual(errors({ annotations: { note: 'a'.repeat(262_144 - 3) } }), tooLong);
    assert.deepEqual(errors({ annotations: { note: 'é'.repeat(140_000) } }), tooLong); // 280,000 bytes in 140,000 units
    const e = validateObjectMeta(cm({ annotations: { a: 'b'.repeat(300_000) } }), true, () => []);
    assert.deepEqual(
      e.map((x) => x.type),
      ['FieldValueTooLong'],
    );
  });
});
