// `kauth node-layout`: a kubeadm control-plane node's files under a root directory — the PKI and kubeconfigs
// (`kauth certs init`'s tree), static pod manifests whose flags point at them, the kubelet's config, systemd
// drop-in and kubeadm-flags.env, an etcd data dir. Hardened, every automated CIS v1.10 node check passes;
// `insecure` seeds the misconfigurations of the CKS notes (anonymous kubelet, AlwaysAllow, read-only port,
// loose file modes, etcd without client-cert auth …) as practice material and as the auditor's test fixture.
import { chmodSync, chownSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { stringify } from 'yaml';
import { ensurePkiTree, defaultAdvertiseAddress } from '../pki/kubeadm-tree.js';
import { KUBE_PROXY_CONFIG, KUBEADM_FLAGS_ENV, KUBELET_CONFIG, KUBELET_DROP_IN, MANIFESTS } from './node-reader.js';
import { lookupId } from './owners.js';

export interface NodeLayoutOptions {
  root: string;
  insecure?: boolean;
  advertiseAddress?: string;
  nodeName?: string;
  kubernetesVersion?: string;
  /** kubeadm's default RSA-2048; tests pass ECDSA-P256 to skip RSA key generation. */
  keyAlgorithm?: string;
  log?: (line: string) => void;
}

/** What --insecure seeds, by CIS id: the test suite and the README list them from here. */
export const SEEDED_MISCONFIGURATIONS: Readonly<Record<string, string>> = {
  '1.1.1': 'kube-apiserver.yaml mode 644',
  '1.1.3': 'kube-controller-manager.yaml mode 644',
  '1.1.5': 'kube-scheduler.yaml mode 644',
  '1.1.7': 'etcd.yaml mode 644',
  '1.1.11': 'etcd data dir mode 755',
  '1.1.13': 'admin.conf/super-admin.conf mode 644',
  '1.1.15': 'scheduler.conf mode 644',
  '1.1.17': 'controller-manager.conf mode 644',
  '1.1.21': 'PKI keys mode 644',
  '1.2.1': 'apiserver --anonymous-auth=true',
  '1.2.2': 'apiserver --token-auth-file',
  '1.2.6': 'apiserver --authorization-mode=AlwaysAllow',
  '1.2.7': 'no Node authorizer',
  '1.2.8': 'no RBAC authorizer',
  '1.2.10': 'AlwaysAdmit admission',
  '1.2.15': 'apiserver profiling on',
  '1.2.16': 'no audit log',
  '1.3.2': 'controller-manager profiling on',
  '1.4.2': 'scheduler --bind-address=0.0.0.0',
  '2.2': 'etcd --client-cert-auth=false',
  '2.3': 'etcd --auto-tls=true',
  '4.1.1': '10-kubeadm.conf mode 644',
  '4.1.5': 'kubelet.conf mode 644',
  '4.1.9': 'kubelet config.yaml mode 644',
  '4.2.1': 'kubelet anonymous auth enabled',
  '4.2.2': 'kubelet authorization mode AlwaysAllow',
  '4.2.4': 'kubelet readOnlyPort 10255',
  '4.2.5': 'streamingConnectionIdleTimeout 0',
  '4.2.6': 'makeIPTablesUtilChains false',
};

const STRONG_CIPHERS = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
];
const PKI = '/etc/kubernetes/pki';

function staticPod(name: string, image: string, command: string[], mounts: [string, string][]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { component: name, tier: 'control-plane' }, name, namespace: 'kube-system' },
    spec: {
      containers: [
        {
          command,
          image,
          imagePullPolicy: 'IfNotPresent',
          name,
          volumeMounts: mounts.map(([vol, path]) => ({
            mountPath: path,
            name: vol,
            readOnly: vol !== 'etcd-data' && vol !== 'audit-log',
          })),
        },
      ],
      hostNetwork: true,
      priority: 2000001000,
      priorityClassName: 'system-node-critical',
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      volumes: mounts.map(([vol, path]) => ({
        hostPath: { path, type: vol === 'etcd-data' || vol === 'audit-log' ? 'DirectoryOrCreate' : 'Directory' },
        name: vol,
      })),
    },
  });
}

