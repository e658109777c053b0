// The audit policy (k8s.io/apiserver/pkg/audit/policy: reader.go, checker.go, and apis/audit/validation): read once
// at start, validated with kube's field messages, then the first rule that matches a request decides its level.
// No rule matching means level None. Every match is plain string comparison: nothing here is a regular expression.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  LEVELS,
  STAGES,
  type AuditAttributes,
  type GroupResources,
  type Level,
  type Policy,
  type PolicyRule,
  type RequestAuditConfig,
  type Stage,
} from './types.js';

/** A policy file kube-apiserver would refuse; the message is one line naming the file. */
export class AuditPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditPolicyError';
  }
}

const API_VERSION = 'audit.k8s.io/v1';

export function loadPolicyFile(path: string): PolicyChecker {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AuditPolicyError(
      `failed to read file path "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return new PolicyChecker(parsePolicy(text, path));
}

/** YAML or JSON (JSON is YAML) → a validated Policy, or AuditPolicyError with every problem found. */
export function parsePolicy(text: string, file = 'policy'): Policy {
  let doc: unknown;
  try {
    // maxAliasCount bounds alias expansion (a billion-laughs file cannot blow up the start).
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new AuditPolicyError(`failed decoding file "${file}": ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new AuditPolicyError(`failed decoding file "${file}": not a Policy object`);
  if (doc.apiVersion !== API_VERSION || doc.kind !== 'Policy') {
    const gv = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
    throw new AuditPolicyError(
      `failed decoding file "${file}": no kind "${String(doc.kind ?? '')}" is registered for version "${gv}" (want apiVersion ${API_VERSION}, kind Policy)`,
    );
  }
  const errors: string[] = [];
  const policy = decodePolicy(doc, errors);
  if (errors.length === 0 && policy.rules.length === 0) {
    throw new AuditPolicyError(`loaded illegal policy with 0 rules from file "${file}"`);
  }
  errors.push(...validatePolicy(policy));
  if (errors.length) throw new AuditPolicyError(`invalid audit policy in "${file}": ${formatAggregate(errors)}`);
  return policy;
}

/** utilerrors.NewAggregate's text: one error as itself, several in brackets. */
function formatAggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, path: string, errors: string[]): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    errors.push(`${path}: Invalid value: must be a list of strings`);
    return undefined;
  }
  return v as string[];
}

function bool(v: unknown, path: string, errors: string[]): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') {
    errors.push(`${path}: Invalid value: must be true or false`);
    return undefined;
  }
  return v;
}

/** Shape checks only (the decoder's job); the meaning is validatePolicy's. */
function decodePolicy(doc: Record<string, unknown>, errors: string[]): Policy {
  const rules: PolicyRule[] = [];
  if (doc.rules !== undefined && doc.rules !== null && !Array.isArray(doc.rules))
    errors.push('rules: Invalid value: must be a list');
  const rawRules = Array.isArray(doc.rules) ? doc.rules : [];
  rawRules.forEach((raw: unknown, i) => {
    const at = `rules[${i}]`;
    if (!isObject(raw)) {
      errors.push(`${at}: Invalid value: must be an object`);
      return;
    }
    const resources: GroupResources[] = [];
    if (raw.resources !== undefined && raw.resources !== null) {
      if (!Array.isArray(raw.resources)) errors.push(`${at}.resources: Invalid value: must be a list`);
      else {
        raw.resources.forEach((gr: unknown, j) => {
          if (!isObject(gr)) return void errors.push(`${at}.resources[${j}]: Invalid value: must be an object`);
          if (gr.group !== undefined && typeof gr.group !== 'string')
            errors.push(`${at}.resources[${j}].group: Invalid value: must be a string`);
          resources.push({
            group: typeof gr.group === 'string' ? gr.group : '',
            resources: stringList(gr.resources, `${at}.resources[${j}].resources`, errors),
            resourceNames: stringList(gr.resourceNames, `${at}.resources[${j}].resourceNames`, errors),
          });
        });
      }
    }
    rules.push({
      level: (typeof raw.level === 'string' ? raw.level : '') as Level,
      users: stringList(raw.users, `${at}.users`, errors),
      userGroups: stringList(raw.userGroups, `${at}.userGroups`, errors),
      verbs: stringList(raw.verbs, `${at}.verbs`, errors),
      resources,
      namespaces: stringList(raw.namespaces, `${at}.namespaces`, errors),
      nonResourceURLs: stringList(raw.nonResourceURLs, `${at}.nonResourceURLs`, errors),
      omitStages: stringList(raw.omitStages, `${at}.omitStages`, errors) as Stage[] | undefined,
      omitManagedFields: bool(raw.omitManagedFields, `${at}.omitManagedFields`, errors),
    });
  });
  const omitStages = stringList(doc.omitStages, 'omitStages', errors) as Stage[] | undefined;
  const omitManagedFields = bool(doc.omitManagedFields, 'omitManagedFields', errors);
  return { apiVersion: API_VERSION, kind: 'Policy', rules, omitStages, omitManagedFields };
}

