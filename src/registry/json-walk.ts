// Walks over decoded JSON values without recursion. Go's decoder takes 10,000 levels of nesting (and so
// kube-apiserver does), far deeper than V8's call stack lets a recursive walk go: JSON.stringify gives up
// near 4,100 levels, structuredClone near 1,900. Whatever walks a request body's values uses these.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own-property assignment: a `__proto__` key is data, never the object's prototype. */
export function setOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else (target as Record<string, unknown>)[key] = value;
}

export function hasOwn(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

function emptyLike(v: object): Json[] | JsonObject {
  return Array.isArray(v) ? [] : {};
}

/** A deep copy as an independent tree (subtrees shared in the input, as YAML aliases leave them, are copied apart). */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const root = emptyLike(value);
  const stack: [object, Json[] | JsonObject][] = [[value, root]];
  while (stack.length) {
    const [src, dst] = stack.pop()!;
    const copy = (v: unknown): unknown => {
      if (typeof v !== 'object' || v === null) return v;
      const c = emptyLike(v);
      stack.push([v, c]);
      return c;
    };
    if (Array.isArray(src)) for (const v of src) (dst as unknown[]).push(copy(v));
    else for (const k of Object.keys(src)) setOwn(dst, k, copy((src as Record<string, unknown>)[k]));
  }
  return root as T;
}

/**
 * Semantic equality (apimachinery's equality.Semantic for what kauth stores): object key order does not
 * matter, and a key holding undefined is a key that is not there.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], y[i]]);
      continue;
    }
    if (!isJsonObject(x) || !isJsonObject(y)) return false;
    const kx = Object.keys(x).filter((k) => x[k] !== undefined);
    const ky = Object.keys(y).filter((k) => y[k] !== undefined);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!hasOwn(y, k)) return false;
      stack.push([x[k], y[k]]);
    }
  }
  return true;
}

/** Bytes of one string in Go's encoding/json output: quotes, escapes (HTML-safe, as json.Marshal writes), UTF-8. */
function goStringBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08 || c === 0x0c) n += 2;
      else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26)
        n += 6; // \u00XX
      else n += 1;
    } else if (c < 0x800) {
      n += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else if (c === 0x2028 || c === 0x2029) {
      n += 6;
    } else {
      n += 3; // a lone surrogate is U+FFFD after Go's decoder: 3 bytes
    }
  }
  return n;
}

/**
 * Bytes of Go's compact JSON for value (what evanphx/json-patch counts against AccumulatedCopySizeLimit).
 * Counting stops as soon as it passes limit, so a huge value (or a small one whose subtrees are shared many
 * times) costs no more than limit to measure; the answer is then some number above limit.
 */
export function encodedSize(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || v === undefined) total += 4;
    else if (typeof v === 'string') total += goStringBytes(v);
    else if (typeof v === 'number') total += Number.isFinite(v) ? String(v).length : 4;
    else if (typeof v === 'boolean') total += v ? 4 : 5;
    else if (Array.isArray(v)) {
      total += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object') {
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      total += 2 + Math.max(0, keys.length - 1);
      for (const k of keys) {
        total += goStringBytes(k) + 1;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
    if (total > limit) return total;
  }
  return total;
}

/** Nesting of arrays and objects (a scalar is 0, `{}` is 1); counting stops once past limit. */
export function nestingDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const item of Array.isArray(v) ? v : Object.values(v))
      if (typeof item === 'object' && item !== null) stack.push([item, d]);
  }
  return max;
}

/** JSON.stringify's output for JSON values at any depth (the native one throws RangeError past ~4,100 levels). */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  return stringifyDeep(value);
}

/** Text already written out, as opposed to a value still to encode. */
class Literal {
  constructor(readonly text: string) {}
}

function stringifyDeep(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Literal) {
      out.push(v.text);
      continue;
    }
    if (typeof v !== 'object' || v === null) {
      out.push(JSON.stringify(v) ?? 'null');
      continue;
    }
    // Pushed in reverse, so that they come off the stack in order.
    const parts: unknown[] = [];
    if (Array.isArray(v)) {
      parts.push(new Literal('['));
      v.forEach((item, i) => {
        if (i > 0) parts.push(new Literal(','));
        parts.push(skipped(item) ? null : item);
      });
      parts.push(new Literal(']'));
    } else {
      parts.push(new Literal('{'));
      let first = true;
      for (const [k, item] of Object.entries(v)) {
        if (skipped(item)) continue;
        parts.push(new Literal(`${first ? '' : ','}${JSON.stringify(k)}:`), item);
        first = false;
      }
      parts.push(new Literal('}'));
    }
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
  }
  return out.join('');
}
