import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareKeys, prefixEnd } from '../../../src/storage/keys.js';

const utf8Order = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('compareKeys', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['', 'a'],
    ['/a', '/a/'],
    ['/a/', '/a_'],
    ['/registry/pods', '/registry/podsx'],
    ['Z', 'a'],
    ['\u00e9', '\uffff'],
    ['\ue000', '\u{1F600}'], // UTF-16 puts the surrogate pair first; UTF-8 and SQLite do not
    ['\uffff', '\u{10000}'],
    ['\u{1F600}', '\u{1F601}'],
    ['\u{1F600}', '\u{10FFFF}'],
    ['x\u{1F600}y', 'x\ue000z'],
  ];
  for (const [a, b] of cases) {
    it(`orders ${JSON.stringify(a)} and ${JSON.stringify(b)} as UTF-8 bytes`, () => {
      assert.equal(Math.sign(compareKeys(a, b)), utf8Order(a, b));
      assert.equal(Math.sign(compareKeys(b, a)), utf8Order(b, a));
    });
  }

  it('agrees with UTF-8 byte order on random strings', () => {
    const alphabet = [
      'a',
      'b',
      '/',
      '_',
      '\u00e9',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '\u{10000}',
      '\u{1F600}',
      '\u{10FFFF}',
    ];
    const random = () =>
      Array.from(
        { length: 1 + Math.floor(Math.random() * 4) },
        () => alphabet[Math.floor(Math.random() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 5000; i++) {
      const a = random();
      const b = random();
      assert.equal(Math.sign(compareKeys(a, b)), utf8Order(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  });
});

describe('prefixEnd', () => {
  const cases: Array<{ prefix: string; want: string | undefined }> = [
    { prefix: '', want: undefined },
    { prefix: '/registry/pods/', want: '/registry/pods0' },
    { prefix: '/registry/a_b/', want: '/registry/a_b0' },
    { prefix: 'a', want: 'b' },
    { prefix: 'a\u{10FFFF}', want: 'b' },
    { prefix: '\u{10FFFF}\u{10FFFF}', want: undefined },
    { prefix: '/\ud7ff', want: '/\ue000' }, // skips the surrogate range, which is no code point
    { prefix: '/\uffff', want: '/\u{10000}' },
    { prefix: '/\u{1F600}', want: '/\u{1F601}' },
  ];
  for (const { prefix, want } of cases) {
    it(`ends ${JSON.stringify(prefix)} at ${JSON.stringify(want)}`, () => {
      assert.equal(prefixEnd(prefix), want);
      if (want !== undefined) {
        assert.ok(compareKeys(prefix, want) < 0);
        assert.ok(
          compareKeys(prefix + '\u{10FFFF}\u{10FFFF}', want) < 0,
          'every extension of prefix sorts below the end',
        );
      }
    });
  }
});
