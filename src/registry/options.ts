// The request options kube-apiserver decodes and validates before touching storage (CreateOptions,
// UpdateOptions, PatchOptions, DeleteOptions, ListOptions: apimachinery's apis/meta/v1/validation and
// apis/meta/internalversion/validation). Query parameters that do not parse are 400 (DecodeParameters);
// values that parse but are not allowed are 422 `<Kind>Options.meta.k8s.io "" is invalid: …`.
import { badRequest, fieldRequired, invalid, type FieldError } from '../api/errors.js';
import type { DeleteOptions } from './types.js';

const META_GROUP = 'meta.k8s.io';

type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

function quoted(values: string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** field.NotSupported rendered as Go renders it: `[]string{"x"}` for a list value. */
function notSupported(field: string, value: string | string[], supported: string[]): FieldError {
  const rendered = Array.isArray(value) ? `[]string{${quoted(value)}}` : JSON.stringify(value);
  return {
    type: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${rendered}: supported values: ${quoted(supported)}`,
  };
}

function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

function dryRunErrors(values: string[]): FieldError[] {
  return values.every((v) => v === 'All') ? [] : [notSupported('dryRun', values, ['All'])];
}

/** dryRun and fieldValidation of a create, update or patch. */
export function validateWriteOptions(query: URLSearchParams, kind: WriteOptionsKind, patchType?: string): void {
  const errs = dryRunErrors(query.getAll('dryRun'));
  const fv = query.get('fieldValidation') ?? '';
  if (!['', 'Ignore', 'Strict', 'Warn'].includes(fv))
    errs.push(notSupported('fieldValidation', fv, ['', 'Ignore', 'Strict', 'Warn']));
  const manager = query.get('fieldManager') ?? '';
  if (manager.length > 128)
    errs.push({ type: 'FieldValueTooLong', field: 'fieldManager', message: 'Too long: must have at most 128 bytes' });
  // ValidatePatchOptions: force belongs to apply, and an apply must name its manager.
  if (kind === 'PatchOptions' && patchType !== 'apply' && query.has('force'))
    errs.push(forbidden('force', 'may not be specified for non-apply patch'));
  if (kind === 'PatchOptions' && patchType === 'apply' && manager === '') {
    errs.push(fieldRequired('fieldManager', 'is required for apply patch'));
  }
  if (errs.length) throw invalid(kind, '', META_GROUP, errs);
}

export function isDryRun(query: URLSearchParams, options?: DeleteOptions): boolean {
  return query.getAll('dryRun').includes('All') || (options?.dryRun ?? []).includes('All');
}

/** An int64 query parameter as DecodeParameters converts it (strconv.ParseInt's error text on failure). */
export function int64Param(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^[+-]?\d+$/.test(raw)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n))
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range`);
  return n;
}

/** A bool query parameter (strconv.ParseBool). */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
}

/** ValidateListOptions: resourceVersionMatch and sendInitialEvents, for list and for watch. */
export function validateListOptions(query: URLSearchParams, watch: boolean): void {
  const match = query.get('resourceVersionMatch') ?? '';
  const rv = query.get('resourceVersion') ?? '';
  const cont = query.get('continue') ?? '';
  const sendInitialEvents = boolParam(query, 'sendInitialEvents');
  const errs: FieldError[] = [];
  if (watch) {
    if (sendInitialEvents !== undefined && match !== 'NotOlderThan') {
      errs.push(
        forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'),
      );
    }
    if (match) {
      if (sendInitialEvents === undefined)
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
          ),
        );
      if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (cont)
        errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
  } else {
    if (match) {
      if (!rv)
        errs.push(
          forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'),
        );
      if (cont)
        errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
      if (match !== 'Exact' && match !== 'NotOlderThan')
        errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
      if (match === 'Exact' && rv === '0')
        errs.push(
          forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
        );
    }
    if (sendInitialEvents !== undefined)
      errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (errs.length) throw invalid('ListOptions', '', META_GROUP, errs);
}

const PROPAGATION = ['Foreground', 'Background', 'Orphan'];

/** DeleteOptions from the query, for a DELETE without a body (kubectl sends a body; curl users often do not). */
export function deleteOptionsFromQuery(query: URLSearchParams): DeleteOptions {
  const out: DeleteOptions = {};
  const grace = int64Param(query, 'gracePeriodSeconds');
  if (grace !== undefined) out.gracePeriodSeconds = grace;
  const orphan = boolParam(query, 'orphanDependents');
  if (orphan !== undefined) out.orphanDependents = orphan;
  const policy = query.get('propagationPolicy');
  if (policy !== null && policy !== '') out.propagationPolicy = policy;
  const dryRun = query.getAll('dryRun');
  if (dryRun.length) out.dryRun = dryRun;
  return out;
}

/** ValidateDeleteOptions. */
export function validateDeleteOptions(options: DeleteOptions): void {
  const errs: FieldError[] = [];
  if (options.orphanDependents !== undefined && options.propagationPolicy !== undefined) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'propagationPolicy',
      message: `Invalid value: ${JSON.stringify(options.propagationPolicy)}: orphanDependents and deletionPropagation cannot be both set`,
    });
  }
  if (options.propagationPolicy !== undefined && !PROPAGATION.includes(options.propagationPolicy)) {
    errs.push(notSupported('propagationPolicy', options.propagationPolicy, [...PROPAGATION, 'nil']));
  }
  errs.push(...dryRunErrors(options.dryRun ?? []));
  if (errs.length) throw invalid('DeleteOptions', '', META_GROUP, errs);
}
