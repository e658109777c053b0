// `audit node --fix`: the safe remediations, as file edits — modes, owners, kubelet config keys and static pod
// flags — derived from the same test items the checks run. A dry run prints a unified diff; `apply` first copies
// every touched file to var/backups/kauth-audit/<time>/ under the root (outside the static pod directory, where
// the kubelet would start a backup copy as a pod), then writes.
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDocument, isSeq, type Document } from 'yaml';
import { NODE_CONTROLS } from './benchmarks/cis-1.10/index.js';
import { compare, lookup, resolvePlaceholder } from './evaluate.js';
import { expand, octal } from './file-facts.js';
import { MANIFESTS, type ComponentFacts, type NodeFacts } from './node-reader.js';
import { groupId, lookupId } from './owners.js';
import type { Check, Report, TestItem } from './types.js';
import { unifiedDiff } from './unified-diff.js';

/** The value to put when a check only says what a flag must not be. */
const SAFE_DEFAULTS: Record<string, string> = {
  'kubelet:--authorization-mode': 'Webhook',
  'kube-apiserver:--authorization-mode': 'Node,RBAC',
  'kubelet:--streaming-connection-idle-timeout': '4h0m0s',
  'kube-controller-manager:--use-service-account-credentials': 'true',
  'kube-proxy:--metrics-bind-address': '127.0.0.1:10249',
};

/** Values that cannot be switched on by a flag alone (the plugin needs its own config file): left to the operator. */
const NEEDS_MORE_THAN_A_FLAG = new Set(['kube-apiserver:--enable-admission-plugins:EventRateLimit']);

export interface FixPlan {
  contents: Map<string, { before: string; after: string; doc?: Document }>;
  modes: { rel: string; from: number; to: number }[];
  owners: { rel: string; from: string; to: string }[];
  /** Failing checks no file edit can fix, with why. */
  manual: string[];
}

