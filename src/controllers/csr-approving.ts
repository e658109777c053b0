// kube-controller-manager's csrapproving controller (k8s/pkg/controller/certificates/approver/sarapprove.go):
// kubelet client certificate requests are approved when the *requester* (the CSR's username/uid/groups/extra)
// may `create certificatesigningrequests/selfnodeclient` (renewing its own identity) or
// `create certificatesigningrequests/nodeclient` (TLS bootstrap). Everything else waits for a human.
import type { KubeObject } from '../api/types.js';
import { resourceAttributes } from '../authz/attributes.js';
import type { Authorizer } from '../authz/interfaces.js';
import { log } from '../log.js';
import type { ParsedCsr } from '../pki/csr.js';
import type { ObjectStore } from '../registry/object-store.js';
import {
  approvalState,
  asCsr,
  certificateBytes,
  CERTIFICATES_GROUP,
  KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
  parseCsrRequest,
  requestBytes,
  type CsrCondition,
} from '../registry/resources/certificates.js';
import { kubeletClientError } from './csr-signing.js';
import type { Informer } from './informer.js';
import { WorkQueue } from './informer.js';
import { kubeTime } from '../api/time.js';

export interface Recognizer {
  /** The subresource the requester must be allowed to `create` (the SubjectAccessReview's). */
  subresource: 'selfnodeclient' | 'nodeclient';
  successMessage: string;
  recognize(csr: KubeObject, parsed: ParsedCsr): boolean;
}

function isNodeClientCert(csr: KubeObject, parsed: ParsedCsr): boolean {
  const spec = asCsr(csr).spec;
  return (
    spec.signerName === KUBE_APISERVER_CLIENT_KUBELET_SIGNER && kubeletClientError(parsed, spec.usages ?? []) === null
  );
}

/** Tried in order: a node renewing its own certificate first, then a bootstrapping kubelet. */
export const RECOGNIZERS: readonly Recognizer[] = [
  {
    subresource: 'selfnodeclient',
    successMessage: 'Auto approving self kubelet client certificate after SubjectAccessReview.',
    recognize: (csr, parsed) => asCsr(csr).spec.username === parsed.subject.commonName && isNodeClientCert(csr, parsed),
  },
  {
    subresource: 'nodeclient',
    successMessage: 'Auto approving kubelet client certificate after SubjectAccessReview.',
    recognize: isNodeClientCert,
  },
];

export type ApprovalDecision =
  | { kind: 'approve'; condition: CsrCondition }
  /** Recognized, but the requester may not have it approved automatically. */
  | { kind: 'refused'; tried: string[] }
  | { kind: 'ignore' };

/** The SubjectAccessReview the approver makes, as the authorizer sees it. */
function requesterMay(authorizer: Authorizer, csr: KubeObject, subresource: string): Promise<boolean> {
  const spec = asCsr(csr).spec;
  const user = { username: spec.username ?? '', uid: spec.uid, groups: spec.groups ?? [], extra: spec.extra };
  const attrs = resourceAttributes(user, {
    verb: 'create',
    apiGroup: CERTIFICATES_GROUP,
    resource: 'certificatesigningrequests',
    subresource,
  });
  return authorizer.authorize(attrs).then((r) => r.decision === 'Allow' && !r.error);
}

/** sarApprover.handle without the write: what the controller would do with this request. */
export async function decideApproval(
  csr: KubeObject,
  authorizer: Authorizer,
  now = new Date(),
): Promise<ApprovalDecision> {
  if (certificateBytes(csr).length > 0) return { kind: 'ignore' };
  const { approved, denied } = approvalState(csr);
  if (approved || denied) return { kind: 'ignore' };
  const parsed = await parseCsrRequest(requestBytes(csr));
  const tried: string[] = [];
  for (const r of RECOGNIZERS) {
    if (!r.recognize(csr, parsed)) continue;
    tried.push(r.subresource);
    if (await requesterMay(authorizer, csr, r.subresource)) {
      const ts = kubeTime(now);
      return {
        kind: 'approve',
        condition: {
          type: 'Approved',
          status: 'True',
          reason: 'AutoApproved',
          message: r.successMessage,
          lastUpdateTime: ts,
          lastTransitionTime: ts,
        },
      };
    }
  }
  return tried.length ? { kind: 'refused', tried } : { kind: 'ignore' };
}

export class CsrApprovingController {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    csrs: Informer,
    private readonly authorizer: () => Authorizer,
  ) {
    this.queue = new WorkQueue('csrapproving', (name) => this.sync(name));
    csrs.on({
      upsert: (o) => {
        const { approved, denied } = approvalState(o);
        if (
          !approved &&
          !denied &&
          certificateBytes(o).length === 0 &&
          asCsr(o).spec.signerName === KUBE_APISERVER_CLIENT_KUBELET_SIGNER
        )
          this.queue.add(o.metadata.name!);
      },
    });
  }

  private async sync(name: string): Promise<void> {
    const def = this.objects.def('certificatesigningrequests');
    const current = await this.objects.get('certificatesigningrequests', '', name);
    if (!current) return;
    const decision = await decideApproval(current, this.authorizer());
    if (decision.kind === 'refused') {
      log.debug(
        { csr: name, tried: decision.tried },
        `recognized csr as ${JSON.stringify(decision.tried)} but subject access review was not approved`,
      );
      return;
    }
    if (decision.kind !== 'approve') return;
    await this.objects.guaranteedUpdate(def, '', name, (o) => {
      const { approved, denied } = approvalState(o);
      if (approved || denied || o.metadata.uid !== current.metadata.uid) return undefined;
      const status = (o.status as { conditions?: CsrCondition[] } | undefined) ?? {};
      o.status = { ...status, conditions: [...(status.conditions ?? []), decision.condition] };
      return o;
    });
    log.info({ csr: name, requester: asCsr(current).spec.username }, decision.condition.message);
  }
}
