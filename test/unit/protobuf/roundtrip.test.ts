// Objects encoded with protobufjs from the decoder's own schema, decoded back: the JSON must be what Go's
// encoding/json writes for the Kubernetes object (pointers, omitempty, inline structs, self-marshalling types).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject } from '../../../src/api/protobuf/decode.js';
import { encodeObject } from './helpers.js';

// 2024-01-02T03:04:05Z
const T = 1704164645;
const time = (offset = 0): { seconds: number } => ({ seconds: T + offset });
const qty = (s: string): { string: string } => ({ string: s });
const intVal = (n: number): Record<string, unknown> => ({ type: 0, intVal: n });
const strVal = (s: string): Record<string, unknown> => ({ type: 1, strVal: s });

interface Case {
  name: string;
  apiVersion: string;
  kind: string;
  type: string;
  proto: Record<string, unknown>;
  want: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'Namespace: full ObjectMeta, sorted maps, pointers that are zero, managedFields, conditions',
    apiVersion: 'v1',
    kind: 'Namespace',
    type: 'core.v1.Namespace',
    proto: {
      metadata: {
        name: 'team-a',
        generateName: '',
        namespace: '',
        uid: 'u-1',
        resourceVersion: '42',
        generation: 0,
        creationTimestamp: time(),
        deletionTimestamp: { seconds: T + 60, nanos: 999 },
        deletionGracePeriodSeconds: 0,
        labels: { zone: 'b', app: 'a' },
        annotations: { note: 'x' },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'owner',
            uid: 'u-0',
            controller: true,
            blockOwnerDeletion: false,
          },
        ],
        finalizers: ['example.com/keep'],
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            apiVersion: 'v1',
            time: time(),
            fieldsType: 'FieldsV1',
            fieldsV1: { Raw: Buffer.from('{"f:metadata":{"f:labels":{"f:app":{}}}}') },
          },
        ],
      },
      spec: { finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceDeletionContentFailure',
            status: 'False',
            lastTransitionTime: time(),
            reason: 'ContentDeleted',
            message: 'All content successfully deleted',
          },
        ],
      },
    },
    want: {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: {
        name: 'team-a',
        uid: 'u-1',
        resourceVersion: '42',
        creationTimestamp: '2024-01-02T03:04:05Z',
        deletionTimestamp: '2024-01-02T03:05:05Z',
        deletionGracePeriodSeconds: 0,
        labels: { app: 'a', zone: 'b' },
        annotations: { note: 'x' },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'owner',
            uid: 'u-0',
            controller: true,
            blockOwnerDeletion: false,
          },
        ],
        finalizers: ['example.com/keep'],
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2024-01-02T03:04:05Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } } },
          },
        ],
      },
      spec: { finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceDeletionContentFailure',
            status: 'False',
            lastTransitionTime: '2024-01-02T03:04:05Z',
            reason: 'ContentDeleted',
            message: 'All content successfully deleted',
          },
        ],
      },
    },
  },
  {
    name: 'ServiceAccount: automountServiceAccountToken false is kept (a pointer)',
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    type: 'core.v1.ServiceAccount',
    proto: {
      metadata: { name: 'builder', namespace: 'ci' },
      secrets: [{ name: 'builder-token' }],
      imagePullSecrets: [{ name: 'regcred' }],
      automountServiceAccountToken: false,
    },
    want: {
      kind: 'ServiceAccount',
      apiVersion: 'v1',
      metadata: { name: 'builder', namespace: 'ci' },
      secrets: [{ name: 'builder-token' }],
      imagePullSecrets: [{ name: 'regcred' }],
      automountServiceAccountToken: false,
    },
  },
  {
    name: 'Secret: binary data as base64, empty value, immutable false, stringData',
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'core.v1.Secret',
    proto: {
      metadata: { name: 's' },
      immutable: false,
      data: { 'tls.key': Buffer.from([0, 0xff, 0x10]), empty: Buffer.alloc(0) },
      stringData: { plain: 'text' },
      type: 'Opaque',
    },
    want: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's' },
      immutable: false,
      data: { empty: '', 'tls.key': 'AP8Q' },
      stringData: { plain: 'text' },
      type: 'Opaque',
    },
  },
  {
    name: 'ConfigMap: data, binaryData, immutable true',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    type: 'core.v1.ConfigMap',
    proto: {
      metadata: { name: 'cm', namespace: 'default' },
      immutable: true,
      data: { 'app.yaml': 'a: 1\n' },
      binaryData: { 'logo.png': Buffer.from([0x89, 0x50]) },
    },
    want: {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'cm', namespace: 'default' },
      immutable: true,
      data: { 'app.yaml': 'a: 1\n' },
      binaryData: { 'logo.png': 'iVA=' },
    },
  },
  {
    name: 'Service: IntOrString targetPort as number and as name, session affinity, pointer false, ip families',
    apiVersion: 'v1',
    kind: 'Service',
    type: 'core.v1.Service',
    proto: {
      metadata: { name: 'web' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: strVal('http') },
          { name: 'metrics', protocol: 'TCP', appProtocol: 'http', port: 9090, targetPort: intVal(9090), nodePort: 0 },
        ],
        selector: { app: 'web' },
        clusterIP: 'None',
        clusterIPs: ['None'],
        type: 'ClusterIP',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        allocateLoadBalancerNodePorts: false,
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
    want: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' },
          { name: 'metrics', protocol: 'TCP', appProtocol: 'http', port: 9090, targetPort: 9090 },
        ],
        selector: { app: 'web' },
        clusterIP: 'None',
        clusterIPs: ['None'],
        type: 'ClusterIP',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        allocateLoadBalancerNodePorts: false,
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    name: 'Pod: inline probe handler and volume source, quantities, security contexts with zero pointers, status',
    apiVersion: 'v1',
    kind: 'Pod',
    type: 'core.v1.Pod',
    proto: {
      metadata: { name: 'web-0', namespace: 'prod', labels: { app: 'web' } },
      spec: {
        volumes: [
          {
            name: 'token',
            volumeSource: {
              projected: {
                sources: [
                  { serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } },
                  {
                    configMap: {
                      localObjectReference: { name: 'kube-root-ca.crt' },
                      items: [{ key: 'ca.crt', path: 'ca.crt' }],
                    },
                  },
                ],
                defaultMode: 420,
              },
            },
          },
          {
            name: 'creds',
            volumeSource: {
              secret: {
                secretName: 'db',
                items: [{ key: 'password', path: 'pw', mode: 256 }],
                defaultMode: 0,
                optional: false,
              },
            },
          },
          { name: 'scratch', volumeSource: { emptyDir: { medium: 'Memory', sizeLimit: qty('64Mi') } } },
          { name: 'host', volumeSource: { hostPath: { path: '/var/log', type: '' } } },
        ],
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            command: ['nginx'],
            args: ['-g', 'daemon off;'],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
              { name: 'EMPTY', value: '' },
            ],
            resources: { limits: { memory: qty('128Mi'), cpu: qty('500m') }, requests: { cpu: qty('250m') } },
            volumeMounts: [{ name: 'token', readOnly: true, mountPath: '/var/run/secrets/tokens' }],
            livenessProbe: {
              handler: { httpGet: { path: '/healthz', port: strVal('http'), scheme: 'HTTP' } },
              initialDelaySeconds: 3,
              periodSeconds: 10,
              failureThreshold: 0,
            },
            readinessProbe: { handler: { tcpSocket: { port: intVal(8080) } }, terminationGracePeriodSeconds: 0 },
            imagePullPolicy: 'IfNotPresent',
            securityContext: {
              capabilities: { drop: ['ALL'] },
              privileged: false,
              runAsUser: 0,
              runAsNonRoot: false,
              allowPrivilegeEscalation: false,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            stdin: false,
            tty: false,
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        serviceAccountName: 'web',
        automountServiceAccountToken: false,
        hostNetwork: false,
        securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000, 4000] },
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        priority: 0,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: time() }],
        hostIP: '10.0.0.5',
        podIP: '10.244.0.7',
        podIPs: [{ ip: '10.244.0.7' }],
        startTime: time(),
        containerStatuses: [
          {
            name: 'app',
            state: { running: { startedAt: time(1) } },
            ready: true,
            restartCount: 0,
            image: 'nginx:1.27',
            imageID: 'docker.io/library/nginx@sha256:abc',
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    },
    want: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'web-0', namespace: 'prod', labels: { app: 'web' } },
      spec: {
        volumes: [
          {
            name: 'token',
            projected: {
              sources: [
                { serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              ],
              defaultMode: 420,
            },
          },
          {
            name: 'creds',
            secret: {
              secretName: 'db',
              items: [{ key: 'password', path: 'pw', mode: 256 }],
              defaultMode: 0,
              optional: false,
            },
          },
          { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          { name: 'host', hostPath: { path: '/var/log', type: '' } },
        ],
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            command: ['nginx'],
            args: ['-g', 'daemon off;'],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
              { name: 'EMPTY' },
            ],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
            volumeMounts: [{ name: 'token', readOnly: true, mountPath: '/var/run/secrets/tokens' }],
            livenessProbe: {
              httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
              initialDelaySeconds: 3,
              periodSeconds: 10,
            },
            readinessProbe: { tcpSocket: { port: 8080 }, terminationGracePeriodSeconds: 0 },
            imagePullPolicy: 'IfNotPresent',
            securityContext: {
              capabilities: { drop: ['ALL'] },
              privileged: false,
              runAsUser: 0,
              runAsNonRoot: false,
              allowPrivilegeEscalation: false,
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        serviceAccountName: 'web',
        automountServiceAccountToken: false,
        securityContext: { runAsUser: 1000, supplementalGroups: [3000, 4000], fsGroup: 2000 },
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        priority: 0,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
      },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-02T03:04:05Z' },
        ],
        hostIP: '10.0.0.5',
        podIP: '10.244.0.7',
        podIPs: [{ ip: '10.244.0.7' }],
        startTime: '2024-01-02T03:04:05Z',
        containerStatuses: [
          {
            name: 'app',
            state: { running: { startedAt: '2024-01-02T03:04:06Z' } },
            lastState: {},
            ready: true,
            restartCount: 0,
            image: 'nginx:1.27',
            imageID: 'docker.io/library/nginx@sha256:abc',
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    },
  },
  {
    name: 'Event: MicroTime keeps microseconds, zero Times are null, value structs are written',
    apiVersion: 'v1',
    kind: 'Event',
    type: 'core.v1.Event',
    proto: {
      metadata: { name: 'web.17a', namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-0', apiVersion: 'v1' },
      reason: 'Started',
      message: 'Started container app',
      eventTime: { seconds: T, nanos: 123456789 },
      series: { count: 2, lastObservedTime: { seconds: T + 1, nanos: 5000 } },
      type: 'Normal',
      action: 'Start',
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    },
    want: {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'web.17a', namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-0', apiVersion: 'v1' },
      reason: 'Started',
      message: 'Started container app',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Normal',
      eventTime: '2024-01-02T03:04:05.123456Z',
      series: { count: 2, lastObservedTime: '2024-01-02T03:04:06.000005Z' },
      action: 'Start',
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    },
  },
  {
    name: 'Node: taints with timeAdded, capacity quantities, addresses, unschedulable',
    apiVersion: 'v1',
    kind: 'Node',
    type: 'core.v1.Node',
    proto: {
      metadata: { name: 'node-1' },
      spec: {
        podCIDR: '10.244.0.0/24',
        podCIDRs: ['10.244.0.0/24'],
        unschedulable: true,
        taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: time() }],
      },
      status: {
        capacity: { pods: qty('110'), cpu: qty('2') },
        addresses: [{ type: 'InternalIP', address: '10.0.0.5' }],
        nodeInfo: { kubeletVersion: 'v1.35.0', architecture: 'amd64' },
      },
    },
    want: {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: 'node-1' },
      spec: {
        podCIDR: '10.244.0.0/24',
        podCIDRs: ['10.244.0.0/24'],
        unschedulable: true,
        taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2024-01-02T03:04:05Z' }],
      },
      status: {
        capacity: { cpu: '2', pods: '110' },
        addresses: [{ type: 'InternalIP', address: '10.0.0.5' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
        nodeInfo: {
          machineID: '',
          systemUUID: '',
          bootID: '',
          kernelVersion: '',
          osImage: '',
          containerRuntimeVersion: '',
          kubeletVersion: 'v1.35.0',
          kubeProxyVersion: '',
          operatingSystem: '',
          architecture: 'amd64',
        },
      },
    },
  },
  {
    name: 'Deployment: rolling update IntOrStrings, selector expressions, replicas left unset',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    type: 'apps.v1.Deployment',
    proto: {
      metadata: { name: 'web' },
      spec: {
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }],
        },
        template: {
          metadata: { labels: { app: 'web', tier: 'front' } },
          spec: { containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: qty('100m') } } }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: intVal(0), maxSurge: strVal('25%') } },
        revisionHistoryLimit: 0,
        paused: false,
      },
    },
    want: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web' },
      spec: {
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }],
        },
        template: {
          metadata: { labels: { app: 'web', tier: 'front' } },
          spec: { containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '100m' } } }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 0,
      },
      status: {},
    },
  },
  {
    name: 'Job: pointer zeros (backoffLimit 0, suspend false), pod failure policy, no selector',
    apiVersion: 'batch/v1',
    kind: 'Job',
    type: 'batch.v1.Job',
    proto: {
      metadata: { name: 'pi' },
      spec: {
        completions: 3,
        backoffLimit: 0,
        suspend: false,
        ttlSecondsAfterFinished: 100,
        completionMode: 'Indexed',
        podFailurePolicy: {
          rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42, 43] } }],
        },
        template: { spec: { containers: [{ name: 'main', image: 'perl' }], restartPolicy: 'Never' } },
      },
    },
    want: {
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: { name: 'pi' },
      spec: {
        completions: 3,
        podFailurePolicy: {
          rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42, 43] } }],
        },
        backoffLimit: 0,
        template: {
          metadata: {},
          spec: { containers: [{ name: 'main', image: 'perl', resources: {} }], restartPolicy: 'Never' },
        },
        ttlSecondsAfterFinished: 100,
        completionMode: 'Indexed',
        suspend: false,
      },
      status: {},
    },
  },
  {
    name: 'ClusterRole with an empty rule list: rules is null (no omitempty)',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    type: 'rbac.v1.ClusterRole',
    proto: { metadata: { name: 'empty' } },
    want: { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'empty' }, rules: null },
  },
  {
    name: 'RoleBinding without roleRef on the wire: the zero RoleRef, its fields written',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    type: 'rbac.v1.RoleBinding',
    proto: {
      metadata: { name: 'rb', namespace: 'ns' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'ns' }],
    },
    want: {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'rb', namespace: 'ns' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'ns' }],
      roleRef: { apiGroup: '', kind: '', name: '' },
    },
  },
  {
    name: 'TokenReview: spec and a status with user extra (ExtraValue lists)',
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    type: 'authentication.v1.TokenReview',
    proto: {
      spec: { token: 'eyJ...', audiences: ['api'] },
      status: {
        authenticated: true,
        user: {
          username: 'system:serviceaccount:ci:builder',
          uid: 'u',
          groups: ['system:serviceaccounts'],
          extra: { 'authentication.kubernetes.io/pod-name': { items: ['web-0'] }, empty: { items: [] } },
        },
      },
    },
    want: {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
      spec: { token: 'eyJ...', audiences: ['api'] },
      status: {
        authenticated: true,
        user: {
          username: 'system:serviceaccount:ci:builder',
          uid: 'u',
          groups: ['system:serviceaccounts'],
          extra: { 'authentication.kubernetes.io/pod-name': ['web-0'], empty: null },
        },
      },
    },
  },
  {
    name: 'SubjectAccessReview: user, groups, extra, resource attributes with selectors',
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    type: 'authorization.v1.SubjectAccessReview',
    proto: {
      spec: {
        resourceAttributes: {
          namespace: 'dev',
          verb: 'list',
          group: '',
          resource: 'pods',
          fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['node-1'] }] },
          labelSelector: { rawSelector: 'app=web' },
        },
        user: 'alice',
        groups: ['devs'],
        extra: { scopes: { items: ['read'] } },
        uid: 'a-1',
      },
    },
    want: {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'dev',
          verb: 'list',
          resource: 'pods',
          fieldSelector: { requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['node-1'] }] },
          labelSelector: { rawSelector: 'app=web' },
        },
        user: 'alice',
        groups: ['devs'],
        extra: { scopes: ['read'] },
        uid: 'a-1',
      },
      status: { allowed: false },
    },
  },
  {
    name: 'LocalSubjectAccessReview: namespaced, non-resource attributes, a denied status',
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'LocalSubjectAccessReview',
    type: 'authorization.v1.LocalSubjectAccessReview',
    proto: {
      metadata: { namespace: 'dev' },
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'bob' },
      status: { allowed: false, denied: true, reason: 'no' },
    },
    want: {
      kind: 'LocalSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { namespace: 'dev' },
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'bob' },
      status: { allowed: false, denied: true, reason: 'no' },
    },
  },
  {
    name: 'SelfSubjectRulesReview with no namespace: spec {}',
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    type: 'authorization.v1.SelfSubjectRulesReview',
    proto: { spec: { namespace: '' } },
    want: {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: {},
      status: { resourceRules: null, nonResourceRules: null, incomplete: false },
    },
  },
  {
    name: 'CertificateSigningRequest: request and certificate bytes, both condition times',
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    type: 'certificates.v1.CertificateSigningRequest',
    proto: {
      metadata: { name: 'jane' },
      spec: {
        request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n'),
        signerName: 'kubernetes.io/kube-apiserver-client',
        usages: ['client auth'],
        username: 'admin',
      },
      status: {
        conditions: [
          {
            type: 'Approved',
            status: 'True',
            reason: 'AutoApproved',
            message: 'ok',
            lastUpdateTime: time(),
            lastTransitionTime: time(2),
          },
        ],
        certificate: Buffer.from('-----BEGIN CERTIFICATE-----\n'),
      },
    },
    want: {
      kind: 'CertificateSigningRequest',
      apiVersion: 'certificates.k8s.io/v1',
      metadata: { name: 'jane' },
      spec: {
        request: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K',
        signerName: 'kubernetes.io/kube-apiserver-client',
        usages: ['client auth'],
        username: 'admin',
      },
      status: {
        conditions: [
          {
            type: 'Approved',
            status: 'True',
            reason: 'AutoApproved',
            message: 'ok',
            lastUpdateTime: '2024-01-02T03:04:05Z',
            lastTransitionTime: '2024-01-02T03:04:07Z',
          },
        ],
        certificate: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==',
      },
    },
  },
  {
    name: 'CertificateSigningRequest without a request: null (a nil []byte without omitempty)',
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    type: 'certificates.v1.CertificateSigningRequest',
    proto: { metadata: { name: 'x' }, spec: { signerName: 's' } },
    want: {
      kind: 'CertificateSigningRequest',
      apiVersion: 'certificates.k8s.io/v1',
      metadata: { name: 'x' },
      spec: { request: null, signerName: 's' },
      status: {},
    },
  },
];

