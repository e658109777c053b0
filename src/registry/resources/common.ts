// Pieces shared by the built-in kinds' definitions: the printers' helper columns (containers, images,
// selector, age-since) and the small validation rules many kinds repeat (pkg/apis/core/validation).
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { jsonEqual } from '../json-walk.js';
import { labelSelectorMatcher } from '../selectors.js';
import { humanDuration } from '../table.js';
import { table } from '../table.js';
import type { TableColumn, TableConvertor } from '../types.js';
import { defaultPodSpec, validatePodSpec } from './pods.js';
import { selectorString } from './deployments.js';

export type Obj = Record<string, unknown>;
export type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
export type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec?: Obj };

/** The object's `spec` (or another top-level field) as a record, never undefined. */
export function part(o: KubeObject, field = 'spec'): Obj {
  const v = o[field];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** A column as kube's printers declare it; priority 1 columns show with `-o wide` only. */
export function col(
  name: string,
  type: TableColumn['type'],
  description: string,
  priority = 0,
): Omit<TableColumn, 'description'> & { description: string } {
  return { name, type, description, priority };
}

/** layoutContainerCells: container names and images, comma-joined. */
export function containerCells(template: PodTemplate | undefined): [string, string] {
  const containers = (template?.spec?.containers as { name?: string; image?: string }[] | undefined) ?? [];
  return [containers.map((c) => c.name ?? '').join(','), containers.map((c) => c.image ?? '').join(',')];
}

/** metav1.FormatLabelSelector: `<none>` for an empty selector, `<invalid>` for none at all. */
export function formatSelector(sel: LabelSelector | undefined): string {
  if (sel === undefined || sel === null) return '<none>';
  const s = selectorString(sel);
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels: `k=v,…` sorted, or `<none>`. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** translateTimestampSince: `<unknown>` for a zero time, else kubectl's short duration. */
export function since(ts: unknown, now = Date.now()): string {
  if (typeof ts !== 'string' || !ts) return '<unknown>';
  return humanDuration(Math.max(0, now - Date.parse(ts)));
}

/** ValidateNonnegativeField. */
export function nonNegative(field: string, v: unknown): FieldError[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'number' && v >= 0 ? [] : [fieldInvalid(field, v, 'must be greater than or equal to 0')];
}

/** A field that must be a positive integer when set. */
export function positive(field: string, v: unknown): FieldError[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'number' && v > 0 ? [] : [fieldInvalid(field, v, 'must be greater than 0')];
}

export function required(field: string, v: unknown): FieldError[] {
  return v === undefined || v === null || v === '' ? [fieldRequired(field)] : [];
}

export function immutableField(field: string, now: unknown, before: unknown): FieldError[] {
  return jsonEqual(now, before) ? [] : [fieldInvalid(field, now ?? null, 'field is immutable')];
}

/** ValidateLabelSelector's shape: operators and their values. */
export function validateLabelSelector(sel: LabelSelector | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (sel?.matchExpressions ?? []).forEach((e, i) => {
    const f = `${field}.matchExpressions[${i}]`;
    const n = e.values?.length ?? 0;
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (n === 0) errs.push(fieldRequired(`${f}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (n > 0)
        errs.push({
          type: 'FieldValueForbidden',
          field: `${f}.values`,
          message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        });
    } else {
      errs.push({
        type: 'FieldValueInvalid',
        field: `${f}.operator`,
        message: `Invalid value: ${JSON.stringify(e.operator)}: not a valid selector operator`,
      });
    }
  });
  return errs;
}

/**
 * The rules every workload controller's spec shares (ReplicaSet, StatefulSet, DaemonSet, Job's template):
 * a non-empty selector that matches the template's labels, and a valid pod template.
 */
export function validateSelectorAndTemplate(
  spec: Obj,
  path: string,
  opts: { selectorRequired?: boolean; kindWord?: string } = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec.selector as LabelSelector | undefined;
  const template = spec.template as PodTemplate | undefined;
  if (!sel) {
    if (opts.selectorRequired !== false) errs.push(fieldRequired(`${path}.selector`));
  } else {
    errs.push(...validateLabelSelector(sel, `${path}.selector`));
    if (!sel.matchLabels && !sel.matchExpressions?.length)
      errs.push(
        fieldInvalid(`${path}.selector`, sel, `empty selector is invalid for ${opts.kindWord ?? 'deployment'}`),
      );
  }
  if (!template) {
    errs.push(fieldRequired(`${path}.template`));
    return errs;
  }
  if (sel && !labelSelectorMatcher(sel as never)(template.metadata?.labels)) {
    errs.push(
      fieldInvalid(
        `${path}.template.metadata.labels`,
        template.metadata?.labels ?? {},
        '`selector` does not match template `labels`',
      ),
    );
  }
  errs.push(...validatePodSpec(template.spec as never, `${path}.template.spec`));
  return errs;
}

/** Pod-template defaults inside a workload spec. */
export function defaultTemplate(template: PodTemplate | undefined): void {
  if (template?.spec && typeof template.spec === 'object') defaultPodSpec(template.spec as never);
}

/** Kinds with a generation bump it when the spec changes (most workload strategies). */
export const specChanged = (o: KubeObject, old: KubeObject): boolean => !jsonEqual(o.spec, old.spec);

/** Prepare-for-create of kinds with a status subresource: the client's status is dropped. */
export function resetStatus(o: KubeObject): void {
  o.status = {};
}

/** Integers stay integers in kubectl's cells; absent counters print as 0. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** Age, placed where the kind's printer puts it (`cells` gives it with `age(o)`). */
/** The wide columns of every workload kind with a pod template (printers.go). */
export const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);
export const SELECTOR = col('Selector', 'string', 'Label selector that determines which pods the controller owns.', 1);

export const AGE = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

export function age(o: KubeObject): string {
  return since(o.metadata.creationTimestamp);
}

/** A printer with Name first and the given columns (Age included where the kind has it), as in printers.go. */
export function printer(columns: ReturnType<typeof col>[], cells: (o: KubeObject) => unknown[]): TableConvertor {
  return table(columns, cells, { age: 'none' });
}
