// apps/v1 ReplicaSets, StatefulSets, DaemonSets and ControllerRevisions, stored with their defaults
// (pkg/apis/apps/v1/defaults.go) and main validation rules (pkg/apis/apps/validation); no controller runs them.
// Deployments have a file of their own.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef, type SubresourceDef } from '../types.js';
import { validateEnum } from './core.js';
import {
  AGE,
  age,
  col,
  containerCells,
  defaultTemplate,
  formatLabels,
  formatSelector,
  immutableField,
  nonNegative,
  num,
  part,
  printer,
  resetStatus,
  specChanged,
  validateSelectorAndTemplate,
  type LabelSelector,
  type Obj,
  type PodTemplate,
  CONTAINERS,
  IMAGES,
  SELECTOR,
} from './common.js';
import { selectorString } from './deployments.js';

/** autoscaling/v1 Scale of a workload with spec.replicas and a label selector (ScaleREST). */
export function scaleSubresource(): SubresourceDef {
  return {
    verbs: ['get', 'patch', 'update'],
    kind: 'Scale',
    group: 'autoscaling',
    version: 'v1',
    view: {
      toView(o) {
        const spec = part(o);
        const m = o.metadata;
        const status: Obj = { replicas: num(part(o, 'status').replicas) };
        const selector = selectorString(spec.selector as LabelSelector | undefined);
        if (selector) status.selector = selector;
        return {
          kind: 'Scale',
          apiVersion: 'autoscaling/v1',
          status,
          metadata: {
            name: m.name,
            namespace: m.namespace,
            uid: m.uid,
            resourceVersion: m.resourceVersion,
            creationTimestamp: m.creationTimestamp,
          },
          spec: spec.replicas ? { replicas: spec.replicas } : {},
        } as KubeObject;
      },
      validate(scale) {
        const r = part(scale).replicas;
        if (r === undefined || r === null) return [];
        return typeof r === 'number' && Number.isInteger(r) && r >= 0
          ? []
          : [fieldInvalid('spec.replicas', r, 'must be greater than or equal to 0')];
      },
      fromView(scale, o) {
        o.spec = { ...part(o), replicas: num(part(scale).replicas) };
        return o;
      },
    },
  };
}

const STATUS: SubresourceDef = { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly(['labels']) };

function selectorImmutable(o: KubeObject, old: KubeObject): FieldError[] {
  return immutableField('spec.selector', part(o).selector, part(old).selector);
}

function validateReplicaSet(o: KubeObject): FieldError[] {
  const spec = part(o);
  return [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...validateSelectorAndTemplate(spec, 'spec'),
  ];
}

export const replicaSets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  singularName: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.replicas ??= 1;
      defaultTemplate(spec.template as PodTemplate);
    },
    validate: validateReplicaSet,
    validateUpdate: (o, old) => [...validateReplicaSet(o), ...selectorImmutable(o, old)],
    generationChanged: specChanged,
  },
  subresources: { scale: scaleSubresource(), status: STATUS },
  table: printer(
    [
      col('Desired', 'integer', 'Number of desired pods.'),
      col('Current', 'integer', 'Number of actual replicas.'),
      col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    (o) => {
      const st = part(o, 'status');
      return [
        num(part(o).replicas),
        num(st.replicas),
        num(st.readyReplicas),
        age(o),
        ...containerCells(part(o).template as PodTemplate),
        formatSelector(part(o).selector as LabelSelector),
      ];
    },
  ),
};

function validateStatefulSet(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...validateSelectorAndTemplate(spec, 'spec', { kindWord: 'statefulset' }),
  ];
  errs.push(...validateEnum('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']));
  const strategy = (spec.updateStrategy ?? {}) as Obj;
  errs.push(...validateEnum('spec.updateStrategy.type', strategy.type, ['RollingUpdate', 'OnDelete']));
  const restart = (spec.template as PodTemplate | undefined)?.spec?.restartPolicy;
  if (restart !== undefined && restart !== 'Always')
    errs.push({
      type: 'FieldValueNotSupported',
      field: 'spec.template.spec.restartPolicy',
      message: `Unsupported value: ${JSON.stringify(restart)}: supported values: "Always"`,
    });
  return errs;
}

/** ValidateStatefulSetUpdate: only these spec fields may change. */
const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

