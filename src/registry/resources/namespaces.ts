// Namespaces: Active on create; delete marks them Terminating, and the namespace controller
// (src/controllers/namespace-deletion.ts) empties and removes them.
import { conflict } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { ObjectStore } from '../object-store.js';
import { table } from '../table.js';
import { keepStatus, STATUS_ONLY, type ResourceDef, type Strategy } from '../types.js';
import { dns1123Label } from '../validation.js';
import { kubeTime } from '../../api/time.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** namespaceFinalizeStrategy: /finalize may change spec (its finalizers), never status. */
const FINALIZE_ONLY: Strategy = { prepareForUpdate: keepStatus };

export const namespaces: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  singularName: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
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
  subresources: {
    status: { verbs: ['get', 'update', 'patch'], updateStrategy: STATUS_ONLY },
    finalize: { verbs: ['update'], updateStrategy: FINALIZE_ONLY },
  },
  returnDeletedObject: true,
  fieldLabels: { 'status.phase': (o) => (o.status as Record<string, string> | undefined)?.phase },
  table: table([{ name: 'Status', type: 'string', priority: 0 }], (o) => [
    (o.status as Record<string, string> | undefined)?.phase ?? 'Active',
  ]),
  async delete(obj, objects, _ctx, options) {
    const def = objects.def('namespaces');
    // The namespace storage checks a UID precondition itself, in the generic store's older words.
    const uid = options.preconditions?.uid;
    if (uid && uid !== obj.metadata.uid) {
      throw conflict(
        { group: '', resource: 'namespaces' },
        obj.metadata.name!,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${obj.metadata.uid}`,
      );
    }
    if (
      obj.metadata.deletionTimestamp &&
      ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length
    ) {
      // Still being emptied by the namespace controller (src/controllers/namespace-deletion.ts).
      throw conflict(
        { group: '', resource: 'namespaces' },
        obj.metadata.name!,
        'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
      );
    }
    const marked = await objects.guaranteedUpdate(def, '', obj.metadata.name!, (cur) => {
      if (cur.metadata.deletionTimestamp) return undefined;
      cur.metadata.deletionTimestamp = kubeTime();
      cur.status = { ...(cur.status as object), phase: 'Terminating' };
      return cur;
    });
    // The namespace controller sees the mark and empties it; kubectl waits for the 404.
    return marked ?? obj;
  },
};
