// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount): a pod runs as
// `default` unless it names its service account, the account must exist, and unless automounting
// is off (on the pod or its account) the pod gets the projected `kube-api-access-<suffix>` volume —
// a bound token, the cluster CA and the namespace — mounted at /var/run/secrets/kubernetes.io/serviceaccount.
import { forbidden } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { MIRROR_POD_ANNOTATION, podSecretNames } from '../authz/node-graph.js';
import type { ObjectStore } from '../registry/object-store.js';
import { generateNameSuffix } from '../registry/names.js';
import type { AdmissionPlugin } from './interface.js';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';
/** What kubelet asks for; the server extends it to a year with warnafter (see TokenIssuer). */
const PROJECTED_TOKEN_SECONDS = 3607;

type Container = { name?: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] };
type PodSpec = {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  volumes?: { name: string; [k: string]: unknown }[];
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
};

export function projectedTokenVolume(name: string): { name: string; [k: string]: unknown } {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: PROJECTED_TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}

function hasTokenMount(spec: PodSpec): boolean {
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) =>
    (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH),
  );
}

export function serviceAccountAdmission(objects: () => ObjectStore): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    async mutate(req) {
      if (
        req.def.resource !== 'pods' ||
        req.def.group !== '' ||
        req.subresource ||
        req.operation !== 'CREATE' ||
        !req.object
      )
        return;
      const pod = req.object;
      // Mirror pods are never changed (kubelet would delete one whose spec differs) and may not reference
      // service accounts, secrets or token projections: a node could otherwise reach them through the pod.
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return validateMirrorPod(req.object);
      const spec = ((pod.spec as PodSpec) ??= {});
      if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
      spec.serviceAccount = spec.serviceAccountName;
      const sa = await objects().get('serviceaccounts', req.namespace, spec.serviceAccountName);
      if (!sa) {
        throw forbidden(
          { group: '', resource: 'pods' },
          pod.metadata.name ?? '',
          `error looking up service account ${req.namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`,
        );
      }
      if (!shouldAutomount(spec, sa) || hasTokenMount(spec)) return;
      const volumeName = VOLUME_PREFIX + generateNameSuffix();
      spec.volumes = [...(spec.volumes ?? []), projectedTokenVolume(volumeName)];
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        c.volumeMounts = [
          ...(c.volumeMounts ?? []),
          { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH },
        ];
      }
    },
  };
}

function validateMirrorPod(pod: KubeObject): void {
  const spec = (pod.spec ?? {}) as PodSpec & Record<string, unknown>;
  const refuse = (why: string): never => {
    throw forbidden({ group: '', resource: 'pods' }, pod.metadata.name || pod.metadata.generateName || 'Unknown', why);
  };
  if (spec.serviceAccountName || spec.serviceAccount) refuse('a mirror pod may not reference service accounts');
  if (podSecretNames(spec).length) refuse('a mirror pod may not reference secrets');
  const projections = (spec.volumes ?? []).flatMap(
    (v) => (v.projected as { sources?: unknown[] } | undefined)?.sources ?? [],
  );
  if (projections.some((s) => (s as { serviceAccountToken?: unknown } | null)?.serviceAccountToken)) {
    refuse('a mirror pod may not use ServiceAccountToken volume projections');
  }
}

function shouldAutomount(spec: PodSpec, sa: KubeObject): boolean {
  if (spec.automountServiceAccountToken !== undefined) return spec.automountServiceAccountToken;
  return (sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken !== false;
}
