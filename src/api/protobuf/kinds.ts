// Which message decodes which apiVersion/kind. Bodies of any other kind are refused with 415.

const KINDS: ReadonlyMap<string, string> = new Map([
  ...['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'Service', 'Pod', 'Node', 'Event'].map(
    (k) => [`v1/${k}`, `core.v1.${k}`] as const,
  ),
  ...['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map(
    (k) => [`rbac.authorization.k8s.io/v1/${k}`, `rbac.v1.${k}`] as const,
  ),
  ...['TokenRequest', 'SelfSubjectReview', 'TokenReview'].map(
    (k) => [`authentication.k8s.io/v1/${k}`, `authentication.v1.${k}`] as const,
  ),
  ...['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview'].map(
    (k) => [`authorization.k8s.io/v1/${k}`, `authorization.v1.${k}`] as const,
  ),
  ['certificates.k8s.io/v1/CertificateSigningRequest', 'certificates.v1.CertificateSigningRequest'],
  ['apps/v1/Deployment', 'apps.v1.Deployment'],
  ['batch/v1/Job', 'batch.v1.Job'],
  ['batch/v1/CronJob', 'batch.v1.CronJob'],
  ['v1/ResourceQuota', 'core.v1.ResourceQuota'],
  ['networking.k8s.io/v1/Ingress', 'networking.v1.Ingress'],
  ['networking.k8s.io/v1/NetworkPolicy', 'networking.v1.NetworkPolicy'],
  ['coordination.k8s.io/v1/Lease', 'coordination.v1.Lease'],
  ['policy/v1/PodDisruptionBudget', 'policy.v1.PodDisruptionBudget'],
  ['scheduling.k8s.io/v1/PriorityClass', 'scheduling.v1.PriorityClass'],
]);

/**
 * The message for a kind, or undefined. DeleteOptions is registered in every group version
 * (metav1.AddToGroupVersion), so a client sends it under the group of the resource it deletes.
 */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'meta.v1.DeleteOptions';
  return KINDS.get(`${apiVersion}/${kind}`);
}

/** The kinds decoded, as `apiVersion, Kind=Name` (for messages and tests). */
export function supportedKinds(): string[] {
  return [...KINDS.keys()].map((k) => {
    const i = k.lastIndexOf('/');
    return `${k.slice(0, i)}, Kind=${k.slice(i + 1)}`;
  });
}
