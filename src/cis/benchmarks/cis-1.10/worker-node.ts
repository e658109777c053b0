// CIS Kubernetes Benchmark v1.10, section 4: Worker Node Security Configuration.
// Ids, texts, scoring and remediations as aquasecurity/kube-bench cfg/cis-1.10/node.yaml (Apache-2.0) writes them;
// paths are kubeadm's, relative to the audited root.
import type { Control } from '../../types.js';

export const workerNode: Control = {
  id: '4',
  text: 'Worker Node Security Configuration',
  nodeType: 'node',
  groups: [
    {
      id: '4.1',
      text: 'Worker Node Configuration Files',
      checks: [
        {
          id: '4.1.1',
          text: 'Ensure that the kubelet service file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/systemd/system/kubelet.service.d/10-kubeadm.conf'],
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
            "/bin/sh -c 'if test -e /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; then stat -c permissions=%a /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the each worker node.\nFor example, chmod 600 /etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
        },
        {
          id: '4.1.2',
          text: 'Ensure that the kubelet service file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/systemd/system/kubelet.service.d/10-kubeadm.conf'],
            optional: true,
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: 'root:root',
              },
              {
                flag: 'File not found',
              },
            ],
          },
          audit:
            '/bin/sh -c "if test -e /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; then stat -c %U:%G /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; else echo \\"File not found\\"; fi"',
          remediation:
            'Run the below command (based on the file location on your system) on the each worker node.\nFor example,\nchown root:root /etc/systemd/system/kubelet.service.d/10-kubeadm.conf',
        },
        {
          id: '4.1.3',
          text: 'If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'mode',
            files: ['var/lib/kube-proxy/kubeconfig.conf'],
            optional: true,
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: 'permissions',
                set: true,
                op: 'bitmask',
                value: '600',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /var/lib/kube-proxy/kubeconfig.conf; then stat -c permissions=%a /var/lib/kube-proxy/kubeconfig.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the each worker node.\nFor example,\nchmod 600 /var/lib/kube-proxy/kubeconfig.conf',
        },
        {
          id: '4.1.4',
          text: 'If proxy kubeconfig file exists ensure ownership is set to root:root (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'owner',
            files: ['var/lib/kube-proxy/kubeconfig.conf'],
            optional: true,
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: 'root:root',
              },
            ],
          },
          audit:
            "/bin/sh -c 'if test -e /var/lib/kube-proxy/kubeconfig.conf; then stat -c %U:%G /var/lib/kube-proxy/kubeconfig.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the each worker node.\nFor example, chown root:root /var/lib/kube-proxy/kubeconfig.conf',
        },
        {
          id: '4.1.5',
          text: 'Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['etc/kubernetes/kubelet.conf'],
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
            "/bin/sh -c 'if test -e /etc/kubernetes/kubelet.conf; then stat -c permissions=%a /etc/kubernetes/kubelet.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the each worker node.\nFor example,\nchmod 600 /etc/kubernetes/kubelet.conf',
        },
        {
          id: '4.1.6',
          text: 'Ensure that the --kubeconfig kubelet.conf file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['etc/kubernetes/kubelet.conf'],
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
            "/bin/sh -c 'if test -e /etc/kubernetes/kubelet.conf; then stat -c %U:%G /etc/kubernetes/kubelet.conf; fi'",
          remediation:
            'Run the below command (based on the file location on your system) on the each worker node.\nFor example,\nchown root:root /etc/kubernetes/kubelet.conf',
        },
        {
          id: '4.1.7',
          text: 'Ensure that the certificate authorities file permissions are set to 600 or more restrictive (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'mode',
            files: ['@kubelet-client-ca'],
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
            "CAFILE=$(ps -ef | grep kubelet | grep -v apiserver | grep -- --client-ca-file= | awk -F '--client-ca-file=' '{print $2}' | awk '{print $1}' | uniq); if test -z $CAFILE; then CAFILE=/etc/kubernetes/pki/ca.crt; fi; if test -e $CAFILE; then stat -c permissions=%a $CAFILE; fi",
          remediation:
            'Run the following command to modify the file permissions of the\n--client-ca-file chmod 600 <filename>',
        },
        {
          id: '4.1.8',
          text: 'Ensure that the client certificate authorities file ownership is set to root:root (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'owner',
            files: ['@kubelet-client-ca'],
          },
          tests: {
            items: [
              {
                flag: 'root:root',
                op: 'eq',
                value: 'root:root',
              },
            ],
          },
          audit:
            "CAFILE=$(ps -ef | grep kubelet | grep -v apiserver | grep -- --client-ca-file= | awk -F '--client-ca-file=' '{print $2}' | awk '{print $1}' | uniq); if test -z $CAFILE; then CAFILE=/etc/kubernetes/pki/ca.crt; fi; if test -e $CAFILE; then stat -c %U:%G $CAFILE; fi",
          remediation:
            'Run the following command to modify the ownership of the --client-ca-file.\nchown root:root <filename>',
        },
        {
          id: '4.1.9',
          text: 'If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'mode',
            files: ['var/lib/kubelet/config.yaml'],
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
            "/bin/sh -c 'if test -e /var/lib/kubelet/config.yaml; then stat -c permissions=%a /var/lib/kubelet/config.yaml; fi'",
          remediation:
            'Run the following command (using the config file location identified in the Audit step)\nchmod 600 /var/lib/kubelet/config.yaml',
        },
        {
          id: '4.1.10',
          text: 'If the kubelet config.yaml configuration file is being used validate file ownership is set to root:root (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'owner',
            files: ['var/lib/kubelet/config.yaml'],
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
            "/bin/sh -c 'if test -e /var/lib/kubelet/config.yaml; then stat -c %U:%G /var/lib/kubelet/config.yaml; fi'",
          remediation:
            'Run the following command (using the config file location identified in the Audit step)\nchown root:root /var/lib/kubelet/config.yaml',
        },
      ],
    },
    {
      id: '4.2',
      text: 'Kubelet',
      checks: [
        {
          id: '4.2.1',
          text: 'Ensure that the --anonymous-auth argument is set to false (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            items: [
              {
                flag: '--anonymous-auth',
                path: 'authentication.anonymous.enabled',
                op: 'eq',
                value: 'false',
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `authentication: anonymous: enabled` to\n`false`.\nIf using executable arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the below parameter in KUBELET_SYSTEM_PODS_ARGS variable.\n`--anonymous-auth=false`\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.2',
          text: 'Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            items: [
              {
                flag: '--authorization-mode',
                path: 'authorization.mode',
                op: 'nothave',
                value: 'AlwaysAllow',
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `authorization.mode` to Webhook. If\nusing executable arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the below parameter in KUBELET_AUTHZ_ARGS variable.\n--authorization-mode=Webhook\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.3',
          text: 'Ensure that the --client-ca-file argument is set as appropriate (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            items: [
              {
                flag: '--client-ca-file',
                path: 'authentication.x509.clientCAFile',
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `authentication.x509.clientCAFile` to\nthe location of the client CA file.\nIf using command line arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the below parameter in KUBELET_AUTHZ_ARGS variable.\n--client-ca-file=<path/to/client-ca-file>\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.4',
          text: 'Verify that the --read-only-port argument is set to 0 (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--read-only-port',
                path: 'readOnlyPort',
                op: 'eq',
                value: '0',
              },
              {
                flag: '--read-only-port',
                path: 'readOnlyPort',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `readOnlyPort` to 0.\nIf using command line arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the below parameter in KUBELET_SYSTEM_PODS_ARGS variable.\n--read-only-port=0\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.5',
          text: 'Ensure that the --streaming-connection-idle-timeout argument is not set to 0 (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--streaming-connection-idle-timeout',
                path: 'streamingConnectionIdleTimeout',
                op: 'noteq',
                value: '0',
              },
              {
                flag: '--streaming-connection-idle-timeout',
                path: 'streamingConnectionIdleTimeout',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `streamingConnectionIdleTimeout` to a\nvalue other than 0.\nIf using command line arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the below parameter in KUBELET_SYSTEM_PODS_ARGS variable.\n--streaming-connection-idle-timeout=5m\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.6',
          text: 'Ensure that the --make-iptables-util-chains argument is set to true (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--make-iptables-util-chains',
                path: 'makeIPTablesUtilChains',
                op: 'eq',
                value: 'true',
              },
              {
                flag: '--make-iptables-util-chains',
                path: 'makeIPTablesUtilChains',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `makeIPTablesUtilChains` to `true`.\nIf using command line arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nremove the --make-iptables-util-chains argument from the\nKUBELET_SYSTEM_PODS_ARGS variable.\nBased on your system, restart the kubelet service. For example:\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.7',
          text: 'Ensure that the --hostname-override argument is not set (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
          },
          tests: {
            items: [
              {
                flag: '--hostname-override',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'Edit the kubelet service file /etc/systemd/system/kubelet.service.d/10-kubeadm.conf\non each worker node and remove the --hostname-override argument from the\nKUBELET_SYSTEM_PODS_ARGS variable.\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.8',
          text: 'Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--event-qps',
                path: 'eventRecordQPS',
                op: 'gte',
                value: '0',
              },
              {
                flag: '--event-qps',
                path: 'eventRecordQPS',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `eventRecordQPS` to an appropriate level.\nIf using command line arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the below parameter in KUBELET_SYSTEM_PODS_ARGS variable.\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.9',
          text: 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            items: [
              {
                flag: '--tls-cert-file',
                path: 'tlsCertFile',
              },
              {
                flag: '--tls-private-key-file',
                path: 'tlsPrivateKeyFile',
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `tlsCertFile` to the location\nof the certificate file to use to identify this Kubelet, and `tlsPrivateKeyFile`\nto the location of the corresponding private key file.\nIf using command line arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the below parameters in KUBELET_CERTIFICATE_ARGS variable.\n--tls-cert-file=<path/to/tls-certificate-file>\n--tls-private-key-file=<path/to/tls-key-file>\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.10',
          text: 'Ensure that the --rotate-certificates argument is not set to false (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--rotate-certificates',
                path: 'rotateCertificates',
                op: 'eq',
                value: 'true',
              },
              {
                flag: '--rotate-certificates',
                path: 'rotateCertificates',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to add the line `rotateCertificates` to `true` or\nremove it altogether to use the default value.\nIf using command line arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nremove --rotate-certificates=false argument from the KUBELET_CERTIFICATE_ARGS\nvariable.\nBased on your system, restart the kubelet service. For example,\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.11',
          text: 'Verify that the RotateKubeletServerCertificate argument is set to true (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: 'RotateKubeletServerCertificate',
                path: 'featureGates.RotateKubeletServerCertificate',
                op: 'nothave',
                value: 'false',
              },
              {
                flag: 'RotateKubeletServerCertificate',
                path: 'featureGates.RotateKubeletServerCertificate',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'Edit the kubelet service file /etc/systemd/system/kubelet.service.d/10-kubeadm.conf\non each worker node and set the below parameter in KUBELET_CERTIFICATE_ARGS variable.\n--feature-gates=RotateKubeletServerCertificate=true\nBased on your system, restart the kubelet service. For example:\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.12',
          text: 'Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            items: [
              {
                flag: '--tls-cipher-suites',
                path: 'tlsCipherSuites',
                op: 'valid_elements',
                value:
                  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256',
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'If using a Kubelet config file, edit the file to set `tlsCipherSuites` to\nTLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256\nor to a subset of these values.\nIf using executable arguments, edit the kubelet service file\n/etc/systemd/system/kubelet.service.d/10-kubeadm.conf on each worker node and\nset the --tls-cipher-suites parameter as follows, or to a subset of these values.\n--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256\nBased on your system, restart the kubelet service. For example:\nsystemctl daemon-reload\nsystemctl restart kubelet.service',
        },
        {
          id: '4.2.13',
          text: 'Ensure that a limit is set on pod PIDs (Manual)',
          level: 1,
          scored: false,
          source: {
            kind: 'flags',
            component: 'kubelet',
            config: 'var/lib/kubelet/config.yaml',
          },
          tests: {
            items: [
              {
                flag: '--pod-max-pids',
                path: 'podPidsLimit',
              },
            ],
          },
          audit: '/bin/ps -fC kubelet',
          remediation:
            'Decide on an appropriate level for this parameter and set it,\neither via the --pod-max-pids command line parameter or the PodPidsLimit configuration file setting.',
        },
      ],
    },
    {
      id: '4.3',
      text: 'kube-proxy',
      checks: [
        {
          id: '4.3.1',
          text: 'Ensure that the kube-proxy metrics service is bound to localhost (Automated)',
          level: 1,
          scored: true,
          source: {
            kind: 'flags',
            component: 'kube-proxy',
            config: 'var/lib/kube-proxy/config.conf',
          },
          tests: {
            binOp: 'or',
            items: [
              {
                flag: '--metrics-bind-address',
                path: 'metricsBindAddress',
                op: 'has',
                value: '127.0.0.1',
              },
              {
                flag: '--metrics-bind-address',
                path: 'metricsBindAddress',
                set: false,
              },
            ],
          },
          audit: '/bin/ps -fC kube-proxy',
          remediation:
            'Modify or remove any values which bind the metrics service to a non-localhost address.\nThe default value is 127.0.0.1:10249.',
        },
      ],
    },
  ],
};
