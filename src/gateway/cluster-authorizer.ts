// An Authorizer that asks a target cluster: a SubjectAccessReview sent with the gateway's credential. It lets
// kube-apiserver's own impersonation rules (src/server/filters/impersonation.ts) decide `kubectl --as` through
// the gateway exactly as the cluster would decide it for a direct caller.
import type { Attributes, AuthorizationResult, Authorizer } from '../authz/interfaces.js';
import { UpstreamUnavailableError, type UpstreamCluster } from './upstream.js';

const SAR_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

export class ClusterSubjectAccessReviewer implements Authorizer {
  readonly name: string;

  constructor(private readonly cluster: UpstreamCluster) {
    this.name = `cluster ${cluster.name}`;
  }

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    const spec: Record<string, unknown> = {
      user: attrs.user.username,
      groups: attrs.user.groups,
      ...(attrs.user.uid ? { uid: attrs.user.uid } : {}),
      ...(attrs.user.extra ? { extra: attrs.user.extra } : {}),
    };
    if (attrs.isResourceRequest) {
      spec.resourceAttributes = {
        namespace: attrs.namespace,
        verb: attrs.verb,
        group: attrs.apiGroup,
        version: attrs.apiVersion,
        resource: attrs.resource,
        subresource: attrs.subresource,
        name: attrs.name,
      };
    } else {
      spec.nonResourceAttributes = { path: attrs.path, verb: attrs.verb };
    }
    const { code, json } = await this.cluster.postJson(SAR_PATH, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec,
    });
    if (code !== 201 && code !== 200) {
      // The gateway's credential could not ask: a misconfigured cluster, not a refusal of the caller.
      if (code >= 500 || code === 0)
        throw new UpstreamUnavailableError(this.cluster.name, `SubjectAccessReview answered ${code}`);
      return {
        decision: 'NoOpinion',
        reason: '',
        error: `SubjectAccessReview answered ${code}: ${String(json.message ?? '')}`,
      };
    }
    const status = (json.status ?? {}) as {
      allowed?: boolean;
      denied?: boolean;
      reason?: string;
      evaluationError?: string;
    };
    const decision = status.allowed ? 'Allow' : status.denied ? 'Deny' : 'NoOpinion';
    return {
      decision,
      reason: status.reason ?? '',
      ...(status.evaluationError ? { error: status.evaluationError } : {}),
    };
  }
}
