// Whether one set of rules covers another, ported from k8s.io/component-helpers/auth/rbac/validation
// (policy_comparator.go), plus the compaction and text form kube-apiserver uses to report what is missing
// (pkg/registry/rbac/validation/policy_compact.go, pkg/apis/rbac/v1/evaluation_helpers.go CompactString).
import type { PolicyRule } from '../../api/types.js';
import { goQuoteList } from '../format.js';
import { trimRightStars } from './rules.js';

/** Split a rule into rules of one group, resource, verb (and name), or one URL and verb. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const names = rule.resourceNames ?? [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        if (names.length > 0) {
          for (const name of names)
            out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

export interface CoverResult {
  covered: boolean;
  /** The broken-down servant rules no owner rule covers. */
  missing: PolicyRule[];
}

/** Covers(ownerRules, servantRules). */
export function covers(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): CoverResult {
  const missing: PolicyRule[] = [];
  for (const servant of servantRules) {
    for (const sub of breakdownRule(servant)) {
      if (!ownerRules.some((owner) => ruleCovers(owner, sub))) missing.push(sub);
    }
  }
  return { covered: missing.length === 0, missing };
}

function has(set: readonly string[] | undefined, ele: string): boolean {
  return (set ?? []).includes(ele);
}

function hasAll(set: readonly string[] | undefined, contains: readonly string[] | undefined): boolean {
  const owning = new Set(set ?? []);
  for (const e of contains ?? []) if (!owning.has(e)) return false;
  return true;
}

function resourceCoversAll(
  setResources: readonly string[] | undefined,
  coversResources: readonly string[] | undefined,
): boolean {
  if (has(setResources, '*') || hasAll(setResources, coversResources)) return true;
  for (const path of coversResources ?? []) {
    if (has(setResources, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!has(setResources, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(ownerPath: string, subPath: string): boolean {
  if (ownerPath === subPath) return true;
  return ownerPath.endsWith('*') && subPath.startsWith(trimRightStars(ownerPath));
}

function nonResourceURLsCoversAll(
  set: readonly string[] | undefined,
  coversURLs: readonly string[] | undefined,
): boolean {
  for (const path of coversURLs ?? []) {
    if (!(set ?? []).some((owner) => nonResourceURLCovers(owner, path))) return false;
  }
  return true;
}

/** ruleCovers: the owner rule (any shape) covers a broken-down subrule. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbMatches = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groupMatches = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resourceMatches = resourceCoversAll(owner.resources, sub.resources);
  const nonResourceURLMatches = nonResourceURLsCoversAll(owner.nonResourceURLs, sub.nonResourceURLs);
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const resourceNameMatches =
    subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  return verbMatches && groupMatches && resourceMatches && resourceNameMatches && nonResourceURLMatches;
}

/**
 * CompactRules: rules with a single group and resource, at most one resource name and nothing else but
 * verbs are merged per group/resource/name (verbs appended in order); everything else is kept as is.
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const key = simpleResourceKey(rule);
    if (key === undefined) {
      compacted.push(rule);
      continue;
    }
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...(rule.verbs ?? [])];
    else simple.set(key, structuredClone(rule) as PolicyRule);
  }
  compacted.push(...simple.values());
  return compacted;
}

function simpleResourceKey(rule: PolicyRule): string | undefined {
  if ((rule.resourceNames ?? []).length > 1 || (rule.nonResourceURLs ?? []).length > 0) return undefined;
  if (rule.apiGroups?.length !== 1 || rule.resources?.length !== 1) return undefined;
  for (const k of Object.keys(rule))
    if (k !== 'apiGroups' && k !== 'resources' && k !== 'verbs' && k !== 'resourceNames') return undefined;
  const name = rule.resourceNames?.[0];
  return `${rule.apiGroups[0]}\u0000${rule.resources[0]}\u0000${name === undefined ? '-' : `+${name}`}`;
}

/** CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}`. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if ((rule.apiGroups ?? []).length > 0) parts.push(`APIGroups:${goQuoteList(rule.apiGroups)}`);
  if ((rule.resources ?? []).length > 0) parts.push(`Resources:${goQuoteList(rule.resources)}`);
  if ((rule.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${goQuoteList(rule.nonResourceURLs)}`);
  if ((rule.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${goQuoteList(rule.resourceNames)}`);
  if ((rule.verbs ?? []).length > 0) parts.push(`Verbs:${goQuoteList(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
