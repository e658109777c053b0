// The certificates.k8s.io API and its controllers, wired into the control plane: the CertificateSigningRequest
// resource, its three admission plugins, the csrapproving/csrsigning/csrcleaner controllers, and the RBAC
// bindings kubeadm creates for kubelet TLS bootstrap (returned as bootstrap objects).
import { certificatesAdmission } from '../admission/certificates.js';
import type { AdmissionPlugin } from '../admission/interface.js';
import type { KubeObject } from '../api/types.js';
import type { Authorizer } from '../authz/interfaces.js';
import { CsrApprovingController } from '../controllers/csr-approving.js';
import { CsrCleaner } from '../controllers/csr-cleaner.js';
import { CsrSigningController, SigningCaFiles, type SigningCa } from '../controllers/csr-signing.js';
import { Informer, type WorkQueue } from '../controllers/informer.js';
import { log } from '../log.js';
import type { ObjectStore } from '../registry/object-store.js';
import { certificateSigningRequests } from '../registry/resources/certificates.js';
import type { ResourceDef } from '../registry/types.js';
import type { ControlPlaneConfig } from './config.js';

export interface CertificatesDeps {
  objects: () => ObjectStore;
  authorizer: () => Authorizer;
  config: ControlPlaneConfig;
}

export interface CertificatesSetup {
  defs: ResourceDef[];
  admission: AdmissionPlugin[];
  /** Objects to create at start when missing, by resource name (kubeadm's node bootstrap RBAC). */
  bootstrap: [string, KubeObject][];
  /** Starts the controllers (after the store is bootstrapped); returns their queues. */
  start(): Promise<WorkQueue[]>;
  stop(): void;
}

const RBAC = 'rbac.authorization.k8s.io';
const BOOTSTRAPPERS = 'system:bootstrappers';
const NODES = 'system:nodes';

function clusterRoleBinding(name: string, role: string, group: string): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: RBAC, kind: 'Group', name: group }],
  };
}

/**
 * What `kubeadm init` adds for kubelet TLS bootstrap (cmd/kubeadm/app/phases/bootstraptoken/node): bootstrap tokens
 * may post CSRs and read nodes, their kubelet client CSRs are auto-approved, and nodes' renewals too.
 * kubeadm names the token group system:bootstrappers:kubeadm:default-node-token; kauth binds every bootstrap token
 * (system:bootstrappers), whatever extra groups it was given.
 */
export function kubeadmNodeBootstrapRbac(): [string, KubeObject][] {
  return [
    [
      `clusterroles.${RBAC}`,
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRole',
        metadata: { name: 'kubeadm:get-nodes' },
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
      },
    ],
    [`clusterrolebindings.${RBAC}`, clusterRoleBinding('kubeadm:get-nodes', 'kubeadm:get-nodes', BOOTSTRAPPERS)],
    [
      `clusterrolebindings.${RBAC}`,
      clusterRoleBinding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', BOOTSTRAPPERS),
    ],
    [
      `clusterrolebindings.${RBAC}`,
      clusterRoleBinding(
        'kubeadm:node-autoapprove-bootstrap',
        'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
        BOOTSTRAPPERS,
      ),
    ],
    [
      `clusterrolebindings.${RBAC}`,
      clusterRoleBinding(
        'kubeadm:node-autoapprove-certificate-rotation',
        'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
        NODES,
      ),
    ],
  ];
}

/** The signing CA per --cluster-signing-*-file, read lazily; unset or unreadable files leave requests unsigned. */
function signingCaSource(config: ControlPlaneConfig): () => SigningCa | undefined {
  const { clusterSigningCertFile: certFile, clusterSigningKeyFile: keyFile } = config;
  if (!certFile || !keyFile) {
    let told = false;
    return () => {
      if (!told) log.info('no --cluster-signing-cert-file/--cluster-signing-key-file: approved CSRs are not signed');
      told = true;
      return undefined;
    };
  }
  const files = new SigningCaFiles(certFile, keyFile);
  let lastError = '';
  return () => {
    try {
      const ca = files.current();
      lastError = '';
      return ca;
    } catch (e) {
      const msg = (e as Error).message;
      if (msg !== lastError)
        log.error({ certFile, keyFile, err: msg }, 'cannot load the cluster signing CA; approved CSRs are not signed');
      lastError = msg;
      return undefined;
    }
  };
}

export function setupCertificates(deps: CertificatesDeps): CertificatesSetup {
  let informer: Informer | undefined;
  let cleaner: CsrCleaner | undefined;
  return {
    defs: [certificateSigningRequests],
    admission: certificatesAdmission(deps.authorizer),
    bootstrap: kubeadmNodeBootstrapRbac(),
    async start() {
      const objects = deps.objects();
      informer = new Informer(objects, objects.def(`certificatesigningrequests.${certificateSigningRequests.group}`));
      const approver = new CsrApprovingController(objects, informer, deps.authorizer);
      const signer = new CsrSigningController(
        objects,
        informer,
        signingCaSource(deps.config),
        deps.config.clusterSigningDuration,
      );
      cleaner = new CsrCleaner(objects, informer);
      await informer.start();
      cleaner.start();
      return [approver.queue, signer.queue, cleaner.queue];
    },
    stop() {
      informer?.stop();
      cleaner?.stop();
    },
  };
}
