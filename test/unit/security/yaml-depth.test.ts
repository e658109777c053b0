// The linear pre-scan of YAML flow nesting: deep bodies are refused before the parser sees them, in
// linear time; quoted brackets and comments do not count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flowDepthExceededAt } from '../../../src/registry/yaml-depth.js';

describe('YAML flow depth pre-scan', () => {
  const cases: [string, string, number, number][] = [
    ['shallow flow list', 'a: [1, [2, {b: 3}]]', 3, 0],
    ['one past the limit', '[[[[]]]]', 3, 1],
    ['quoted brackets do not count', `a: "[[[[[["\nb: '{{{{{{'`, 2, 0],
    ['an escaped quote stays inside the scalar', `a: "\\"[[[[["\nb: 'it''s [[[['`, 2, 0],
    ['comments do not count', 'a: 1 # [[[[[[[\n', 2, 0],
    ['an apostrophe inside a plain word is not a quote', "a: it's\nb: [[[[", 3, 2],
    ['closing brackets bring the depth back', '[[]] [[]] [[]]', 2, 0],
  ];
  for (const [name, text, max, want] of cases) it(name, () => assert.equal(flowDepthExceededAt(text, max), want));

  it('scans a million brackets in linear time', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    const t0 = performance.now();
    assert.equal(flowDepthExceededAt(text, 10_000), 1);
    assert.equal(flowDepthExceededAt(`${'[]'.repeat(1_000_000)}`, 10_000), 0);
    assert.ok(performance.now() - t0 < 2000);
  });
});
