// events.k8s.io/v1 Events: the same stored objects as core/v1 Events (kube-apiserver keeps one etcd prefix,
// /registry/events, and converts), with pkg/apis/events/v1's field mapping and ValidateEventCreate's rules
// for new-style events. Tables and field selectors are the core Event's, as kube prints the internal type.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, type ResourceDef, type StoredAs } from '../types.js';
import { EVENT_FIELD_LABELS, EVENT_TABLE } from './core.js';

/** events.k8s.io/v1 field → core/v1 field (Convert_v1_Event_To_core_Event and back). */
const FIELD_MAP: [string, string][] = [
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['reportingController', 'reportingComponent'],
  ['reportingInstance', 'reportingInstance'],
  ['action', 'action'],
  ['reason', 'reason'],
  ['regarding', 'involvedObject'],
  ['related', 'related'],
  ['note', 'message'],
  ['type', 'type'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(o: KubeObject, apiVersion: string, pairs: [string, string][]): KubeObject {
  const out: KubeObject = { kind: 'Event', apiVersion, metadata: o.metadata };
  for (const [from, to] of pairs) if (o[from] !== undefined) out[to] = o[from];
  return out;
}

/** series.count/lastObservedTime keep their names; core's series.state is dropped by kube's conversion too. */
export const EVENTS_STORED_AS: StoredAs = {
  group: '',
  resource: 'events',
  toStored: (o) => rename(o, 'v1', FIELD_MAP),
  fromStored: (o) =>
    rename(
      o,
      'events.k8s.io/v1',
      FIELD_MAP.map(([a, b]) => [b, a]),
    ),
};

/** The core view of an events.k8s.io object, so the core printer and field selectors apply unchanged. */
const asCore = (o: KubeObject): KubeObject => EVENTS_STORED_AS.toStored(o);

function mustBeUnset(o: KubeObject, field: string): FieldError[] {
  return o[field] === undefined || o[field] === null || o[field] === 0
    ? []
    : [fieldInvalid(field, '', 'needs to be unset')];
}

/** ValidateEventCreate for events.k8s.io/v1: a new-style event with its reporting fields. */
export function validateNewEvent(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!o.eventTime) errs.push(fieldRequired('eventTime'));
  if (o.type !== 'Normal' && o.type !== 'Warning')
    errs.push(fieldInvalid('type', '', `has invalid value: ${String(o.type ?? '')}`));
  for (const f of ['deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount', 'deprecatedSource'])
    errs.push(...mustBeUnset(o, f));
  for (const f of ['reportingController', 'reportingInstance', 'action', 'reason'])
    if (!o[f]) errs.push(fieldRequired(f));
  if (typeof o.reportingController === 'string' && o.reportingController.length > 253)
    errs.push(fieldInvalid('reportingController', o.reportingController, 'can have at most 253 characters'));
  if (typeof o.action === 'string' && o.action.length > 128)
    errs.push(fieldInvalid('action', '', 'can have at most 128 characters'));
  if (typeof o.reason === 'string' && o.reason.length > 128)
    errs.push(fieldInvalid('reason', '', 'can have at most 128 characters'));
  if (typeof o.note === 'string' && o.note.length > 1024)
    errs.push(fieldInvalid('note', '', 'can have at most 1024 characters'));
  const series = o.series as { count?: number; lastObservedTime?: string } | undefined;
  if (series) {
    if ((series.count ?? 0) < 2) errs.push(fieldInvalid('series.count', '', 'should be at least 2'));
    if (!series.lastObservedTime) errs.push(fieldRequired('series.lastObservedTime'));
  }
  return errs;
}

export const eventsV1: ResourceDef = {
  group: 'events.k8s.io',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  listKind: 'EventList',
  singularName: 'event',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ALL_VERBS,
  storedAs: EVENTS_STORED_AS,
  strategy: {
    validate: validateNewEvent,
    // ValidateEventUpdate: only series, note and the deprecated counters may change after creation.
    validateUpdate(o, old) {
      const errs: FieldError[] = [];
      for (const f of [
        'type',
        'reason',
        'action',
        'reportingController',
        'reportingInstance',
        'regarding',
        'related',
        'eventTime',
      ]) {
        if (JSON.stringify(o[f]) !== JSON.stringify(old[f]))
          errs.push(fieldInvalid(f, o[f] ?? '', 'field is immutable'));
      }
      return errs;
    },
  },
  fieldLabels: Object.fromEntries(
    Object.entries(EVENT_FIELD_LABELS).map(([k, f]) => [k, (o: KubeObject) => f(asCore(o))]),
  ),
  table: { columns: EVENT_TABLE.columns, cells: (o) => EVENT_TABLE.cells(asCore(o)) },
};

export const EVENTS_DEFS: ResourceDef[] = [eventsV1];
