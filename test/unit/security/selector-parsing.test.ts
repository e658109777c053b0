// Issue 10, finding 5: label and field selectors are parsed in one pass, as apimachinery parses them (cases and
// texts after labels/selector_test.go and fields/selector_test.go), within a length budget, and matched at a
// cost per object that does not grow with the size of an `in (…)` list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../../src/api/errors.js';
import { MAX_SELECTOR_LENGTH, parseFieldSelector, parseLabelSelector } from '../../../src/registry/selectors.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, 400);
    return e.message;
  }
  assert.fail('expected a 400');
}

/** Asserts fn runs within ms (generous: the inputs that motivated this took seconds to minutes). */
function within<T>(ms: number, fn: () => T): T {
  const start = Date.now();
  const out = fn();
  const took = Date.now() - start;
  assert.ok(took < ms, `took ${took} ms`);
  return out;
}

const LABEL_VALUE_TEXT =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('labels.Parse', () => {
  const labels = { x: 'a', y: 'b', z: '', n: '5', in: 'notin' };
  // selector, matches `labels`
  const good: [string, boolean][] = [
    ['', true],
    ['   ', true],
    ['x=a,y=b', true],
    ['x==a', true],
    ['x!=a', false],
    ['x=', false],
    ['z=', true],
    ['z= ', true],
    [' x = a , y ', true],
    ['!x', false],
    ['!w', true],
    ['x', true],
    ['w', false],
    ['n>1', true],
    ['n>1,n<5', false],
    ['n<6', true],
    ['x>1', false],
    ['w notin (a)', true],
    ['x in (a,b)', true],
    ['x in (b,c)', false],
    ['x notin (a)', false],
    ['z in ()', true],
    ['x in (,b)', false],
    ['z in (,b)', true],
    ['x in (a,)', true],
    ['in=notin', true],
    ['in in (in,notin)', true],
    ['x in (notin)', false],
    ['example.com/w', false],
    ['w-1.x_y', false],
  ];
  for (const [selector, want] of good) {
    it(`parses ${JSON.stringify(selector)}`, () => assert.equal(parseLabelSelector(selector)(labels), want));
  }

  // selector, kube-apiserver's 400 message
  const bad: [string, string][] = [
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['=x', "found '=', expected: !, identifier, or 'end of string'"],
    ['x,', "found '', expected: identifier after ','"],
    ['x,,y', "found ',', expected: identifier after ','"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in b', "unable to parse requirement: found 'b' expected: '('"],
    ['x in (a,b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    [
      'x<a',
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    ['x>-1', `unable to parse requirement: values[0][x]: Invalid value: "-1": ${LABEL_VALUE_TEXT}`],
    [
      'x>-a',
      `unable to parse requirement: [values[0]: Invalid value: "-a": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "-a": ${LABEL_VALUE_TEXT}]`,
    ],
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${LABEL_VALUE_TEXT}`],
    [
      `x=${'v'.repeat(64)}`,
      `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ],
    [
      `${'k'.repeat(64)}`,
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    ],
    [
      `${'p'.repeat(254)}/k=v`,
      `unable to parse requirement: <nil>: Invalid value: "${'p'.repeat(254)}/k": prefix part must be no more than 253 characters`,
    ],
    [
      '-x',
      `unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ],
  ];
  for (const [selector, want] of bad) {
    it(`refuses ${JSON.stringify(selector.slice(0, 40))}`, () =>
      assert.equal(
        message(() => parseLabelSelector(selector)),
        want,
      ));
  }

  it('refuses a selector over the length budget before parsing it', () => {
    const long = `a=b${' '.repeat(MAX_SELECTOR_LENGTH)}`;
    assert.equal(
      within(50, () => message(() => parseLabelSelector(long))),
      `labelSelector is too long: ${long.length} characters, at most ${MAX_SELECTOR_LENGTH} are accepted`,
    );
  });

  // Inputs at the budget that are as awkward as possible for a parser: each must take a few milliseconds.
  const n = MAX_SELECTOR_LENGTH;
  const worst: [string, string][] = [
    ['spaces', `a=b${' '.repeat(n - 3)}`],
    ['bangs', '!'.repeat(n)],
    ['operators', '=!'.repeat(n / 2)],
    ['requirements', 'a=b,'.repeat(n / 4 - 1) + 'a=b'],
    ['an in list', `a in (${'b,'.repeat(n / 2 - 4)}b)`],
    ['one identifier', 'k'.repeat(n)],
  ];
  for (const [name, selector] of worst) {
    it(`parses or refuses ${name} (${selector.length} characters) in linear time`, () => {
      within(500, () => {
        try {
          parseLabelSelector(selector);
        } catch (e) {
          assert.ok(e instanceof StatusError && e.code === 400, String(e));
        }
      });
    });
  }

  it('matches an `in` list of thousands of values at one lookup per object', () => {
    const values = Array.from({ length: 5000 }, (_, i) => `v${i}`);
    const match = parseLabelSelector(`x in (${values.join(',')})`);
    const objects = Array.from({ length: 20_000 }, (_, i) => ({ x: `v${i}` }));
    const hits = within(500, () => objects.filter((o) => match(o)).length);
    assert.equal(hits, 5000);
  });
});

describe('fields.ParseSelector', () => {
  const good: [string, { field: string; op: string; value: string }[]][] = [
    ['', []],
    [',,', []],
    ['metadata.name=a', [{ field: 'metadata.name', op: '=', value: 'a' }]],
    [
      'spec.nodeName!=b,metadata.name==a',
      [
        { field: 'metadata.name', op: '=', value: 'a' },
        { field: 'spec.nodeName', op: '!=', value: 'b' },
      ],
    ],
    ['metadata.name=a\\,b\\=c\\\\', [{ field: 'metadata.name', op: '=', value: 'a,b=c\\' }]],
    ['metadata.name= a ', [{ field: 'metadata.name', op: '=', value: ' a ' }]],
    [' metadata.name=a', [{ field: ' metadata.name', op: '=', value: 'a' }]],
    ['metadata.name=', [{ field: 'metadata.name', op: '=', value: '' }]],
    ['a!=', [{ field: 'a', op: '!=', value: '' }]],
  ];
  for (const [selector, want] of good) {
    it(`parses ${JSON.stringify(selector)}`, () => assert.deepEqual(parseFieldSelector(selector), want));
  }
  const bad: [string, string][] = [
    ['nonsense', "invalid selector: 'nonsense'; can't understand 'nonsense'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['   ', "invalid selector: '   '; can't understand '   '"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a==b,c', "invalid selector: 'a==b,c'; can't understand 'c'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [selector, want] of bad) {
    it(`refuses ${JSON.stringify(selector)}`, () =>
      assert.equal(
        message(() => parseFieldSelector(selector)),
        want,
      ));
  }

  it("finding 5's selector: 128,000 spaces are over the budget, refused at once", () => {
    const selector = `metadata.namespace=a${' '.repeat(128_000)}b`;
    assert.equal(
      within(50, () => message(() => parseFieldSelector(selector))),
      `fieldSelector is too long: ${selector.length} characters, at most ${MAX_SELECTOR_LENGTH} are accepted`,
    );
  });
  it('and the same shape within the budget is parsed in one pass', () => {
    const spaces = ' '.repeat(MAX_SELECTOR_LENGTH - 25);
    const [req] = within(500, () => parseFieldSelector(`metadata.namespace=a${spaces}b`));
    assert.equal(req!.value, `a${spaces}b`);
    within(500, () => parseFieldSelector('a=b,'.repeat(MAX_SELECTOR_LENGTH / 4)));
    within(500, () => message(() => parseFieldSelector(`a${'!'.repeat(MAX_SELECTOR_LENGTH - 1)}`)));
    within(500, () => message(() => parseFieldSelector(`a=${'\\\\'.repeat(MAX_SELECTOR_LENGTH / 2 - 2)}=`)));
  });
});
