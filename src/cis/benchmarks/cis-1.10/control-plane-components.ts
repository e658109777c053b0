// CIS Kubernetes Benchmark v1.10, section 1: Control Plane Security Configuration.
// Ids, texts, scoring and remediations as aquasecurity/kube-bench cfg/cis-1.10/master.yaml (Apache-2.0) writes them;
// paths are kubeadm's, relative to the audited root.
import type { Control } from '../../types.js';

export const controlPlaneComponents: Control = {
  id: '1',
  text: 'Control Plane Security Configuration',
  nodeType: 'master',
  groups: [
    {
      id: '1.1',
      text: 'Control Plane Node Configuration Files',
      checks: [
        {
          id: '1.1.1',
          text: 'Ensure that the API server pod specification file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/manifests/kube-apiserver.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/kube-apiserver.yaml; then stat -c permissions=%a /etc/kubernetes/manifests/kube-apiserver.yaml; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the\ncontrol plane node.\nFor example, chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml',
        },
        {
          id: '1.1.2',
          text: 'Ensure that the API server pod specification file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/manifests/kube-apiserver.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/kube-apiserver.yaml; then stat -c %U:%G /etc/kubernetes/manifests/kube-apiserver.yaml; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chown root:root /etc/kubernetes/manifests/kube-apiserver.yaml',
        },
        {
          id: '1.1.3',
          text: 'Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/manifests/kube-controller-manager.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/kube-controller-manager.yaml; then stat -c permissions=%a /etc/kubernetes/manifests/kube-controller-manager.yaml; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chmod 600 /etc/kubernetes/manifests/kube-controller-manager.yaml',
        },
        {
          id: '1.1.4',
          text: 'Ensure that the controller manager pod specification file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/manifests/kube-controller-manager.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/kube-controller-manager.yaml; then stat -c %U:%G /etc/kubernetes/manifests/kube-controller-manager.yaml; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chown root:root /etc/kubernetes/manifests/kube-controller-manager.yaml',
        },
        {
          id: '1.1.5',
          text: 'Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/manifests/kube-scheduler.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/kube-scheduler.yaml; then stat -c permissions=%a /etc/kubernetes/manifests/kube-scheduler.yaml; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chmod 600 /etc/kubernetes/manifests/kube-scheduler.yaml',
        },
        {
          id: '1.1.6',
          text: 'Ensure that the scheduler pod specification file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/manifests/kube-scheduler.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/kube-scheduler.yaml; then stat -c %U:%G /etc/kubernetes/manifests/kube-scheduler.yaml; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chown root:root /etc/kubernetes/manifests/kube-scheduler.yaml',
        },
        {
          id: '1.1.7',
          text: 'Ensure that the etcd pod specification file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/manifests/etcd.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/etcd.yaml; then find /etc/kubernetes/manifests/etcd.yaml -name '*etcd*' | xargs stat -c permissions=%a; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchmod 600 /etc/kubernetes/manifests/etcd.yaml',
        },
        {
          id: '1.1.8',
          text: 'Ensure that the etcd pod specification file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/manifests/etcd.yaml'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/manifests/etcd.yaml; then find /etc/kubernetes/manifests/etcd.yaml -name '*etcd*' | xargs stat -c %U:%G; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchown root:root /etc/kubernetes/manifests/etcd.yaml',
        },
        {
          id: '1.1.9',
          text: 'Ensure that the Container Network Interface file permissions are set to 600 or more restrictive (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'mode',
            files: ['etc/cni/net.d/*', 'var/lib/cni/networks/*'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "ps -ef | grep kubelet | grep -- --cni-conf-dir | sed 's%.*cni-conf-dir[= ]\\([^ ]*\\).*%\\1%' | xargs -I{} find {} -mindepth 1 | xargs --no-run-if-empty stat -c permissions=%a; find /var/lib/cni/networks -type f 2> /dev/null | xargs --no-run-if-empty stat -c permissions=%a",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chmod 600 <path/to/cni/files>',
        },
        {
          id: '1.1.10',
          text: 'Ensure that the Container Network Interface file ownership is set to root:root (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'owner',
            files: ['etc/cni/net.d/*', 'var/lib/cni/networks/*'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "ps -ef | grep kubelet | grep -- --cni-conf-dir | sed 's%.*cni-conf-dir[= ]\\([^ ]*\\).*%\\1%' | xargs -I{} find {} -mindepth 1 | xargs --no-run-if-empty stat -c %U:%G; find /var/lib/cni/networks -type f 2> /dev/null | xargs --no-run-if-empty stat -c %U:%G",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchown root:root <path/to/cni/files>',
        },
        {
          id: '1.1.11',
          text: 'Ensure that the etcd data directory permissions are set to 700 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['@etcd-data-dir'],
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '700',
              },
            ],
          },
          audit:
            'DATA_DIR=\'\'; for d in $(ps -ef | grep etcd | grep -- --data-dir | sed \'s%.*data-dir[= ]\\([^ ]*\\).*%\\1%\'); do; if test -d "$d"; then DATA_DIR="$d"; fi; done; if ! test -d "$DATA_DIR"; then DATA_DIR=/var/lib/etcd; fi; stat -c permissions=%a "$DATA_DIR"',
          remediation:
            "On the etcd server node, get the etcd data directory, passed as an argument --data-dir,\nfrom the command 'ps -ef | grep etcd'.\nRun the below command (based on the etcd data directory found above). For example,\nchmod 700 /var/lib/etcd",
        },
        {
          id: '1.1.12',
          text: 'Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['@etcd-data-dir'],
          },
          tests: {
            items: [
              {
                flag: 'etcd:etcd',
              },
            ],
          },
          audit:
            'DATA_DIR=\'\'; for d in $(ps -ef | grep etcd | grep -- --data-dir | sed \'s%.*data-dir[= ]\\([^ ]*\\).*%\\1%\'); do; if test -d "$d"; then DATA_DIR="$d"; fi; done; if ! test -d "$DATA_DIR"; then DATA_DIR=/var/lib/etcd; fi; stat -c %U:%G "$DATA_DIR"',
          remediation:
            "On the etcd server node, get the etcd data directory, passed as an argument --data-dir,\nfrom the command 'ps -ef | grep etcd'.\nRun the below command (based on the etcd data directory found above).\nFor example, chown etcd:etcd /var/lib/etcd",
        },
        {
          id: '1.1.13',
          text: 'Ensure that the default administrative credential file permissions are set to 600 (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/admin.conf', 'etc/kubernetes/super-admin.conf'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            'for adminconf in /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf; do if test -e $adminconf; then stat -c "permissions=%a %n" $adminconf; fi; done',
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chmod 600 /etc/kubernetes/admin.conf\nOn Kubernetes 1.29+ the super-admin.conf file should also be modified, if present.\nFor example, chmod 600 /etc/kubernetes/super-admin.conf',
        },
        {
          id: '1.1.14',
          text: 'Ensure that the default administrative credential file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/admin.conf', 'etc/kubernetes/super-admin.conf'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'ownership',
                op: 'eq',
                value: 'root:root',
              },
            ],
          },
          audit:
            'for adminconf in /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf; do if test -e $adminconf; then stat -c "ownership=%U:%G %n" $adminconf; fi; done',
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example, chown root:root /etc/kubernetes/admin.conf\nOn Kubernetes 1.29+ the super-admin.conf file should also be modified, if present.\nFor example, chown root:root /etc/kubernetes/super-admin.conf',
        },
        {
          id: '1.1.15',
          text: 'Ensure that the scheduler.conf file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/scheduler.conf'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/scheduler.conf; then stat -c permissions=%a /etc/kubernetes/scheduler.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchmod 600 /etc/kubernetes/scheduler.conf',
        },
        {
          id: '1.1.16',
          text: 'Ensure that the scheduler.conf file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/scheduler.conf'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/scheduler.conf; then stat -c %U:%G /etc/kubernetes/scheduler.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchown root:root /etc/kubernetes/scheduler.conf',
        },
        {
          id: '1.1.17',
          text: 'Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/controller-manager.conf'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/controller-manager.conf; then stat -c permissions=%a /etc/kubernetes/controller-manager.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchmod 600 /etc/kubernetes/controller-manager.conf',
        },
        {
          id: '1.1.18',
          text: 'Ensure that the controller-manager.conf file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/controller-manager.conf'],
            optional: true,
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /etc/kubernetes/controller-manager.conf; then stat -c %U:%G /etc/kubernetes/controller-manager.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchown root:root /etc/kubernetes/controller-manager.conf',
        },
        {
          id: '1.1.19',
          text: 'Ensure that the Kubernetes PKI directory and file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/pki/**'],
          },
          tests: {
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit: 'find /etc/kubernetes/pki/ | xargs stat -c %U:%G',
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchown -R root:root /etc/kubernetes/pki/',
        },
        {
          id: '1.1.20',
          text: 'Ensure that the Kubernetes PKI certificate file permissions are set to 600 or more restrictive (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/pki/**/*.crt'],
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit: "find /etc/kubernetes/pki/ -name '*.crt' | xargs stat -c permissions=%a",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchmod -R 600 /etc/kubernetes/pki/*.crt',
        },
        {
          id: '1.1.21',
          text: 'Ensure that the Kubernetes PKI key file permissions are set to 600 (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/pki/**/*.key'],
          },
          tests: {
            items: [
              {
                flag: 'permissions',
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit: "find /etc/kubernetes/pki/ -name '*.key' | xargs stat -c permissions=%a",
          remediation:
            'Run the below command (based on the file location on your system) on the control plane node.\nFor example,\nchmod -R 600 /etc/kubernetes/pki/*.key',
        },
      ],
    },
    {
      id: '1.2',
      text: 'API Server',
      checks: [
        {
          id: '1.2.1',
          text: 'Ensure that the --anonymous-auth argument is set to false (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--anonymous-auth',
                op: 'eq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the below parameter.\n--anonymous-auth=false',
        },
        {
          id: '1.2.2',
          text: 'Ensure that the --token-auth-file parameter is not set (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--token-auth-file',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the documentation and configure alternate mechanisms for authentication. Then,\nedit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and remove the --token-auth-file=<filename> parameter.',
        },
        {
          id: '1.2.3',
          text: 'Ensure that the --DenyServiceExternalIPs is set (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--enable-admission-plugins',
                op: 'has',
                value: 'DenyServiceExternalIPs',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and add the `DenyServiceExternalIPs` plugin\nto the enabled admission plugins, as such --enable-admission-plugin=DenyServiceExternalIPs.',
        },
        {
          id: '1.2.4',
          text: 'Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'and',
            items: [
              {
                flag: '--kubelet-client-certificate',
              },
              {
                flag: '--kubelet-client-key',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and set up the TLS connection between the\napiserver and kubelets. Then, edit API server pod specification file\n/etc/kubernetes/manifests/kube-apiserver.yaml on the control plane node and set the\nkubelet client certificate and key parameters as below.\n--kubelet-client-certificate=<path/to/client-certificate-file>\n--kubelet-client-key=<path/to/client-key-file>',
        },
        {
          id: '1.2.5',
          text: 'Ensure that the --kubelet-certificate-authority argument is set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--kubelet-certificate-authority',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and setup the TLS connection between\nthe apiserver and kubelets. Then, edit the API server pod specification file\n/etc/kubernetes/manifests/kube-apiserver.yaml on the control plane node and set the\n--kubelet-certificate-authority parameter to the path to the cert file for the certificate authority.\n--kubelet-certificate-authority=<ca-string>',
        },
        {
          id: '1.2.6',
          text: 'Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--authorization-mode',
                op: 'nothave',
                value: 'AlwaysAllow',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --authorization-mode parameter to values other than AlwaysAllow.\nOne such example could be as below.\n--authorization-mode=RBAC',
        },
        {
          id: '1.2.7',
          text: 'Ensure that the --authorization-mode argument includes Node (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--authorization-mode',
                op: 'has',
                value: 'Node',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --authorization-mode parameter to a value that includes Node.\n--authorization-mode=Node,RBAC',
        },
        {
          id: '1.2.8',
          text: 'Ensure that the --authorization-mode argument includes RBAC (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--authorization-mode',
                op: 'has',
                value: 'RBAC',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --authorization-mode parameter to a value that includes RBAC,\nfor example `--authorization-mode=Node,RBAC`.',
        },
        {
          id: '1.2.9',
          text: 'Ensure that the admission control plugin EventRateLimit is set (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--enable-admission-plugins',
                op: 'has',
                value: 'EventRateLimit',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and set the desired limits in a configuration file.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\nand set the below parameters.\n--enable-admission-plugins=...,EventRateLimit,...\n--admission-control-config-file=<path/to/configuration/file>',
        },
        {
          id: '1.2.10',
          text: 'Ensure that the admission control plugin AlwaysAdmit is not set (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--enable-admission-plugins',
                op: 'nothave',
                value: 'AlwaysAdmit',
              },
              {
                flag: '--enable-admission-plugins',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and either remove the --enable-admission-plugins parameter, or set it to a\nvalue that does not include AlwaysAdmit.',
        },
        {
          id: '1.2.11',
          text: 'Ensure that the admission control plugin AlwaysPullImages is set (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--enable-admission-plugins',
                op: 'has',
                value: 'AlwaysPullImages',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --enable-admission-plugins parameter to include\nAlwaysPullImages.\n--enable-admission-plugins=...,AlwaysPullImages,...',
        },
        {
          id: '1.2.12',
          text: 'Ensure that the admission control plugin ServiceAccount is set (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--disable-admission-plugins',
                op: 'nothave',
                value: 'ServiceAccount',
              },
              {
                flag: '--disable-admission-plugins',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the documentation and create ServiceAccount objects as per your environment.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and ensure that the --disable-admission-plugins parameter is set to a\nvalue that does not include ServiceAccount.',
        },
        {
          id: '1.2.13',
          text: 'Ensure that the admission control plugin NamespaceLifecycle is set (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--disable-admission-plugins',
                op: 'nothave',
                value: 'NamespaceLifecycle',
              },
              {
                flag: '--disable-admission-plugins',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --disable-admission-plugins parameter to\nensure it does not include NamespaceLifecycle.',
        },
        {
          id: '1.2.14',
          text: 'Ensure that the admission control plugin NodeRestriction is set (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--enable-admission-plugins',
                op: 'has',
                value: 'NodeRestriction',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and configure NodeRestriction plug-in on kubelets.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --enable-admission-plugins parameter to a\nvalue that includes NodeRestriction.\n--enable-admission-plugins=...,NodeRestriction,...',
        },
        {
          id: '1.2.15',
          text: 'Ensure that the --profiling argument is set to false (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--profiling',
                op: 'eq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the below parameter.\n--profiling=false',
        },
        {
          id: '1.2.16',
          text: 'Ensure that the --audit-log-path argument is set (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--audit-log-path',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --audit-log-path parameter to a suitable path and\nfile where you would like audit logs to be written, for example,\n--audit-log-path=/var/log/apiserver/audit.log',
        },
        {
          id: '1.2.17',
          text: 'Ensure that the --audit-log-maxage argument is set to 30 or as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--audit-log-maxage',
                op: 'gte',
                value: '30',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --audit-log-maxage parameter to 30\nor as an appropriate number of days, for example,\n--audit-log-maxage=30',
        },
        {
          id: '1.2.18',
          text: 'Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--audit-log-maxbackup',
                op: 'gte',
                value: '10',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --audit-log-maxbackup parameter to 10 or to an appropriate\nvalue. For example,\n--audit-log-maxbackup=10',
        },
        {
          id: '1.2.19',
          text: 'Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--audit-log-maxsize',
                op: 'gte',
                value: '100',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --audit-log-maxsize parameter to an appropriate size in MB.\nFor example, to set it as 100 MB, --audit-log-maxsize=100',
        },
        {
          id: '1.2.20',
          text: 'Ensure that the --request-timeout argument is set as appropriate (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'manual',
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\nand set the below parameter as appropriate and if needed.\nFor example, --request-timeout=300s',
        },
        {
          id: '1.2.21',
          text: 'Ensure that the --service-account-lookup argument is set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--service-account-lookup',
                set: false,
              },
              {
                flag: '--service-account-lookup',
                op: 'eq',
                value: 'true',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the below parameter.\n--service-account-lookup=true\nAlternatively, you can delete the --service-account-lookup parameter from this file so\nthat the default takes effect.',
        },
        {
          id: '1.2.22',
          text: 'Ensure that the --service-account-key-file argument is set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--service-account-key-file',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --service-account-key-file parameter\nto the public key file for service accounts. For example,\n--service-account-key-file=<filename>',
        },
        {
          id: '1.2.23',
          text: 'Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'and',
            items: [
              {
                flag: '--etcd-certfile',
              },
              {
                flag: '--etcd-keyfile',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and set up the TLS connection between the apiserver and etcd.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the etcd certificate and key file parameters.\n--etcd-certfile=<path/to/client-certificate-file>\n--etcd-keyfile=<path/to/client-key-file>',
        },
        {
          id: '1.2.24',
          text: 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            binOp: 'and',
            items: [
              {
                flag: '--tls-cert-file',
              },
              {
                flag: '--tls-private-key-file',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and set up the TLS connection on the apiserver.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the TLS certificate and private key file parameters.\n--tls-cert-file=<path/to/tls-certificate-file>\n--tls-private-key-file=<path/to/tls-key-file>',
        },
        {
          id: '1.2.25',
          text: 'Ensure that the --client-ca-file argument is set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--client-ca-file',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and set up the TLS connection on the apiserver.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the client certificate authority file.\n--client-ca-file=<path/to/client-ca-file>',
        },
        {
          id: '1.2.26',
          text: 'Ensure that the --etcd-cafile argument is set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--etcd-cafile',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and set up the TLS connection between the apiserver and etcd.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the etcd certificate authority file parameter.\n--etcd-cafile=<path/to/ca-file>',
        },
        {
          id: '1.2.27',
          text: 'Ensure that the --encryption-provider-config argument is set as appropriate (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--encryption-provider-config',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Follow the Kubernetes documentation and configure a EncryptionConfig file.\nThen, edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the --encryption-provider-config parameter to the path of that file.\nFor example, --encryption-provider-config=</path/to/EncryptionConfig/File>',
        },
        {
          id: '1.2.28',
          text: 'Ensure that encryption providers are appropriately configured (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'encryption-config',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: 'provider',
                op: 'valid_elements',
                value: 'aescbc,kms,secretbox',
              },
            ],
          },
          audit:
            "ENCRYPTION_PROVIDER_CONFIG=$(ps -ef | grep kube-apiserver | grep -- --encryption-provider-config | sed 's%.*encryption-provider-config[= ]\\([^ ]*\\).*%\\1%'); if test -e $ENCRYPTION_PROVIDER_CONFIG; then grep -A1 'providers:' $ENCRYPTION_PROVIDER_CONFIG | tail -n1 | grep -o \"[A-Za-z]*\" | sed 's/^/prov",
          remediation:
            'Follow the Kubernetes documentation and configure a EncryptionConfig file.\nIn this file, choose aescbc, kms or secretbox as the encryption provider.',
        },
        {
          id: '1.2.29',
          text: 'Ensure that the API Server only makes use of Strong Cryptographic Ciphers (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-apiserver',
          },
          tests: {
            items: [
              {
                flag: '--tls-cipher-suites',
                op: 'valid_elements',
                value:
                  'TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-apiserver | grep -v grep',
          remediation:
            'Edit the API server pod specification file /etc/kubernetes/manifests/kube-apiserver.yaml\non the control plane node and set the below parameter.\n--tls-cipher-suites=TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,\nTLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,\nTLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,\nTLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,\nTLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,\nTLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
        },
      ],
    },
    {
      id: '1.3',
      text: 'Controller Manager',
      checks: [
        {
          id: '1.3.1',
          text: 'Ensure that the --terminated-pod-gc-threshold argument is set as appropriate (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kube-controller-manager',
          },
          tests: {
            items: [
              {
                flag: '--terminated-pod-gc-threshold',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-controller-manager | grep -v grep',
          remediation:
            'Edit the Controller Manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml\non the control plane node and set the --terminated-pod-gc-threshold to an appropriate threshold,\nfor example, --terminated-pod-gc-threshold=10',
        },
        {
          id: '1.3.2',
          text: 'Ensure that the --profiling argument is set to false (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-controller-manager',
          },
          tests: {
            items: [
              {
                flag: '--profiling',
                op: 'eq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-controller-manager | grep -v grep',
          remediation:
            'Edit the Controller Manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml\non the control plane node and set the below parameter.\n--profiling=false',
        },
        {
          id: '1.3.3',
          text: 'Ensure that the --use-service-account-credentials argument is set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-controller-manager',
          },
          tests: {
            items: [
              {
                flag: '--use-service-account-credentials',
                op: 'noteq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-controller-manager | grep -v grep',
          remediation:
            'Edit the Controller Manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml\non the control plane node to set the below parameter.\n--use-service-account-credentials=true',
        },
        {
          id: '1.3.4',
          text: 'Ensure that the --service-account-private-key-file argument is set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-controller-manager',
          },
          tests: {
            items: [
              {
                flag: '--service-account-private-key-file',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-controller-manager | grep -v grep',
          remediation:
            'Edit the Controller Manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml\non the control plane node and set the --service-account-private-key-file parameter\nto the private key file for service accounts.\n--service-account-private-key-file=<filename>',
        },
        {
          id: '1.3.5',
          text: 'Ensure that the --root-ca-file argument is set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-controller-manager',
          },
          tests: {
            items: [
              {
                flag: '--root-ca-file',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-controller-manager | grep -v grep',
          remediation:
            'Edit the Controller Manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml\non the control plane node and set the --root-ca-file parameter to the certificate bundle file`.\n--root-ca-file=<path/to/file>',
        },
        {
          id: '1.3.6',
          text: 'Ensure that the RotateKubeletServerCertificate argument is set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-controller-manager',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--feature-gates',
                set: true,
                op: 'nothave',
                value: 'RotateKubeletServerCertificate=false',
              },
              {
                flag: '--feature-gates',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-controller-manager | grep -v grep',
          remediation:
            'Edit the Controller Manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml\non the control plane node and set the --feature-gates parameter to include RotateKubeletServerCertificate=true.\n--feature-gates=RotateKubeletServerCertificate=true',
        },
        {
          id: '1.3.7',
          text: 'Ensure that the --bind-address argument is set to 127.0.0.1 (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-controller-manager',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--bind-address',
                op: 'eq',
                value: '127.0.0.1',
              },
              {
                flag: '--bind-address',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-controller-manager | grep -v grep',
          remediation:
            'Edit the Controller Manager pod specification file /etc/kubernetes/manifests/kube-controller-manager.yaml\non the control plane node and ensure the correct value for the --bind-address parameter',
        },
      ],
    },
    {
      id: '1.4',
      text: 'Scheduler',
      checks: [
        {
          id: '1.4.1',
          text: 'Ensure that the --profiling argument is set to false (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-scheduler',
          },
          tests: {
            items: [
              {
                flag: '--profiling',
                op: 'eq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-scheduler | grep -v grep',
          remediation:
            'Edit the Scheduler pod specification file /etc/kubernetes/manifests/kube-scheduler.yaml file\non the control plane node and set the below parameter.\n--profiling=false',
        },
        {
          id: '1.4.2',
          text: 'Ensure that the --bind-address argument is set to 127.0.0.1 (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-scheduler',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--bind-address',
                op: 'eq',
                value: '127.0.0.1',
              },
              {
                flag: '--bind-address',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -ef | grep kube-scheduler | grep -v grep',
          remediation:
            'Edit the Scheduler pod specification file /etc/kubernetes/manifests/kube-scheduler.yaml\non the control plane node and ensure the correct value for the --bind-address parameter',
        },
      ],
    },
  ],
};
