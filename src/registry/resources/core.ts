// Core (v1) resources kauth stores as plain objects with their kind's defaults:
// configmaps, secrets, serviceaccounts, events, nodes. Pods, services, namespaces have files of their own.
import { fieldInvalid, fieldNotSupported, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { jsonEqual } from '../json-types.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, STATUS_ONLY, type ResourceDef } from '../types.js';

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function validateDataKeys(obj: KubeObject, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) {
    const m = obj[f];
    if (m === undefined || m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) { errs.push(fieldInvalid(f, m, 'must be a map of strings')); continue; }
    for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
      if (!DATA_KEY.test(k) || k.length > 253) errs.push(fieldInvalid(`${f}[${k}]`, k, `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`));
      if (typeof v !== 'string') errs.push(fieldInvalid(`${f}[${k}]`, v, 'must be a string'));
    }
  }
  return errs;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Go decodes `"k": null` in a map of strings or bytes as the empty value; so does kauth. */
function nullValuesToEmpty(o: KubeObject, fields: string[]): void {
  for (const field of fields) {
    const map = o[field];
    if (!map || typeof map !== 'object') continue;
    for (const [k, v] of Object.entries(map)) if (v === null) (map as Record<string, string>)[k] = '';
  }
}

export const configMaps: ResourceDef = {
  group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', listKind: 'ConfigMapList', singularName: 'configmap',
  namespaced: true, shortNames: ['cm'], verbs: ALL_VERBS,
  strategy: {
    defaults: (o) => nullValuesToEmpty(o, ['data', 'binaryData']),
    validate: (o) => validateDataKeys(o, ['data', 'binaryData']), validateUpdate: (o) => validateDataKeys(o, ['data', 'binaryData']) },
  table: table([{ name: 'Data', type: 'integer', priority: 0 }], (o) => [Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length]),
};

function validateSecret(o: KubeObject): FieldError[] {
  const errs = validateDataKeys(o, ['data', 'stringData']);
  for (const [k, v] of Object.entries((o.data as Record<string, unknown>) ?? {})) {
    if (typeof v === 'string' && !BASE64.test(v.replace(/\s/g, ''))) errs.push(fieldInvalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
  }
  let size = 0;
  for (const v of Object.values((o.data as Record<string, string>) ?? {})) size += Buffer.byteLength(v, 'base64');
  if (size > 1024 * 1024) errs.push({ type: 'FieldValueTooLong', field: 'data', message: 'Too long: must have at most 1048576 bytes' });
  if (o.type === 'kubernetes.io/service-account-token') {
    const sa = o.metadata.annotations?.['kubernetes.io/service-account.name'];
    if (!sa) errs.push({ type: 'FieldValueRequired', field: 'metadata.annotations[kubernetes.io/service-account.name]', message: 'Required value' });
  }
  return errs;
}

export const secrets: ResourceDef = {
  group: '', version: 'v1', resource: 'secrets', kind: 'Secret', listKind: 'SecretList', singularName: 'secret',
  namespaced: true, verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      if (!o.type) o.type = 'Opaque';
      nullValuesToEmpty(o, ['data', 'stringData']);
      // stringData is write-only: merged into data (base64) and dropped, as kube-apiserver does.
      const sd = o.stringData as Record<string, string> | undefined;
      if (sd && typeof sd === 'object') {
        const data = ((o.data as Record<string, string>) ??= {});
        for (const [k, v] of Object.entries(sd)) if (typeof v === 'string') data[k] = Buffer.from(v).toString('base64');
        delete o.stringData;
      }
    },
    validate: validateSecret,
    validateUpdate: (o, old) => {
      const errs = validateSecret(o);
      if ((o.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errs.push(fieldInvalid('type', o.type, 'field is immutable'));
      if (old.immutable === true && !jsonEqual(o.data ?? {}, old.data ?? {})) errs.push({ type: 'FieldValueForbidden', field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' });
      return errs;
    },
  },
  fieldLabels: { type: (o) => o.type as string },
  table: table([{ name: 'Type', type: 'string', priority: 0 }, { name: 'Data', type: 'integer', priority: 0 }], (o) => [o.type, Object.keys((o.data as object) ?? {}).length]),
};

export const serviceAccounts: ResourceDef = {
  group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', listKind: 'ServiceAccountList', singularName: 'serviceaccount',
  namespaced: true, shortNames: ['sa'], verbs: ALL_VERBS, returnDeletedObject: true,
  table: table([{ name: 'Secrets', type: 'string', priority: 0 }], (o) => [Array.isArray(o.secrets) ? o.secrets.length : 0]),
};

export const events: ResourceDef = {
  group: '', version: 'v1', resource: 'events', kind: 'Event', listKind: 'EventList', singularName: 'event',
  namespaced: true, shortNames: ['ev'], verbs: ALL_VERBS,
  fieldLabels: {
    'involvedObject.kind': (o) => (o.involvedObject as Record<string, string> | undefined)?.kind,
    'involvedObject.name': (o) => (o.involvedObject as Record<string, string> | undefined)?.name,
    'involvedObject.namespace': (o) => (o.involvedObject as Record<string, string> | undefined)?.namespace,
    'involvedObject.uid': (o) => (o.involvedObject as Record<string, string> | undefined)?.uid,
    reason: (o) => o.reason as string, type: (o) => o.type as string,
  },
  table: table(
    [{ name: 'Type', type: 'string', priority: 0 }, { name: 'Reason', type: 'string', priority: 0 }, { name: 'Object', type: 'string', priority: 0 }, { name: 'Message', type: 'string', priority: 0 }],
    (o) => { const io = (o.involvedObject ?? {}) as Record<string, string>; return [o.type, o.reason, `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, o.message]; },
  ),
};

function nodeReady(o: KubeObject): string {
  const conds = ((o.status as Record<string, unknown> | undefined)?.conditions ?? []) as { type: string; status: string }[];
  const ready = conds.find((c) => c.type === 'Ready');
  let s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if ((o.spec as Record<string, unknown> | undefined)?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {}).filter((l) => l.startsWith('node-role.kubernetes.io/')).map((l) => l.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

export const nodes: ResourceDef = {
  group: '', version: 'v1', resource: 'nodes', kind: 'Node', listKind: 'NodeList', singularName: 'node',
  namespaced: false, shortNames: ['no'], verbs: ALL_VERBS,
  strategy: { prepareForUpdate: keepStatus },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: STATUS_ONLY } },
  table: table(
    [{ name: 'Status', type: 'string', priority: 0 }, { name: 'Roles', type: 'string', priority: 0 }],
    (o) => [nodeReady(o), nodeRoles(o)],
    { age: 'none' },
  ),
};
// kubectl shows VERSION after AGE for nodes.
nodes.table = {
  columns: [...nodes.table!.columns, { name: 'Age', type: 'string', description: 'Age', priority: 0 }, { name: 'Version', type: 'string', description: 'Kubelet version', priority: 0 }],
  cells: (o) => {
    const base = table([], () => []).cells(o);
    return [o.metadata.name, nodeReady(o), nodeRoles(o), base[1], ((o.status as Record<string, Record<string, string>> | undefined)?.nodeInfo?.kubeletVersion) ?? ''];
  },
};

export function validateEnum(field: string, value: unknown, allowed: string[]): FieldError[] {
  return value === undefined || allowed.includes(value as string) ? [] : [fieldNotSupported(field, value, allowed)];
}
