// Object metadata validation with apimachinery's texts (validation.IsDNS1123Subdomain & co).
import { fieldForbidden, fieldInvalid, fieldRequired, type FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { jsonEqual } from './json-walk.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`);
const SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const DNS1035_RE = new RegExp(`^${DNS1035_LABEL}$`);

/** Go's len(): limits are in UTF-8 bytes, not UTF-16 units. */
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

export type NameValidator = (name: string) => string[];

export const dns1123Subdomain: NameValidator = (v) => {
  const errs: string[] = [];
  if (byteLength(v) > 253) errs.push('must be no more than 253 characters');
  if (!SUBDOMAIN_RE.test(v))
    errs.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`,
    );
  return errs;
};

export const dns1123Label: NameValidator = (v) => {
  const errs: string[] = [];
  if (byteLength(v) > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_RE.test(v))
    errs.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`,
    );
  return errs;
};

export const dns1035Label: NameValidator = (v) => {
  const errs: string[] = [];
  if (byteLength(v) > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_RE.test(v))
    errs.push(
      `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`,
    );
  return errs;
};

/** RBAC and CSR names only need to be usable as one path segment. */
export const pathSegmentName: NameValidator = (v) => {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (v.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_RE = new RegExp(`^${QUALIFIED_NAME}$`);
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX = 63;
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX = 63;
/** ValidateAnnotationsSize: keys and values together, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/** validation.RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  const eg = examples.map((e, i) => `${i > 0 ? ' or ' : ''}'${e}', `).join('');
  return `${msg} (e.g. ${eg}regex used for validation is '${fmt}')`;
}

/** validation.IsQualifiedName: `[prefix/]name`, prefix a DNS-1123 subdomain, name at most 63 bytes. */
export function isQualifiedName(value: string): string[] {
  const parts = value.split('/');
  const errs: string[] = [];
  let name = value;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (!prefix) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (!name) errs.push('name part must be non-empty');
  else if (byteLength(name) > QUALIFIED_NAME_MAX)
    errs.push(`name part must be no more than ${QUALIFIED_NAME_MAX} characters`);
  if (!QUALIFIED_RE.test(name))
    errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** validation.IsValidLabelValue: empty, or a qualified name's characters, at most 63 bytes. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX) errs.push(`must be no more than ${LABEL_VALUE_MAX} characters`);
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** A generateName is checked as a prefix: a trailing '-' is fine (apimachinery's maskTrailingDash). */
function maskTrailingDash(v: string): string {
  return v.length > 1 && v.endsWith('-') ? `${v.slice(0, -1)}a` : v;
}

/** ObjectMeta checks common to every kind (ValidateObjectMeta). */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameValidator: NameValidator): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj.metadata ?? {};
  if (typeof m.generateName === 'string' && m.generateName) {
    for (const msg of nameValidator(maskTrailingDash(m.generateName)))
      errs.push(fieldInvalid('metadata.generateName', m.generateName, msg));
  }
  if (!m.name) {
    errs.push(fieldRequired('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameValidator(m.name)) errs.push(fieldInvalid('metadata.name', m.name, msg));
  }
  if (namespaced) {
    if (!m.namespace) errs.push(fieldRequired('metadata.namespace'));
    else for (const msg of dns1123Label(m.namespace)) errs.push(fieldInvalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldForbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0)
    errs.push(fieldInvalid('metadata.generation', m.generation, 'must be greater than or equal to 0'));
  // ValidateLabels, then ValidateAnnotations (keys are qualified names ignoring case; 256 KiB in all).
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldInvalid('metadata.labels', k, msg));
    if (typeof v !== 'string') errs.push(fieldInvalid(`metadata.labels`, v, 'must be a string'));
    else for (const msg of isValidLabelValue(v)) errs.push(fieldInvalid('metadata.labels', v, msg));
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldInvalid('metadata.annotations', k, msg));
    annotationBytes += byteLength(k) + (typeof v === 'string' ? byteLength(v) : 0);
  }
  if (annotationBytes > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    errs.push({
      type: 'FieldValueTooLong',
      field: 'metadata.annotations',
      message: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT_BYTES} bytes`,
    });
  }
  errs.push(...validateOwnerReferences(m.ownerReferences));
  errs.push(...validateFinalizers(m.finalizers));
  return errs;
}

/** ValidateOwnerReferences: the four identifying fields, and a single controller. */
function validateOwnerReferences(refs: unknown): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  const field = 'metadata.ownerReferences';
  let controller = '';
  for (const ref of refs as Record<string, unknown>[]) {
    if (typeof ref !== 'object' || ref === null) continue;
    const apiVersion = String(ref.apiVersion ?? '');
    if (!apiVersion.split('/').pop())
      errs.push(fieldInvalid(`${field}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!ref.kind) errs.push(fieldInvalid(`${field}.kind`, ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(fieldInvalid(`${field}.name`, ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(fieldInvalid(`${field}.uid`, ref.uid ?? '', 'must not be empty'));
    if (ref.controller === true) {
      const current = `${String(ref.kind)}/${String(ref.name)}`;
      if (controller)
        errs.push(
          fieldInvalid(
            field,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`,
          ),
        );
      else controller = current;
    }
  }
  return errs;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** ValidateFinalizers: qualified names, and not both GC finalizers. */
function validateFinalizers(finalizers: unknown): FieldError[] {
  if (!Array.isArray(finalizers)) return [];
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    if (typeof f !== 'string') continue;
    for (const msg of isQualifiedName(f)) errs.push(fieldInvalid('metadata.finalizers', f, msg));
  }
  if (finalizers.includes(ORPHAN) && finalizers.includes(FOREGROUND)) {
    errs.push(
      fieldInvalid('metadata.finalizers', finalizers, `finalizer ${ORPHAN} and ${FOREGROUND} cannot be both set`),
    );
  }
  return errs;
}

/** Go's time.Time String() of an RFC 3339 timestamp: field errors print a metav1.Time through it, unquoted. */
function goTime(ts: unknown): string {
  const d = typeof ts === 'string' ? new Date(ts) : undefined;
  if (!d || Number.isNaN(d.getTime())) return String(ts);
  return `${d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} +0000 UTC`;
}

/** ValidateObjectMetaAccessorUpdate, for what an update may not touch once the server set it. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj.metadata;
  const o = old.metadata;
  if (o.deletionTimestamp) {
    const extra = (m.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (extra.length) {
      const list = [...new Set(extra)]
        .sort()
        .map((f) => JSON.stringify(f))
        .join(', ');
      errs.push({
        type: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${list}}`,
      });
    }
  }
  if ((m.deletionTimestamp ?? null) !== (o.deletionTimestamp ?? null)) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'metadata.deletionTimestamp',
      message: `Invalid value: ${m.deletionTimestamp ? goTime(m.deletionTimestamp) : 'null'}: field is immutable`,
    });
  }
  if ((m.deletionGracePeriodSeconds ?? null) !== (o.deletionGracePeriodSeconds ?? null)) {
    errs.push(
      fieldInvalid('metadata.deletionGracePeriodSeconds', m.deletionGracePeriodSeconds ?? null, 'field is immutable'),
    );
  }
  return errs;
}

/** Immutable-field check used by update validation. */
export function immutable(field: string, now: unknown, before: unknown): FieldError[] {
  return jsonEqual(now, before) ? [] : [fieldInvalid(field, now, 'field is immutable')];
}
