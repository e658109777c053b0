// CIS Kubernetes Benchmark v1.10, section 5: Kubernetes Policies.
// Ids, texts, scoring and remediations as aquasecurity/kube-bench cfg/cis-1.10/policies.yaml (Apache-2.0) writes them;
// paths are kubeadm's, relative to the audited root.
import type { Control } from '../../types.js';

export const policies: Control = {
  id: '5',
  text: 'Kubernetes Policies',
  nodeType: 'policies',
  groups: [
    {
      id: '5.1',
      text: 'RBAC and Service Accounts',
      checks: [
        {
          id: '5.1.1',
          text: 'Ensure that the cluster-admin role is only used where required (Automated)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get clusterrolebindings -o=custom-columns=NAME:.metadata.name,ROLE:.roleRef.name,SUBJECT:.subjects[*].name --no-headers | while read -r role_name role_binding subject; do; if [[ "${role_name}" != "cluster-admin" && "${role_binding}" == "cluster-admin" ]]; then; is_compliant="false"; else; is',
          remediation:
            'Identify all clusterrolebindings to the cluster-admin role. Check if they are used and\nif they need this role or if they could use a role with fewer privileges.\nWhere possible, first bind users to a lower privileged role and then remove the\nclusterrolebinding to the cluster-admin role : kubectl delete clusterrolebinding [name]\nCondition: is_compliant is false if rolename is not cluster-admin and rolebinding is cluster-admin.',
        },
        {
          id: '5.1.2',
          text: 'Minimize access to secrets (Automated)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'echo "canGetListWatchSecretsAsSystemAuthenticated: $(kubectl auth can-i get,list,watch secrets --all-namespaces --as=system:authenticated)"',
          remediation: 'Where possible, remove get, list and watch access to Secret objects in the cluster.',
        },
        {
          id: '5.1.3',
          text: 'Minimize wildcard use in Roles and ClusterRoles (Automated)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            '# Check Roles; kubectl get roles --all-namespaces -o custom-columns=ROLE_NAMESPACE:.metadata.namespace,ROLE_NAME:.metadata.name --no-headers | while read -r role_namespace role_name; do; role_rules=$(kubectl get role -n "${role_namespace}" "${role_name}" -o=json | jq -c \'.rules\'); if echo "${role_ru',
          remediation:
            'Where possible replace any use of wildcards ["*"] in roles and clusterroles with specific\nobjects or actions.\nCondition: role_is_compliant is false if ["*"] is found in rules.\nCondition: clusterrole_is_compliant is false if ["*"] is found in rules.',
        },
        {
          id: '5.1.4',
          text: 'Minimize access to create pods (Automated)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'echo "canCreatePodsAsSystemAuthenticated: $(kubectl auth can-i create pods --all-namespaces --as=system:authenticated)"',
          remediation: 'Where possible, remove create access to pod objects in the cluster.',
        },
        {
          id: '5.1.5',
          text: 'Ensure that default service accounts are not actively used (Automated)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get serviceaccount --all-namespaces --field-selector metadata.name=default -o=json | jq -r \'.items[] | " namespace: \\(.metadata.namespace), kind: \\(.kind), name: \\(.metadata.name), automountServiceAccountToken: \\(.automountServiceAccountToken | if . == null then "notset" else . end )"\' | xar',
          remediation:
            'Create explicit service accounts wherever a Kubernetes workload requires specific access\nto the Kubernetes API server.\nModify the configuration of each default service account to include this value\n`automountServiceAccountToken: false`.',
        },
        {
          id: '5.1.6',
          text: 'Ensure that Service Account Tokens are only mounted where necessary (Automated)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get pods --all-namespaces -o custom-columns=POD_NAMESPACE:.metadata.namespace,POD_NAME:.metadata.name,POD_SERVICE_ACCOUNT:.spec.serviceAccount,POD_IS_AUTOMOUNTSERVICEACCOUNTTOKEN:.spec.automountServiceAccountToken --no-headers | while read -r pod_namespace pod_name pod_service_account pod_is',
          remediation:
            "Modify the definition of ServiceAccounts and Pods which do not need to mount service\naccount tokens to disable it, with `automountServiceAccountToken: false`.\nIf both the ServiceAccount and the Pod's .spec specify a value for automountServiceAccountToken, the Pod spec takes precedence.\nCondition: Pod is_compliant to true when\n  - ServiceAccount is automountServiceAccountToken: false and Pod is automountServiceAccountToken: false or notset\n  - ServiceAccount is automountServiceAccountToken: true notset and Pod is automountServiceAccountToken: false",
        },
        {
          id: '5.1.7',
          text: 'Avoid use of system:masters group (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation: 'Remove the system:masters group from all users in the cluster.',
        },
        {
          id: '5.1.8',
          text: 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation: 'Where possible, remove the impersonate, bind and escalate rights from subjects.',
        },
        {
          id: '5.1.9',
          text: 'Minimize access to create persistent volumes (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation: 'Where possible, remove create access to PersistentVolume objects in the cluster.',
        },
        {
          id: '5.1.10',
          text: 'Minimize access to the proxy sub-resource of nodes (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation: 'Where possible, remove access to the proxy sub-resource of node objects.',
        },
        {
          id: '5.1.11',
          text: 'Minimize access to the approval sub-resource of certificatesigningrequests objects (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Where possible, remove access to the approval sub-resource of certificatesigningrequests objects.',
        },
        {
          id: '5.1.12',
          text: 'Minimize access to webhook configuration objects (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Where possible, remove access to the validatingwebhookconfigurations or mutatingwebhookconfigurations objects',
        },
        {
          id: '5.1.13',
          text: 'Minimize access to the service account token creation (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation: 'Where possible, remove access to the token sub-resource of serviceaccount objects.',
        },
      ],
    },
    {
      id: '5.2',
      text: 'Pod Security Standards',
      checks: [
        {
          id: '5.2.1',
          text: 'Ensure that the cluster has at least one active policy control mechanism in place (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Ensure that either Pod Security Admission or an external policy control system is in place\nfor every namespace which contains user workloads.',
        },
        {
          id: '5.2.2',
          text: 'Minimize the admission of privileged containers (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get pods --all-namespaces -o custom-columns=POD_NAME:.metadata.name,POD_NAMESPACE:.metadata.namespace --no-headers | while read -r pod_name pod_namespace; do; # Retrieve container(s) for each Pod.; kubectl get pod "${pod_name}" --namespace "${pod_namespace}" -o json | jq -c \'.spec.containers',
          remediation:
            "Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of privileged containers.\nAudit: the audit list all pods' containers to retrieve their .securityContext.privileged value.\nCondition: is_compliant is false if container's `.securityContext.privileged` is set to `true`.\nDefault: by default, there are no restrictions on the creation of privileged containers.",
        },
        {
          id: '5.2.3',
          text: 'Minimize the admission of containers wishing to share the host process ID namespace (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get pods --all-namespaces -o custom-columns=POD_NAME:.metadata.name,POD_NAMESPACE:.metadata.namespace --no-headers | while read -r pod_name pod_namespace; do; # Retrieve spec.hostPID for each pod.; pod_hostpid=$(kubectl get pod "${pod_name}" --namespace "${pod_namespace}" -o jsonpath=\'{.spec',
          remediation:
            "Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of `hostPID` containers.\nAudit: the audit retrieves each Pod' spec.hostPID.\nCondition: is_compliant is false if Pod's spec.hostPID is set to `true`.\nDefault: by default, there are no restrictions on the creation of hostPID containers.",
        },
        {
          id: '5.2.4',
          text: 'Minimize the admission of containers wishing to share the host IPC namespace (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get pods --all-namespaces -o custom-columns=POD_NAME:.metadata.name,POD_NAMESPACE:.metadata.namespace --no-headers | while read -r pod_name pod_namespace; do; # Retrieve spec.hostIPC for each pod.; pod_hostipc=$(kubectl get pod "${pod_name}" --namespace "${pod_namespace}" -o jsonpath=\'{.spec',
          remediation:
            "Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of `hostIPC` containers.\nAudit: the audit retrieves each Pod' spec.IPC.\nCondition: is_compliant is false if Pod's spec.hostIPC is set to `true`.\nDefault: by default, there are no restrictions on the creation of hostIPC containers.",
        },
        {
          id: '5.2.5',
          text: 'Minimize the admission of containers wishing to share the host network namespace (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get pods --all-namespaces -o custom-columns=POD_NAME:.metadata.name,POD_NAMESPACE:.metadata.namespace --no-headers | while read -r pod_name pod_namespace; do; # Retrieve spec.hostNetwork for each pod.; pod_hostnetwork=$(kubectl get pod "${pod_name}" --namespace "${pod_namespace}" -o jsonpath',
          remediation:
            "Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of `hostNetwork` containers.\nAudit: the audit retrieves each Pod' spec.hostNetwork.\nCondition: is_compliant is false if Pod's spec.hostNetwork is set to `true`.\nDefault: by default, there are no restrictions on the creation of hostNetwork containers.",
        },
        {
          id: '5.2.6',
          text: 'Minimize the admission of containers with allowPrivilegeEscalation (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get pods --all-namespaces -o custom-columns=POD_NAME:.metadata.name,POD_NAMESPACE:.metadata.namespace --no-headers | while read -r pod_name pod_namespace; do; # Retrieve container(s) for each Pod.; kubectl get pod "${pod_name}" --namespace "${pod_namespace}" -o json | jq -c \'.spec.containers',
          remediation:
            "Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of containers with `.securityContext.allowPrivilegeEscalation` set to `true`.\nAudit: the audit retrieves each Pod's container(s) `.securityContext.allowPrivilegeEscalation`.\nCondition: is_compliant is false if container's `.securityContext.allowPrivilegeEscalation` is set to `true`.\nDefault: If notset, privilege escalation is allowed (default to true). However if PSP/PSA is used with a `restricted` profile,\nprivilege escalation is explicitly disallowed unless configured otherwise.",
        },
        {
          id: '5.2.7',
          text: 'Minimize the admission of root containers (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Create a policy for each namespace in the cluster, ensuring that either `MustRunAsNonRoot`\nor `MustRunAs` with the range of UIDs not including 0, is set.',
        },
        {
          id: '5.2.8',
          text: 'Minimize the admission of containers with the NET_RAW capability (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of containers with the `NET_RAW` capability.',
        },
        {
          id: '5.2.9',
          text: 'Minimize the admission of containers with added capabilities (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit:
            'kubectl get pods --all-namespaces -o custom-columns=POD_NAME:.metadata.name,POD_NAMESPACE:.metadata.namespace --no-headers | while read -r pod_name pod_namespace; do; # Retrieve container(s) for each Pod.; kubectl get pod "${pod_name}" --namespace "${pod_namespace}" -o json | jq -c \'.spec.containers',
          remediation:
            "Ensure that `allowedCapabilities` is not present in policies for the cluster unless\nit is set to an empty array.\nAudit: the audit retrieves each Pod's container(s) added capabilities.\nCondition: is_compliant is false if added capabilities are added for a given container.\nDefault: Containers run with a default set of capabilities as assigned by the Container Runtime.",
        },
        {
          id: '5.2.10',
          text: 'Minimize the admission of containers with capabilities assigned (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Review the use of capabilites in applications running on your cluster. Where a namespace\ncontains applications which do not require any Linux capabities to operate consider adding\na PSP which forbids the admission of containers which do not drop all capabilities.',
        },
        {
          id: '5.2.11',
          text: 'Minimize the admission of Windows HostProcess containers (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of containers that have `.securityContext.windowsOptions.hostProcess` set to `true`.',
        },
        {
          id: '5.2.12',
          text: 'Minimize the admission of HostPath volumes (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of containers with `hostPath` volumes.',
        },
        {
          id: '5.2.13',
          text: 'Minimize the admission of containers which use HostPorts (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Add policies to each namespace in the cluster which has user workloads to restrict the\nadmission of containers which use `hostPort` sections.',
        },
      ],
    },
    {
      id: '5.3',
      text: 'Network Policies and CNI',
      checks: [
        {
          id: '5.3.1',
          text: 'Ensure that the CNI in use supports NetworkPolicies (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'If the CNI plugin in use does not support network policies, consideration should be given to\nmaking use of a different plugin, or finding an alternate mechanism for restricting traffic\nin the Kubernetes cluster.',
        },
        {
          id: '5.3.2',
          text: 'Ensure that all Namespaces have NetworkPolicies defined (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation: 'Follow the documentation and create NetworkPolicy objects as you need them.',
        },
      ],
    },
    {
      id: '5.4',
      text: 'Secrets Management',
      checks: [
        {
          id: '5.4.1',
          text: 'Prefer using Secrets as files over Secrets as environment variables (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'If possible, rewrite application code to read Secrets from mounted secret files, rather than\nfrom environment variables.',
        },
        {
          id: '5.4.2',
          text: 'Consider external secret storage (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Refer to the Secrets management options offered by your cloud provider or a third-party\nsecrets management solution.',
        },
      ],
    },
    {
      id: '5.5',
      text: 'Extensible Admission Control',
      checks: [
        {
          id: '5.5.1',
          text: 'Configure Image Provenance using ImagePolicyWebhook admission controller (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation: 'Follow the Kubernetes documentation and setup image provenance.',
        },
      ],
    },
    {
      id: '5.7',
      text: 'General Policies',
      checks: [
        {
          id: '5.7.1',
          text: 'Create administrative boundaries between resources using namespaces (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Follow the documentation and create namespaces for objects in your deployment as you need\nthem.',
        },
        {
          id: '5.7.2',
          text: 'Ensure that the seccomp profile is set to docker/default in your Pod definitions (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Use `securityContext` to enable the docker/default seccomp profile in your pod definitions.\nAn example is as below:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault',
        },
        {
          id: '5.7.3',
          text: 'Apply SecurityContext to your Pods and Containers (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Follow the Kubernetes documentation and apply SecurityContexts to your Pods. For a\nsuggested list of SecurityContexts, you may refer to the CIS Security Benchmark for Docker\nContainers.',
        },
        {
          id: '5.7.4',
          text: 'The default namespace should not be used (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Ensure that namespaces are created to allow for appropriate segregation of Kubernetes\nresources and that all new resources are created in a specific namespace.',
        },
      ],
    },
  ],
};