export const statefulSets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'statefulsets',
  kind: 'StatefulSet',
  listKind: 'StatefulSetList',
  singularName: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec.revisionHistoryLimit ??= 10;
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultTemplate(spec.template as PodTemplate);
    },
    validate: validateStatefulSet,
    validateUpdate(o, old) {
      const errs = validateStatefulSet(o);
      const strip = (s: Obj): Obj =>
        Object.fromEntries(Object.entries(s).filter(([k]) => !STATEFULSET_MUTABLE.includes(k)));
      if (JSON.stringify(strip(part(o))) !== JSON.stringify(strip(part(old)))) {
        errs.push({
          type: 'FieldValueForbidden',
          field: 'spec',
          message:
            "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        });
      }
      return errs;
    },
    generationChanged: specChanged,
  },
  subresources: { scale: scaleSubresource(), status: STATUS },
  table: printer([col('Ready', 'string', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES], (o) => [
    `${num(part(o, 'status').readyReplicas)}/${num(part(o).replicas)}`,
    age(o),
    ...containerCells(part(o).template as PodTemplate),
  ]),
};

function validateDaemonSet(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs = [
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...validateSelectorAndTemplate(spec, 'spec', { kindWord: 'daemonset' }),
  ];
  errs.push(
    ...validateEnum('spec.updateStrategy.type', ((spec.updateStrategy ?? {}) as Obj).type, [
      'OnDelete',
      'RollingUpdate',
    ]),
  );
  const restart = (spec.template as PodTemplate | undefined)?.spec?.restartPolicy;
  if (restart !== undefined && restart !== 'Always')
    errs.push({
      type: 'FieldValueNotSupported',
      field: 'spec.template.spec.restartPolicy',
      message: `Unsupported value: ${JSON.stringify(restart)}: supported values: "Always"`,
    });
  return errs;
}

export const daemonSets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  kind: 'DaemonSet',
  listKind: 'DaemonSetList',
  singularName: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      const us = spec.updateStrategy as Obj;
      if (us.type === 'RollingUpdate') us.rollingUpdate ??= { maxUnavailable: 1, maxSurge: 0 };
      spec.revisionHistoryLimit ??= 10;
      defaultTemplate(spec.template as PodTemplate);
    },
    validate: validateDaemonSet,
    validateUpdate: (o, old) => [...validateDaemonSet(o), ...selectorImmutable(o, old)],
    generationChanged: specChanged,
  },
  subresources: { status: STATUS },
  table: printer(
    [
      col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
      col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod.'),
      col(
        'Ready',
        'integer',
        'The number of nodes that should be running the daemon pod and have one or more running and ready.',
      ),
      col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
      col(
        'Available',
        'integer',
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
      ),
      col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
      AGE,
      CONTAINERS,
      IMAGES,
      SELECTOR,
    ],
    (o) => {
      const st = part(o, 'status');
      const template = part(o).template as PodTemplate | undefined;
      return [
        num(st.desiredNumberScheduled),
        num(st.currentNumberScheduled),
        num(st.numberReady),
        num(st.updatedNumberScheduled),
        num(st.numberAvailable),
        formatLabels(template?.spec?.nodeSelector as Record<string, string> | undefined),
        age(o),
        ...containerCells(template),
        formatSelector(part(o).selector as LabelSelector),
      ];
    },
  ),
};

function validateRevision(o: KubeObject): FieldError[] {
  if (o.revision === undefined) return [fieldRequired('revision')];
  return nonNegative('revision', o.revision);
}

/** printControllerRevision: CONTROLLER is `<kind>.<group>/<name>` of the controlling owner. */
function controllerOf(o: KubeObject): string {
  const owner = (o.metadata.ownerReferences ?? []).find((r) => (r as { controller?: boolean }).controller) as
    | { apiVersion: string; kind: string; name: string }
    | undefined;
  if (!owner) return '<none>';
  const group = owner.apiVersion.includes('/') ? owner.apiVersion.slice(0, owner.apiVersion.indexOf('/')) : '';
  return `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}`;
}

export const controllerRevisions: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  kind: 'ControllerRevision',
  listKind: 'ControllerRevisionList',
  singularName: 'controllerrevision',
  namespaced: true,
  verbs: ALL_VERBS,
  strategy: {
    validate: validateRevision,
    // ValidateControllerRevisionUpdate: data is immutable.
    validateUpdate: (o, old) => [...validateRevision(o), ...immutableField('data', o.data, old.data)],
  },
  table: printer(
    [
      col('Controller', 'string', 'Controller of the object'),
      col('Revision', 'integer', 'Revision of the ControllerRevision'),
      AGE,
    ],
    (o) => [controllerOf(o), num(o.revision), age(o)],
  ),
};

export const APPS_DEFS: ResourceDef[] = [replicaSets, statefulSets, daemonSets, controllerRevisions];
