// What kubeadm puts in a control plane's PKI, as data: the CAs, the certificates each signs (subject, groups,
// usages, SANs) and the kubeconfig files. Taken from kubeadm's cmd/kubeadm/app/phases/certs/certlist.go,
// pkiutil.Get*AltNames and phases/kubeconfig (v1.29+), with the deviations kauth needs noted inline.
import type { ExtKeyUsageName } from './certificate.js';

export const CLUSTER_NAME = 'kubernetes';

/** The values the SANs and names of the tree depend on. */
export interface TreeContext {
  nodeName: string;
  advertiseAddress: string;
  /** First IP of the service CIDR: the `kubernetes` Service's ClusterIP. */
  serviceIp: string;
  dnsDomain: string;
  /** Host of --control-plane-endpoint, when given (kubeadm adds it to the apiserver SANs). */
  controlPlaneHost?: string;
  extraSans: { dnsNames: string[]; ipAddresses: string[] };
}

export type CaName = 'ca' | 'front-proxy-ca' | 'etcd-ca';

export interface CaSpec {
  name: CaName;
  /** Path below the cert dir without extension: `ca`, `etcd/ca`. */
  baseName: string;
  commonName: string;
  longName: string;
}

export interface LeafSpec {
  name: string;
  baseName: string;
  longName: string;
  ca: CaName;
  commonName: (ctx: TreeContext) => string;
  organizations: string[];
  extKeyUsages: ExtKeyUsageName[];
  altNames?: (ctx: TreeContext) => { dnsNames: string[]; ipAddresses: string[] };
}

export interface KubeconfigSpec {
  fileName: string;
  longName: string;
  clientName: (ctx: TreeContext) => string;
  organizations: string[];
  /** kubeadm renews all but kubelet.conf, whose certificate the kubelet rotates itself. */
  renewable: boolean;
}

export const CA_SPECS: readonly CaSpec[] = [
  {
    name: 'ca',
    baseName: 'ca',
    commonName: 'kubernetes',
    longName: 'self-signed Kubernetes CA to provision identities for other Kubernetes components',
  },
  {
    name: 'front-proxy-ca',
    baseName: 'front-proxy-ca',
    commonName: 'front-proxy-ca',
    longName: 'self-signed CA to provision identities for front proxy',
  },
  {
    name: 'etcd-ca',
    baseName: 'etcd/ca',
    commonName: 'etcd-ca',
    longName: 'self-signed CA to provision identities for etcd',
  },
];

