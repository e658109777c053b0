// Namespaces: Active on create; delete marks them Terminating, empties them, then removes them
// (what the namespace controller does in kube-controller-manager).
import type { KubeObject } from '../../api/types.js';
import { log } from '../../log.js';
import type { ObjectStore } from '../object-store.js';
import { rfc3339 } from '../rest.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, STATUS_ONLY, type ResourceDef } from '../types.js';
import { dns1123Label } from '../validation.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function emptyNamespace(objects: ObjectStore, ns: KubeObject): Promise<void> {
  const name = ns.metadata.name!;
  for (const def of objects.defs) {
    if (!def.namespaced || def.virtualCreate) continue;
    const page = await objects.list(def, name);
    for (const o of page.items) {
      try {
        await objects.delete(def, name, o.metadata.name!);
        await def.afterDelete?.(o, objects);
      } catch { /* already gone */ }
    }
  }
  try {
    await objects.delete(objects.def('namespaces'), '', name);
  } catch { /* already gone */ }
}

export const namespaces: ResourceDef = {
  group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', listKind: 'NamespaceList', singularName: 'namespace',
  namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  nameValidator: dns1123Label,
  strategy: {
    prepareForCreate(o) {
      o.status = { phase: 'Active' };
      o.spec = { finalizers: ['kubernetes'] };
    },
    prepareForUpdate(o, old) {
      keepStatus(o, old);
      o.spec = old.spec;
    },
    defaults(o) {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name! };
    },
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: STATUS_ONLY }, finalize: { verbs: ['update'], updateStrategy: STATUS_ONLY } },
  fieldLabels: { 'status.phase': (o) => (o.status as Record<string, string> | undefined)?.phase },
  table: table([{ name: 'Status', type: 'string', priority: 0 }], (o) => [(o.status as Record<string, string> | undefined)?.phase ?? 'Active']),
  async delete(obj, objects) {
    const def = objects.def('namespaces');
    const marked = await objects.guaranteedUpdate(def, '', obj.metadata.name!, (cur) => {
      if (cur.metadata.deletionTimestamp) return undefined;
      cur.metadata.deletionTimestamp = rfc3339(new Date());
      cur.status = { ...(cur.status as object), phase: 'Terminating' };
      return cur;
    });
    // Emptying runs after the response, as the namespace controller does; kubectl waits for the 404.
    setImmediate(() => emptyNamespace(objects, marked ?? obj).catch((e) => log.error({ err: String(e), namespace: obj.metadata.name }, 'namespace cleanup failed')));
    return marked ?? obj;
  },
};
