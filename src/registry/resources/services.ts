// Services with a ClusterIP allocated from --service-cluster-ip-range (no proxying: kauth runs no data plane).
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, STATUS_ONLY, type ResourceDef } from '../types.js';
import { dns1035Label } from '../validation.js';

export type Port = { port?: number; protocol?: string; targetPort?: number | string; name?: string; nodePort?: number };
export type ServiceSpec = Record<string, unknown> & {
  ports?: Port[];
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  selector?: Record<string, string>;
};

/** An allocated ClusterIP stays (validateServiceClusterIPsRelatedFields: "may not change once set"). */
function validateClusterIpUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = (o.spec ?? {}) as ServiceSpec;
  const oldSpec = (old.spec ?? {}) as ServiceSpec;
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName' || !oldSpec.clusterIP) return [];
  const ips = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
  if (spec.clusterIP === oldSpec.clusterIP && (ips[0] ?? oldSpec.clusterIP) === oldSpec.clusterIP) return [];
  const rendered = `[]string{${ips.map((ip) => JSON.stringify(ip)).join(', ')}}`;
  return [
    {
      type: 'FieldValueInvalid',
      field: 'spec.clusterIPs[0]',
      message: `Invalid value: ${rendered}: may not change once set`,
    },
  ];
}

export const services: ResourceDef = (() => {
  function ports(o: KubeObject): string {
    const spec = (o.spec ?? {}) as ServiceSpec;
    const list = (spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
    return list.length ? list.join(',') : '<none>';
  }

  function validate(o: KubeObject): FieldError[] {
    const spec = (o.spec ?? {}) as ServiceSpec;
    const errs: FieldError[] = [];
    if (
      spec.type !== 'ExternalName' &&
      (!Array.isArray(spec.ports) || spec.ports.length === 0) &&
      spec.clusterIP !== 'None'
    )
      errs.push(fieldRequired('spec.ports'));
    (spec.ports ?? []).forEach((p, i) => {
      if (!Number.isInteger(p.port) || p.port! < 1 || p.port! > 65535)
        errs.push(fieldInvalid(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
    });
    return errs;
  }

  return {
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    listKind: 'ServiceList',
    singularName: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    nameValidator: dns1035Label,
    strategy: {
      prepareForCreate(o) {
        o.status = { loadBalancer: {} };
      },
      prepareForUpdate(o, old) {
        keepStatus(o, old);
        const spec = (o.spec ?? {}) as ServiceSpec;
        const oldSpec = (old.spec ?? {}) as ServiceSpec;
        // An update that leaves the allocated IP out (or empty) keeps it (PatchAllocatedValues).
        if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
        if (!spec.clusterIPs?.length && oldSpec.clusterIPs) spec.clusterIPs = oldSpec.clusterIPs;
      },
      defaults(o) {
        const spec = ((o.spec as ServiceSpec) ??= {});
        spec.type ??= 'ClusterIP';
        spec.sessionAffinity ??= 'None';
        if (spec.type !== 'ExternalName') {
          spec.ipFamilies ??= ['IPv4'];
          spec.ipFamilyPolicy ??= 'SingleStack';
          spec.internalTrafficPolicy ??= 'Cluster';
        }
        for (const p of spec.ports ?? []) {
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
      },
      validate,
      validateUpdate: (o, old) => [...validate(o), ...validateClusterIpUpdate(o, old)],
    },
    subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: STATUS_ONLY } },
    returnDeletedObject: true,
    table: table(
      [
        { name: 'Type', type: 'string', priority: 0 },
        { name: 'Cluster-IP', type: 'string', priority: 0 },
        { name: 'External-IP', type: 'string', priority: 0 },
        { name: 'Port(s)', type: 'string', priority: 0 },
      ],
      (o) => {
        const spec = (o.spec ?? {}) as ServiceSpec;
        return [
          spec.type ?? 'ClusterIP',
          spec.clusterIP ?? '<none>',
          spec.type === 'ExternalName' ? spec.externalName : '<none>',
          ports(o),
        ];
      },
    ),
  };
})();
