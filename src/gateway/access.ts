// The gateway-side access policy (`access:` in the GatewayConfiguration): which users and groups may reach which
// clusters at all. It only narrows: what a caller may do inside a cluster is that cluster's RBAC.
import type { UserInfo } from '../authn/interfaces.js';
import type { GatewayAccessRule } from './config.js';

/** No policy: every authenticated caller may reach every cluster. Otherwise some rule must name the cluster
 * (or "*") and the caller's name or one of their groups. */
export function mayReachCluster(access: GatewayAccessRule[] | undefined, user: UserInfo, cluster: string): boolean {
  if (!access) return true;
  return access.some(
    (rule) =>
      (rule.clusters.includes('*') || rule.clusters.includes(cluster)) &&
      (rule.users.includes(user.username) || rule.groups.some((g) => user.groups.includes(g))),
  );
}
