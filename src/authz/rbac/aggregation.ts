// ClusterRole aggregation (pkg/controller/clusterroleaggregation): a ClusterRole with an aggregationRule
// gets the rules of every ClusterRole its selectors match — selector by selector, matched roles in name
// order, itself skipped, each rule once (first occurrence kept). Pure functions; the lead's controller
// calls them on ClusterRole changes and writes the result back.
import type { PolicyRule, Role } from '../../api/types.js';
import { compileLabelSelector } from './label-selector.js';

/** The aggregated rules for `target`, or undefined when it has no aggregationRule (nothing to do). */
export function aggregateClusterRoleRules(target: Role, clusterRoles: readonly Role[]): PolicyRule[] | undefined {
  if (!target.aggregationRule) return undefined;
  const out: PolicyRule[] = [];
  for (const selector of target.aggregationRule.clusterRoleSelectors ?? []) {
    const matches = compileLabelSelector(selector);
    const selected = clusterRoles
      .filter((r) => matches(r.metadata.labels))
      .sort((a, b) => compareNames(a.metadata.name ?? '', b.metadata.name ?? ''));
    for (const role of selected) {
      if (role.metadata.name === target.metadata.name) continue;
      for (const rule of role.rules ?? []) if (!out.some((r) => rulesEqual(r, rule))) out.push(rule);
    }
  }
  return out;
}

/** Whether writing `rules` would change the role (equality.Semantic: missing and empty lists are equal). */
export function aggregationChanged(target: Role, rules: readonly PolicyRule[]): boolean {
  const current = target.rules ?? [];
  return current.length !== rules.length || current.some((r, i) => !rulesEqual(r, rules[i]!));
}

/**
 * Runs aggregation over a whole set until nothing changes (what the controller converges to), returning
 * new objects for the roles whose rules changed and the others as given. Used to seed the bootstrap roles.
 */
export function resolveAggregation(clusterRoles: readonly Role[]): Role[] {
  let current = [...clusterRoles];
  for (let pass = 0; pass <= current.length; pass++) {
    let changed = false;
    const ordered = [...current].sort((a, b) => compareNames(a.metadata.name ?? '', b.metadata.name ?? ''));
    for (const role of ordered) {
      const rules = aggregateClusterRoleRules(role, current);
      if (rules === undefined || !aggregationChanged(role, rules)) continue;
      const updated: Role = { ...role, rules };
      current = current.map((r) => (r === role ? updated : r));
      changed = true;
    }
    if (!changed) break;
  }
  return current;
}

export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return (
    listEqual(a.verbs, b.verbs) &&
    listEqual(a.apiGroups, b.apiGroups) &&
    listEqual(a.resources, b.resources) &&
    listEqual(a.resourceNames, b.resourceNames) &&
    listEqual(a.nonResourceURLs, b.nonResourceURLs)
  );
}

function listEqual(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
