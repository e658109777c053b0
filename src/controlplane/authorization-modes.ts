// --authorization-mode, assembled: system:masters first (as kube-apiserver's privileged-groups
// authorizer), then each mode in order; the RBAC index and the Node graph are fed by informers.
import type { KubeObject, Role, RoleBinding } from '../api/types.js';
import type { AdmissionPlugin } from '../admission/interface.js';
import { rbacEscalation } from '../admission/rbac-escalation.js';
import { AlwaysAllowAuthorizer, AlwaysDenyAuthorizer } from '../authz/always.js';
import { NodeAuthorizer, NodeGraph } from '../authz/node.js';
import { log } from '../log.js';
import type { Authorizer, RuleResolver } from '../authz/interfaces.js';
import { PrivilegedGroupsAuthorizer } from '../authz/privileged-groups.js';
import { RbacAuthorizer } from '../authz/rbac/authorizer.js';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  bootstrapNamespaceRoleBindings,
  bootstrapNamespaceRoles,
} from '../authz/rbac/bootstrap-policy.js';
import { UnionAuthorizer } from '../authz/union.js';
import { ClusterRoleAggregationController } from '../controllers/clusterrole-aggregation.js';
import { Informer, type WorkQueue } from '../controllers/informer.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { ControlPlaneConfig } from './config.js';
import { instrumentAuthorizer, type ApiServerMetrics } from '../metrics/index.js';

export interface AuthorizationSetup {
  authorizer: Authorizer;
  ruleResolvers: RuleResolver[];
  admission: AdmissionPlugin[];
  informers: Informer[];
  queues: WorkQueue[];
  bootstrap: [string, KubeObject][];
  stop(): void;
}

export class AuthorizationConfigError extends Error {}

const RBAC = 'rbac.authorization.k8s.io';

export async function buildAuthorization(
  config: ControlPlaneConfig,
  objects: ObjectStore,
  metrics?: ApiServerMetrics,
): Promise<AuthorizationSetup> {
  const authorizers: Authorizer[] = [new PrivilegedGroupsAuthorizer()];
  const setup: AuthorizationSetup = {
    authorizer: undefined as never,
    ruleResolvers: [],
    admission: [],
    informers: [],
    queues: [],
    bootstrap: [],
    stop: () => undefined,
  };
  // The RBAC index is always kept: escalation checks resolve rules from it whatever the modes are,
  // as kube-apiserver's RBAC storage does.
  const rbac = new RbacAuthorizer();
  const rbacInformers = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].map(
    (r) => new Informer(objects, objects.def(`${r}.${RBAC}`)),
  );
  for (const inf of rbacInformers)
    inf.on({ upsert: (o) => rbac.index.upsert(o as Role | RoleBinding), remove: (o) => rbac.index.remove(o as Role) });
  setup.informers.push(...rbacInformers);
  setup.queues.push(new ClusterRoleAggregationController(objects, rbacInformers[1]!).queue);

  for (const mode of config.authorizationMode) {
    switch (mode) {
      case 'AlwaysAllow': {
        const a = new AlwaysAllowAuthorizer();
        authorizers.push(a);
        setup.ruleResolvers.push(a);
        break;
      }
      case 'AlwaysDeny': {
        const a = new AlwaysDenyAuthorizer();
        authorizers.push(a);
        setup.ruleResolvers.push(a);
        break;
      }
      case 'RBAC': {
        authorizers.push(rbac);
        setup.ruleResolvers.push(rbac);
        break;
      }
      case 'Node': {
        // The graph of node → pods → secrets/configmaps/PVCs/service accounts, fed by informers.
        const graph = new NodeGraph();
        const podsInf = new Informer(objects, objects.def('pods'));
        podsInf.on({
          upsert: (o) => graph.upsertPod(o),
          remove: (o) => graph.removePod(o.metadata.namespace!, o.metadata.name!),
        });
        const nodesInf = new Informer(objects, objects.def('nodes'));
        nodesInf.on({ upsert: (o) => graph.upsertNode(o), remove: (o) => graph.removeNode(o.metadata.name!) });
        setup.informers.push(podsInf, nodesInf);
        const node = new NodeAuthorizer(graph);
        authorizers.push(node);
        setup.ruleResolvers.push(node);
        break;
      }
      case 'ABAC': {
        if (!config.authorizationPolicyFile)
          throw new AuthorizationConfigError('authorization-mode ABAC needs --authorization-policy-file');
        // ABAC and Webhook load their modules only when configured (start-up time).
        const { AbacAuthorizer } = await import('../authz/abac.js');
        const abac = AbacAuthorizer.fromFile(config.authorizationPolicyFile);
        authorizers.push(abac);
        setup.ruleResolvers.push(abac);
        break;
      }
      case 'Webhook': {
        if (!config.authorizationWebhookConfigFile)
          throw new AuthorizationConfigError('authorization-mode Webhook needs --authorization-webhook-config-file');
        const { WebhookAuthorizer } = await import('../authz/webhook.js');
        const hook = WebhookAuthorizer.fromKubeconfigFile(config.authorizationWebhookConfigFile, {
          authorizedTTLms: config.authorizationWebhookCacheAuthorizedTtlMs,
          unauthorizedTTLms: config.authorizationWebhookCacheUnauthorizedTtlMs,
          logger: { error: (obj, msg) => log.warn(obj, msg) },
        });
        authorizers.push(hook);
        setup.ruleResolvers.push(hook);
        const prev = setup.stop;
        setup.stop = () => {
          prev();
          hook.close();
        };
        break;
      }
      default:
        throw new AuthorizationConfigError(
          `unknown authorization mode "${mode}" (supported: AlwaysAllow, AlwaysDeny, ABAC, RBAC, Node, Webhook)`,
        );
    }
  }

  // apiserver_authorization_decisions_total{type,name}: kube names each mode's authorizer after the mode
  // (the legacy webhook is `default`); the privileged-groups check is not a mode and is not counted.
  const [privileged, ...modes] = authorizers;
  const counted = metrics
    ? modes.map((a, i) => {
        const mode = config.authorizationMode[i]!;
        return instrumentAuthorizer(mode, mode === 'Webhook' ? 'default' : mode.toLowerCase(), a, metrics);
      })
    : modes;
  setup.authorizer = new UnionAuthorizer([privileged!, ...counted]);
  // The bootstrap policy and escalation checks exist whatever the mode, as in kube-apiserver (the RBAC API is always served).
  for (const r of bootstrapClusterRoles()) setup.bootstrap.push([`clusterroles.${RBAC}`, r]);
  for (const b of bootstrapClusterRoleBindings()) setup.bootstrap.push([`clusterrolebindings.${RBAC}`, b]);
  for (const r of bootstrapNamespaceRoles()) setup.bootstrap.push([`roles.${RBAC}`, r]);
  for (const b of bootstrapNamespaceRoleBindings()) setup.bootstrap.push([`rolebindings.${RBAC}`, b]);
  setup.admission.push(
    rbacEscalation(
      () => setup.authorizer,
      () => rbac.escalationResolver,
      async (kind, namespace, name) =>
        (await objects.get(
          kind === 'Role' ? `roles.${RBAC}` : `clusterroles.${RBAC}`,
          kind === 'Role' ? namespace : '',
          name,
        )) as Role | undefined,
    ),
  );
  return setup;
}
