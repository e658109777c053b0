// Which lists merge by key under strategic merge patch: the `patchStrategy:"merge"` /
// `patchMergeKey` tags of k8s.io/api's Go structs, for the kinds kauth serves. Paths are
// field names from the object root, list indices left out. Anything not listed is replaced whole.

export interface ListPatchMeta {
  /** Merge items by this key; undefined with strategy 'merge' means a set of primitives. */
  mergeKey?: string;
  strategy: 'merge';
}

const OBJECT_META: Record<string, ListPatchMeta> = {
  'metadata.ownerReferences': { strategy: 'merge', mergeKey: 'uid' },
  'metadata.finalizers': { strategy: 'merge' },
};

const CONTAINER: Record<string, ListPatchMeta> = {
  ports: { strategy: 'merge', mergeKey: 'containerPort' },
  env: { strategy: 'merge', mergeKey: 'name' },
  volumeMounts: { strategy: 'merge', mergeKey: 'mountPath' },
  volumeDevices: { strategy: 'merge', mergeKey: 'devicePath' },
};

function podSpec(prefix: string): Record<string, ListPatchMeta> {
  const out: Record<string, ListPatchMeta> = {
    [`${prefix}.volumes`]: { strategy: 'merge', mergeKey: 'name' },
    [`${prefix}.imagePullSecrets`]: { strategy: 'merge', mergeKey: 'name' },
    [`${prefix}.hostAliases`]: { strategy: 'merge', mergeKey: 'ip' },
    [`${prefix}.topologySpreadConstraints`]: { strategy: 'merge', mergeKey: 'topologyKey' },
    [`${prefix}.resourceClaims`]: { strategy: 'merge', mergeKey: 'name' },
    [`${prefix}.schedulingGates`]: { strategy: 'merge', mergeKey: 'name' },
  };
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    out[`${prefix}.${list}`] = { strategy: 'merge', mergeKey: 'name' };
    for (const [f, m] of Object.entries(CONTAINER)) out[`${prefix}.${list}.${f}`] = m;
  }
  return out;
}

/** A PodTemplateSpec at prefix: its pod spec and its ObjectMeta's merging lists. */
function podTemplate(prefix: string): Record<string, ListPatchMeta> {
  return {
    ...podSpec(`${prefix}.spec`),
    [`${prefix}.metadata.ownerReferences`]: OBJECT_META['metadata.ownerReferences']!,
    [`${prefix}.metadata.finalizers`]: OBJECT_META['metadata.finalizers']!,
  };
}

const BY_KIND: Record<string, Record<string, ListPatchMeta>> = {
  Pod: {
    ...podSpec('spec'),
    'status.conditions': { strategy: 'merge', mergeKey: 'type' },
    'status.podIPs': { strategy: 'merge', mergeKey: 'ip' },
    'status.hostIPs': { strategy: 'merge', mergeKey: 'ip' },
  },
  Deployment: {
    ...podSpec('spec.template.spec'),
    // The pod template's ObjectMeta merges like any other.
    'spec.template.metadata.ownerReferences': OBJECT_META['metadata.ownerReferences']!,
    'spec.template.metadata.finalizers': OBJECT_META['metadata.finalizers']!,
    'status.conditions': { strategy: 'merge', mergeKey: 'type' },
  },
  // The workload kinds' pod templates merge as a pod's spec does (k8s.io/api apps, batch, core tags).
  ReplicaSet: { ...podTemplate('spec.template'), 'status.conditions': { strategy: 'merge', mergeKey: 'type' } },
  StatefulSet: { ...podTemplate('spec.template'), 'status.conditions': { strategy: 'merge', mergeKey: 'type' } },
  DaemonSet: { ...podTemplate('spec.template'), 'status.conditions': { strategy: 'merge', mergeKey: 'type' } },
  ReplicationController: {
    ...podTemplate('spec.template'),
    'status.conditions': { strategy: 'merge', mergeKey: 'type' },
  },
  PodTemplate: podTemplate('template'),
  Job: podTemplate('spec.template'),
  CronJob: podTemplate('spec.jobTemplate.spec.template'),
  ValidatingWebhookConfiguration: { webhooks: { strategy: 'merge', mergeKey: 'name' } },
  MutatingWebhookConfiguration: { webhooks: { strategy: 'merge', mergeKey: 'name' } },
  Service: { 'spec.ports': { strategy: 'merge', mergeKey: 'port' } },
  ServiceAccount: { secrets: { strategy: 'merge', mergeKey: 'name' } },
  Node: {
    'spec.podCIDRs': { strategy: 'merge' },
    'status.conditions': { strategy: 'merge', mergeKey: 'type' },
    'status.addresses': { strategy: 'merge', mergeKey: 'type' },
  },
  Namespace: { 'status.conditions': { strategy: 'merge', mergeKey: 'type' } },
};

export function listPatchMeta(kind: string, path: string[]): ListPatchMeta | undefined {
  const p = path.join('.');
  return OBJECT_META[p] ?? BY_KIND[kind]?.[p];
}
