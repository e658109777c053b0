// The remaining core/v1 kinds a kube-apiserver serves: endpoints, limitranges, persistentvolumes,
// persistentvolumeclaims, podtemplates, replicationcontrollers, resourcequotas, and the read-only
// componentstatuses — stored with their defaults, main validation rules and kube's printer columns.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef, type RequestContext } from '../types.js';
import { validateEnum } from './core.js';
import {
  AGE,
  age,
  col,
  containerCells,
  defaultTemplate,
  formatLabels,
  nonNegative,
  num,
  part,
  printer,
  resetStatus,
  specChanged,
  type Obj,
  type PodTemplate,
} from './common.js';
import { scaleSubresource } from './apps.js';
import { validatePodSpec } from './pods.js';

const STATUS = { verbs: ['get', 'update', 'patch'] as ('get' | 'update' | 'patch')[], updateStrategy: statusOnly() };

type Subset = {
  addresses?: { ip?: string }[];
  notReadyAddresses?: { ip?: string }[];
  ports?: { port?: number; protocol?: string; name?: string }[];
};

/** formatEndpoints: up to three `ip:port` pairs, then ` + N more...`. */
export function formatEndpoints(subsets: Subset[] | undefined): string {
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets ?? []) {
    const ports = ss.ports ?? [];
    const addrs = ss.addresses ?? [];
    if (ports.length === 0) {
      for (const a of addrs) {
        if (list.length < 3) list.push(a.ip ?? '');
        count++;
      }
    } else {
      for (const p of ports)
        for (const a of addrs) {
          if (list.length < 3) list.push(`${a.ip ?? ''}:${p.port ?? 0}`);
          count++;
        }
    }
  }
  let ret = list.join(',');
  if (count > list.length) ret += ` + ${count - list.length} more...`;
  else if (count === 0) ret = '<none>';
  return ret;
}

