// The Node authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go): kubelets, identified as
// `system:node:<name>` in `system:nodes`, may read the secrets, configmaps, volumes and service-account
// tokens of the pods bound to them (found through the NodeGraph), their own Node object and lease, and
// otherwise only what the static system:node rules allow. Everyone else gets no opinion.
import type { PolicyRule } from '../api/types.js';
import type { UserInfo } from '../authn/interfaces.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesResult } from './interfaces.js';
import { goQuote } from './format.js';
import { NodeGraph, type VertexType } from './node-graph.js';
import { nodeRules } from './rbac/bootstrap-policy.js';
import { rulesAllow } from './rbac/rules.js';

export { NodeGraph } from './node-graph.js';

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** nodeidentifier.NodeIdentity: the node name, or undefined when the user is not a node. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.username.startsWith(NODE_USER_PREFIX)) return undefined;
  if (!user.groups.includes(NODES_GROUP)) return undefined;
  return user.username.slice(NODE_USER_PREFIX.length);
}

export interface NodeAuthorizerOptions {
  /** The static rules for everything the graph does not subdivide; default: NodeRules(). */
  rules?: PolicyRule[];
  /**
   * Kubernetes' AuthorizeNodeWithSelectors behaviour for Node objects (on by default since 1.32): a node
   * reads only its own Node. Off: node reads fall back to the static rules (any node).
   */
  restrictNodeReads?: boolean;
}

const allow = (): AuthorizationResult => ({ decision: 'Allow', reason: '' });
const noOpinion = (reason: string): AuthorizationResult => ({ decision: 'NoOpinion', reason });

export class NodeAuthorizer implements Authorizer, RuleResolver {
  readonly name = 'Node';
  private readonly rules: PolicyRule[];
  private readonly restrictNodeReads: boolean;

