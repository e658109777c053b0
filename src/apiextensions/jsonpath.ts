// The JSONPath subset CRDs use for printer columns, selectable fields and the scale subresource's paths:
// `.spec.size`, `.status.conditions[0].type`, `.metadata.labels['app.kubernetes.io/name']`. Parsed once per
// CRD with plain string code (linear in the path's length); evaluation walks at most that many steps.
export type Step = string | number;

/** The steps of a path, or an error text when it is not in the subset. */
export function parsePath(path: string): Step[] | string {
  const steps: Step[] = [];
  let i = 0;
  if (path.length > 512) return 'path too long';
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const name = path.slice(i + 1, j);
      if (!name) return `unexpected path string, expected a field name at ${i + 1}`;
      steps.push(name);
      i = j;
    } else if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) return 'unterminated array';
      const inner = path.slice(i + 1, end);
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (inner.length >= 2 && (inner[0] === "'" || inner[0] === '"') && inner[inner.length - 1] === inner[0])
        steps.push(inner.slice(1, -1));
      else return `unsupported index ${inner}`;
      i = end + 1;
    } else {
      return `unexpected character ${c} at ${i}, a path must start with "."`;
    }
  }
  return steps;
}

export function evaluate(obj: unknown, steps: Step[]): unknown {
  let v = obj;
  for (const s of steps) {
    if (typeof s === 'number') v = Array.isArray(v) ? v[s] : undefined;
    else
      v =
        typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, s)
          ? (v as Record<string, unknown>)[s]
          : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** Sets a value at a path of object fields (the scale subresource's specReplicasPath), creating objects on the way. */
export function setAt(obj: Record<string, unknown>, steps: Step[], value: unknown): void {
  let v: Record<string, unknown> = obj;
  for (let i = 0; i < steps.length - 1; i++) {
    const s = String(steps[i]);
    const next = v[s];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      Object.defineProperty(v, s, { value: {}, enumerable: true, writable: true, configurable: true });
    }
    v = v[s] as Record<string, unknown>;
  }
  Object.defineProperty(v, String(steps[steps.length - 1]), {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
