// Services with a ClusterIP allocated from --service-cluster-ip-range (no proxying: kauth runs no data plane).
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, STATUS_ONLY, type ResourceDef } from '../types.js';
import { dns1035Label } from '../validation.js';

export type Port = { port?: number; protocol?: string; targetPort?: number | string; name?: string; nodePort?: number };
export type ServiceSpec = Record<string, unknown> & { ports?: Port[]; type?: string; clusterIP?: string; clusterIPs?: string[]; selector?: Record<string, string> };

export const services: ResourceDef = (() => {
  function ports(o: KubeObject): string {
    const spec = (o.spec ?? {}) as ServiceSpec;
    const list = (spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
    return list.length ? list.join(',') : '<none>';
  }

  function validate(o: KubeObject): FieldError[] {
    const spec = (o.spec ?? {}) as ServiceSpec;
    const errs: FieldError[] = [];
    if (spec.type !== 'ExternalName' && (!Array.isArray(spec.ports) || spec.ports.length === 0) && spec.clusterIP !== 'None') errs.push(fieldRequired('spec.ports'));
    (spec.ports ?? []).forEach((p, i) => {
      if (!Number.isInteger(p.port) || p.port! < 1 || p.port! > 65535) errs.push(fieldInvalid(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
    });
    return errs;
  }

  return {
    group: '', version: 'v1', resource: 'services', kind: 'Service', listKind: 'ServiceList', singularName: 'service',
    namespaced: true, shortNames: ['svc'], categories: ['all'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    nameValidator: dns1035Label,
    strategy: {
      prepareForCreate(o) { o.status = { loadBalancer: {} }; },
      prepareForUpdate(o, old) {
        keepStatus(o, old);
        const spec = (o.spec ?? {}) as ServiceSpec;
        const oldSpec = (old.spec ?? {}) as ServiceSpec;
        spec.clusterIP ??= oldSpec.clusterIP;
        spec.clusterIPs ??= oldSpec.clusterIPs;
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
      validateUpdate: validate,
    },
    subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: STATUS_ONLY } },
    table: table(
      [
        { name: 'Type', type: 'string', priority: 0 }, { name: 'Cluster-IP', type: 'string', priority: 0 },
        { name: 'External-IP', type: 'string', priority: 0 }, { name: 'Port(s)', type: 'string', priority: 0 },
      ],
      (o) => {
        const spec = (o.spec ?? {}) as ServiceSpec;
        return [spec.type ?? 'ClusterIP', spec.clusterIP ?? '<none>', spec.type === 'ExternalName' ? spec.externalName : '<none>', ports(o)];
      },
    ),
  };
})();
