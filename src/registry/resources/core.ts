// Core (v1) resources kauth stores as plain objects with their kind's defaults:
// configmaps, secrets, serviceaccounts, events, nodes. Pods, services, namespaces have files of their own.
import { fieldInvalid, fieldNotSupported, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { jsonEqual } from '../json-walk.js';
import { age, table } from '../table.js';
import { ALL_VERBS, keepStatus, STATUS_ONLY, type ResourceDef, type TableConvertor } from '../types.js';

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function validateDataKeys(obj: KubeObject, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) {
    const m = obj[f];
    if (m === undefined || m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) {
      errs.push(fieldInvalid(f, m, 'must be a map of strings'));
      continue;
    }
    for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
      if (!DATA_KEY.test(k) || k.length > 253)
        errs.push(
          fieldInvalid(
            `${f}[${k}]`,
            k,
            `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
          ),
        );
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
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  singularName: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  verbs: ALL_VERBS,
  strategy: {
    defaults: (o) => nullValuesToEmpty(o, ['data', 'binaryData']),
    validate: (o) => validateDataKeys(o, ['data', 'binaryData']),
    validateUpdate: (o) => validateDataKeys(o, ['data', 'binaryData']),
  },
  table: table([{ name: 'Data', type: 'integer', priority: 0 }], (o) => [
    Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length,
  ]),
};

function validateSecret(o: KubeObject): FieldError[] {
  const errs = validateDataKeys(o, ['data', 'stringData']);
  for (const [k, v] of Object.entries((o.data as Record<string, unknown>) ?? {})) {
    if (typeof v === 'string' && !BASE64.test(v.replace(/\s/g, '')))
      errs.push(fieldInvalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
  }
  let size = 0;
  for (const v of Object.values((o.data as Record<string, string>) ?? {})) size += Buffer.byteLength(v, 'base64');
  if (size > 1024 * 1024)
    errs.push({ type: 'FieldValueTooLong', field: 'data', message: 'Too long: must have at most 1048576 bytes' });
  if (o.type === 'kubernetes.io/service-account-token') {
    const sa = o.metadata.annotations?.['kubernetes.io/service-account.name'];
    if (!sa)
      errs.push({
        type: 'FieldValueRequired',
        field: 'metadata.annotations[kubernetes.io/service-account.name]',
        message: 'Required value',
      });
  }
  return errs;
}

export const secrets: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  kind: 'Secret',
  listKind: 'SecretList',
  singularName: 'secret',
  namespaced: true,
  verbs: ALL_VERBS,
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
      if ((o.type ?? 'Opaque') !== (old.type ?? 'Opaque'))
        errs.push(fieldInvalid('type', o.type, 'field is immutable'));
      if (old.immutable === true && !jsonEqual(o.data ?? {}, old.data ?? {}))
        errs.push({
          type: 'FieldValueForbidden',
          field: 'data',
          message: 'Forbidden: field is immutable when `immutable` is set',
        });
      return errs;
    },
  },
  fieldLabels: { type: (o) => o.type as string },
  table: table(
    [
      { name: 'Type', type: 'string', priority: 0 },
      { name: 'Data', type: 'integer', priority: 0 },
    ],
    (o) => [o.type, Object.keys((o.data as object) ?? {}).length],
  ),
};

export const serviceAccounts: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  singularName: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  verbs: ALL_VERBS,
  returnDeletedObject: true,
  table: table([{ name: 'Secrets', type: 'string', priority: 0 }], (o) => [
    Array.isArray(o.secrets) ? o.secrets.length : 0,
  ]),
};

/** Event fields as kube's event field selectors name them (core/v1 AddFieldLabelConversionFunc for Event). */
export const EVENT_FIELD_LABELS: Record<string, (o: KubeObject) => string | undefined> = {
  ...Object.fromEntries(
    ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [
      `involvedObject.${f}`,
      (o: KubeObject) => (o.involvedObject as Record<string, string> | undefined)?.[f] ?? '',
    ]),
  ),
  reason: (o) => (o.reason as string | undefined) ?? '',
  reportingComponent: (o) => (o.reportingComponent as string | undefined) ?? '',
  source: (o) => (o.source as Record<string, string> | undefined)?.component ?? '',
  type: (o) => (o.type as string | undefined) ?? '',
};

const sinceTime = (ts: unknown): string => (typeof ts === 'string' && ts ? age(ts) : '<unknown>');

/** formatEventSource: `component, host`, or the reporting controller/instance of a new-style event. */
function eventSource(o: KubeObject): string {
  const src = (o.source ?? {}) as Record<string, string>;
  const component = src.component || (o.reportingComponent as string | undefined) || '';
  const host = src.host || (o.reportingInstance as string | undefined) || '';
  return host ? `${component}, ${host}` : component;
}

/** printEvent: LAST SEEN TYPE REASON OBJECT MESSAGE (Subobject, Source, First Seen, Count, Name with -o wide). */
export const EVENT_TABLE: TableConvertor = {
  columns: [
    {
      name: 'Last Seen',
      type: 'string',
      description: 'The time at which the most recent occurrence of this event was recorded.',
      priority: 0,
    },
    {
      name: 'Type',
      type: 'string',
      description: 'Type of this event (Normal, Warning), new types could be added in the future',
      priority: 0,
    },
    {
      name: 'Reason',
      type: 'string',
      description:
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      priority: 0,
    },
    { name: 'Object', type: 'string', description: 'The object that this event is about.', priority: 0 },
    {
      name: 'Subobject',
      type: 'string',
      description:
        'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
      priority: 1,
    },
    {
      name: 'Source',
      type: 'string',
      description: 'The component reporting this event. Should be a short machine understandable string.',
      priority: 1,
    },
    {
      name: 'Message',
      type: 'string',
      description: 'A human-readable description of the status of this operation.',
      priority: 0,
    },
    {
      name: 'First Seen',
      type: 'string',
      description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      priority: 1,
    },
    { name: 'Count', type: 'string', description: 'The number of times this event has occurred.', priority: 1 },
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 1,
    },
  ],
  cells(o) {
    let first = sinceTime(o.firstTimestamp);
    if (!o.firstTimestamp) first = sinceTime(o.eventTime);
    let last = o.lastTimestamp ? sinceTime(o.lastTimestamp) : first;
    let count = typeof o.count === 'number' ? o.count : 0;
    const series = o.series as { count?: number; lastObservedTime?: string } | undefined;
    if (series) {
      last = sinceTime(series.lastObservedTime);
      count = series.count ?? 0;
    } else if (count === 0) {
      count = 1; // singleton events of the new API carry no count
    }
    const io = (o.involvedObject ?? {}) as Record<string, string>;
    const target = io.name ? `${(io.kind ?? '').toLowerCase()}/${io.name}` : (io.kind ?? '').toLowerCase();
    return [
      last,
      o.type ?? '',
      o.reason ?? '',
      target,
      io.fieldPath ?? '',
      eventSource(o),
      String(o.message ?? '').trim(),
      first,
      count,
      o.metadata.name,
    ];
  },
};

/**
 * legacyValidateEvent for old-style core/v1 Events (no eventTime): the involved object's namespace must be the
 * event's (an object without one: the event lives in "default", for old clients).
 */
function validateEvent(o: KubeObject): FieldError[] {
  if (o.eventTime) return [];
  const io = (o.involvedObject ?? {}) as Record<string, string>;
  const ns = o.metadata.namespace ?? '';
  const ok = io.namespace ? io.namespace === ns : ns === '' || ns === 'default';
  return ok ? [] : [fieldInvalid('involvedObject.namespace', io.namespace ?? '', 'does not match event.namespace')];
}

export const events: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  listKind: 'EventList',
  singularName: 'event',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ALL_VERBS,
  strategy: { validate: validateEvent, validateUpdate: validateEvent },
  fieldLabels: EVENT_FIELD_LABELS,
  table: EVENT_TABLE,
};

function nodeReady(o: KubeObject): string {
  const conds = ((o.status as Record<string, unknown> | undefined)?.conditions ?? []) as {
    type: string;
    status: string;
  }[];
  const ready = conds.find((c) => c.type === 'Ready');
  let s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if ((o.spec as Record<string, unknown> | undefined)?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

export const nodes: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  listKind: 'NodeList',
  singularName: 'node',
  namespaced: false,
  shortNames: ['no'],
  verbs: ALL_VERBS,
  strategy: { prepareForUpdate: keepStatus },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: STATUS_ONLY } },
  table: table(
    [
      { name: 'Status', type: 'string', priority: 0 },
      { name: 'Roles', type: 'string', priority: 0 },
    ],
    (o) => [nodeReady(o), nodeRoles(o)],
    { age: 'none' },
  ),
};
// kubectl shows VERSION after AGE for nodes.
nodes.table = {
  columns: [
    ...nodes.table!.columns,
    { name: 'Age', type: 'string', description: 'Age', priority: 0 },
    { name: 'Version', type: 'string', description: 'Kubelet version', priority: 0 },
  ],
  cells: (o) => {
    const base = table([], () => []).cells(o);
    return [
      o.metadata.name,
      nodeReady(o),
      nodeRoles(o),
      base[1],
      (o.status as Record<string, Record<string, string>> | undefined)?.nodeInfo?.kubeletVersion ?? '',
    ];
  },
};

export function validateEnum(field: string, value: unknown, allowed: string[]): FieldError[] {
  return value === undefined || allowed.includes(value as string) ? [] : [fieldNotSupported(field, value, allowed)];
}
