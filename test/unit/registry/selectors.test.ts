// Label selector syntax and semantics as labels.Parse (apimachinery/pkg/labels/selector_test.go).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelSelectorMatcher, parseFieldSelector, parseLabelSelector } from '../../../src/registry/selectors.js';

const labels = { env: 'prod', tier: 'web', n: '5' };
const cases: [string, boolean][] = [
  ['', true],
  ['env=prod', true],
  ['env==prod', true],
  ['env!=prod', false],
  ['env=dev', false],
  ['env in (prod,dev)', true],
  ['env in (dev)', false],
  ['env notin (dev)', true],
  ['missing notin (x)', true],
  ['tier', true],
  ['!tier', false],
  ['!missing', true],
  ['env=prod,tier=web', true],
  ['env=prod,tier=db', false],
  ['n>3', true],
  ['n<3', false],
  ['missing!=x', true],
];

describe('label selectors', () => {
  for (const [sel, want] of cases) it(JSON.stringify(sel), () => assert.equal(parseLabelSelector(sel)(labels), want));
  it('rejects bad syntax with 400', () => {
    assert.throws(
      () => parseLabelSelector('env in prod'),
      (e: any) => e.code === 400,
    );
    assert.throws(
      () => parseLabelSelector('=x'),
      (e: any) => e.code === 400,
    );
  });
  it('matches metav1.LabelSelector objects', () => {
    assert.equal(
      labelSelectorMatcher({
        matchLabels: { env: 'prod' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }],
      })(labels),
      true,
    );
    assert.equal(
      labelSelectorMatcher({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] })(labels),
      false,
    );
  });
});

describe('field selectors', () => {
  it('parses =, == and !=', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=a,spec.nodeName!=b,status.phase==Running'), [
      { field: 'metadata.name', op: '=', value: 'a' },
      { field: 'spec.nodeName', op: '!=', value: 'b' },
      { field: 'status.phase', op: '=', value: 'Running' },
    ]);
  });
  it('rejects garbage with 400', () =>
    assert.throws(
      () => parseFieldSelector('nonsense'),
      (e: any) => e.code === 400,
    ));
});