function apiServerAltNames(ctx: TreeContext) {
  const dnsNames = [
    ctx.nodeName,
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${ctx.dnsDomain}`,
  ];
  const ipAddresses = [ctx.serviceIp, ctx.advertiseAddress];
  if (ctx.controlPlaneHost) {
    if (/^[0-9.]+$|:/.test(ctx.controlPlaneHost)) ipAddresses.push(ctx.controlPlaneHost);
    else dnsNames.push(ctx.controlPlaneHost);
  }
  // kauth serves on loopback by default, so unlike kubeadm the apiserver certificate also covers localhost.
  dnsNames.push('localhost');
  ipAddresses.push('127.0.0.1');
  return {
    dnsNames: [...dnsNames, ...ctx.extraSans.dnsNames],
    ipAddresses: [...ipAddresses, ...ctx.extraSans.ipAddresses],
  };
}

// GetEtcdAltNames / GetEtcdPeerAltNames: the node name, localhost, the advertise address and both loopbacks.
function etcdAltNames(ctx: TreeContext) {
  return { dnsNames: [ctx.nodeName, 'localhost'], ipAddresses: [ctx.advertiseAddress, '127.0.0.1', '::1'] };
}

export const LEAF_SPECS: readonly LeafSpec[] = [
  {
    name: 'apiserver',
    baseName: 'apiserver',
    longName: 'certificate for serving the Kubernetes API',
    ca: 'ca',
    commonName: () => 'kube-apiserver',
    organizations: [],
    extKeyUsages: ['serverAuth'],
    altNames: apiServerAltNames,
  },
  {
    name: 'apiserver-kubelet-client',
    baseName: 'apiserver-kubelet-client',
    longName: 'certificate for the API server to connect to kubelet',
    ca: 'ca',
    commonName: () => 'kube-apiserver-kubelet-client',
    // kubeadm ≥ 1.29: kubeadm:cluster-admins (bound to cluster-admin by a ClusterRoleBinding); older: system:masters.
    organizations: ['kubeadm:cluster-admins'],
    extKeyUsages: ['clientAuth'],
  },
  {
    name: 'front-proxy-client',
    baseName: 'front-proxy-client',
    longName: 'certificate for the front proxy client',
    ca: 'front-proxy-ca',
    commonName: () => 'front-proxy-client',
    organizations: [],
    extKeyUsages: ['clientAuth'],
  },
  {
    name: 'etcd-server',
    baseName: 'etcd/server',
    longName: 'certificate for serving etcd',
    ca: 'etcd-ca',
    commonName: (ctx) => ctx.nodeName,
    organizations: [],
    // etcd ≥ 3.2 also wants clientAuth on its serving certificate.
    extKeyUsages: ['serverAuth', 'clientAuth'],
    altNames: etcdAltNames,
  },
  {
    name: 'etcd-peer',
    baseName: 'etcd/peer',
    longName: 'certificate for etcd nodes to communicate with each other',
    ca: 'etcd-ca',
    commonName: (ctx) => ctx.nodeName,
    organizations: [],
    extKeyUsages: ['serverAuth', 'clientAuth'],
    altNames: etcdAltNames,
  },
  {
    name: 'etcd-healthcheck-client',
    baseName: 'etcd/healthcheck-client',
    longName: 'certificate for liveness probes to healthcheck etcd',
    ca: 'etcd-ca',
    commonName: () => 'kube-etcd-healthcheck-client',
    organizations: [],
    extKeyUsages: ['clientAuth'],
  },
  {
    name: 'apiserver-etcd-client',
    baseName: 'apiserver-etcd-client',
    longName: 'certificate the apiserver uses to access etcd',
    ca: 'etcd-ca',
    commonName: () => 'kube-apiserver-etcd-client',
    organizations: [],
    extKeyUsages: ['clientAuth'],
  },
];

export const KUBECONFIG_SPECS: readonly KubeconfigSpec[] = [
  {
    fileName: 'admin.conf',
    longName: 'certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself',
    clientName: () => 'kubernetes-admin',
    // kubeadm ≥ 1.29: kubeadm:cluster-admins, bound to cluster-admin by a ClusterRoleBinding that `kauth up` creates
    // (as kubeadm init does), so admin.conf can be revoked through RBAC; super-admin.conf keeps system:masters.
    organizations: ['kubeadm:cluster-admins'],
    renewable: true,
  },
  {
    fileName: 'super-admin.conf',
    longName: 'certificate embedded in the kubeconfig file for the super-admin',
    clientName: () => 'kubernetes-super-admin',
    organizations: ['system:masters'],
    renewable: true,
  },
  {
    fileName: 'kubelet.conf',
    longName: 'certificate embedded in the kubeconfig file for the kubelet',
    clientName: (ctx) => `system:node:${ctx.nodeName}`,
    organizations: ['system:nodes'],
    renewable: false,
  },
  {
    fileName: 'controller-manager.conf',
    longName: 'certificate embedded in the kubeconfig file for the controller manager to use',
    clientName: () => 'system:kube-controller-manager',
    organizations: [],
    renewable: true,
  },
  {
    fileName: 'scheduler.conf',
    longName: 'certificate embedded in the kubeconfig file for the scheduler manager to use',
    clientName: () => 'system:kube-scheduler',
    organizations: [],
    renewable: true,
  },
];

export function caSpec(name: CaName): CaSpec {
  return CA_SPECS.find((c) => c.name === name)!;
}
