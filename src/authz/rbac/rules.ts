// Rule matching exactly as Kubernetes does it (k8s/pkg/apis/rbac/v1/evaluation_helpers.go and
// plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows). These are the plain, readable forms; the policy
// index compiles the same semantics into maps (compiled-rules.ts) and is tested against them.
import type { PolicyRule } from '../../api/types.js';
import type { Attributes } from '../interfaces.js';

export const VERB_ALL = '*';
export const API_GROUP_ALL = '*';
export const RESOURCE_ALL = '*';
export const NON_RESOURCE_ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs ?? []) if (v === VERB_ALL || v === verb) return true;
  return false;
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === API_GROUP_ALL || g === group) return true;
  return false;
}

/** The request's resource as RBAC sees it: `pods`, or `pods/log` when a subresource is present. */
export function combinedResource(resource: string, subresource: string): string {
  return subresource ? `${resource}/${subresource}` : resource;
}

/**
 * `*`, the exact `resource[/subresource]`, or `*\/subresource` when the request has one. So `pods` does not
 * grant `pods/log`, and `*\/status` grants every status subresource.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = combinedResource(resource, subresource);
  for (const r of rule.resources ?? []) {
    if (r === RESOURCE_ALL || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource))
      return true;
  }
  return false;
}

/** An empty list allows every name (including none); otherwise only an exact name. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*`, exact, or a rule ending in `*` whose remaining prefix starts the URL (`/healthz*` ⊇ `/healthz/etcd`). */
export function nonResourceURLMatches(rule: PolicyRule, url: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === NON_RESOURCE_ALL || u === url) return true;
    if (u.endsWith('*') && url.startsWith(trimRightStars(u))) return true;
  }
  return false;
}

/** strings.TrimRight(s, "*"). */
export function trimRightStars(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 42) end--;
  return s.slice(0, end);
}

export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (attrs.isResourceRequest) {
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, attrs.resource, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

export function rulesAllow(attrs: Attributes, rules: readonly PolicyRule[]): boolean {
  for (const r of rules) if (ruleAllows(attrs, r)) return true;
  return false;
}
