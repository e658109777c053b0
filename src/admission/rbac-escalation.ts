// RBAC escalation prevention (k8s/pkg/registry/rbac/*/policybased): writing a role or binding that
// grants more than the writer holds is refused unless it may `escalate` / `bind`.
import type { Role, RoleBinding } from '../api/types.js';
import type { Authorizer, RuleResolver } from '../authz/interfaces.js';
import { checkBindingEscalation, checkRoleEscalation, type RoleGetter } from '../authz/rbac/escalation.js';
import type { AdmissionPlugin } from './interface.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function rbacEscalation(
  authorizer: () => Authorizer,
  resolver: () => RuleResolver,
  getRole: RoleGetter,
): AdmissionPlugin {
  return {
    name: 'RBACEscalation',
    async validate(req) {
      if (req.def.group !== RBAC_GROUP || req.subresource || req.operation === 'DELETE' || !req.object) return;
      const opts = {
        oldObject: req.oldObject as Role | RoleBinding | undefined,
        requestName: req.operation === 'CREATE' ? '' : req.name,
      };
      const user = req.ctx.user;
      if (req.def.resource === 'roles' || req.def.resource === 'clusterroles') {
        await checkRoleEscalation(user, req.namespace, req.object as Role, authorizer(), resolver(), opts);
      } else {
        await checkBindingEscalation(
          user,
          req.namespace,
          req.object as RoleBinding,
          authorizer(),
          resolver(),
          getRole,
          opts,
        );
      }
    },
  };
}