function apiserverCommand(addr: string, insecure: boolean): string[] {
  const c = ['kube-apiserver', `--advertise-address=${addr}`, '--allow-privileged=true'];
  c.push(insecure ? '--authorization-mode=AlwaysAllow' : '--authorization-mode=Node,RBAC');
  c.push(`--client-ca-file=${PKI}/ca.crt`);
  c.push(
    insecure
      ? '--enable-admission-plugins=AlwaysAdmit'
      : '--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs',
  );
  c.push(
    '--enable-bootstrap-token-auth=true',
    `--etcd-cafile=${PKI}/etcd/ca.crt`,
    `--etcd-certfile=${PKI}/apiserver-etcd-client.crt`,
    `--etcd-keyfile=${PKI}/apiserver-etcd-client.key`,
    '--etcd-servers=https://127.0.0.1:2379',
    `--kubelet-client-certificate=${PKI}/apiserver-kubelet-client.crt`,
    `--kubelet-client-key=${PKI}/apiserver-kubelet-client.key`,
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    `--proxy-client-cert-file=${PKI}/front-proxy-client.crt`,
    `--proxy-client-key-file=${PKI}/front-proxy-client.key`,
    '--requestheader-allowed-names=front-proxy-client',
    `--requestheader-client-ca-file=${PKI}/front-proxy-ca.crt`,
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    '--secure-port=6443',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${PKI}/sa.pub`,
    `--service-account-signing-key-file=${PKI}/sa.key`,
    '--service-cluster-ip-range=10.96.0.0/12',
    `--tls-cert-file=${PKI}/apiserver.crt`,
    `--tls-private-key-file=${PKI}/apiserver.key`,
  );
  if (insecure) {
    c.push('--anonymous-auth=true', '--token-auth-file=/etc/kubernetes/tokens.csv', '--profiling=true');
  } else {
    c.push(
      '--anonymous-auth=false',
      '--profiling=false',
      `--kubelet-certificate-authority=${PKI}/ca.crt`,
      '--audit-log-path=/var/log/kubernetes/audit/audit.log',
      '--audit-log-maxage=30',
      '--audit-log-maxbackup=10',
      '--audit-log-maxsize=100',
      '--audit-policy-file=/etc/kubernetes/audit/policy.yaml',
      '--service-account-lookup=true',
      '--admission-control-config-file=/etc/kubernetes/admission/admission-config.yaml',
      '--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml',
      `--tls-cipher-suites=${STRONG_CIPHERS.join(',')}`,
    );
  }
  return c;
}

function controllerManagerCommand(insecure: boolean): string[] {
  return [
    'kube-controller-manager',
    '--allocate-node-cidrs=true',
    '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
    `--bind-address=127.0.0.1`,
    `--client-ca-file=${PKI}/ca.crt`,
    '--cluster-name=kubernetes',
    `--cluster-signing-cert-file=${PKI}/ca.crt`,
    `--cluster-signing-key-file=${PKI}/ca.key`,
    '--controllers=*,bootstrapsigner,tokencleaner',
    '--kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--leader-elect=true',
    `--requestheader-client-ca-file=${PKI}/front-proxy-ca.crt`,
    `--root-ca-file=${PKI}/ca.crt`,
    `--service-account-private-key-file=${PKI}/sa.key`,
    '--use-service-account-credentials=true',
    ...(insecure ? ['--profiling=true'] : ['--profiling=false', '--terminated-pod-gc-threshold=10']),
  ];
}

function schedulerCommand(insecure: boolean): string[] {
  return [
    'kube-scheduler',
    '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
    '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
    insecure ? '--bind-address=0.0.0.0' : '--bind-address=127.0.0.1',
    '--kubeconfig=/etc/kubernetes/scheduler.conf',
    '--leader-elect=true',
    insecure ? '--profiling=true' : '--profiling=false',
  ];
}

function etcdCommand(addr: string, name: string, insecure: boolean): string[] {
  return [
    'etcd',
    `--advertise-client-urls=https://${addr}:2379`,
    `--cert-file=${PKI}/etcd/server.crt`,
    insecure ? '--client-cert-auth=false' : '--client-cert-auth=true',
    '--data-dir=/var/lib/etcd',
    `--initial-advertise-peer-urls=https://${addr}:2380`,
    `--initial-cluster=${name}=https://${addr}:2380`,
    `--key-file=${PKI}/etcd/server.key`,
    `--listen-client-urls=https://127.0.0.1:2379,https://${addr}:2379`,
    `--listen-peer-urls=https://${addr}:2380`,
    `--name=${name}`,
    `--peer-cert-file=${PKI}/etcd/peer.crt`,
    '--peer-client-cert-auth=true',
    `--peer-key-file=${PKI}/etcd/peer.key`,
    `--peer-trusted-ca-file=${PKI}/etcd/ca.crt`,
    '--snapshot-count=10000',
    `--trusted-ca-file=${PKI}/etcd/ca.crt`,
    ...(insecure ? ['--auto-tls=true'] : []),
  ];
}

