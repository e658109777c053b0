// The registry harness serving every built-in kind (resources/builtin.ts) beside the auth plane's own, and a
// Table reader: the cells `kubectl get` prints, by column name.
import { builtinKinds } from '../../../src/registry/resources/builtin.js';
import { Api } from './harness.js';

export const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** An Api whose componentstatuses see the store as reachable unless told otherwise. */
export function builtinApi(storageError?: string): Api {
  return new Api({ defs: builtinKinds(async () => storageError).defs });
}

/** GET path as a Table: column names and each row's cells keyed by column name. */
export async function table(
  api: Api,
  path: string,
): Promise<{ columns: string[]; priorities: number[]; rows: Record<string, unknown>[] }> {
  const t = await api.ok('GET', path, undefined, { accept: TABLE });
  const columns = (t.columnDefinitions as { name: string; priority: number }[]).map((c) => c.name);
  const priorities = (t.columnDefinitions as { name: string; priority: number }[]).map((c) => c.priority);
  const rows = (t.rows as { cells: unknown[] }[]).map((r) =>
    Object.fromEntries(columns.map((c, i) => [c, r.cells[i]])),
  );
  return { columns, priorities, rows };
}
