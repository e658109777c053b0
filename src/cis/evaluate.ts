// Runs data-driven checks against node facts, with kube-bench's semantics: test items joined by bin_op (default
// and), each a flag (or config path) that must be set / unset / compare; a failed scored check is FAIL, a failed
// unscored one WARN, a manual one WARN. File modes/owners are checked for every file a check names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type {
  Check,
  CheckResult,
  Control,
  ControlResult,
  Counts,
  GroupResult,
  Report,
  Status,
  TestItem,
} from './types.js';
import { expand, octal } from './file-facts.js';
import { getPath, MANIFESTS, type ComponentFacts, type NodeFacts } from './node-reader.js';

export function compare(op: string, actual: string, expected: string): boolean {
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'noteq':
      return actual !== expected;
    case 'has':
      return actual.includes(expected);
    case 'nothave':
      return !actual.includes(expected);
    case 'gte':
    case 'gt':
    case 'lte':
    case 'lt': {
      const a = Number(actual),
        e = Number(expected);
      if (!Number.isFinite(a) || !Number.isFinite(e)) return false;
      return op === 'gte' ? a >= e : op === 'gt' ? a > e : op === 'lte' ? a <= e : a < e;
    }
    case 'bitmask': {
      const a = parseInt(actual, 8),
        e = parseInt(expected, 8);
      return Number.isFinite(a) && Number.isFinite(e) && (a & ~e) === 0;
    }
    case 'valid_elements': {
      const allowed = new Set(expected.split(','));
      const got = actual.split(',').filter(Boolean);
      return got.length > 0 && got.every((x) => allowed.has(x));
    }
    default:
      return false;
  }
}

/** kube-bench's expected_result wording. */
export function describeItem(i: TestItem): string {
  if (i.set === false) return `'${i.flag}' is not present`;
  if (!i.op) return `'${i.flag}' is present`;
  if (i.op === 'bitmask') return `permissions has permissions ${i.value}, expected ${i.value} or more restrictive`;
  return `'${i.flag}' is ${{ eq: 'equal to', noteq: 'not equal to', has: 'has', nothave: 'does not have', gte: '>=', gt: '>', lte: '<=', lt: '<', valid_elements: 'one of' }[i.op] ?? i.op} '${i.value}'`;
}

function expected(c: Check): string {
  const items = c.tests?.items ?? [];
  return items.map(describeItem).join(` ${c.tests?.binOp === 'or' ? 'OR' : 'AND'} `);
}

/** The value of a flag, else of its config path (kube-bench: the command line overrides the config file). */
export function lookup(facts: ComponentFacts, item: TestItem): { found: boolean; value: string; where: string } {
  if (facts.flags.has(item.flag))
    return { found: true, value: facts.flags.get(item.flag)!, where: `${item.flag}=${facts.flags.get(item.flag)}` };
  if (item.path && facts.config !== undefined) {
    const v = getPath(facts.config, item.path);
    if (v !== undefined && v !== null) {
      const value = Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return { found: true, value, where: `${item.path}: ${value}` };
    }
  }
  return { found: false, value: '', where: `${item.flag} not set` };
}

function itemPasses(item: TestItem, found: boolean, value: string): boolean {
  if (item.set === false) return !found;
  if (!found) return false;
  return item.op ? compare(item.op, value, item.value ?? '') : true;
}

function join2(binOp: string | undefined, xs: boolean[]): boolean {
  return binOp === 'or' ? xs.some(Boolean) : xs.every(Boolean);
}

interface Outcome {
  pass: boolean;
  actual: string;
  reason?: string;
  unknown?: boolean;
}

function flagsOutcome(c: Check, facts: ComponentFacts): Outcome {
  const items = c.tests?.items ?? [];
  const seen = items.map((i) => lookup(facts, i));
  const pass = join2(
    c.tests?.binOp,
    items.map((i, n) => itemPasses(i, seen[n]!.found, seen[n]!.value)),
  );
  return { pass, actual: [...new Set(seen.map((s) => s.where))].join('; ') };
}

