// Go's `%v` of a decoded JSON value (map[string]interface{}, []interface{}, float64, …), which several
// apimachinery error texts embed: `map: map[image:nginx] does not contain declared merge key: name`.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Text already written out, as opposed to a value still to print. */
class Literal {
  constructor(readonly text: string) {}
}

/** With a stack of its own: an error may quote a value nested as deep as a request body may be. */
export function goValue(v: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x instanceof Literal) out.push(x.text);
    else if (x === null || x === undefined) out.push('<nil>');
    else if (typeof x === 'string') out.push(x);
    else if (typeof x === 'number') out.push(goFloat(x));
    else if (Array.isArray(x)) {
      const parts: unknown[] = [new Literal('[')];
      x.forEach((item, i) => parts.push(...(i > 0 ? [new Literal(' ')] : []), item));
      parts.push(new Literal(']'));
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else if (typeof x === 'object') {
      const o = x as Record<string, Json>;
      // fmt prints map keys sorted.
      const parts: unknown[] = [new Literal('map[')];
      Object.keys(o)
        .sort()
        .forEach((k, i) => parts.push(new Literal(`${i > 0 ? ' ' : ''}${k}:`), o[k]));
      parts.push(new Literal(']'));
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else {
      out.push(String(x));
    }
  }
  return out.join('');
}

/** strconv.FormatFloat(f, 'g', -1, 64): exponent form below 1e-4 and from 1e+06 up (1e+06, 1.5e-05). */
export function goFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  if (f === 0) return '0';
  const [mantissa, exponent] = f.toExponential().split('e') as [string, string];
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}
