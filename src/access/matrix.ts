// The access matrix (rakkess): for one user, every served resource × verb, allowed or not, each cell decided
// by the server's authorizer code over the world (world.ts). Browser-safe (no node: imports).
import type { UserInfo } from '../authn/interfaces.js';
import type { ServedResource } from './served-resources.js';
import type { RbacWorld } from './world.js';

/** rakkess's columns. */
export const MATRIX_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
] as const;

/** 'yes' / 'no', or 'n/a' when the resource does not serve the verb. */
export type Cell = 'yes' | 'no' | 'n/a';

export interface MatrixRow {
  /** `pods`, `deployments.apps`. */
  name: string;
  group: string;
  resource: string;
  cells: Record<string, Cell>;
}

export interface AccessMatrix {
  user: UserInfo;
  /** '' for cluster scope. */
  namespace: string;
  verbs: string[];
  rows: MatrixRow[];
}

export interface MatrixOptions {
  /** With a namespace only namespaced resources are listed (as rakkess does); '' lists all at cluster scope. */
  namespace?: string;
  verbs?: readonly string[];
}

export function accessMatrix(
  world: RbacWorld,
  user: UserInfo,
  served: readonly ServedResource[],
  opts: MatrixOptions = {},
): AccessMatrix {
  const namespace = opts.namespace ?? '';
  const verbs = [...(opts.verbs ?? MATRIX_VERBS)];
  const rows: MatrixRow[] = [];
  const resources = served.filter((r) => namespace === '' || r.namespaced);
  for (const r of [...resources].sort((a, b) => cmp(nameOf(a), nameOf(b)))) {
    const cells: Record<string, Cell> = {};
    for (const verb of verbs) {
      if (!r.verbs.includes(verb)) cells[verb] = 'n/a';
      else
        cells[verb] = world.authorize(user, { verb, apiGroup: r.group, resource: r.resource, namespace }).allowed
          ? 'yes'
          : 'no';
    }
    rows.push({ name: nameOf(r), group: r.group, resource: r.resource, cells });
  }
  return { user, namespace, verbs, rows };
}

export function nameOf(r: Pick<ServedResource, 'group' | 'resource'>): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