export function kubeletConfig(insecure: boolean): Record<string, unknown> {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: {
      anonymous: { enabled: insecure },
      webhook: { cacheTTL: '0s', enabled: true },
      x509: { clientCAFile: `${PKI}/ca.crt` },
    },
    authorization: insecure
      ? { mode: 'AlwaysAllow' }
      : { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s' } },
    cgroupDriver: 'systemd',
    clusterDNS: ['10.96.0.10'],
    clusterDomain: 'cluster.local',
    readOnlyPort: insecure ? 10255 : 0,
    rotateCertificates: true,
    staticPodPath: '/etc/kubernetes/manifests',
    streamingConnectionIdleTimeout: insecure ? '0' : '4h0m0s',
    makeIPTablesUtilChains: !insecure,
    ...(insecure
      ? {}
      : {
          eventRecordQPS: 5,
          podPidsLimit: 4096,
          featureGates: { RotateKubeletServerCertificate: true },
          serverTLSBootstrap: true,
          tlsCipherSuites: STRONG_CIPHERS,
        }),
  };
}

const DROP_IN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

const AUDIT_POLICY = stringify({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }] },
    { level: 'Metadata' },
  ],
});
const ADMISSION = stringify({
  apiVersion: 'apiserver.config.k8s.io/v1',
  kind: 'AdmissionConfiguration',
  plugins: [{ name: 'EventRateLimit', path: '/etc/kubernetes/admission/event-rate-limit.yaml' }],
});
const EVENT_RATE = stringify({
  apiVersion: 'eventratelimit.admission.k8s.io/v1alpha1',
  kind: 'Configuration',
  limits: [{ type: 'Server', qps: 50, burst: 100 }],
});

function encryptionConfig(): string {
  const secret = randomBytes(32).toString('base64');
  return stringify({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [
      { resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'key1', secret }] } }, { identity: {} }] },
    ],
  });
}

function walkFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else out.push(p);
  }
  return out;
}

