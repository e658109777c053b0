// Go's `%v` of a decoded JSON value (map[string]interface{}, []interface{}, float64, …), which several
// apimachinery error texts embed: `map: map[image:nginx] does not contain declared merge key: name`.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, Json>;
    // fmt prints map keys sorted.
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goValue(o[k])}`).join(' ')}]`;
  }
  return String(v);
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
