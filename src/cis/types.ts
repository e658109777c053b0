// The CIS benchmark as data (one Control per benchmark section) and kube-bench's result shapes.
// A new benchmark version is a new folder of Control files; the engine reads only these types.

/** What a check reads. `mode`/`owner` globs are relative to the audited root; `@name` is a path found at audit time. */
export type CheckSource =
  | { kind: 'manual' }
  | { kind: 'flags'; component: Component; config?: string }
  | { kind: 'mode' | 'owner'; files: string[]; optional?: boolean }
  | { kind: 'encryption-config'; component: Component };

export type Component =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'etcd'
  | 'kubelet'
  | 'kube-proxy';

/** kube-bench's compare ops. */
export type CompareOp = 'eq' | 'noteq' | 'has' | 'nothave' | 'gte' | 'gt' | 'lte' | 'lt' | 'bitmask' | 'valid_elements';

/** One test item as kube-bench has it: a flag (or `permissions`/`root:root`), an optional config path, set, compare. */
export interface TestItem {
  flag: string;
  /** Dotted path into the component's config file (kubelet config.yaml), used when the flag is not on the command line. */
  path?: string;
  /** `false`: passes when the flag is absent. Default true. */
  set?: boolean;
  op?: CompareOp;
  value?: string;
}

export interface Tests {
  binOp?: 'and' | 'or';
  items: TestItem[];
}

export interface Check {
  id: string;
  text: string;
  /** CIS profile level (1 or 2). */
  level: 1 | 2 | number;
  scored: boolean;
  source: CheckSource;
  tests?: Tests;
  /** How kube-bench audits it on a live node (shown in reports). */
  audit: string;
  remediation: string;
}

export interface Group {
  id: string;
  text: string;
  checks: Check[];
}

export interface Control {
  id: string;
  text: string;
  /** kube-bench's node_type: master, etcd, controlplane, node, policies. */
  nodeType: string;
  groups: Group[];
}

export type Status = 'PASS' | 'FAIL' | 'WARN' | 'INFO';

// kube-bench --json (cmd/testdata/result.json): field names kept exactly, so existing pipelines read ours.
export interface CheckResult {
  test_number: string;
  test_desc: string;
  audit: string;
  AuditConfig: string;
  type: string;
  remediation: string;
  test_info: string[];
  status: Status;
  actual_value: string;
  scored: boolean;
  IsMultiple: boolean;
  expected_result: string;
  reason?: string;
}

export interface Counts {
  pass: number;
  fail: number;
  warn: number;
  info: number;
}

export interface GroupResult extends Counts {
  section: string;
  type: string;
  desc: string;
  results: CheckResult[];
}

export interface ControlResult {
  id: string;
  version: string;
  detected_version?: string;
  text: string;
  node_type: string;
  tests: GroupResult[];
  total_pass: number;
  total_fail: number;
  total_warn: number;
  total_info: number;
}

export interface Report {
  Controls: ControlResult[];
  Totals: { total_pass: number; total_fail: number; total_warn: number; total_info: number };
}
