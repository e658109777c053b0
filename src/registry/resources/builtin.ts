// The built-in kinds beyond the auth plane's own (pods, RBAC, CSRs, …): every resource a kube-apiserver v1.32
// without workload controllers serves, as data. control-plane.ts adds `defs` to the served set and creates
// `bootstrap` at start, as kube-apiserver's post-start hooks do (the system PriorityClasses).
import type { KubeObject } from '../../api/types.js';
import type { ResourceDef } from '../types.js';
import { ADMISSIONREGISTRATION_DEFS } from './admissionregistration.js';
import { APPS_DEFS } from './apps.js';
import { AUTOSCALING_DEFS } from './autoscaling.js';
import { BATCH_DEFS } from './batch.js';
import { COORDINATION_DEFS } from './coordination.js';
import { componentStatuses, CORE_KIND_DEFS } from './core-kinds.js';
import { DISCOVERY_DEFS } from './discovery.js';
import { EVENTS_DEFS } from './events.js';
import { NETWORKING_DEFS } from './networking.js';
import { NODE_DEFS } from './node.js';
import { POLICY_DEFS } from './policy.js';
import { SCHEDULING_DEFS, SYSTEM_PRIORITY_CLASSES } from './scheduling.js';
import { STORAGE_DEFS } from './storage.js';

export interface BuiltinKinds {
  defs: ResourceDef[];
  /** Objects kube-apiserver creates at start, by resource name (for bootstrapObjects). */
  bootstrap: [string, KubeObject][];
}

/** `probeStorage` resolves to an error text when the store does not answer (componentstatuses' etcd-0). */
export function builtinKinds(probeStorage: () => Promise<string | undefined>): BuiltinKinds {
  return {
    defs: [
      ...CORE_KIND_DEFS,
      componentStatuses(probeStorage),
      ...APPS_DEFS,
      ...BATCH_DEFS,
      ...AUTOSCALING_DEFS,
      ...COORDINATION_DEFS,
      ...DISCOVERY_DEFS,
      ...EVENTS_DEFS,
      ...NETWORKING_DEFS,
      ...POLICY_DEFS,
      ...SCHEDULING_DEFS,
      ...STORAGE_DEFS,
      ...NODE_DEFS,
      ...ADMISSIONREGISTRATION_DEFS,
    ],
    bootstrap: SYSTEM_PRIORITY_CLASSES.map((pc) => ['priorityclasses.scheduling.k8s.io', pc]),
  };
}
