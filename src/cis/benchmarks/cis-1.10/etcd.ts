// CIS Kubernetes Benchmark v1.10, section 2: Etcd Node Configuration.
// Ids, texts, scoring and remediations as aquasecurity/kube-bench cfg/cis-1.10/etcd.yaml (Apache-2.0) writes them;
// paths are kubeadm's, relative to the audited root.
import type { Control } from '../../types.js';

export const etcd: Control = {
  id: '2',
  text: 'Etcd Node Configuration',
  nodeType: 'etcd',
  groups: [
    {
      id: '2',
      text: 'Etcd Node Configuration',
      checks: [
        {
          id: '2.1',
          text: 'Ensure that the --cert-file and --key-file arguments are set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'etcd',
          },
          tests: {
            binOp: 'and',
            items: [
              {
                flag: '--cert-file',
              },
              {
                flag: '--key-file',
              },
            ],
          },
          audit: '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',
          remediation:
            'Follow the etcd service documentation and configure TLS encryption.\nThen, edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml\non the master node and set the below parameters.\n--cert-file=</path/to/ca-file>\n--key-file=</path/to/key-file>',
        },
        {
          id: '2.2',
          text: 'Ensure that the --client-cert-auth argument is set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'etcd',
          },
          tests: {
            items: [
              {
                flag: '--client-cert-auth',
                op: 'eq',
                value: 'true',
              },
            ],
          },
          audit: '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',
          remediation:
            'Edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml on the master\nnode and set the below parameter.\n--client-cert-auth="true"',
        },
        {
          id: '2.3',
          text: 'Ensure that the --auto-tls argument is not set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'etcd',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--auto-tls',
                set: false,
              },
              {
                flag: '--auto-tls',
                op: 'eq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',
          remediation:
            'Edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml on the master\nnode and either remove the --auto-tls parameter or set it to false.\n  --auto-tls=false',
        },
        {
          id: '2.4',
          text: 'Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'etcd',
          },
          tests: {
            binOp: 'and',
            items: [
              {
                flag: '--peer-cert-file',
              },
              {
                flag: '--peer-key-file',
              },
            ],
          },
          audit: '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',
          remediation:
            'Follow the etcd service documentation and configure peer TLS encryption as appropriate\nfor your etcd cluster.\nThen, edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml on the\nmaster node and set the below parameters.\n--peer-client-file=</path/to/peer-cert-file>\n--peer-key-file=</path/to/peer-key-file>',
        },
        {
          id: '2.5',
          text: 'Ensure that the --peer-client-cert-auth argument is set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'etcd',
          },
          tests: {
            items: [
              {
                flag: '--peer-client-cert-auth',
                op: 'eq',
                value: 'true',
              },
            ],
          },
          audit: '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',
          remediation:
            'Edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml on the master\nnode and set the below parameter.\n--peer-client-cert-auth=true',
        },
        {
          id: '2.6',
          text: 'Ensure that the --peer-auto-tls argument is not set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'etcd',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--peer-auto-tls',
                set: false,
              },
              {
                flag: '--peer-auto-tls',
                op: 'eq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',
          remediation:
            'Edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml on the master\nnode and either remove the --peer-auto-tls parameter or set it to false.\n--peer-auto-tls=false',
        },
        {
          id: '2.7',
          text: 'Ensure that a unique Certificate Authority is used for etcd (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'etcd',
          },
          tests: {
            items: [
              {
                flag: '--trusted-ca-file',
              },
            ],
          },
          audit: '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',
          remediation:
            '[Manual test]\nFollow the etcd documentation and create a dedicated certificate authority setup for the\netcd service.\nThen, edit the etcd pod specification file /etc/kubernetes/manifests/etcd.yaml on the\nmaster node and set the below parameter.\n--trusted-ca-file=</path/to/ca-file>',
        },
      ],
    },
  ],
};