  constructor(
    readonly graph: NodeGraph = new NodeGraph(),
    options: NodeAuthorizerOptions = {},
  ) {
    this.rules = options.rules ?? nodeRules();
    this.restrictNodeReads = options.restrictNodeReads ?? true;
  }

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    return this.authorizeSync(attrs);
  }

  authorizeSync(attrs: Attributes): AuthorizationResult {
    const nodeName = nodeIdentity(attrs.user);
    if (nodeName === undefined) return noOpinion('');
    if (nodeName === '') return noOpinion(`unknown node for user ${goQuote(attrs.user.username)}`);

    if (attrs.isResourceRequest) {
      const group = attrs.apiGroup;
      const resource = attrs.resource;
      if (group === '') {
        switch (resource) {
          case 'secrets':
            return this.readNamespacedObject(nodeName, 'secret', attrs);
          case 'configmaps':
            return this.readNamespacedObject(nodeName, 'configmap', attrs);
          case 'persistentvolumeclaims':
            return attrs.subresource === 'status'
              ? this.statusUpdate(nodeName, 'pvc', attrs)
              : this.get(nodeName, 'pvc', attrs);
          case 'persistentvolumes':
            return this.get(nodeName, 'pv', attrs);
          case 'serviceaccounts':
            return this.createToken(nodeName, attrs);
          case 'nodes':
            if (this.restrictNodeReads) return this.node(nodeName, attrs);
            break;
        }
      } else if (group === 'storage.k8s.io') {
        if (resource === 'volumeattachments') return this.get(nodeName, 'volumeattachment', attrs);
        if (resource === 'csinodes') return this.csiNode(nodeName, attrs);
      } else if (group === 'coordination.k8s.io' && resource === 'leases') {
        return this.lease(nodeName, attrs);
      }
    }
    // Everything else is not subdivided: the static node rules apply to all nodes alike.
    return rulesAllow(attrs, this.rules) ? allow() : noOpinion('');
  }

  /** Nodes have no enumerable permissions (RulesFor), everyone else none from this authorizer. */
  rulesFor(user: UserInfo, _namespace: string): RulesResult {
    if (nodeIdentity(user) !== undefined) {
      return {
        resourceRules: [],
        nonResourceRules: [],
        incomplete: true,
        evaluationError: 'node authorizer does not support user rule resolution',
      };
    }
    return { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
  }

  private statusUpdate(nodeName: string, type: VertexType, attrs: Attributes): AuthorizationResult {
    if (attrs.verb !== 'update' && attrs.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    if (attrs.subresource !== 'status') return noOpinion('can only update status subresource');
    return this.related(nodeName, type, attrs);
  }

  private get(nodeName: string, type: VertexType, attrs: Attributes): AuthorizationResult {
    if (attrs.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (attrs.subresource) return noOpinion('cannot get subresource');
    return this.related(nodeName, type, attrs);
  }

  private readNamespacedObject(nodeName: string, type: VertexType, attrs: Attributes): AuthorizationResult {
    if (attrs.verb !== 'get' && attrs.verb !== 'list' && attrs.verb !== 'watch')
      return noOpinion('can only read resources of this type');
    if (attrs.subresource) return noOpinion('cannot read subresource');
    if (!attrs.namespace) return noOpinion('can only read namespaced object of this type');
    return this.related(nodeName, type, attrs);
  }

  private related(nodeName: string, type: VertexType, attrs: Attributes): AuthorizationResult {
    if (!attrs.name) return noOpinion('No Object name found');
    return this.graph.hasPath(nodeName, type, attrs.namespace, attrs.name)
      ? allow()
      : noOpinion(noRelationship(nodeName));
  }

  private createToken(nodeName: string, attrs: Attributes): AuthorizationResult {
    if (attrs.verb !== 'create' || !attrs.name)
      return noOpinion('can only create tokens for individual service accounts');
    if (attrs.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return this.graph.hasPath(nodeName, 'serviceaccount', attrs.namespace, attrs.name)
      ? allow()
      : noOpinion(noRelationship(nodeName));
  }

  private lease(nodeName: string, attrs: Attributes): AuthorizationResult {
    const verb = attrs.verb;
    if (verb !== 'get' && verb !== 'create' && verb !== 'update' && verb !== 'patch' && verb !== 'delete') {
      return noOpinion('can only get, create, update, patch, or delete a node lease');
    }
    if (attrs.namespace !== NODE_LEASE_NAMESPACE)
      return noOpinion(`can only access leases in the ${goQuote(NODE_LEASE_NAMESPACE)} system namespace`);
    // The name is unknown on create; the NodeRestriction admission plugin checks it there.
    if (verb !== 'create' && attrs.name !== nodeName)
      return noOpinion('can only access node lease with the same name as the requesting node');
    return allow();
  }

  private csiNode(nodeName: string, attrs: Attributes): AuthorizationResult {
    const verb = attrs.verb;
    if (verb !== 'get' && verb !== 'create' && verb !== 'update' && verb !== 'patch' && verb !== 'delete') {
      return noOpinion('can only get, create, update, patch, or delete a CSINode');
    }
    if (attrs.subresource) return noOpinion('cannot authorize CSINode subresources');
    if (verb !== 'create' && attrs.name !== nodeName)
      return noOpinion('can only access CSINode with the same name as the requesting node');
    return allow();
  }

  /** authorizeNode: create/update/patch any (NodeRestriction narrows), read only its own Node. */
  private node(nodeName: string, attrs: Attributes): AuthorizationResult {
    if (attrs.subresource === '') {
      switch (attrs.verb) {
        case 'create':
        case 'update':
        case 'patch':
          return allow();
        case 'get':
        case 'list':
        case 'watch':
          if (attrs.name === nodeName) return allow();
          if (attrs.name === '') return noOpinion(`node '${nodeName}' cannot read all nodes, only its own Node object`);
          return noOpinion(`node '${nodeName}' cannot read '${attrs.name}', only its own Node object`);
      }
    } else if (attrs.subresource === 'status' && (attrs.verb === 'update' || attrs.verb === 'patch')) {
      return allow();
    }
    return noOpinion('');
  }
}

function noRelationship(nodeName: string): string {
  return `no relationship found between node '${nodeName}' and this object`;
}