/** A path the check names through a `@name` placeholder, found from the component flags. */
export function resolvePlaceholder(p: string, node: NodeFacts): string {
  if (p === '@etcd-data-dir')
    return (node.components.etcd?.flags.get('--data-dir') ?? '/var/lib/etcd').replace(/^\//, '');
  if (p === '@kubelet-client-ca') {
    const k = node.components.kubelet;
    const ca =
      k?.flags.get('--client-ca-file') ??
      (k?.config !== undefined ? getPath(k.config, 'authentication.x509.clientCAFile') : undefined);
    return String(ca ?? '/etc/kubernetes/pki/ca.crt').replace(/^\//, '');
  }
  return p;
}

function fileOutcome(c: Check, node: NodeFacts): Outcome {
  const src = c.source as { kind: 'mode' | 'owner'; files: string[]; optional?: boolean };
  const patterns = src.files.map((f) => resolvePlaceholder(f, node));
  const files = patterns.flatMap((p) => expand(node.root, p));
  if (files.length === 0) {
    if (src.optional) return { pass: true, actual: `not present: ${patterns.join(', ')}` };
    return { pass: false, actual: '', reason: `file not found: ${patterns.join(', ')}` };
  }
  const items = c.tests?.items ?? [];
  if (src.kind === 'mode') {
    const mask = items.find((i) => i.op === 'bitmask')?.value ?? '600';
    const bad = files.filter((f) => !compare('bitmask', octal(f.mode), mask));
    const shown = (bad.length ? bad : files).slice(0, 8);
    return { pass: bad.length === 0, actual: shown.map((f) => `permissions=${octal(f.mode)} ${f.rel}`).join('\n') };
  }
  const want =
    items.map((i) => i.value ?? i.flag).find((v) => v.includes(':') && v !== 'File not found') ?? 'root:root';
  const bad = files.filter((f) => f.owner !== want);
  const shown = (bad.length ? bad : files).slice(0, 8);
  return { pass: bad.length === 0, actual: shown.map((f) => `${f.owner} ${f.rel}`).join('\n') };
}

function encryptionOutcome(c: Check, node: NodeFacts): Outcome {
  const api = node.components['kube-apiserver'];
  const file = api?.flags.get('--encryption-provider-config');
  if (!file) return { pass: false, actual: '--encryption-provider-config not set' };
  const rel = file.replace(/^\//, '');
  let providers: unknown;
  try {
    const cfg = parseYaml(readFileSync(join(node.root, rel), 'utf8')) as {
      resources?: { providers?: Record<string, unknown>[] }[];
    };
    providers = cfg?.resources?.[0]?.providers;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      pass: false,
      actual: '',
      reason: `${rel}: ${code === 'ENOENT' ? 'file not found' : code ? `cannot read (${code})` : 'malformed YAML'}`,
    };
  }
  const first =
    Array.isArray(providers) && providers[0] && typeof providers[0] === 'object'
      ? (Object.keys(providers[0])[0] ?? '')
      : '';
  const item = c.tests?.items[0];
  return {
    pass: compare('valid_elements', first, item?.value ?? 'aescbc,kms,secretbox'),
    actual: `provider=${first || '(none)'} (${rel})`,
  };
}

function outcome(c: Check, node: NodeFacts): Outcome | undefined {
  const src = c.source;
  if (src.kind === 'manual') return undefined;
  if (src.kind === 'mode' || src.kind === 'owner') return fileOutcome(c, node);
  if (src.kind === 'encryption-config') return encryptionOutcome(c, node);
  if (src.kind !== 'flags') return undefined;
  const facts = node.components[src.component];
  if (!facts) {
    const origin =
      src.component === 'kubelet'
        ? 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf'
        : `${MANIFESTS}/${src.component}.yaml`;
    const problem = [...node.problems].find(
      ([f]) => f === origin || (src.component === 'kubelet' && f.includes('kubelet')),
    );
    return {
      pass: false,
      actual: '',
      unknown: true,
      reason: problem ? `${problem[0]}: ${problem[1]}` : `${src.component} not found (${origin})`,
    };
  }
  return flagsOutcome(c, facts);
}

function status(c: Check, o: Outcome | undefined): Status {
  if (!o || o.unknown) return 'WARN';
  if (o.pass) return 'PASS';
  return c.scored ? 'FAIL' : 'WARN';
}

export function runCheck(c: Check, node: NodeFacts): CheckResult {
  const o = outcome(c, node);
  const st = status(c, o);
  return {
    test_number: c.id,
    test_desc: c.text,
    audit: c.audit,
    AuditConfig: c.source.kind === 'flags' ? (c.source.config ?? '') : '',
    type: c.source.kind === 'manual' ? 'manual' : '',
    remediation: c.remediation,
    test_info: [c.remediation],
    status: st,
    actual_value: o?.actual ?? '',
    scored: c.scored,
    IsMultiple: false,
    expected_result: expected(c),
    ...(o?.reason ? { reason: o.reason } : {}),
  };
}

/** A check kauth adds beyond the benchmark's own (the Docker daemon's, the PKI's), in kube-bench's result shape. */
export function extraCheckResult(
  audit: string,
  id: string,
  text: string,
  status: Status,
  actual: string,
  expected: string,
  remediation: string,
  scored = true,
): CheckResult {
  return {
    test_number: id,
    test_desc: text,
    audit,
    AuditConfig: '',
    type: '',
    remediation,
    test_info: [remediation],
    status,
    actual_value: actual,
    scored,
    IsMultiple: false,
    expected_result: expected,
  };
}

export function count(results: readonly { status: Status }[]): Counts {
  const n: Counts = { pass: 0, fail: 0, warn: 0, info: 0 };
  for (const r of results) n[r.status.toLowerCase() as keyof Counts]++;
  return n;
}

export function controlResult(control: Control, version: string, groups: GroupResult[]): ControlResult {
  const all = count(groups.flatMap((g) => g.results));
  return {
    id: control.id,
    version,
    text: control.text,
    node_type: control.nodeType,
    tests: groups,
    total_pass: all.pass,
    total_fail: all.fail,
    total_warn: all.warn,
    total_info: all.info,
  };
}

export function runControl(control: Control, version: string, node: NodeFacts): ControlResult {
  const groups = control.groups.map((g): GroupResult => {
    const results = g.checks.map((c) => runCheck(c, node));
    return { section: g.id, type: '', desc: g.text, ...count(results), results };
  });
  return controlResult(control, version, groups);
}

export function makeReport(controls: ControlResult[]): Report {
  const t = { total_pass: 0, total_fail: 0, total_warn: 0, total_info: 0 };
  for (const c of controls) {
    t.total_pass += c.total_pass;
    t.total_fail += c.total_fail;
    t.total_warn += c.total_warn;
    t.total_info += c.total_info;
  }
  return { Controls: controls, Totals: t };
}
