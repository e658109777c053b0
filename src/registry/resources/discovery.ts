// discovery.k8s.io/v1 EndpointSlices, with pkg/apis/discovery/validation's main rules and kube's columns.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, type ResourceDef } from '../types.js';
import { validateEnum } from './core.js';
import { AGE, age, col, immutableField, printer } from './common.js';

type Endpoint = { addresses?: string[] };
type Port = { port?: number; protocol?: string; name?: string };

/** formatDiscoveryPorts / formatDiscoveryEndpoints: up to three values, then ` + N more...`. */
function firstThree(values: string[]): string {
  if (values.length === 0) return '<unset>';
  const shown = values.slice(0, 3).join(',');
  return values.length > 3 ? `${shown} + ${values.length - 3} more...` : shown;
}

function validateSlice(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!o.addressType) errs.push(fieldRequired('addressType'));
  else errs.push(...validateEnum('addressType', o.addressType, ['FQDN', 'IPv4', 'IPv6']));
  ((o.endpoints ?? []) as Endpoint[]).forEach((e, i) => {
    const n = e.addresses?.length ?? 0;
    if (n === 0) errs.push(fieldRequired(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    else if (n > 100)
      errs.push({
        type: 'FieldValueTooMany',
        field: `endpoints[${i}].addresses`,
        message: `Too many: ${n}: must have at most 100 items`,
      });
  });
  ((o.ports ?? []) as Port[]).forEach((p, i) => {
    if (p.port !== undefined && (p.port < 1 || p.port > 65535))
      errs.push(fieldInvalid(`ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
    errs.push(...validateEnum(`ports[${i}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

export const endpointSlices: ResourceDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  singularName: 'endpointslice',
  namespaced: true,
  verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      for (const p of (o.ports ?? []) as Port[]) {
        p.protocol ??= 'TCP';
        p.name ??= '';
      }
    },
    validate: validateSlice,
    validateUpdate: (o, old) => [...validateSlice(o), ...immutableField('addressType', o.addressType, old.addressType)],
    generationChanged: (o, old) =>
      JSON.stringify([o.endpoints, o.ports]) !== JSON.stringify([old.endpoints, old.ports]),
  },
  table: printer(
    [
      col('AddressType', 'string', 'Type of address within this EndpointSlice'),
      col('Ports', 'string', 'Ports associated with this EndpointSlice'),
      col('Endpoints', 'string', 'Endpoints associated with this EndpointSlice'),
      AGE,
    ],
    (o) => [
      o.addressType ?? '',
      firstThree(((o.ports ?? []) as Port[]).map((p) => (p.port === undefined ? '<unset>' : String(p.port)))),
      firstThree(((o.endpoints ?? []) as Endpoint[]).flatMap((e) => e.addresses ?? [])),
      age(o),
    ],
  ),
};

export const DISCOVERY_DEFS: ResourceDef[] = [endpointSlices];