function validateEndpoints(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  ((o.subsets ?? []) as Subset[]).forEach((ss, i) => {
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length)
      errs.push(fieldRequired(`subsets[${i}]`, 'must specify `addresses` or `notReadyAddresses`'));
    (ss.ports ?? []).forEach((p, j) => {
      if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535)
        errs.push(
          fieldInvalid(`subsets[${i}].ports[${j}].port`, p.port ?? 0, 'must be between 1 and 65535, inclusive'),
        );
      errs.push(...validateEnum(`subsets[${i}].ports[${j}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    });
  });
  return errs;
}

export const endpoints: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'endpoints',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  singularName: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      for (const ss of (o.subsets ?? []) as Subset[]) for (const p of ss.ports ?? []) p.protocol ??= 'TCP';
    },
    validate: validateEndpoints,
    validateUpdate: validateEndpoints,
  },
  table: printer([col('Endpoints', 'string', 'Endpoints of the service'), AGE], (o) => [
    formatEndpoints(o.subsets as Subset[]),
    age(o),
  ]),
};

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];

function validateLimitRange(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  ((part(o).limits ?? []) as Obj[]).forEach((l, i) => {
    if (l.type === undefined || l.type === '') errs.push(fieldRequired(`spec.limits[${i}].type`));
    else if (!LIMIT_TYPES.includes(l.type as string) && !String(l.type).includes('/'))
      errs.push(fieldInvalid(`spec.limits[${i}].type`, l.type, 'must be a standard limit type or fully qualified'));
    if (l.type === 'Pod' && l.default)
      errs.push({
        type: 'FieldValueForbidden',
        field: `spec.limits[${i}].default`,
        message: "Forbidden: may not be specified when `type` is 'Pod'",
      });
  });
  return errs;
}

export const limitRanges: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'limitranges',
  kind: 'LimitRange',
  listKind: 'LimitRangeList',
  singularName: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  verbs: ALL_VERBS,
  strategy: {
    // SetDefaults_LimitRangeItem: a Container's max becomes its default limit, and the limit its default request.
    defaults(o) {
      for (const l of (part(o).limits ?? []) as Obj[]) {
        if (l.type !== 'Container') continue;
        if (l.max && typeof l.max === 'object') l.default = { ...(l.max as Obj), ...((l.default as Obj) ?? {}) };
        if (l.default && typeof l.default === 'object') {
          const req = { ...(l.default as Obj) };
          for (const [k, v] of Object.entries((l.min as Obj) ?? {})) if (!(k in req)) req[k] = v;
          l.defaultRequest = { ...req, ...((l.defaultRequest as Obj) ?? {}) };
        }
      }
    },
    validate: validateLimitRange,
    validateUpdate: validateLimitRange,
  },
  table: printer(
    [
      col(
        'Created At',
        'date',
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
    ],
    (o) => [o.metadata.creationTimestamp],
  ),
};

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

/** GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, each once. */
function accessModes(modes: unknown): string {
  const set = new Set(Array.isArray(modes) ? (modes as string[]) : []);
  return ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod']
    .filter((m) => set.has(m))
    .map((m) => ACCESS_MODES[m])
    .join(',');
}

function storageClassOf(o: KubeObject): string {
  const fromAnnotation = o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return (fromAnnotation ?? (part(o).storageClassName as string | undefined)) || '';
}

function validateAccessModes(modes: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(modes) || modes.length === 0) return [fieldRequired(field)];
  for (const m of modes)
    errs.push(...validateEnum(field, m, ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']));
  return errs;
}

function validatePv(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const storage = (spec.capacity as Obj | undefined)?.storage;
  if (storage === undefined) errs.push(fieldRequired('spec.capacity'));
  errs.push(
    ...validateEnum('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, [
      'Delete',
      'Recycle',
      'Retain',
    ]),
  );
  errs.push(...validateEnum('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  const sources = [
    'hostPath',
    'nfs',
    'csi',
    'local',
    'iscsi',
    'fc',
    'awsElasticBlockStore',
    'gcePersistentDisk',
    'azureDisk',
    'azureFile',
    'cephfs',
    'cinder',
    'flexVolume',
    'glusterfs',
    'portworxVolume',
    'quobyte',
    'rbd',
    'scaleIO',
    'storageos',
    'vsphereVolume',
    'photonPersistentDisk',
    'flocker',
  ];
  const n = sources.filter((s) => spec[s] !== undefined).length;
  if (n === 0) errs.push(fieldRequired('spec', 'must specify a volume type'));
  else if (n > 1)
    errs.push({
      type: 'FieldValueForbidden',
      field: 'spec',
      message: 'Forbidden: may not specify more than 1 volume type',
    });
  return errs;
}

export const persistentVolumes: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumes',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  singularName: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      o.status = { phase: 'Pending' };
    },
    prepareForUpdate: keepStatus,
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.persistentVolumeReclaimPolicy ??= 'Retain';
      spec.volumeMode ??= 'Filesystem';
      if (spec.hostPath && typeof spec.hostPath === 'object') (spec.hostPath as Obj).type ??= '';
    },
    validate: validatePv,
    validateUpdate: validatePv,
  },
  subresources: { status: STATUS },
  table: printer(
    [
      col('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity."),
      col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
      col(
        'Reclaim Policy',
        'string',
        'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
      ),
      col('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
      col(
        'Claim',
        'string',
        'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
      ),
      col('StorageClass', 'string', 'StorageClass of the pv'),
      col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
      col(
        'Reason',
        'string',
        'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
      ),
      AGE,
      col('VolumeMode', 'string', 'Volume mode of the pv', 1),
    ],
    (o) => {
      const spec = part(o);
      const st = part(o, 'status');
      const ref = spec.claimRef as { namespace?: string; name?: string } | undefined;
      const claim = ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '';
      return [
        (spec.capacity as Obj | undefined)?.storage ?? '',
        accessModes(spec.accessModes),
        spec.persistentVolumeReclaimPolicy ?? '',
        o.metadata.deletionTimestamp ? 'Terminating' : (st.phase ?? ''),
        claim,
        storageClassOf(o),
        (spec.volumeAttributesClassName as string) || '<unset>',
        st.reason ?? '',
        age(o),
        spec.volumeMode ?? '<unset>',
      ];
    },
  ),
};

function validatePvc(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const storage = ((spec.resources as Obj | undefined)?.requests as Obj | undefined)?.storage;
  if (storage === undefined) errs.push(fieldRequired('spec.resources[storage]'));
  errs.push(...validateEnum('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

export const persistentVolumeClaims: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  singularName: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      o.status = { phase: 'Pending' };
    },
    prepareForUpdate: keepStatus,
    defaults(o) {
      ((o.spec ??= {}) as Obj).volumeMode ??= 'Filesystem';
    },
    validate: validatePvc,
    // ValidatePersistentVolumeClaimUpdate: after creation only resources.requests and volumeAttributesClassName may change.
    validateUpdate(o, old) {
      const errs = validatePvc(o);
      const strip = (s: Obj): Obj => ({
        ...s,
        resources: undefined,
        volumeAttributesClassName: undefined,
        volumeName: old.spec && !part(old).volumeName ? undefined : s.volumeName,
      });
      if (JSON.stringify(strip(part(o))) !== JSON.stringify(strip(part(old)))) {
        errs.push({
          type: 'FieldValueForbidden',
          field: 'spec',
          message:
            'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
        });
      }
      return errs;
    },
  },
  subresources: { status: STATUS },
  table: printer(
    [
      col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
      col('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
      col('Access Modes', 'string', 'accessModes contains the desired access modes the volume should have.'),
      col('StorageClass', 'string', 'StorageClass of the pvc'),
      col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
      AGE,
      col('VolumeMode', 'string', 'Volume mode of the pvc', 1),
    ],
    (o) => {
      const spec = part(o);
      const st = part(o, 'status');
      const bound = st.phase === 'Bound';
      return [
        o.metadata.deletionTimestamp ? 'Terminating' : (st.phase ?? ''),
        spec.volumeName ?? '',
        bound ? ((st.capacity as Obj | undefined)?.storage ?? '') : '',
        bound ? accessModes(st.accessModes) : '',
        storageClassOf(o),
        (spec.volumeAttributesClassName as string) || '<unset>',
        age(o),
        spec.volumeMode ?? '<unset>',
      ];
    },
  ),
};

function validatePodTemplate(o: KubeObject): FieldError[] {
  const t = o.template as PodTemplate | undefined;
  if (!t) return [fieldRequired('template')];
  const errs = validatePodSpec(t.spec as never, 'template.spec');
  const restart = t.spec?.restartPolicy;
  if (restart !== undefined && !['Always', 'OnFailure', 'Never'].includes(restart as string))
    errs.push(fieldInvalid('template.spec.restartPolicy', restart, 'invalid restart policy'));
  return errs;
}

export const podTemplates: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'podtemplates',
  kind: 'PodTemplate',
  listKind: 'PodTemplateList',
  singularName: 'podtemplate',
  namespaced: true,
  verbs: ALL_VERBS,
  strategy: {
    defaults: (o) => defaultTemplate(o.template as PodTemplate),
    validate: validatePodTemplate,
    validateUpdate: validatePodTemplate,
    generationChanged: (o, old) => JSON.stringify(o.template) !== JSON.stringify(old.template),
  },
  // printPodTemplate: no AGE column.
  table: printer(
    [
      col('Containers', 'string', 'Names of each container in the template.'),
      col('Images', 'string', 'Images referenced by each container in the template.'),
      col('Pod Labels', 'string', 'The labels for the pod template.'),
    ],
    (o) => [
      ...containerCells(o.template as PodTemplate),
      formatLabels((o.template as PodTemplate | undefined)?.metadata?.labels),
    ],
  ),
};

function validateRc(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
  ];
  const selector = spec.selector as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) errs.push(fieldRequired('spec.selector'));
  const t = spec.template as PodTemplate | undefined;
  if (!t) errs.push(fieldRequired('spec.template'));
  else {
    const labels = t.metadata?.labels ?? {};
    if (selector && Object.entries(selector).some(([k, v]) => labels[k] !== v))
      errs.push(fieldInvalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
    errs.push(...validatePodSpec(t.spec as never, 'spec.template.spec'));
    const restart = t.spec?.restartPolicy;
    if (restart !== undefined && restart !== 'Always')
      errs.push({
        type: 'FieldValueNotSupported',
        field: 'spec.template.spec.restartPolicy',
        message: `Unsupported value: ${JSON.stringify(restart)}: supported values: "Always"`,
      });
  }
  return errs;
}

export const replicationControllers: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'replicationcontrollers',
  kind: 'ReplicationController',
  listKind: 'ReplicationControllerList',
  singularName: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    // SetDefaults_ReplicationController: selector and labels from the template's labels, one replica.
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      const t = spec.template as PodTemplate | undefined;
      const labels = t?.metadata?.labels;
      if (labels && (!spec.selector || Object.keys(spec.selector as object).length === 0))
        spec.selector = { ...labels };
      if (labels && (!o.metadata.labels || Object.keys(o.metadata.labels).length === 0))
        o.metadata.labels = { ...labels };
      spec.replicas ??= 1;
      defaultTemplate(t);
    },
    validate: validateRc,
    validateUpdate: validateRc,
    generationChanged: specChanged,
  },
  subresources: { scale: rcScale(), status: STATUS },
  table: printer(
    [
      col('Desired', 'integer', 'Number of desired pods.'),
      col('Current', 'integer', 'Number of actual replicas.'),
      col('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
      AGE,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector that determines which pods the controller owns.', 1),
    ],
    (o) => {
      const st = part(o, 'status');
      return [
        num(part(o).replicas),
        num(st.replicas),
        num(st.readyReplicas),
        age(o),
        ...containerCells(part(o).template as PodTemplate),
        formatLabels(part(o).selector as Record<string, string> | undefined),
      ];
    },
  ),
};

/** An RC's selector is a plain map, which Scale.status.selector writes as `k=v,…`. */
function rcScale(): ReturnType<typeof scaleSubresource> {
  const s = scaleSubresource();
  const view = s.view!;
  return {
    ...s,
    view: {
      ...view,
      toView(o) {
        const scale = view.toView({ ...o, spec: { ...part(o), selector: { matchLabels: part(o).selector } } });
        return scale;
      },
    },
  };
}

function quantityColumns(o: KubeObject): [string, string] {
  // printResourceQuota: the spec's resources, sorted, each with the status' used/hard quantities.
  const hard = (part(o, 'status').hard ?? {}) as Record<string, string>;
  const used = (part(o, 'status').used ?? {}) as Record<string, string>;
  const requests: string[] = [];
  const limits: string[] = [];
  for (const k of Object.keys((part(o).hard ?? {}) as Obj).sort()) {
    const cell = `${k}: ${used[k] ?? '0'}/${hard[k] ?? '0'}`;
    if (k.startsWith('limits.')) limits.push(cell);
    else requests.push(cell);
  }
  return [requests.join(', '), limits.join(', ')];
}

function validateQuota(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries((part(o).hard ?? {}) as Obj)) {
    if (typeof v !== 'string' && typeof v !== 'number')
      errs.push(fieldInvalid(`spec.hard[${k}]`, v, 'must be a quantity'));
    else if (typeof v === 'number' ? v < 0 : v.trim().startsWith('-'))
      errs.push(fieldInvalid(`spec.hard[${k}]`, v, 'must be greater than or equal to 0'));
  }
  errs.push(
    ...((part(o).scopes ?? []) as string[]).flatMap((s, i) =>
      validateEnum(`spec.scopes[${i}]`, s, [
        'Terminating',
        'NotTerminating',
        'BestEffort',
        'NotBestEffort',
        'PriorityClass',
        'CrossNamespacePodAffinity',
        'VolumeAttributesClass',
      ]),
    ),
  );
  return errs;
}

export const resourceQuotas: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'resourcequotas',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  singularName: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate: resetStatus,
    prepareForUpdate: keepStatus,
    validate: validateQuota,
    validateUpdate: validateQuota,
  },
  subresources: { status: STATUS },
  // printResourceQuota: NAME REQUEST LIMIT AGE.
  table: printer(
    [
      col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      col(
        'Limit',
        'string',
        'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
      ),
      AGE,
    ],
    (o) => [...quantityColumns(o), age(o)],
  ),
};

/**
 * componentstatuses (deprecated in kube, still served): each component probed on request. kauth runs its
 * controllers in-process and has no scheduler, so it reports what kube would: the scheduler unreachable.
 */
export function componentStatuses(probeStorage: () => Promise<string | undefined>): ResourceDef {
  const cs = (name: string, healthy: boolean, message: string, error = ''): KubeObject => {
    const cond: Obj = { type: 'Healthy', status: healthy ? 'True' : 'False' };
    if (message) cond.message = message;
    if (error) cond.error = error;
    return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name }, conditions: [cond] } as KubeObject;
  };
  return {
    group: '',
    version: 'v1',
    resource: 'componentstatuses',
    kind: 'ComponentStatus',
    listKind: 'ComponentStatusList',
    singularName: 'componentstatus',
    namespaced: false,
    shortNames: ['cs'],
    verbs: ['get', 'list'],
    async virtualList(_ctx: RequestContext) {
      const storageError = await probeStorage();
      return [
        cs('controller-manager', true, 'ok'),
        cs('scheduler', false, '', 'kauth runs no scheduler'),
        storageError ? cs('etcd-0', false, '', storageError) : cs('etcd-0', true, 'ok'),
      ];
    },
    table: printer(
      [
        col('Status', 'string', 'Status of the component conditions'),
        col('Message', 'string', 'Message of the component conditions'),
        col('Error', 'string', 'Error of the component conditions'),
      ],
      (o) => {
        const c = ((o.conditions ?? []) as Obj[]).find((x) => x.type === 'Healthy') ?? {};
        const status = c.status === 'True' ? 'Healthy' : c.status === 'False' ? 'Unhealthy' : 'Unknown';
        return [status, c.message ?? '', c.error ?? ''];
      },
    ),
  };
}

export const CORE_KIND_DEFS: ResourceDef[] = [
  endpoints,
  limitRanges,
  persistentVolumes,
  persistentVolumeClaims,
  podTemplates,
  replicationControllers,
  resourceQuotas,
];
