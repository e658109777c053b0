// storage.k8s.io/v1 StorageClasses, CSIDrivers, CSINodes and VolumeAttachments: kube's defaults
// (pkg/apis/storage/v1/defaults.go), main rules (pkg/apis/storage/validation) and printer columns.
import { fieldInvalid, fieldRequired, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { table } from '../table.js';
import { ALL_VERBS, keepStatus, statusOnly, type ResourceDef } from '../types.js';
import { validateEnum } from './core.js';
import { AGE, age, col, immutableField, part, printer, type Obj } from './common.js';

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

function validateStorageClass(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof o.provisioner !== 'string' || o.provisioner === '') errs.push(fieldRequired('provisioner'));
  else if (o.provisioner.length > 63)
    errs.push({ type: 'FieldValueTooLong', field: 'provisioner', message: 'Too long: may not be more than 63 bytes' });
  errs.push(...validateEnum('reclaimPolicy', o.reclaimPolicy, ['Delete', 'Retain']));
  errs.push(...validateEnum('volumeBindingMode', o.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}

export const storageClasses: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'storageclasses',
  kind: 'StorageClass',
  listKind: 'StorageClassList',
  singularName: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      o.reclaimPolicy ??= 'Delete';
      o.volumeBindingMode ??= 'Immediate';
    },
    validate: validateStorageClass,
    validateUpdate: (o, old) => [
      ...validateStorageClass(o),
      ...immutableField('parameters', o.parameters ?? {}, old.parameters ?? {}),
      ...immutableField('provisioner', o.provisioner, old.provisioner),
      ...immutableField('reclaimPolicy', o.reclaimPolicy, old.reclaimPolicy),
      ...immutableField('volumeBindingMode', o.volumeBindingMode, old.volumeBindingMode),
    ],
  },
};
// printStorageClass: the name carries ` (default)` for the default class.
storageClasses.table = (() => {
  const base = table(
    [
      col('Provisioner', 'string', 'Indicates the type of the provisioner.'),
      col('ReclaimPolicy', 'string', 'Indicates the type of the reclaim policy.'),
      col('VolumeBindingMode', 'string', 'Indicates how PersistentVolumeClaims should be provisioned and bound.'),
      col('AllowVolumeExpansion', 'string', 'Indicates whether the storage class allow volume expand.'),
      AGE,
    ],
    (o) => [
      o.provisioner ?? '',
      o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate',
      String(o.allowVolumeExpansion === true),
      age(o),
    ],
    { age: 'none' },
  );
  return {
    columns: base.columns,
    cells(o) {
      const row = base.cells(o);
      if (DEFAULT_CLASS_ANNOTATIONS.some((a) => o.metadata.annotations?.[a] === 'true'))
        row[0] = `${o.metadata.name} (default)`;
      return row;
    },
  };
})();

function validateCsiDriver(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  errs.push(...validateEnum('spec.fsGroupPolicy', spec.fsGroupPolicy, ['File', 'None', 'ReadWriteOnceWithFSType']));
  ((spec.volumeLifecycleModes ?? []) as string[]).forEach((m, i) =>
    errs.push(...validateEnum(`spec.volumeLifecycleModes[${i}]`, m, ['Ephemeral', 'Persistent'])),
  );
  if (!o.metadata.name || o.metadata.name.length > 63)
    errs.push(fieldInvalid('metadata.name', o.metadata.name ?? '', 'must be no more than 63 characters'));
  return errs;
}

/** printCSIDriver's booleans, with the defaults it assumes for unset fields. */
const bool = (v: unknown, unset: boolean): boolean => (typeof v === 'boolean' ? v : unset);

