// Pods: stored with kube-apiserver's defaults and a Pending status (kauth schedules nothing, runs nothing).
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { jsonEqual } from '../json-walk.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { dns1123Label } from '../validation.js';
import { validateEnum } from './core.js';

type Container = Record<string, unknown> & { name?: string; image?: string };
type PodSpec = Record<string, unknown> & { containers?: Container[]; initContainers?: Container[] };

/** The tag of an image reference: after the first ':' that no '/' follows (what `/:[^/]+$/` found, linearly). */
function imageTag(image: string): string | undefined {
  const colon = image.indexOf(':', image.lastIndexOf('/') + 1);
  return colon >= 0 && colon < image.length - 1 ? image.slice(colon + 1) : undefined;
}

function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) {
    const image = c.image ?? '';
    const tag = image.includes('@') ? 'digest' : imageTag(image);
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of (c.ports as Record<string, unknown>[] | undefined) ?? []) p.protocol ??= 'TCP';
}

/** SetDefaults_PodSpec and friends, for the fields kubectl shows. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
}

export function validatePodSpec(spec: PodSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec || typeof spec !== 'object') return [fieldRequired(path)];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errs.push(fieldRequired(`${path}.containers`));
  const seen = new Set<string>();
  for (const [list, items] of [
    ['containers', spec.containers],
    ['initContainers', spec.initContainers],
  ] as const) {
    (items ?? []).forEach((c, i) => {
      const f = `${path}.${list}[${i}]`;
      if (!c.name) errs.push(fieldRequired(`${f}.name`));
      else {
        for (const m of dns1123Label(c.name)) errs.push(fieldInvalid(`${f}.name`, c.name, m));
        if (seen.has(c.name))
          errs.push({ type: 'FieldValueDuplicate', field: `${f}.name`, message: `Duplicate value: "${c.name}"` });
        seen.add(c.name);
      }
      if (!c.image) errs.push(fieldRequired(`${f}.image`));
      errs.push(...validateEnum(`${f}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    });
  }
  errs.push(...validateEnum(`${path}.restartPolicy`, spec.restartPolicy, ['Always', 'OnFailure', 'Never']));
  errs.push(
    ...validateEnum(`${path}.dnsPolicy`, spec.dnsPolicy, [
      'ClusterFirstWithHostNet',
      'ClusterFirst',
      'Default',
      'None',
    ]),
  );
  return errs;
}

function podStatusText(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const st = (o.status ?? {}) as Record<string, unknown>;
  return (st.reason as string) || (st.phase as string) || 'Pending';
}

function ready(o: KubeObject): string {
  const spec = (o.spec ?? {}) as PodSpec;
  const statuses = ((o.status as Record<string, unknown> | undefined)?.containerStatuses ?? []) as {
    ready?: boolean;
  }[];
  return `${statuses.filter((s) => s.ready).length}/${spec.containers?.length ?? 0}`;
}

export const pods: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  listKind: 'PodList',
  singularName: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      o.status = { phase: 'Pending', qosClass: 'BestEffort' };
    },
    prepareForUpdate: keepStatus,
    defaults(o) {
      if (o.spec && typeof o.spec === 'object') defaultPodSpec(o.spec as PodSpec);
    },
    validate: (o) => validatePodSpec(o.spec as PodSpec, 'spec'),
    validateUpdate(o, old) {
      const errs = validatePodSpec(o.spec as PodSpec, 'spec');
      // Pod updates may only change images, activeDeadlineSeconds, tolerations (additions) and metadata.
      const strip = (s: PodSpec): PodSpec => ({
        ...s,
        containers: (s.containers ?? []).map((c) => ({ ...c, image: undefined })),
        initContainers: (s.initContainers ?? []).map((c) => ({ ...c, image: undefined })),
        activeDeadlineSeconds: undefined,
        tolerations: undefined,
      });
      if (!jsonEqual(strip((o.spec ?? {}) as PodSpec), strip((old.spec ?? {}) as PodSpec))) {
        errs.push({
          type: 'FieldValueForbidden',
          field: 'spec',
          message:
            'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        });
      }
      return errs;
    },
    generationChanged: (o, old) => !jsonEqual(o.spec, old.spec),
  },
  // podStatusStrategy keeps spec and ownerReferences (old kubelets corrupted them); labels may change.
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly(['ownerReferences']) } },
  returnDeletedObject: true,
  fieldLabels: {
    'spec.nodeName': (o) => ((o.spec as PodSpec | undefined)?.nodeName as string | undefined) ?? '',
    'spec.restartPolicy': (o) => (o.spec as PodSpec | undefined)?.restartPolicy as string,
    'spec.schedulerName': (o) => (o.spec as PodSpec | undefined)?.schedulerName as string,
    'spec.serviceAccountName': (o) => (o.spec as PodSpec | undefined)?.serviceAccountName as string,
    'status.phase': (o) => (o.status as Record<string, string> | undefined)?.phase,
    'status.podIP': (o) => (o.status as Record<string, string> | undefined)?.podIP ?? '',
    'status.nominatedNodeName': (o) => (o.status as Record<string, string> | undefined)?.nominatedNodeName ?? '',
  },
  table: table(
    [
      { name: 'Ready', type: 'string', priority: 0 },
      { name: 'Status', type: 'string', priority: 0 },
      { name: 'Restarts', type: 'string', priority: 0 },
    ],
    (o) => [ready(o), podStatusText(o), '0'],
  ),
};
// kubectl's wide columns for pods come after AGE.
const podCells = pods.table!.cells;
pods.table = {
  columns: [
    ...pods.table!.columns,
    { name: 'IP', type: 'string', description: 'IP address allocated to the pod.', priority: 1 },
    { name: 'Node', type: 'string', description: 'NodeName is the node the pod is scheduled to.', priority: 1 },
    { name: 'Nominated Node', type: 'string', description: 'nominatedNodeName', priority: 1 },
    { name: 'Readiness Gates', type: 'string', description: 'readinessGates', priority: 1 },
  ],
  cells: (o) => [
    ...podCells(o),
    (o.status as Record<string, string> | undefined)?.podIP ?? '<none>',
    ((o.spec as PodSpec | undefined)?.nodeName as string | undefined) ?? '<none>',
    '<none>',
    '<none>',
  ],
};
