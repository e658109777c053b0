// Field paths, as structured-merge-diff names them: a path is a list of elements, each a field name (`.spec`), the
// key of an item in a map-like list (`[name="nginx"]`), the value of an item in a set-like list (`[="a"]`) or a
// list index (`[3]`). FieldsV1 (metadata.managedFields[].fieldsV1) writes each element as `f:spec`,
// `k:{"name":"nginx"}`, `v:"a"` or `i:3`.

export type Scalar = string | number | boolean | null;

export type PathElement =
  | { field: string }
  /** The key fields of a list-map item, sorted by name (SMD sorts them). */
  | { key: [string, Scalar][] }
  | { value: unknown }
  | { index: number };

export type Path = PathElement[];

function kindOrder(pe: PathElement): number {
  if ('field' in pe) return 0;
  if ('key' in pe) return 1;
  if ('value' in pe) return 2;
  return 3;
}

/** Go's json.Marshal of a value (object keys sorted, as SMD's canonical encoding does). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The FieldsV1 spelling of one element: the map key it has in a fieldsV1 object. */
export function serializeElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:${canonicalJson(Object.fromEntries(pe.key))}`;
  if ('value' in pe) return `v:${canonicalJson(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses a fieldsV1 key back into an element; undefined for anything that is not one. */
export function parseElement(s: string): PathElement | undefined {
  const body = s.slice(2);
  switch (s.slice(0, 2)) {
    case 'f:':
      return { field: body };
    case 'i:': {
      const n = Number(body);
      return Number.isInteger(n) && n >= 0 ? { index: n } : undefined;
    }
    case 'v:':
    case 'k:': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return undefined;
      }
      if (s[0] === 'v') return { value: parsed };
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      return { key: Object.entries(parsed as Record<string, Scalar>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
    }
    default:
      return undefined;
  }
}

/** SMD's PathElement.String: `.name`, `[name="nginx"]`, `[="a"]`, `[3]` — the text of conflict messages. */
export function elementString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${canonicalJson(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${canonicalJson(pe.value)}]`;
  return `[${pe.index}]`;
}

export function pathString(path: Path): string {
  return path.map(elementString).join('');
}

/** SMD's element order: field names, then keys, then values, then indexes; within a kind, by their text. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ka = kindOrder(a);
  const kb = kindOrder(b);
  if (ka !== kb) return ka - kb;
  if ('index' in a && 'index' in b) return a.index - b.index;
  const sa = serializeElement(a);
  const sb = serializeElement(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
