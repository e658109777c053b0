// CIS Kubernetes Benchmark v1.10, section 3: Control Plane Configuration.
// Ids, texts, scoring and remediations as aquasecurity/kube-bench cfg/cis-1.10/controlplane.yaml (Apache-2.0) writes them;
// paths are kubeadm's, relative to the audited root.
import type { Control } from '../../types.js';

export const controlPlaneConfiguration: Control = {
  id: '3',
  text: 'Control Plane Configuration',
  nodeType: 'controlplane',
  groups: [
    {
      id: '3.1',
      text: 'Authentication and Authorization',
      checks: [
        {
          id: '3.1.1',
          text: 'Client certificate authentication should not be used for users (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Alternative mechanisms provided by Kubernetes such as the use of OIDC should be\nimplemented in place of client certificates.',
        },
        {
          id: '3.1.2',
          text: 'Service account token authentication should not be used for users (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Alternative mechanisms provided by Kubernetes such as the use of OIDC should be implemented\nin place of service account tokens.',
        },
        {
          id: '3.1.3',
          text: 'Bootstrap token authentication should not be used for users (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Alternative mechanisms provided by Kubernetes such as the use of OIDC should be implemented\nin place of bootstrap tokens.',
        },
      ],
    },
    {
      id: '3.2',
      text: 'Logging',
      checks: [
        {
          id: '3.2.1',
          text: 'Ensure that a minimal audit policy is created (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--audit-policy-file',
                set: true,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation: 'Create an audit policy file for your cluster.',
        },
        {
          id: '3.2.2',
          text: 'Ensure that the audit policy covers key security concerns (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '',
          remediation:
            'Review the audit policy provided for the cluster and ensure that it covers\nat least the following areas,\n- Access to Secrets managed by the cluster. Care should be taken to only\n  log Metadata for requests to Secrets, ConfigMaps, and TokenReviews, in\n  order to avoid risk of logging sensitive data.\n- Modification of Pod and Deployment objects.\n- Use of `pods/exec`, `pods/portforward`, `pods/proxy` and `services/proxy`.\nFor most requests, minimally logging at the Metadata level is recommended\n(the most basic level of logging).',
        },
      ],
    },
  ],
};
