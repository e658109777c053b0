// apps/v1 Deployments, stored with their defaults; no controller turns them into pods.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { labelSelectorMatcher } from '../selectors.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, STATUS_ONLY, type ResourceDef } from '../types.js';
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
      errs.push(fieldInvalid('spec.template.metadata.labels', spec.template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) errs.push(fieldInvalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  return errs;
}

export const deployments: ResourceDef = {
  group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', listKind: 'DeploymentList', singularName: 'deployment',
  namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) { o.status = {}; },
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
      if (JSON.stringify((o.spec as DeploymentSpec)?.selector) !== JSON.stringify((old.spec as DeploymentSpec)?.selector)) errs.push(fieldInvalid('spec.selector', (o.spec as DeploymentSpec)?.selector, 'field is immutable'));
      return errs;
    },
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: STATUS_ONLY } },
  table: table(
    [{ name: 'Ready', type: 'string', priority: 0 }, { name: 'Up-to-date', type: 'integer', priority: 0 }, { name: 'Available', type: 'integer', priority: 0 }],
    (o) => {
      const st = (o.status ?? {}) as Record<string, number>;
      return [`${st.readyReplicas ?? 0}/${(o.spec as DeploymentSpec)?.replicas ?? 0}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0];
    },
  ),
};
