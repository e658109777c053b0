// `audit cluster`: the CIS v1.10 policies section (5.x) through the API. The RBAC checks (5.1.x) are decided by
// the risk rules of rbac-risks.ts over the cluster's Roles, ClusterRoles and bindings; each finding names the
// role, the bindings and the subjects. The rest of section 5 is manual in the benchmark and reported as WARN.
import type { ApiClient } from '../cli/api-client.js';
import { POLICY_CONTROL, VERSION } from './benchmarks/cis-1.10/index.js';
import { controlResult, count, makeReport, runCheck } from './evaluate.js';
import { findRisks, refString, type RbacSnapshot, type RiskFinding } from './rbac-risks.js';
import type { CheckResult, GroupResult, Report } from './types.js';

const RBAC_PATH = '/apis/rbac.authorization.k8s.io/v1';

export async function readRbac(client: ApiClient): Promise<RbacSnapshot> {
  const list = async (resource: string) => {
    const r = await client.request('GET', `${RBAC_PATH}/${resource}`);
    if (r.code !== 200)
      throw new Error(`GET ${RBAC_PATH}/${resource}: HTTP ${r.code}: ${String(r.json?.message ?? '').slice(0, 200)}`);
    return Array.isArray(r.json?.items) ? r.json.items : [];
  };
  const [roles, clusterRoles, roleBindings, clusterRoleBindings] = await Promise.all(
    ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].map(list),
  );
  return { roles, clusterRoles, roleBindings, clusterRoleBindings };
}

/** Which 5.1.x checks the risk rules decide (the rest stay manual). */
const DECIDED = new Set([
  '5.1.1',
  '5.1.2',
  '5.1.3',
  '5.1.4',
  '5.1.5',
  '5.1.7',
  '5.1.8',
  '5.1.9',
  '5.1.10',
  '5.1.11',
  '5.1.12',
  '5.1.13',
]);

export function findingLine(f: RiskFinding): string {
  const via = f.bindings.length ? ` (via ${f.bindings.map(refString).join(', ')})` : '';
  return `${f.severity}: ${f.message}${via}`;
}

export function clusterReport(
  snap: RbacSnapshot,
  opts: { includeSystem?: boolean } = {},
): { report: Report; details: Map<string, string[]>; findings: RiskFinding[] } {
  const findings = findRisks(snap, opts);
  const details = new Map<string, string[]>();
  for (const f of findings) {
    const id = f.cis ?? 'K.1';
    details.set(id, [...(details.get(id) ?? []), findingLine(f)]);
  }
  const noFacts = { root: '/', components: {}, problems: new Map<string, string>() };
  const groups: GroupResult[] = POLICY_CONTROL.groups.map((g) => {
    const results = g.checks.map((c): CheckResult => {
      const base = runCheck(c, noFacts);
      if (!DECIDED.has(c.id)) return base;
      const lines = details.get(c.id) ?? [];
      // kube-bench scores these as not scored: a finding is a WARN to review, no finding a PASS.
      return {
        ...base,
        type: '',
        status: lines.length ? 'WARN' : 'PASS',
        actual_value: lines.join('\n') || 'no findings',
        expected_result: 'no non-system subject holds this permission',
      };
    });
    return { section: g.id, type: '', desc: g.text, ...count(results), results };
  });
  const extra = details.get('K.1') ?? [];
  const k: CheckResult = {
    test_number: 'K.1',
    test_desc: 'Minimize access to the exec and attach sub-resources of pods (kauth)',
    audit: 'RBAC rules',
    AuditConfig: '',
    type: '',
    remediation: 'Remove pods/exec and pods/attach from roles that do not need an interactive shell in pods.',
    test_info: [],
    status: extra.length ? 'WARN' : 'PASS',
    actual_value: extra.join('\n') || 'no findings',
    scored: false,
    IsMultiple: false,
    expected_result: 'no non-system subject holds this permission',
  };
  groups.push({
    section: 'K',
    type: '',
    desc: 'RBAC escalation paths beyond the benchmark (kauth)',
    ...count([k]),
    results: [k],
  });
  return { report: makeReport([controlResult(POLICY_CONTROL, VERSION, groups)]), details, findings };
}