export const csiDrivers: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'csidrivers',
  kind: 'CSIDriver',
  listKind: 'CSIDriverList',
  singularName: 'csidriver',
  namespaced: false,
  verbs: ALL_VERBS,
  strategy: {
    defaults(o) {
      const spec = ((o.spec as Obj) ??= {});
      spec.attachRequired ??= true;
      spec.podInfoOnMount ??= false;
      spec.storageCapacity ??= false;
      spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
      spec.requiresRepublish ??= false;
      spec.seLinuxMount ??= false;
      if (!(spec.volumeLifecycleModes as unknown[] | undefined)?.length) spec.volumeLifecycleModes = ['Persistent'];
    },
    validate: validateCsiDriver,
    validateUpdate: (o, old) => [
      ...validateCsiDriver(o),
      ...immutableField('spec.attachRequired', part(o).attachRequired, part(old).attachRequired),
      ...immutableField('spec.volumeLifecycleModes', part(o).volumeLifecycleModes, part(old).volumeLifecycleModes),
    ],
  },
  table: printer(
    [
      col('AttachRequired', 'boolean', 'Indicates this CSI volume driver requires an attach operation.'),
      col(
        'PodInfoOnMount',
        'boolean',
        'Indicates this CSI volume driver requires additional pod information during mount operations.',
      ),
      col('StorageCapacity', 'boolean', 'Indicates this CSI volume driver reports storage capacity.'),
      col('TokenRequests', 'string', "Indicates the CSIDriver wants pod's ServiceAccountToken."),
      col(
        'RequiresRepublish',
        'boolean',
        'Indicates this CSI volume driver requires NodePublishVolume being periodically called.',
      ),
      col('Modes', 'string', 'Indicates volume lifecycle modes supported by this CSI volume driver.'),
      AGE,
    ],
    (o) => {
      const spec = part(o);
      const tokens = (spec.tokenRequests ?? []) as { audience?: string }[];
      const modes = (spec.volumeLifecycleModes ?? []) as string[];
      return [
        bool(spec.attachRequired, true),
        bool(spec.podInfoOnMount, false),
        bool(spec.storageCapacity, false),
        tokens.length ? tokens.map((t) => t.audience ?? '').join(',') : '<unset>',
        bool(spec.requiresRepublish, false),
        modes.length ? modes.join(',') : '<none>',
        age(o),
      ];
    },
  ),
};

function validateCsiNode(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ((part(o).drivers ?? []) as { name?: string; nodeID?: string }[]).forEach((d, i) => {
    if (!d.name) errs.push(fieldRequired(`spec.drivers[${i}].name`));
    else if (seen.has(d.name))
      errs.push({
        type: 'FieldValueDuplicate',
        field: `spec.drivers[${i}].name`,
        message: `Duplicate value: "${d.name}"`,
      });
    else seen.add(d.name);
    if (!d.nodeID) errs.push(fieldRequired(`spec.drivers[${i}].nodeID`));
  });
  return errs;
}

export const csiNodes: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'csinodes',
  kind: 'CSINode',
  listKind: 'CSINodeList',
  singularName: 'csinode',
  namespaced: false,
  verbs: ALL_VERBS,
  strategy: { validate: validateCsiNode, validateUpdate: validateCsiNode },
  table: printer(
    [col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), AGE],
    (o) => [((part(o).drivers ?? []) as unknown[]).length, age(o)],
  ),
};

function validateAttachment(o: KubeObject): FieldError[] {
  const spec = part(o);
  const errs: FieldError[] = [];
  if (!spec.attacher) errs.push(fieldRequired('spec.attacher'));
  if (!spec.nodeName) errs.push(fieldRequired('spec.nodeName'));
  const source = (spec.source ?? {}) as Obj;
  const n = ['persistentVolumeName', 'inlineVolumeSpec'].filter((k) => source[k] !== undefined).length;
  if (n !== 1)
    errs.push(
      fieldInvalid('spec.source', source, 'must specify exactly one of persistentVolumeName and inlineVolumeSpec'),
    );
  return errs;
}

export const volumeAttachments: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  resource: 'volumeattachments',
  kind: 'VolumeAttachment',
  listKind: 'VolumeAttachmentList',
  singularName: 'volumeattachment',
  namespaced: false,
  verbs: ALL_VERBS,
  strategy: {
    prepareForCreate(o) {
      delete o.status;
    },
    prepareForUpdate: keepStatus,
    validate: validateAttachment,
    validateUpdate: (o, old) => [...validateAttachment(o), ...immutableField('spec', o.spec, old.spec)],
  },
  subresources: { status: { verbs: ['get', 'update', 'patch'], updateStrategy: statusOnly() } },
  table: printer(
    [
      col('Attacher', 'string', 'Attacher indicates the name of the volume driver that MUST handle this request.'),
      col('PV', 'string', 'Name of the persistent volume to attach'),
      col('Node', 'string', 'The node that the volume should be attached to.'),
      col('Attached', 'boolean', 'Indicates the volume is successfully attached.'),
      AGE,
    ],
    (o) => {
      const spec = part(o);
      return [
        spec.attacher ?? '',
        ((spec.source ?? {}) as Obj).persistentVolumeName ?? '',
        spec.nodeName ?? '',
        part(o, 'status').attached === true,
        age(o),
      ];
    },
  ),
};

export const STORAGE_DEFS: ResourceDef[] = [storageClasses, csiDrivers, csiNodes, volumeAttachments];
