// Issue 10, the class behind findings 3, 5 and 6: no regular expression in src/ may backtrack super-linearly.
// Every regex literal and constant `new RegExp(…)` in src/**/*.ts (see regex-inventory.ts) goes through the
// recheck ReDoS checker; a `vulnerable` (or unproven) verdict fails, naming the file, line and attack string.
// A regex added tomorrow is checked the same way, and a RegExp built from non-constant text fails outright,
// since nothing static can vouch for it.
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkSync, type Diagnostics } from 'recheck';
import { regexesInSource, regexInventory } from './regex-inventory.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The project root, from test/unit/security (tsx) or dist/test/unit/security (compiled). */
const ROOT = resolve(here, here.includes(join('dist', 'test')) ? '../../../..' : '../../..');

/**
 * Per pattern: recheck's automaton checker where it applies (fast), its fuzzer otherwise; a fixed seed so a
 * run is repeatable; and a time bound so one pathological pattern cannot stall the suite.
 */
const PARAMS = { timeout: 10_000, randomSeed: 0, accelerationMode: 'on' as const };

function check(source: string, flags: string): Diagnostics {
  return checkSync(source, flags, PARAMS);
}

function describeVerdict(d: Diagnostics): string {
  if (d.status === 'vulnerable') {
    const c = d.complexity;
    return `vulnerable (${c.type}${c.type === 'polynomial' ? `, degree ${c.degree}` : ''}), attack ${d.attack.pattern}`;
  }
  return d.status === 'unknown' ? `unknown (${d.error.kind})` : d.status;
}

describe('ReDoS: every regular expression in src/', () => {
  it('finds the regexes (literals, constant RegExp(…), String.match with a string)', () => {
    const sample = [
      "const A = '[a-z]+';",
      'const re1 = /^\\/+|\\/+$/g;',
      'const re2 = new RegExp(`^${A}$`, "i");',
      "const re3 = 'x'.match('a+b');",
      'const ratio = total / count / 2;',
      'const dyn = new RegExp(userText);',
    ].join('\n');
    const inv = regexesInSource('sample.ts', sample);
    assert.deepEqual(
      inv.found.map((r) => [r.source, r.flags]),
      [
        ['^\\/+|\\/+$', 'g'],
        ['^[a-z]+$', 'i'],
        ['a+b', ''],
      ],
    );
    assert.deepEqual(
      inv.dynamic.map((d) => d.text),
      ['new RegExp(userText)'],
    );
  });

  it('the checker flags the patterns issue 10 found (so this test can fail)', () => {
    const before = [
      ['^\\/+|\\/+$', 'g'], // requestinfo's slash trimming
      ['^\\s*([^=!\\s]+)\\s*(==|=|!=)\\s*(.*?)\\s*$', ''], // the field selector term
      ['-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n([\\s\\S]*?)-----END \\1-----', 'g'], // the PEM block
    ];
    for (const [source, flags] of before) assert.equal(check(source!, flags!).status, 'vulnerable', source);
  });

  it('no RegExp is built from text that is not a constant', () => {
    const { dynamic } = regexInventory(ROOT);
    assert.deepEqual(
      dynamic.map((d) => `${d.file}:${d.line} ${d.text}`),
      [],
    );
  });

  it('recheck finds every regex safe', { timeout: 120_000 }, () => {
    const { found } = regexInventory(ROOT);
    // A floor, so that a broken extractor cannot pass by finding nothing.
    assert.ok(found.length >= 40, `only ${found.length} regexes found under src/`);
    const bySource = new Map<string, string[]>();
    for (const r of found) {
      const key = `/${r.source}/${r.flags}`;
      bySource.set(key, [...(bySource.get(key) ?? []), `${r.file}:${r.line}`]);
    }
    const problems: string[] = [];
    for (const [key, where] of bySource) {
      const end = key.lastIndexOf('/');
      const d = check(key.slice(1, end), key.slice(end + 1));
      if (d.status !== 'safe') problems.push(`${key} at ${where.join(', ')}: ${describeVerdict(d)}`);
    }
    assert.deepEqual(problems, []);
  });
});
