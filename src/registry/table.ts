// meta.k8s.io/v1 Table responses, which `kubectl get` asks for to print its columns.
import type { KubeObject } from '../api/types.js';
import type { ResourceDef, TableColumn, TableConvertor } from './types.js';

const NAME_COLUMN: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};
const AGE_COLUMN: TableColumn = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
};

/** The default convertor (apiserver's DefaultTableConvertor): Name and Created At. */
export const DEFAULT_TABLE: TableConvertor = {
  columns: [NAME_COLUMN, { name: 'Created At', type: 'date', description: AGE_COLUMN.description, priority: 0 }],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

/** Builds a convertor from extra columns placed between Name and Age (kubectl's usual layout). */
export function table(
  columns: Omit<TableColumn, 'description'>[],
  cells: (o: KubeObject) => unknown[],
  opts: { age?: 'last' | 'none' } = {},
): TableConvertor {
  const cols: TableColumn[] = [NAME_COLUMN, ...columns.map((c) => ({ description: c.name, ...c }))];
  if (opts.age !== 'none') cols.push(AGE_COLUMN);
  return {
    columns: cols,
    cells: (o) => {
      const row = [o.metadata.name, ...cells(o)];
      if (opts.age !== 'none') row.push(age(o.metadata.creationTimestamp));
      return row;
    },
  };
}

/** kubectl's short human duration (HumanDuration): 5s, 3m, 2d3h, 10y. */
export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '<unknown>';
  return humanDuration(Math.max(0, now - Date.parse(ts)));
}

export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60 * 2) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) {
    const rs = s % 60;
    return rs === 0 ? `${m}m` : `${m}m${rs}s`;
  }
  if (m < 60 * 3) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) {
    const rm = m % 60;
    return rm === 0 ? `${h}h` : `${h}h${rm}m`;
  }
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) {
    const rh = h % 24;
    return rh === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${rh}h`;
  }
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  if (h < 24 * 365 * 8) {
    const dy = Math.floor(h / 24) % 365;
    return dy === 0 ? `${Math.floor(h / 24 / 365)}y` : `${Math.floor(h / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(h / 24 / 365)}y`;
}

export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const p = part.toLowerCase();
    return p.includes('as=table') && p.includes('g=meta.k8s.io') && (p.includes('v=v1') || p.includes('v=v1beta1'));
  });
}

export function tableVersion(accept: string): 'v1' | 'v1beta1' {
  const first = accept.split(',').find((p) => p.toLowerCase().includes('as=table'))!;
  return /v=v1beta1/.test(first) ? 'v1beta1' : 'v1';
}

function partialMetadata(o: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(
  def: ResourceDef,
  objs: KubeObject[],
  listMeta: Record<string, unknown>,
  opts: { includeObject?: string; noHeaders?: boolean; version?: string } = {},
): unknown {
  const conv = def.table ?? DEFAULT_TABLE;
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version ?? 'v1'}`,
    metadata: listMeta,
    columnDefinitions: opts.noHeaders ? null : conv.columns,
    rows: objs.map((o) => {
      const row: Record<string, unknown> = { cells: conv.cells(o) };
      if (include === 'Object') row.object = o;
      else if (include !== 'None') row.object = partialMetadata(o);
      return row;
    }),
  };
}