const DELETE_OPTIONS = {
  proto: {
    gracePeriodSeconds: 0,
    preconditions: { uid: 'u-1', resourceVersion: '' },
    orphanDependents: false,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  },
  fields: {
    gracePeriodSeconds: 0,
    preconditions: { uid: 'u-1', resourceVersion: '' },
    orphanDependents: false,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  },
};

describe('protobufjs-encoded objects decode to Go JSON', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const got = decodeProtobufObject(encodeObject(c.apiVersion, c.kind, c.type, c.proto));
      assert.deepStrictEqual(got, c.want);
    });
  }

  for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1', 'rbac.authorization.k8s.io/v1']) {
    it(`DeleteOptions sent under ${apiVersion}: pointers kept even when zero or false`, () => {
      const got = decodeProtobufObject(
        encodeObject(apiVersion, 'DeleteOptions', 'meta.v1.DeleteOptions', DELETE_OPTIONS.proto),
      );
      assert.deepStrictEqual(got, { kind: 'DeleteOptions', apiVersion, ...DELETE_OPTIONS.fields });
    });
  }

  it('puts kind and apiVersion first, then the fields in Go struct order', () => {
    const got = decodeProtobufObject(
      encodeObject('v1', 'Secret', 'core.v1.Secret', {
        type: 'Opaque',
        data: { a: Buffer.from('x') },
        immutable: true,
        metadata: { name: 's' },
      }),
    );
    assert.deepEqual(Object.keys(got), ['kind', 'apiVersion', 'metadata', 'immutable', 'data', 'type']);
  });
});
