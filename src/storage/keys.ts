// Key ordering and prefix ranges shared by every backend. SQLite compares TEXT as UTF-8 bytes, which is
// Unicode code point order; JavaScript's `<` compares UTF-16 code units, which differs once astral
// characters (surrogate pairs) meet U+E000–U+FFFF. Every backend orders keys by code point so that paging
// (`after`) and prefix ranges agree across backends.

/** Compares two keys by Unicode code point, as SQLite's BINARY collation over UTF-8 does. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (U+D800–DFFF) encode code points above U+FFFF, so they must sort after U+E000–U+FFFF.
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * The smallest key greater than every key that starts with prefix (etcd's `GetPrefixRangeEnd`, by code
 * point), or undefined when there is none (the empty prefix). `prefix <= key < prefixEnd(prefix)` is then
 * an index range scan, with no LIKE escaping of `_` and `%` to get wrong.
 */
export function prefixEnd(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      codePoints.push(String.fromCodePoint(next));
      return codePoints.join('');
    }
  }
  return undefined;
}
