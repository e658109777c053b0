// --authorization-mode=ABAC with --authorization-policy-file (k8s/pkg/auth/authorizer/abac): one JSON
// Policy per line, abac.authorization.kubernetes.io/v1beta1 or the legacy unversioned (v0) form, both
// converted to one internal shape exactly as Kubernetes converts them. The first matching policy allows;
// otherwise no opinion ("No policy matched.").
import { readFileSync } from 'node:fs';
import type { UserInfo } from '../authn/interfaces.js';
import { SYSTEM_AUTHENTICATED } from '../authn/interfaces.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesResult } from './interfaces.js';
import { isReadOnly } from './attributes.js';

export const ABAC_API_VERSION = 'abac.authorization.kubernetes.io/v1beta1';
const ABAC_V0 = 'abac.authorization.kubernetes.io/v0';

/** The internal policy (pkg/apis/abac.PolicySpec). */
export interface AbacPolicy {
  user: string;
  group: string;
  readonly: boolean;
  apiGroup: string;
  resource: string;
  namespace: string;
  nonResourcePath: string;
}

/** A policy file problem, always `<file>:<line>: <problem>` (or `<file>: <problem>` for the file itself). */
export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'PolicyFileError';
  }
}

type Json = Record<string, unknown>;

function field(o: Json, key: string, prefix: string, kind: 'string' | 'boolean'): string | boolean {
  const v = o[key];
  if (v === undefined || v === null) return kind === 'string' ? '' : false;
  if (typeof v !== kind) throw new Error(`${prefix}${key}: expected a ${kind}, got ${JSON.stringify(v)}`);
  return v as string | boolean;
}

/** Convert_v1beta1_Policy_To_abac_Policy: `*` as user or group means every authenticated user. */
function fromV1beta1(spec: Json): AbacPolicy {
  const p: AbacPolicy = {
    user: field(spec, 'user', 'spec.', 'string') as string,
    group: field(spec, 'group', 'spec.', 'string') as string,
    readonly: field(spec, 'readonly', 'spec.', 'boolean') as boolean,
    apiGroup: field(spec, 'apiGroup', 'spec.', 'string') as string,
    resource: field(spec, 'resource', 'spec.', 'string') as string,
    namespace: field(spec, 'namespace', 'spec.', 'string') as string,
    nonResourcePath: field(spec, 'nonResourcePath', 'spec.', 'string') as string,
  };
  if (p.user === '*' || p.group === '*') {
    p.group = SYSTEM_AUTHENTICATED;
    p.user = '';
  }
  return p;
}

/** Convert_v0_Policy_To_abac_Policy: empty fields widen to everything. */
function fromV0(o: Json): AbacPolicy {
  const user = field(o, 'user', '', 'string') as string;
  const group = field(o, 'group', '', 'string') as string;
  const namespace = field(o, 'namespace', '', 'string') as string;
  const resource = field(o, 'resource', '', 'string') as string;
  const p: AbacPolicy = {
    user,
    group,
    readonly: field(o, 'readonly', '', 'boolean') as boolean,
    namespace,
    resource,
    apiGroup: '*',
    nonResourcePath: '',
  };
  if (!user && !group) p.group = SYSTEM_AUTHENTICATED;
  if (user === '*' || group === '*') {
    p.group = SYSTEM_AUTHENTICATED;
    p.user = '';
  }
  if (!namespace) p.namespace = '*';
  if (!resource) p.resource = '*';
  if (!namespace && !resource) p.nonResourcePath = '*';
  return p;
}

/** Parses the policy file's text; `file` only names it in errors. */
export function parseAbacPolicies(text: string, file: string): AbacPolicy[] {
  const policies: AbacPolicy[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const n = i + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new PolicyFileError(file, n, `invalid JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new PolicyFileError(file, n, 'a policy must be a JSON object');
    const o = parsed as Json;
    try {
      const apiVersion = o.apiVersion;
      const kind = o.kind;
      if (apiVersion === undefined && kind === undefined) policies.push(fromV0(o));
      else if (kind === 'Policy' && apiVersion === ABAC_API_VERSION) {
        const spec = o.spec ?? {};
        if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
          throw new Error('spec: expected an object');
        policies.push(fromV1beta1(spec as Json));
      } else if (kind === 'Policy' && apiVersion === ABAC_V0) policies.push(fromV0(o));
      else
        throw new Error(
          `unrecognized object: apiVersion ${JSON.stringify(apiVersion ?? '')}, kind ${JSON.stringify(kind ?? '')} (want ${ABAC_API_VERSION} Policy)`,
        );
    } catch (e) {
      throw new PolicyFileError(file, n, (e as Error).message);
    }
  }
  return policies;
}

/** NewFromFile. */
export function loadAbacPolicyFile(path: string): AbacPolicy[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PolicyFileError(
      path,
      undefined,
      `cannot read the policy file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return parseAbacPolicies(text, path);
}

function subjectMatches(p: AbacPolicy, user: UserInfo): boolean {
  let matched = false;
  if (p.user) {
    if (p.user === '*') matched = true;
    else {
      matched = p.user === user.username;
      if (!matched) return false;
    }
  }
  if (p.group) {
    if (p.group === '*') matched = true;
    else {
      matched = user.groups.includes(p.group);
      if (!matched) return false;
    }
  }
  return matched;
}

function resourceMatches(p: AbacPolicy, a: Attributes): boolean {
  return (
    a.isResourceRequest &&
    (p.namespace === '*' || p.namespace === a.namespace) &&
    (p.resource === '*' || p.resource === a.resource) &&
    (p.apiGroup === '*' || p.apiGroup === a.apiGroup)
  );
}

function nonResourceMatches(p: AbacPolicy, a: Attributes): boolean {
  if (a.isResourceRequest) return false;
  const path = p.nonResourcePath;
  if (path === '*' || path === a.path) return true;
  if (!path.endsWith('*')) return false;
  let end = path.length;
  while (end > 0 && path[end - 1] === '*') end--;
  return a.path.startsWith(path.slice(0, end));
}

/** matches(): subject, then verb (read-only requests always pass), then resource or path. */
export function abacMatches(p: AbacPolicy, a: Attributes): boolean {
  if (!subjectMatches(p, a.user)) return false;
  if (!isReadOnly(a) && p.readonly) return false;
  return resourceMatches(p, a) || nonResourceMatches(p, a);
}

export class AbacAuthorizer implements Authorizer, RuleResolver {
  readonly name = 'ABAC';

  constructor(readonly policies: readonly AbacPolicy[]) {}

  static fromFile(path: string): AbacAuthorizer {
    return new AbacAuthorizer(loadAbacPolicyFile(path));
  }

  async authorize(attrs: Attributes): Promise<AuthorizationResult> {
    for (const p of this.policies) if (abacMatches(p, attrs)) return { decision: 'Allow', reason: '' };
    return { decision: 'NoOpinion', reason: 'No policy matched.' };
  }

  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
    for (const p of this.policies) {
      if (!subjectMatches(p, user) || (p.namespace !== '*' && p.namespace !== namespace)) continue;
      const verbs = p.readonly ? ['get', 'list', 'watch'] : ['*'];
      if (p.resource)
        out.resourceRules.push({ verbs, apiGroups: [p.apiGroup], resources: [p.resource], resourceNames: [] });
      if (p.nonResourcePath) out.nonResourceRules.push({ verbs, nonResourceURLs: [p.nonResourcePath] });
    }
    return out;
  }
}