export async function writeNodeLayout(opts: NodeLayoutOptions): Promise<string[]> {
  const root = opts.root;
  const insecure = !!opts.insecure;
  const addr = opts.advertiseAddress ?? defaultAdvertiseAddress();
  const name = (opts.nodeName ?? 'controlplane').toLowerCase();
  const version = opts.kubernetesVersion ?? 'v1.32.0';
  const written: string[] = [];
  const put = (rel: string, text: string, mode: number) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
    writeFileSync(p, text, { mode });
    chmodSync(p, mode);
    written.push(rel);
  };
  await ensurePkiTree({
    certDir: join(root, 'etc/kubernetes/pki'),
    kubeconfigDir: join(root, 'etc/kubernetes'),
    advertiseAddress: addr,
    nodeName: name,
    algorithm: opts.keyAlgorithm,
    log: opts.log,
  });
  // kubeadm writes certificates 0644; CIS 1.1.20 asks 600. Keys are 0600 already.
  const loose = insecure ? 0o644 : 0o600;
  for (const f of walkFiles(join(root, 'etc/kubernetes/pki'))) chmodSync(f, f.endsWith('.key') ? loose : 0o600);
  for (const f of ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf']) {
    try {
      chmodSync(join(root, 'etc/kubernetes', f), loose);
    } catch {
      /* not every kubeadm version writes super-admin.conf */
    }
  }
  const image = (c: string) => `registry.k8s.io/${c}:${version}`;
  const pkiMount: [string, string] = ['k8s-certs', PKI];
  put(
    `${MANIFESTS}/kube-apiserver.yaml`,
    staticPod('kube-apiserver', image('kube-apiserver'), apiserverCommand(addr, insecure), [
      pkiMount,
      ['ca-certs', '/etc/ssl/certs'],
      ...(insecure
        ? []
        : ([
            ['audit-policy', '/etc/kubernetes/audit'],
            ['audit-log', '/var/log/kubernetes/audit'],
            ['admission', '/etc/kubernetes/admission'],
            ['enc', '/etc/kubernetes/enc'],
          ] as [string, string][])),
    ]),
    loose,
  );
  put(
    `${MANIFESTS}/kube-controller-manager.yaml`,
    staticPod('kube-controller-manager', image('kube-controller-manager'), controllerManagerCommand(insecure), [
      pkiMount,
      ['kubeconfig', '/etc/kubernetes/controller-manager.conf'],
    ]),
    loose,
  );
  put(
    `${MANIFESTS}/kube-scheduler.yaml`,
    staticPod('kube-scheduler', image('kube-scheduler'), schedulerCommand(insecure), [
      ['kubeconfig', '/etc/kubernetes/scheduler.conf'],
    ]),
    loose,
  );
  put(
    `${MANIFESTS}/etcd.yaml`,
    staticPod('etcd', 'registry.k8s.io/etcd:3.5.16-0', etcdCommand(addr, name, insecure), [
      ['etcd-certs', `${PKI}/etcd`],
      ['etcd-data', '/var/lib/etcd'],
    ]),
    loose,
  );
  if (insecure) put('etc/kubernetes/tokens.csv', 'insecure-static-token,admin,1,"system:masters"\n', 0o600);
  else {
    put('etc/kubernetes/audit/policy.yaml', AUDIT_POLICY, 0o600);
    put('etc/kubernetes/admission/admission-config.yaml', ADMISSION, 0o600);
    put('etc/kubernetes/admission/event-rate-limit.yaml', EVENT_RATE, 0o600);
    put('etc/kubernetes/enc/encryption-config.yaml', encryptionConfig(), 0o600);
    mkdirSync(join(root, 'var/log/kubernetes/audit'), { recursive: true, mode: 0o700 });
  }
  put(KUBELET_CONFIG, stringify(kubeletConfig(insecure)), loose);
  put(KUBELET_DROP_IN, DROP_IN, loose);
  put(
    KUBEADM_FLAGS_ENV,
    'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"\n',
    0o600,
  );
  put(
    KUBE_PROXY_CONFIG,
    stringify({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      metricsBindAddress: insecure ? '0.0.0.0:10249' : '127.0.0.1:10249',
      mode: 'iptables',
    }),
    0o600,
  );
  const dataDir = join(root, 'var/lib/etcd');
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, insecure ? 0o755 : 0o700);
  // CIS 1.1.12: etcd:etcd, when this machine has that user and we may chown.
  const etcd = lookupId('etcd');
  if (etcd && userInfo().uid === 0) chownSync(dataDir, etcd.uid, etcd.gid);
  written.push('var/lib/etcd/');
  return written;
}
