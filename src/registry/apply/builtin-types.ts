// The merge types of the built-in kinds, as far as they differ from kube's default for a Go struct (every object a
// struct, every list atomic): the free-form maps (labels, data, selectors, resource lists) and the lists kube
// declares as maps (`+listType=map`, patchMergeKey: containers by name, ports by containerPort+protocol, …) or
// sets (finalizers). Read from the kinds' Go types in k8s.io/api; what is not listed here merges as a struct.
import { SCALAR, STRUCT, type TypeRef } from './schema.js';

const stringMap: TypeRef = { kind: 'map', elementType: SCALAR };
const struct = (fields: Record<string, TypeRef>): TypeRef => ({ kind: 'map', fields, anyField: STRUCT });
const listMap = (keys: string[], elementType: TypeRef = STRUCT, keyDefaults?: Record<string, string>): TypeRef => ({
  kind: 'list',
  listType: 'map',
  keys,
  elementType,
  ...(keyDefaults ? { keyDefaults } : {}),
});
const set: TypeRef = { kind: 'list', listType: 'set', elementType: SCALAR };

const labelSelector = struct({ matchLabels: stringMap });
const conditions = listMap(['type']);
const resources = struct({ limits: stringMap, requests: stringMap, claims: listMap(['name']) });

const META = struct({
  labels: stringMap,
  annotations: stringMap,
  finalizers: set,
  ownerReferences: listMap(['uid']),
});

const container = struct({
  ports: listMap(['containerPort', 'protocol'], STRUCT, { protocol: 'TCP' }),
  env: listMap(['name']),
  volumeMounts: listMap(['mountPath']),
  volumeDevices: listMap(['devicePath']),
  resizePolicy: listMap(['resourceName']),
  resources,
});

const POD_SPEC = struct({
  containers: listMap(['name'], container),
  initContainers: listMap(['name'], container),
  ephemeralContainers: listMap(['name'], container),
  volumes: listMap(['name']),
  imagePullSecrets: listMap(['name']),
  hostAliases: listMap(['ip']),
  nodeSelector: stringMap,
  overhead: stringMap,
  topologySpreadConstraints: listMap(['topologyKey', 'whenUnsatisfiable']),
  resourceClaims: listMap(['name']),
  schedulingGates: listMap(['name']),
  readinessGates: { kind: 'list', listType: 'atomic', elementType: STRUCT },
});

const POD_TEMPLATE = struct({ metadata: META, spec: POD_SPEC });
const workloadStatus = struct({ conditions });

const kinds: Record<string, Record<string, TypeRef>> = {
  Pod: {
    spec: POD_SPEC,
    status: struct({ conditions, containerStatuses: { kind: 'list', listType: 'atomic', elementType: STRUCT } }),
  },
  PodTemplate: { template: POD_TEMPLATE },
  ConfigMap: { data: stringMap, binaryData: stringMap },
  Secret: { data: stringMap, stringData: stringMap },
  Service: {
    spec: struct({ selector: stringMap, ports: listMap(['port', 'protocol'], STRUCT, { protocol: 'TCP' }) }),
    status: struct({ conditions }),
  },
  Namespace: { status: struct({ conditions }) },
  Node: { status: struct({ conditions, addresses: listMap(['type']), capacity: stringMap, allocatable: stringMap }) },
  ReplicationController: { spec: struct({ selector: stringMap, template: POD_TEMPLATE }), status: workloadStatus },
  ResourceQuota: { spec: struct({ hard: stringMap }), status: struct({ hard: stringMap, used: stringMap }) },
  PersistentVolumeClaim: {
    spec: struct({ resources, selector: labelSelector }),
    status: struct({ conditions, capacity: stringMap }),
  },
  PersistentVolume: { spec: struct({ capacity: stringMap }) },
  Deployment: { spec: struct({ selector: labelSelector, template: POD_TEMPLATE }), status: workloadStatus },
  ReplicaSet: { spec: struct({ selector: labelSelector, template: POD_TEMPLATE }), status: workloadStatus },
  StatefulSet: { spec: struct({ selector: labelSelector, template: POD_TEMPLATE }), status: workloadStatus },
  DaemonSet: { spec: struct({ selector: labelSelector, template: POD_TEMPLATE }), status: workloadStatus },
  Job: { spec: struct({ selector: labelSelector, template: POD_TEMPLATE }), status: workloadStatus },
  CronJob: {
    spec: struct({
      jobTemplate: struct({ metadata: META, spec: struct({ selector: labelSelector, template: POD_TEMPLATE }) }),
    }),
  },
  CertificateSigningRequest: {
    spec: struct({ extra: { kind: 'map', elementType: { kind: 'list', listType: 'atomic', elementType: SCALAR } } }),
    status: struct({ conditions }),
  },
  StorageClass: { parameters: stringMap },
  PodDisruptionBudget: { spec: struct({ selector: labelSelector }), status: struct({ conditions }) },
  NetworkPolicy: { spec: struct({ podSelector: labelSelector }) },
};

const cache = new Map<string, TypeRef>();

/** The merge type of a built-in kind; a kind not described above merges as a Go struct would. */
export function builtinType(kind: string): TypeRef {
  let t = cache.get(kind);
  if (!t) {
    t = struct({ metadata: META, ...(kinds[kind] ?? {}) });
    cache.set(kind, t);
  }
  return t;
}

/** A custom resource's type: its schema's, with kube's typed ObjectMeta (CRD schemas do not describe metadata). */
export function withObjectMeta(t: TypeRef): TypeRef {
  if (t.kind !== 'map') return t;
  return { ...t, fields: { ...(t.fields ?? {}), apiVersion: SCALAR, kind: SCALAR, metadata: META } };
}
