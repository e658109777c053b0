// NamespaceLifecycle: nothing is created in a namespace that does not exist or is being deleted,
// and the system namespaces cannot be deleted (plugin/pkg/admission/namespace/lifecycle).
import { forbidden, notFound, type StatusError } from '../api/errors.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { AdmissionPlugin, AdmissionRequest } from './interface.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

/**
 * admission.NewForbidden names the object being created (or its generateName, or "Unknown"), and the
 * plugin adds a NamespaceTerminating cause on metadata.namespace.
 */
export function namespaceTerminating(req: AdmissionRequest): StatusError {
  const name = req.name || req.object?.metadata.name || req.object?.metadata.generateName || 'Unknown';
  const err = forbidden(
    { group: req.def.group, resource: req.def.resource },
    name,
    `unable to create new content in namespace ${req.namespace} because it is being terminated`,
  );
  err.details!.causes = [
    {
      reason: 'NamespaceTerminating',
      message: `namespace ${req.namespace} is being terminated`,
      field: 'metadata.namespace',
    },
  ];
  return err;
}

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
      if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating')
        throw namespaceTerminating(req);
    },
  };
}
