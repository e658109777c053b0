// policy/v1 PodDisruptionBudgets: stored, validated (pkg/apis/policy/validation) and printed as kube does;
// no disruption controller fills their status.
import { fieldInvalid, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { validateEnum } from './core.js';
import { AGE, age, col, num, part, printer, specChanged, validateLabelSelector, type LabelSelector } from './common.js';

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
export function intOrPercentErrors(v: unknown, field: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number') return v < 0 ? [fieldInvalid(field, v, 'must be greater than or equal to 0')] : [];
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (!m)
      return [
        fieldInvalid(
          field,
          v,
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
      ];
    return Number(m[1]) > 100 ? [fieldInvalid(field, v, 'must not be greater than 100%')] : [];
  }
  return [fieldInvalid(field, v, "must be an integer or percentage (e.g '5%')")];
}

function validatePdb(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
    errs.push(fieldInvalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  errs.push(
    ...intOrPercentErrors(spec.minAvailable, 'spec.minAvailable'),
    ...intOrPercentErrors(spec.maxUnavailable, 'spec.maxUnavailable'),
  );
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector as LabelSelector, 'spec.selector'));
  errs.push(
    ...validateEnum('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, [
      'AlwaysAllow',
      'IfHealthyBudget',
    ]),
  );
  return errs;
}

const str = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

export const podDisruptionBudgets: ResourceDef = {
  group: 'policy',
  version: 'v1',
  resource: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  listKind: 'PodDisruptionBudgetList',
  singularName: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      o.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    prepareForUpdate: keepStatus,
    validate: validatePdb,
    validateUpdate: validatePdb,
    generationChanged: specChanged,
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly() } },
  table: printer(
    [
      col('Min Available', 'string', 'The minimum number of pods that must be available'),
      col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable'),
      col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time'),
      AGE,
    ],
    (o) => [str(part(o).minAvailable), str(part(o).maxUnavailable), num(part(o, 'status').disruptionsAllowed), age(o)],
  ),
};

export const POLICY_DEFS: ResourceDef[] = [podDisruptionBudgets];
