// scheduling.k8s.io/v1 PriorityClasses, with pkg/apis/scheduling/validation's rules and the two system
// classes kube-apiserver creates at start (pkg/apis/scheduling SystemPriorityClasses).
import { fieldForbidden, fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, type ResourceDef } from '../types.js';
import { validateEnum } from './core.js';
import { AGE, age, col, immutableField, printer } from './common.js';

/** scheduling.HighestUserDefinablePriority and the system classes' values. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;

export const SYSTEM_PRIORITY_CLASSES: KubeObject[] = [
  {
    name: 'system-node-critical',
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    name: 'system-cluster-critical',
    value: SYSTEM_CRITICAL_PRIORITY,
    description:
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
].map(
  (c) =>
    ({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: c.name },
      value: c.value,
      description: c.description,
      preemptionPolicy: 'PreemptLowerPriority',
    }) as KubeObject,
);

function validatePriorityClass(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = o.metadata.name ?? '';
  const system = SYSTEM_PRIORITY_CLASSES.find((c) => c.metadata.name === name);
  if (system) {
    if (o.value !== system.value)
      errs.push(
        fieldForbidden('metadata.name', `${name} is a system priority class and must have value ${system.value}`),
      );
  } else {
    if (name.startsWith('system-'))
      errs.push(fieldForbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
    if (typeof o.value === 'number' && o.value > HIGHEST_USER_DEFINABLE_PRIORITY)
      errs.push(
        fieldForbidden(
          'value',
          `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`,
        ),
      );
  }
  if (typeof o.value !== 'number' || !Number.isInteger(o.value))
    errs.push(o.value === undefined ? fieldRequired('value') : fieldInvalid('value', o.value, 'must be an integer'));
  errs.push(...validateEnum('preemptionPolicy', o.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  return errs;
}

export const priorityClasses: ResourceDef = {
  group: 'scheduling.k8s.io',
  version: 'v1',
  resource: 'priorityclasses',
  kind: 'PriorityClass',
  listKind: 'PriorityClassList',
  singularName: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      o.preemptionPolicy ??= 'PreemptLowerPriority';
    },
    validate: validatePriorityClass,
    validateUpdate: (o, old) => [
      ...validatePriorityClass(o),
      ...immutableField('value', o.value, old.value),
      ...immutableField('preemptionPolicy', o.preemptionPolicy, old.preemptionPolicy),
    ],
  },
  table: printer(
    [
      col('Value', 'integer', 'The value of this priority class.'),
      col(
        'Global-Default',
        'boolean',
        'globalDefault specifies whether this PriorityClass should be considered as the default priority.',
      ),
      AGE,
      col('PreemptionPolicy', 'string', 'PreemptionPolicy is the Policy for preempting pods with lower priority.'),
    ],
    (o) => [o.value ?? 0, o.globalDefault === true, age(o), o.preemptionPolicy ?? ''],
  ),
};

export const SCHEDULING_DEFS: ResourceDef[] = [priorityClasses];