function typed(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

/** The flag value that makes one item pass, or null to remove the flag; undefined when no safe value exists. */
function desired(
  component: string,
  item: TestItem,
  current: { found: boolean; value: string },
): string | null | undefined {
  if (item.set === false) return null;
  const list = current.found ? current.value.split(',').filter(Boolean) : [];
  switch (item.op) {
    case 'eq':
    case 'gte':
    case 'gt':
    case 'lte':
    case 'lt':
      return item.value;
    case 'has':
      if (NEEDS_MORE_THAN_A_FLAG.has(`${component}:${item.flag}:${item.value}`)) return undefined;
      return SAFE_DEFAULTS[`${component}:${item.flag}`] ?? [...list, item.value!].join(',');
    case 'nothave': {
      const kept = list.filter((x) => !x.includes(item.value!));
      return kept.length ? kept.join(',') : (SAFE_DEFAULTS[`${component}:${item.flag}`] ?? null);
    }
    case 'noteq':
      return SAFE_DEFAULTS[`${component}:${item.flag}`];
    default:
      return undefined;
  }
}

function itemOk(item: TestItem, cur: { found: boolean; value: string }): boolean {
  if (item.set === false) return !cur.found;
  return cur.found && (!item.op || compare(item.op, cur.value, item.value ?? ''));
}

interface Editable {
  rel: string;
  facts: ComponentFacts;
  doc: Document;
  kind: 'manifest' | 'config';
}

function editable(plan: FixPlan, node: NodeFacts, component: string, facts: ComponentFacts): Editable | undefined {
  const rel =
    component === 'kubelet' || component === 'kube-proxy' ? facts.configPath : `${MANIFESTS}/${component}.yaml`;
  if (!rel) return undefined;
  let entry = plan.contents.get(rel);
  if (!entry) {
    const before = readFileSync(join(node.root, rel), 'utf8');
    entry = { before, after: before, doc: parseDocument(before) };
    plan.contents.set(rel, entry);
  }
  return {
    rel,
    facts,
    doc: entry.doc!,
    kind: component === 'kubelet' || component === 'kube-proxy' ? 'config' : 'manifest',
  };
}

function setFlag(e: Editable, flag: string, value: string | null): void {
  const seq = e.doc.getIn(['spec', 'containers', 0, 'command']);
  if (!isSeq(seq)) return;
  const idx = seq.items.findIndex((n) => {
    const s = String((n as { value?: unknown }).value ?? n);
    return s === flag || s.startsWith(`${flag}=`);
  });
  if (value === null) {
    if (idx >= 0) seq.delete(idx);
  } else if (idx >= 0) seq.set(idx, `${flag}=${value}`);
  else seq.add(`${flag}=${value}`);
  if (value === null) e.facts.flags.delete(flag);
  else e.facts.flags.set(flag, value);
}

function fixFlags(plan: FixPlan, node: NodeFacts, c: Check): void {
  const src = c.source as { kind: 'flags'; component: string };
  const facts = node.components[src.component as keyof NodeFacts['components']];
  const items = c.tests?.items ?? [];
  if (!facts || items.length === 0) {
    plan.manual.push(`${c.id}: ${src.component} not found`);
    return;
  }
  const e = editable(plan, node, src.component, facts);
  if (!e) {
    plan.manual.push(`${c.id}: no ${src.component} config file to edit`);
    return;
  }
  const targets =
    c.tests?.binOp === 'or'
      ? ([items.find((i) => desired(src.component, i, lookup(facts, i)) !== undefined)].filter(Boolean) as TestItem[])
      : items;
  for (const item of targets) {
    const cur = lookup(facts, item);
    if (itemOk(item, cur)) continue;
    const want = desired(src.component, item, cur);
    if (want === undefined) {
      plan.manual.push(`${c.id}: set ${item.flag} by hand (no safe value to choose)`);
      continue;
    }
    if (e.kind === 'manifest') {
      setFlag(e, item.flag, want);
      continue;
    }
    if (facts.flags.has(item.flag)) {
      plan.manual.push(`${c.id}: ${item.flag} is set on the kubelet command line (${facts.origin}); edit it there`);
      continue;
    }
    if (!item.path) {
      plan.manual.push(`${c.id}: ${item.flag} has no config-file key`);
      continue;
    }
    const path = item.path.split('.');
    if (want === null) e.doc.deleteIn(path);
    else e.doc.setIn(path, typed(want));
    (facts as { config: unknown }).config = e.doc.toJS();
  }
}

function fixFiles(plan: FixPlan, node: NodeFacts, c: Check): void {
  const src = c.source as { kind: 'mode' | 'owner'; files: string[] };
  const items = c.tests?.items ?? [];
  for (const pattern of src.files) {
    for (const f of expand(node.root, resolvePlaceholder(pattern, node))) {
      if (src.kind === 'mode') {
        const mask = parseInt(items.find((i) => i.op === 'bitmask')?.value ?? '600', 8);
        if ((f.mode & ~mask) !== 0 && !plan.modes.some((m) => m.rel === f.rel))
          plan.modes.push({ rel: f.rel, from: f.mode, to: f.mode & mask });
      } else {
        const want =
          items.map((i) => i.value ?? i.flag).find((v) => v.includes(':') && v !== 'File not found') ?? 'root:root';
        if (f.owner !== want && !plan.owners.some((o) => o.rel === f.rel))
          plan.owners.push({ rel: f.rel, from: f.owner, to: want });
      }
    }
  }
}

export function planFixes(node: NodeFacts, report: Report): FixPlan {
  const plan: FixPlan = { contents: new Map(), modes: [], owners: [], manual: [] };
  const failing = new Set(
    report.Controls.flatMap((c) => c.tests.flatMap((g) => g.results))
      .filter((r) => r.status === 'FAIL' || r.status === 'WARN')
      .map((r) => r.test_number),
  );
  for (const control of NODE_CONTROLS) {
    for (const g of control.groups) {
      for (const c of g.checks) {
        if (!failing.has(c.id) || c.source.kind === 'manual' || c.source.kind === 'encryption-config') continue;
        if (c.source.kind === 'flags') fixFlags(plan, node, c);
        else fixFiles(plan, node, c);
      }
    }
  }
  for (const [rel, e] of plan.contents) {
    e.after = e.doc!.toString();
    if (e.after === e.before) plan.contents.delete(rel);
  }
  return plan;
}

export function renderPlan(plan: FixPlan): string {
  let out = '';
  for (const [rel, e] of plan.contents) out += unifiedDiff(`a/${rel}`, `b/${rel}`, e.before, e.after);
  for (const m of plan.modes) out += `chmod ${octal(m.to).padStart(3, '0')} ${m.rel}  (was ${octal(m.from)})\n`;
  for (const o of plan.owners) out += `chown ${o.to} ${o.rel}  (was ${o.from})\n`;
  for (const m of plan.manual) out += `# not fixed automatically: ${m}\n`;
  return out;
}

/** Writes the plan, after copying each touched file to the backup directory. Returns that directory. */
export function applyPlan(root: string, plan: FixPlan, now = new Date()): string {
  const backup = join('var/backups/kauth-audit', now.toISOString().replace(/[:.]/g, '-'));
  const touched = new Set([...plan.contents.keys(), ...plan.modes.map((m) => m.rel), ...plan.owners.map((o) => o.rel)]);
  for (const rel of touched) {
    const src = join(root, rel);
    if (statSync(src).isDirectory()) continue;
    const dst = join(root, backup, rel);
    mkdirSync(dirname(dst), { recursive: true, mode: 0o700 });
    copyFileSync(src, dst);
    chmodSync(dst, 0o600);
  }
  for (const [rel, e] of plan.contents) {
    const p = join(root, rel);
    const mode = statSync(p).mode & 0o7777;
    writeFileSync(p, e.after);
    chmodSync(p, mode);
  }
  for (const m of plan.modes) chmodSync(join(root, m.rel), m.to);
  for (const o of plan.owners) {
    const [user, group] = o.to.split(':');
    const u = lookupId(user!);
    const gid = groupId(group!) ?? u?.gid;
    if (u && gid !== undefined) chownSync(join(root, o.rel), u.uid, gid);
  }
  return backup;
}
