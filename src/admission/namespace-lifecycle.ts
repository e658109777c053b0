// NamespaceLifecycle: nothing is created in a namespace that does not exist or is being deleted,
// and the system namespaces cannot be deleted.
import { forbidden, notFound } from '../api/errors.js';
import type { ObjectStore } from '../registry/object-store.js';
import { namespaceTerminating } from '../registry/rest.js';
import type { AdmissionPlugin } from './interface.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(objects: () => ObjectStore): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async validate(req) {
      if (req.def.resource === 'namespaces' && req.def.group === '') {
        if (req.operation === 'DELETE' && IMMORTAL.has(req.name)) {
          throw forbidden({ group: '', resource: 'namespaces' }, req.name, `this namespace may not be deleted`);
        }
        return;
      }
      if (!req.def.namespaced || req.operation !== 'CREATE' || req.subresource) return;
      const ns = await objects().get('namespaces', '', req.namespace);
      if (!ns) throw notFound({ group: '', resource: 'namespaces' }, req.namespace);
      if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') throw namespaceTerminating(req.namespace);
    },
  };
}