const quoted = (xs: readonly string[]): string => xs.map((x) => `"${x}"`).join(', ');
/** RFC 1123 subdomain, checked by hand (linear, no regular expression over user text). */
function isDnsSubdomain(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((label) => {
    if (label.length === 0 || label.length > 63) return false;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      const alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
      if (!alnum && !(c === 0x2d && i > 0 && i < label.length - 1)) return false;
    }
    return true;
  });
}

/** validation.ValidatePolicy, with field.Error texts. */
export function validatePolicy(policy: Policy): string[] {
  const errors: string[] = [];
  errors.push(...validateOmitStages(policy.omitStages, 'omitStages'));
  policy.rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!rule.level) errors.push(`${at}.level: Required value`);
    else if (!LEVELS.includes(rule.level))
      errors.push(`${at}.level: Unsupported value: "${rule.level}": supported values: ${quoted(LEVELS)}`);
    (rule.nonResourceURLs ?? []).forEach((url, j) => {
      if (url === '*') return;
      if (!url.startsWith('/'))
        errors.push(
          `${at}.nonResourceURLs[${j}]: Invalid value: "${url}": non-resource URL rules must begin with a '/' character`,
        );
      if (url !== '' && url.slice(0, -1).includes('*')) {
        errors.push(
          `${at}.nonResourceURLs[${j}]: Invalid value: "${url}": non-resource URL wildcards '*' must be the final character of the rule`,
        );
      }
    });
    for (const gr of rule.resources ?? []) {
      if (gr.group && !isDnsSubdomain(gr.group)) {
        errors.push(
          `${at}.resources.group: Invalid value: "${gr.group}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
        );
      }
      if ((gr.resourceNames?.length ?? 0) > 0 && (gr.resources?.length ?? 0) === 0) {
        errors.push(
          `${at}.resources.resourceNames: Invalid value: ${JSON.stringify(gr.resourceNames)}: using resourceNames requires at least one resource`,
        );
      }
    }
    errors.push(...validateOmitStages(rule.omitStages, `${at}.omitStages`));
    if (
      (rule.nonResourceURLs?.length ?? 0) > 0 &&
      ((rule.resources?.length ?? 0) > 0 || (rule.namespaces?.length ?? 0) > 0)
    ) {
      errors.push(
        `${at}.nonResourceURLs: Invalid value: ${JSON.stringify(rule.nonResourceURLs)}: rules cannot apply to both regular resources and non-resource URLs`,
      );
    }
  });
  return errors;
}

function validateOmitStages(stages: readonly string[] | undefined, at: string): string[] {
  return (stages ?? []).flatMap((s, i) =>
    STAGES.includes(s as Stage) ? [] : [`${at}[${i}]: Invalid value: "${s}": allowed stages are ${STAGES.join(',')}`],
  );
}

/** policy.Checker: each rule's omitStages are the union with the policy's; first match wins. */
export class PolicyChecker {
  private readonly rules: { rule: PolicyRule; config: RequestAuditConfig }[];
  private readonly fallback: RequestAuditConfig;

  constructor(readonly policy: Policy) {
    const policyStages = policy.omitStages ?? [];
    this.rules = policy.rules.map((rule) => ({
      rule,
      config: {
        level: rule.level,
        omitStages: [...new Set([...policyStages, ...(rule.omitStages ?? [])])],
        omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
      },
    }));
    this.fallback = { level: 'None', omitStages: policyStages, omitManagedFields: policy.omitManagedFields ?? false };
  }

  evaluate(attrs: AuditAttributes): RequestAuditConfig {
    for (const { rule, config } of this.rules) if (ruleMatches(rule, attrs)) return config;
    return this.fallback;
  }
}

export function ruleMatches(rule: PolicyRule, attrs: AuditAttributes): boolean {
  const user = attrs.user;
  if (rule.users?.length && (!user || !rule.users.includes(user.username))) return false;
  const groups = rule.userGroups;
  if (groups?.length && !user?.groups.some((g) => groups.includes(g))) return false;
  if (rule.verbs?.length && !rule.verbs.includes(attrs.verb)) return false;
  if (rule.namespaces?.length || rule.resources?.length) return matchesResource(rule, attrs);
  if (rule.nonResourceURLs?.length)
    return !attrs.isResourceRequest && rule.nonResourceURLs.some((spec) => pathMatches(attrs.path, spec));
  return true;
}

/** `*`, an exact path, or a prefix ending in `*`. */
export function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  if (!spec.endsWith('*')) return false;
  let end = spec.length;
  while (end > 0 && spec[end - 1] === '*') end--; // strings.TrimRight(spec, "*")
  return path.startsWith(spec.slice(0, end));
}

function matchesResource(rule: PolicyRule, attrs: AuditAttributes): boolean {
  if (!attrs.isResourceRequest) return false;
  // Cluster-scoped resources have the namespace "".
  if (rule.namespaces?.length && !rule.namespaces.includes(attrs.namespace)) return false;
  if (!rule.resources?.length) return true;
  const { resource, subresource, name } = attrs;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const gr of rule.resources) {
    if ((gr.group ?? '') !== attrs.apiGroup) continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (subresource && res.startsWith('*/') && res.slice(2) === subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === resource) return true;
    }
  }
  return false;
}
