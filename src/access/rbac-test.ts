// rbac test: a YAML of expectations — this subject can / cannot do this — checked against a policy (offline)
// or a cluster (live), with a JUnit report for CI. The file:
//   tests:
//   - name: alice reads secrets          # required, unique-ish (the JUnit testcase name)
//     user: alice                        # required (a service account: system:serviceaccount:NS:NAME)
//     groups: [devs]                     # optional; impersonation rules add system:authenticated etc.
//     verb: get                          # required
//     resource: secrets                  # `pods/log`, `deployments.apps`, or a non-resource URL `/healthz`
//     resourceName: my-secret            # optional object name
//     namespace: ns-a                    # optional ('' = cluster scope)
//     allowed: true                      # required: the expectation
// Browser-safe (no node: imports).

export interface RbacTestCase {
  name: string;
  user: string;
  groups: string[];
  verb: string;
  resource: string;
  objectName?: string;
  namespace: string;
  allowed: boolean;
}

export interface RbacTestResult {
  test: RbacTestCase;
  /** The observed answer; undefined when the check itself failed (error set). */
  allowed?: boolean;
  reason?: string;
  error?: string;
  passed: boolean;
  ms: number;
}

/** Validates a parsed YAML/JSON document into test cases; throws with the offending entry named. */
export function parseRbacTests(doc: unknown): RbacTestCase[] {
  const tests = (doc as { tests?: unknown } | null)?.tests;
  if (!Array.isArray(tests)) throw new Error('rbac test file: expected a top-level `tests:` list');
  return tests.map((t, i) => {
    const at = `tests[${i}]`;
    if (t === null || typeof t !== 'object') throw new Error(`${at}: expected a mapping`);
    const x = t as Record<string, unknown>;
    const str = (k: string, required: boolean): string => {
      const v = x[k];
      if (v === undefined || v === null) {
        if (required) throw new Error(`${at}: ${k} is required`);
        return '';
      }
      if (typeof v !== 'string') throw new Error(`${at}: ${k} must be a string`);
      return v;
    };
    if (typeof x.allowed !== 'boolean') throw new Error(`${at}: allowed must be true or false`);
    const groups = x.groups ?? [];
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
      throw new Error(`${at}: groups must be a list of strings`);
    const c: RbacTestCase = {
      name: str('name', false) || `${str('user', true)} ${str('verb', true)} ${str('resource', true)}`,
      user: str('user', true),
      groups: groups as string[],
      verb: str('verb', true),
      resource: str('resource', true),
      namespace: str('namespace', false),
      allowed: x.allowed,
    };
    const objectName = str('resourceName', false) || str('objectName', false);
    if (objectName) c.objectName = objectName;
    return c;
  });
}

export type RbacCheck = (test: RbacTestCase) => Promise<{ allowed: boolean; reason?: string }>;

export async function runRbacTests(tests: readonly RbacTestCase[], check: RbacCheck): Promise<RbacTestResult[]> {
  const out: RbacTestResult[] = [];
  for (const test of tests) {
    const start = Date.now();
    try {
      const r = await check(test);
      const res: RbacTestResult = {
        test,
        allowed: r.allowed,
        passed: r.allowed === test.allowed,
        ms: Date.now() - start,
      };
      if (r.reason) res.reason = r.reason;
      out.push(res);
    } catch (e) {
      out.push({ test, error: (e as Error).message, passed: false, ms: Date.now() - start });
    }
  }
  return out;
}

/** One line per test, kubectl-ish: `PASS  name` / `FAIL  name: expected allowed, got denied (reason)`. */
export function describeResult(r: RbacTestResult): string {
  if (r.passed) return `PASS  ${r.test.name}`;
  return `FAIL  ${r.test.name}: ${failureMessage(r)}`;
}

export function failureMessage(r: RbacTestResult): string {
  const t = r.test;
  const who = `${t.user}${t.groups.length ? ` (groups ${t.groups.join(', ')})` : ''}`;
  const what = `${t.verb} ${t.resource}${t.objectName ? ` ${t.objectName}` : ''}${t.namespace ? ` in namespace ${t.namespace}` : ' at cluster scope'}`;
  if (r.error !== undefined) return `${who} ${what}: check failed: ${r.error}`;
  const word = (a: boolean): string => (a ? 'allowed' : 'denied');
  return `expected ${who} to be ${word(t.allowed)} to ${what}, but was ${word(r.allowed!)}${r.reason ? ` (${r.reason})` : ''}`;
}

/** A JUnit XML report (one <testsuite>, one <testcase> per expectation, a <failure> for each broken one). */
export function junitReport(suite: string, results: readonly RbacTestResult[]): string {
  const failures = results.filter((r) => !r.passed && r.error === undefined).length;
  const errors = results.filter((r) => r.error !== undefined).length;
  const time = (ms: number): string => (ms / 1000).toFixed(3);
  const total = results.reduce((s, r) => s + r.ms, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xml(suite)}" tests="${results.length}" failures="${failures}" errors="${errors}" time="${time(total)}">`,
  ];
  for (const r of results) {
    const open = `  <testcase classname="${xml(suite)}" name="${xml(r.test.name)}" time="${time(r.ms)}"`;
    if (r.passed) lines.push(`${open}/>`);
    else {
      const tag = r.error !== undefined ? 'error' : 'failure';
      const msg = failureMessage(r);
      lines.push(
        `${open}>`,
        `    <${tag} message="${xml(msg)}" type="${r.error !== undefined ? 'CheckError' : 'UnexpectedDecision'}">${xml(msg)}</${tag}>`,
        '  </testcase>',
      );
    }
  }
  lines.push('</testsuite>', '');
  return lines.join('\n');
}

function xml(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (c < 0x20 && ch !== '\n' && ch !== '\t') out += ' ';
    else out += ch;
  }
  return out;
}
