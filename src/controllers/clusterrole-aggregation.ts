// The clusterrole-aggregation controller: a ClusterRole with an aggregationRule gets the union of
// the rules of the ClusterRoles its selectors match, kept current as they change.
import type { Role } from '../api/types.js';
import { aggregateClusterRoleRules, aggregationChanged } from '../authz/rbac/aggregation.js';
import type { ObjectStore } from '../registry/object-store.js';
import { Informer, WorkQueue } from './informer.js';

export class ClusterRoleAggregationController {
  readonly queue: WorkQueue;

  constructor(
    private readonly objects: ObjectStore,
    private readonly clusterRoles: Informer,
  ) {
    this.queue = new WorkQueue('clusterrole-aggregation', (name) => this.sync(name));
    // Any ClusterRole change may change any aggregate: requeue every aggregating role.
    const requeue = (): void => {
      for (const r of clusterRoles.list() as Role[]) if (r.aggregationRule) this.queue.add(r.metadata.name!);
    };
    clusterRoles.on({ upsert: requeue, remove: requeue });
  }

  private async sync(name: string): Promise<void> {
    const target = this.clusterRoles.get('', name) as Role | undefined;
    if (!target?.aggregationRule) return;
    const rules = aggregateClusterRoleRules(target, this.clusterRoles.list() as Role[]);
    if (!rules || !aggregationChanged(target, rules)) return;
    await this.objects.guaranteedUpdate(this.clusterRoles.def, '', name, (cur) => {
      if (!(cur as Role).aggregationRule) return undefined;
      (cur as Role).rules = rules;
      return cur;
    });
  }
}
