// coordination.k8s.io/v1 Leases (leader election, node heartbeats), with pkg/apis/coordination/validation's rules.
import { fieldInvalid, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, type ResourceDef } from '../types.js';
import { validateEnum } from './core.js';
import { AGE, age, col, nonNegative, part, printer } from './common.js';

function validateLease(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  if (
    spec.leaseDurationSeconds !== undefined &&
    !(typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds > 0)
  ) {
    errs.push(fieldInvalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  errs.push(...nonNegative('spec.leaseTransitions', spec.leaseTransitions));
  errs.push(...validateEnum('spec.strategy', spec.strategy, ['OldestEmulationVersion']));
  return errs;
}

export const leases: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  kind: 'Lease',
  listKind: 'LeaseList',
  singularName: 'lease',
  namespaced: true,
  verbs: ALL_VERBS,
  strategy: { validate: validateLease, validateUpdate: validateLease },
  table: printer([col('Holder', 'string', 'The holder of the lease'), AGE], (o) => [
    part(o).holderIdentity ?? '',
    age(o),
  ]),
};

export const COORDINATION_DEFS: ResourceDef[] = [leases];
