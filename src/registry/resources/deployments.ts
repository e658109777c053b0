// apps/v1 Deployments, stored with their defaults; no controller turns them into pods.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { jsonEqual } from '../json-walk.js';
import { labelSelectorMatcher } from '../selectors.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { defaultPodSpec, validatePodSpec } from './pods.js';

type DeploymentSpec = Record<string, unknown> & {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> };
};

function validate(o: KubeObject): FieldError[] {
  const spec = (o.spec ?? {}) as DeploymentSpec;
  const errs: FieldError[] = [];
  if (!spec.selector) errs.push(fieldRequired('spec.selector'));
  if (!spec.template) errs.push(fieldRequired('spec.template'));
  else {
    errs.push(...validatePodSpec(spec.template.spec as never, 'spec.template.spec'));
    if (spec.selector && !labelSelectorMatcher(spec.selector as never)(spec.template.metadata?.labels)) {
      errs.push(
        fieldInvalid(
          'spec.template.metadata.labels',
          spec.template.metadata?.labels ?? {},
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0))
    errs.push(fieldInvalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  return errs;
}

type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, `in`/`notin` values sorted. */
export function selectorString(sel: LabelSelector | undefined): string {
  const reqs: [string, string][] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') reqs.push([e.key, `${e.key} in (${values})`]);
    else if (e.operator === 'NotIn') reqs.push([e.key, `${e.key} notin (${values})`]);
    else if (e.operator === 'Exists') reqs.push([e.key, e.key]);
    else if (e.operator === 'DoesNotExist') reqs.push([e.key, `!${e.key}`]);
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, r]) => r)
    .join(',');
}

/** autoscaling/v1 Scale of a Deployment (deployment storage's scaleFromDeployment). */
function toScale(d: KubeObject): KubeObject {
  const spec = (d.spec ?? {}) as DeploymentSpec;
  const m = d.metadata;
  const metadata: Record<string, unknown> = {
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    creationTimestamp: m.creationTimestamp,
  };
  const scaleSpec: Record<string, unknown> = {};
  if (spec.replicas) scaleSpec.replicas = spec.replicas;
  const status: Record<string, unknown> = { replicas: ((d.status ?? {}) as Record<string, number>).replicas ?? 0 };
  const selector = selectorString(spec.selector as LabelSelector | undefined);
  if (selector) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: metadata as KubeObject['metadata'],
    spec: scaleSpec,
    status,
  };
}

/** autoscaling ValidateScale: spec.replicas is a non-negative integer. */
function validateScale(scale: KubeObject): FieldError[] {
  const replicas = ((scale.spec ?? {}) as { replicas?: unknown }).replicas;
  if (replicas === undefined || replicas === null) return [];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas))
    return [fieldInvalid('spec.replicas', replicas, 'must be an integer')];
  return replicas < 0 ? [fieldInvalid('spec.replicas', replicas, 'must be greater than or equal to 0')] : [];
}

export const deployments: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  singularName: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      o.status = {};
    },
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as DeploymentSpec) ??= {});
      spec.replicas ??= 1;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      if (spec.template?.spec) defaultPodSpec(spec.template.spec as never);
    },
    validate,
    validateUpdate: (o, old) => {
      const errs = validate(o);
      if (!jsonEqual((o.spec as DeploymentSpec)?.selector, (old.spec as DeploymentSpec)?.selector))
        errs.push(fieldInvalid('spec.selector', (o.spec as DeploymentSpec)?.selector, 'field is immutable'));
      return errs;
    },
    // Spec changes bump the generation, and so do annotations (they are copied to the ReplicaSets).
    generationChanged: (o, old) =>
      !jsonEqual(o.spec, old.spec) || !jsonEqual(o.metadata.annotations ?? {}, old.metadata.annotations ?? {}),
  },
  // deploymentStatusStrategy keeps spec and labels.
  // Listed as discovery lists them: deployments/scale, then deployments/status.
  subresources: {
    // `kubectl scale` patches this view; the deployment's own strategy validates and bumps the generation.
    scale: {
      verbs: ['get', 'patch', 'update'],
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
      view: {
        toView: toScale,
        validate: validateScale,
        fromView(scale, d) {
          const replicas = ((scale.spec ?? {}) as { replicas?: number }).replicas ?? 0;
          d.spec = { ...((d.spec ?? {}) as object), replicas };
          return d;
        },
      },
    },
    status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly(['labels']) },
  },
  table: table(
    [
      { name: 'Ready', type: 'string', priority: 0 },
      { name: 'Up-to-date', type: 'integer', priority: 0 },
      { name: 'Available', type: 'integer', priority: 0 },
    ],
    (o) => {
      const st = (o.status ?? {}) as Record<string, number>;
      return [
        `${st.readyReplicas ?? 0}/${(o.spec as DeploymentSpec)?.replicas ?? 0}`,
        st.updatedReplicas ?? 0,
        st.availableReplicas ?? 0,
      ];
    },
  ),
};
