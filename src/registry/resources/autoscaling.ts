// autoscaling/v2 HorizontalPodAutoscalers: stored with SetDefaults_HorizontalPodAutoscaler and the main rules
// of pkg/apis/autoscaling/validation; no autoscaler acts on them.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { AGE, age, col, num, part, printer, resetStatus, specChanged, type Obj } from './common.js';

type Metric = { type?: string; resource?: { name?: string; target?: Obj } } & Obj;

function validateHpa(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  const ref = spec.scaleTargetRef as { kind?: string; name?: string } | undefined;
  if (!ref?.kind) errs.push(fieldRequired('spec.scaleTargetRef.kind'));
  if (!ref?.name) errs.push(fieldRequired('spec.scaleTargetRef.name'));
  const min = spec.minReplicas;
  if (min !== undefined && !(typeof min === 'number' && min >= 1))
    errs.push(fieldInvalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  const max = spec.maxReplicas;
  if (typeof max !== 'number' || max < 1)
    errs.push(fieldInvalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min)
    errs.push(fieldInvalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  ((spec.metrics ?? []) as Metric[]).forEach((m, i) => {
    if (!['ContainerResource', 'External', 'Object', 'Pods', 'Resource'].includes(m.type ?? '')) {
      errs.push(
        fieldInvalid(
          `spec.metrics[${i}].type`,
          m.type ?? '',
          'must be either External, Object, Pods, Resource or ContainerResource',
        ),
      );
    }
  });
  return errs;
}

/** formatHPAMetrics for the common case: `<name>: <current>/<target>`, `<unknown>` before status arrives. */
function targets(o: KubeObject): string {
  const metrics = (part(o).metrics ?? []) as Metric[];
  if (metrics.length === 0) return '<none>';
  const current = (part(o, 'status').currentMetrics ?? []) as Metric[];
  const cells = metrics.slice(0, 3).map((m, i) => {
    if (m.type === 'Resource' && m.resource) {
      const target = m.resource.target ?? {};
      const cur = (current[i]?.resource as { current?: Obj } | undefined)?.current ?? {};
      if (target.type === 'Utilization')
        return `${m.resource.name}: ${cur.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>'}/${target.averageUtilization}%`;
      return `${m.resource.name}: ${(cur.averageValue as string) ?? '<unknown>'}/${(target.averageValue ?? target.value) as string}`;
    }
    return `<unknown>/${m.type ?? ''}`;
  });
  return metrics.length > 3 ? `${cells.join(', ')} + ${metrics.length - 3} more...` : cells.join(', ');
}

export const horizontalPodAutoscalers: ResourceDef = {
  group: 'autoscaling',
  version: 'v2',
  resource: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  singularName: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.minReplicas ??= 1;
      if (!(spec.metrics as unknown[] | undefined)?.length)
        spec.metrics = [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        ];
    },
    validate: validateHpa,
    validateUpdate: validateHpa,
    generationChanged: specChanged,
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly() } },
  table: printer(
    [
      col('Reference', 'string', 'reference to the scaled target'),
      col('Targets', 'string', 'the metrics the autoscaler reacts to'),
      col('MinPods', 'string', 'lower limit for the number of pods that can be set by the autoscaler'),
      col('MaxPods', 'integer', 'upper limit for the number of pods that can be set by the autoscaler'),
      col('Replicas', 'integer', 'current number of replicas of pods managed by this autoscaler'),
      AGE,
    ],
    (o) => {
      const spec = part(o);
      const ref = (spec.scaleTargetRef ?? {}) as { kind?: string; name?: string };
      return [
        `${ref.kind ?? ''}/${ref.name ?? ''}`,
        targets(o),
        spec.minReplicas === undefined ? '<unset>' : String(spec.minReplicas),
        num(spec.maxReplicas),
        num(part(o, 'status').currentReplicas),
        age(o),
      ];
    },
  ),
};

export const AUTOSCALING_DEFS: ResourceDef[] = [horizontalPodAutoscalers];
