// Object metadata validation with apimachinery's texts (validation.IsDNS1123Subdomain & co).
import { fieldForbidden, fieldInvalid, fieldRequired, type FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`);
const SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const DNS1035_RE = new RegExp(`^${DNS1035_LABEL}$`);

export type NameValidator = (name: string) => string[];

export const dns1123Subdomain: NameValidator = (v) => {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!SUBDOMAIN_RE.test(v)) errs.push(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`);
  return errs;
};

export const dns1123Label: NameValidator = (v) => {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_RE.test(v)) errs.push(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`);
  return errs;
};

export const dns1035Label: NameValidator = (v) => {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_RE.test(v)) errs.push(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`);
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
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (!prefix) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [`a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  else if (!QUALIFIED_RE.test(name)) errs.push(`name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}')`);
  return errs;
}

/** ObjectMeta checks common to every kind (ValidateObjectMeta). */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameValidator: NameValidator): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj.metadata ?? {};
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
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    for (const msg of qualifiedNameErrors(k)) errs.push(fieldInvalid('metadata.labels', k, msg));
    if (typeof v !== 'string') errs.push(fieldInvalid(`metadata.labels`, v, 'must be a string'));
    else {
      if (v.length > 63) errs.push(fieldInvalid('metadata.labels', v, 'must be no more than 63 characters'));
      if (!LABEL_VALUE_RE.test(v)) errs.push(fieldInvalid('metadata.labels', v, `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`));
    }
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    for (const msg of qualifiedNameErrors(k.toLowerCase())) errs.push(fieldInvalid('metadata.annotations', k, msg));
    annotationBytes += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (annotationBytes > 256 * 1024) errs.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: must have at most 262144 bytes` });
  return errs;
}

/** Immutable-field check used by update validation. */
export function immutable(field: string, now: unknown, before: unknown): FieldError[] {
  return JSON.stringify(now) === JSON.stringify(before) ? [] : [fieldInvalid(field, now, 'field is immutable')];
}
