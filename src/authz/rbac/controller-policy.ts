// The ClusterRoles and ClusterRoleBindings kube-apiserver creates for kube-controller-manager's controllers
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/controller_policy.go; canonical lists in testdata/
// controller-roles.yaml and controller-role-bindings.yaml): one role `system:controller:<name>` per controller,
// bound to the service account kube-system/<name>. Roles behind feature gates are listed as v1.35 enables them
// by default (DynamicResourceAllocation, MultiCIDRServiceAllocator, VolumeAttributesClass, SELinuxChangePolicy on;
// DRADeviceTaints, PodCertificateRequest, ClusterTrustBundle, StorageVersionAPI, StorageVersionMigrator off).
import type { PolicyRule } from '../../api/types.js';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';

const sorted = (xs: string[]): string[] => [...new Set(xs)].sort();

/** rbacv1helpers.NewRule(...).Groups(...).Resources(...).Names(...): verbs, groups and resources as sorted sets. */
function rule(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  const r: PolicyRule = { apiGroups: sorted(groups), resources: sorted(resources), verbs: sorted(verbs) };
  if (names) r.resourceNames = sorted(names);
  return r;
}

const eventsRule = (): PolicyRule => rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);
const READ = ['get', 'list', 'watch'];

/** Controller name (after the prefix) → its rules, in controller_policy.go's order. */
export const CONTROLLER_RULES: [string, PolicyRule[]][] = [
  [
    'attachdetach-controller',
    [
      rule(['list', 'watch'], [''], ['persistentvolumes', 'persistentvolumeclaims']),
      rule(READ, [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['list', 'watch'], [''], ['pods']),
      eventsRule(),
      rule(['get', 'create', 'delete', 'list', 'watch'], ['storage.k8s.io'], ['volumeattachments']),
      rule(['get', 'watch', 'list'], ['storage.k8s.io'], ['csidrivers']),
      rule(['get', 'watch', 'list'], ['storage.k8s.io'], ['csinodes']),
    ],
  ],
  [
    'clusterrole-aggregation-controller',
    [rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], ['rbac.authorization.k8s.io'], ['clusterroles'])],
  ],
  [
    'cronjob-controller',
    [
      rule(['get', 'list', 'watch', 'update'], ['batch'], ['cronjobs']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
      rule(['update'], ['batch'], ['cronjobs/status']),
      rule(['update'], ['batch'], ['cronjobs/finalizers']),
      rule(['list', 'watch', 'delete'], [''], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'daemon-set-controller',
    [
      rule(READ, ['extensions', 'apps'], ['daemonsets']),
      rule(['update'], ['extensions', 'apps'], ['daemonsets/status']),
      rule(['update'], ['extensions', 'apps'], ['daemonsets/finalizers']),
      rule(['list', 'watch'], [''], ['nodes']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding']),
      rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
      eventsRule(),
    ],
  ],
  [
    'deployment-controller',
    [
      rule(['get', 'list', 'watch', 'update'], ['extensions', 'apps'], ['deployments']),
      rule(['update'], ['extensions', 'apps'], ['deployments/status']),
      rule(['update'], ['extensions', 'apps'], ['deployments/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], ['apps', 'extensions'], ['replicasets']),
      rule(['get', 'list', 'watch', 'update'], [''], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'disruption-controller',
    [
      rule(READ, ['extensions', 'apps'], ['deployments']),
      rule(READ, ['apps', 'extensions'], ['replicasets']),
      rule(READ, [''], ['replicationcontrollers']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['get'], ['*'], ['*/scale']),
      eventsRule(),
    ],
  ],
  [
    'endpoint-controller',
    [
      rule(READ, [''], ['services', 'pods']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [''], ['endpoints']),
      rule(['create'], [''], ['endpoints/restricted']),
      eventsRule(),
    ],
  ],
  [
    'endpointslice-controller',
    [
      rule(READ, [''], ['services', 'pods', 'nodes']),
      rule(['update'], [''], ['services/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
      eventsRule(),
    ],
  ],
  [
    'endpointslicemirroring-controller',
    [
      rule(READ, [''], ['services', 'endpoints']),
      rule(['update'], [''], ['services/finalizers']),
      rule(['update'], [''], ['endpoints/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
      eventsRule(),
    ],
  ],
  [
    'expand-controller',
    [
      rule(['get', 'list', 'watch', 'update', 'patch'], [''], ['persistentvolumes']),
      rule(['update', 'patch'], [''], ['persistentvolumeclaims/status']),
      rule(READ, [''], ['persistentvolumeclaims']),
      eventsRule(),
      rule(['get'], [''], ['services']),
    ],
  ],
  [
    'ephemeral-volume-controller',
    [
      rule(READ, [''], ['pods']),
      rule(['update'], [''], ['pods/finalizers']),
      rule(['get', 'list', 'watch', 'create'], [''], ['persistentvolumeclaims']),
      eventsRule(),
    ],
  ],
  [
    'resource-claim-controller',
    [
      rule(READ, [''], ['pods']),
      rule(['update'], [''], ['pods/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'delete'], ['resource.k8s.io'], ['resourceclaims']),
      rule(['update', 'patch'], ['resource.k8s.io'], ['resourceclaims', 'resourceclaims/status']),
      rule(['update', 'patch'], [''], ['pods/status']),
      eventsRule(),
    ],
  ],
  [
    'generic-garbage-collector',
    [rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), eventsRule()],
  ],
  [
    'horizontal-pod-autoscaler',
    [
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      rule(['get', 'update'], ['*'], ['*/scale']),
      rule(['list', 'watch'], [''], ['pods']),
      rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
      rule(READ, ['custom.metrics.k8s.io'], ['*']),
      rule(READ, ['external.metrics.k8s.io'], ['*']),
      eventsRule(),
    ],
  ],
  [
    'job-controller',
    [
      rule(['get', 'list', 'watch', 'update', 'patch'], ['batch'], ['jobs']),
      rule(['update'], ['batch'], ['jobs/status']),
      rule(['update'], ['batch'], ['jobs/finalizers']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'namespace-controller',
    [
      rule(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
      rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
      rule(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
    ],
  ],
  [
    'node-controller',
    [
      rule(['get', 'list', 'watch', 'update', 'delete', 'patch'], [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['list', 'watch', 'get', 'delete'], [''], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'persistent-volume-binder',
    [
      rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['update'], [''], ['persistentvolumes/status']),
      rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
      rule(['update'], [''], ['persistentvolumeclaims/status']),
      rule(['list', 'watch', 'get', 'create', 'delete'], [''], ['pods']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['list', 'watch'], [''], ['nodes']),
      eventsRule(),
      rule(['watch'], [''], ['events']),
      rule(['get'], [''], ['services']),
    ],
  ],
  [
    'pod-garbage-collector',
    [
      rule(['list', 'watch', 'delete'], [''], ['pods']),
      rule(READ, [''], ['nodes']),
      rule(['patch'], [''], ['pods/status']),
    ],
  ],
  [
    'replicaset-controller',
    [
      rule(['get', 'list', 'watch', 'update'], ['apps', 'extensions'], ['replicasets']),
      rule(['update'], ['apps', 'extensions'], ['replicasets/status']),
      rule(['update'], ['apps', 'extensions'], ['replicasets/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'replication-controller',
    [
      rule(['get', 'list', 'watch', 'update'], [''], ['replicationcontrollers']),
      rule(['update'], [''], ['replicationcontrollers/status']),
      rule(['update'], [''], ['replicationcontrollers/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
      eventsRule(),
    ],
  ],
  [
    'resourcequota-controller',
    [rule(['list', 'watch'], ['*'], ['*']), rule(['update'], [''], ['resourcequotas/status']), eventsRule()],
  ],
  [
    'route-controller',
    [rule(['list', 'watch'], [''], ['nodes']), rule(['patch'], [''], ['nodes/status']), eventsRule()],
  ],
  ['service-account-controller', [rule(['create'], [''], ['serviceaccounts']), eventsRule()]],
  [
    'service-controller',
    [
      rule(READ, [''], ['services']),
      rule(['patch', 'update'], [''], ['services/status']),
      rule(['list', 'watch'], [''], ['nodes']),
      eventsRule(),
    ],
  ],
  [
    'service-cidrs-controller',
    [
      rule(['get', 'list', 'watch', 'patch', 'update'], ['networking.k8s.io'], ['servicecidrs']),
      rule(['patch', 'update'], ['networking.k8s.io'], ['servicecidrs/finalizers']),
      rule(['patch', 'update'], ['networking.k8s.io'], ['servicecidrs/status']),
      rule(READ, ['networking.k8s.io'], ['ipaddresses']),
      eventsRule(),
    ],
  ],
  [
    'statefulset-controller',
    [
      rule(['list', 'watch'], [''], ['pods']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(['update'], ['apps'], ['statefulsets/status']),
      rule(['update'], ['apps'], ['statefulsets/finalizers']),
      rule(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
      rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], ['apps'], ['controllerrevisions']),
      rule(['get', 'create', 'list', 'watch'], [''], ['persistentvolumeclaims']),
      rule(['update', 'delete'], [''], ['persistentvolumeclaims']),
      rule(['update'], [''], ['pods/finalizers']),
      eventsRule(),
    ],
  ],
  ['ttl-controller', [rule(['update', 'patch', 'list', 'watch'], [''], ['nodes']), eventsRule()]],
  [
    'certificate-controller',
    [
      rule(['get', 'list', 'watch', 'delete'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(
        ['update'],
        ['certificates.k8s.io'],
        ['certificatesigningrequests/status', 'certificatesigningrequests/approval'],
      ),
      rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
      rule(
        ['sign'],
        ['certificates.k8s.io'],
        ['signers'],
        [
          'kubernetes.io/legacy-unknown',
          'kubernetes.io/kube-apiserver-client',
          'kubernetes.io/kube-apiserver-client-kubelet',
          'kubernetes.io/kubelet-serving',
        ],
      ),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      eventsRule(),
    ],
  ],
  [
    'pvc-protection-controller',
    [
      rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
      rule(['list', 'watch', 'get'], [''], ['pods']),
      eventsRule(),
    ],
  ],
  ['pv-protection-controller', [rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumes']), eventsRule()]],
  [
    'volumeattributesclass-protection-controller',
    [
      rule(['list', 'watch', 'get'], [''], ['persistentvolumeclaims']),
      rule(['list', 'watch', 'get'], [''], ['persistentvolumes']),
      rule(['get', 'list', 'watch', 'update'], ['storage.k8s.io'], ['volumeattributesclasses']),
      eventsRule(),
    ],
  ],
  ['ttl-after-finished-controller', [rule(['get', 'list', 'watch', 'delete'], ['batch'], ['jobs']), eventsRule()]],
  ['root-ca-cert-publisher', [rule(['create', 'update'], [''], ['configmaps']), eventsRule()]],
  [
    'validatingadmissionpolicy-status-controller',
    [
      rule(READ, ['admissionregistration.k8s.io'], ['validatingadmissionpolicies']),
      rule(['get', 'patch', 'update'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies/status']),
      eventsRule(),
    ],
  ],
  [
    'legacy-service-account-token-cleaner',
    [
      rule(['get'], [''], ['configmaps'], ['kube-apiserver-legacy-service-account-token-tracking']),
      rule(['patch', 'delete'], [''], ['secrets']),
    ],
  ],
  [
    'selinux-warning-controller',
    [
      eventsRule(),
      rule(READ, [''], ['persistentvolumes']),
      rule(READ, [''], ['persistentvolumeclaims']),
      rule(READ, [''], ['pods']),
      rule(READ, ['storage.k8s.io'], ['csidrivers']),
    ],
  ],
];
