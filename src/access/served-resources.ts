// The resources a kauth server serves (its discovery, /api/v1 and /apis/<group>/<version>), as data, for the
// offline mode: resolving `VERB RESOURCE` as `kubectl auth can-i` does through discovery, and the access
// matrix's rows. Live mode reads discovery from the server instead; test/e2e/access.test.ts checks this
// table against a running kauth's discovery so the two cannot drift apart. Browser-safe (no node: imports).

export interface ServedResource {
  /** API group, '' for core. */
  group: string;
  /** Plural, lower case: `pods`. */
  resource: string;
  namespaced: boolean;
  shortNames: string[];
  /** Subresources served (`log`, `exec`, `status`, …). */
  subresources: string[];
  /** Verbs from discovery. */
  verbs: string[];
}

type Row = [
  group: string,
  resource: string,
  namespaced: boolean,
  shortNames: string[],
  subresources: string[],
  verbs: string,
];

// Generated from a kauth server's discovery (kubectl get --raw /api/v1 and /apis/<preferred version>).
const ROWS: Row[] = [
  [
    'admissionregistration.k8s.io',
    'validatingwebhookconfigurations',
    false,
    [],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'admissionregistration.k8s.io',
    'mutatingwebhookconfigurations',
    false,
    [],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'admissionregistration.k8s.io',
    'validatingadmissionpolicies',
    false,
    [],
    ['status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'admissionregistration.k8s.io',
    'validatingadmissionpolicybindings',
    false,
    [],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'apiextensions.k8s.io',
    'customresourcedefinitions',
    false,
    ['crd', 'crds'],
    ['status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'apps',
    'deployments',
    true,
    ['deploy'],
    ['scale', 'status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'apps',
    'replicasets',
    true,
    ['rs'],
    ['scale', 'status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'apps',
    'statefulsets',
    true,
    ['sts'],
    ['scale', 'status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['apps', 'daemonsets', true, ['ds'], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['apps', 'controllerrevisions', true, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['authentication.k8s.io', 'tokenreviews', false, [], [], 'create'],
  ['authentication.k8s.io', 'selfsubjectreviews', false, [], [], 'create'],
  ['authorization.k8s.io', 'localsubjectaccessreviews', true, [], [], 'create'],
  ['authorization.k8s.io', 'subjectaccessreviews', false, [], [], 'create'],
  ['authorization.k8s.io', 'selfsubjectaccessreviews', false, [], [], 'create'],
  ['authorization.k8s.io', 'selfsubjectrulesreviews', false, [], [], 'create'],
  [
    'autoscaling',
    'horizontalpodautoscalers',
    true,
    ['hpa'],
    ['status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['batch', 'jobs', true, [], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['batch', 'cronjobs', true, ['cj'], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    'certificates.k8s.io',
    'certificatesigningrequests',
    false,
    ['csr'],
    ['approval', 'status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['coordination.k8s.io', 'leases', true, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'namespaces', false, ['ns'], ['status', 'finalize'], 'create,delete,get,list,patch,update,watch'],
  ['', 'pods', true, ['po'], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'serviceaccounts', true, ['sa'], ['token'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'secrets', true, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'configmaps', true, ['cm'], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'events', true, ['ev'], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'nodes', false, ['no'], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'services', true, ['svc'], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'endpoints', true, ['ep'], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'limitranges', true, ['limits'], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'persistentvolumes', false, ['pv'], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    '',
    'persistentvolumeclaims',
    true,
    ['pvc'],
    ['status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['', 'podtemplates', true, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    '',
    'replicationcontrollers',
    true,
    ['rc'],
    ['scale', 'status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['', 'resourcequotas', true, ['quota'], ['status'], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['', 'componentstatuses', false, ['cs'], [], 'get,list'],
  ['discovery.k8s.io', 'endpointslices', true, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['events.k8s.io', 'events', true, ['ev'], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    'networking.k8s.io',
    'ingresses',
    true,
    ['ing'],
    ['status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['networking.k8s.io', 'ingressclasses', false, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    'networking.k8s.io',
    'networkpolicies',
    true,
    ['netpol'],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['node.k8s.io', 'runtimeclasses', false, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    'policy',
    'poddisruptionbudgets',
    true,
    ['pdb'],
    ['status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['rbac.authorization.k8s.io', 'roles', true, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    'rbac.authorization.k8s.io',
    'clusterroles',
    false,
    [],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'rbac.authorization.k8s.io',
    'rolebindings',
    true,
    [],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'rbac.authorization.k8s.io',
    'clusterrolebindings',
    false,
    [],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  [
    'scheduling.k8s.io',
    'priorityclasses',
    false,
    ['pc'],
    [],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
  ['storage.k8s.io', 'storageclasses', false, ['sc'], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['storage.k8s.io', 'csidrivers', false, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  ['storage.k8s.io', 'csinodes', false, [], [], 'create,delete,deletecollection,get,list,patch,update,watch'],
  [
    'storage.k8s.io',
    'volumeattachments',
    false,
    [],
    ['status'],
    'create,delete,deletecollection,get,list,patch,update,watch',
  ],
];

export const SERVED_RESOURCES: readonly ServedResource[] = Object.freeze(
  ROWS.map(([group, resource, namespaced, shortNames, subresources, verbs]) => ({
    group,
    resource,
    namespaced,
    shortNames,
    subresources,
    verbs: verbs.split(','),
  })),
);
