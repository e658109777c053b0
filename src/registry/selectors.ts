// Label and field selectors with apimachinery's syntax (labels.Parse / fields.ParseSelector).
import { badRequest } from '../api/errors.js';
import type { LabelSelector } from '../api/types.js';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!='; values: [string] }
  | { key: string; op: 'gt' | 'lt'; values: [string] };

export type Matcher = (labels: Record<string, string> | undefined) => boolean;

const EVERYTHING: Matcher = () => true;

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3` into a matcher; bad syntax → 400. */
export function parseLabelSelector(selector: string | null): Matcher {
  if (!selector || !selector.trim()) return EVERYTHING;
  const reqs = splitTopLevel(selector).map((term) => parseRequirement(term.trim(), selector));
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseRequirement(term: string, whole: string): Requirement {
  let m: RegExpExecArray | null;
  if ((m = /^([^\s!=<>(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '' || m![3]!.trim() === '') };
  }
  if ((m = /^([^\s!=<>(),]+)\s*(==|=|!=)\s*([^\s!=<>(),]*)$/.exec(term))) {
    return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
  }
  if ((m = /^([^\s!=<>(),]+)\s*([<>])\s*(-?\d+)$/.exec(term))) {
    return { key: m[1]!, op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]!] };
  }
  if ((m = /^!\s*([^\s!=<>(),]+)$/.exec(term))) return { key: m[1]!, op: '!' };
  if ((m = /^([^\s!=<>(),]+)$/.exec(term))) return { key: m[1]!, op: 'exists' };
  throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt (selector "${whole}")`);
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'exists': return has;
    case '!': return !has;
    case '=': return has && v === r.values[0];
    case '!=': return !has || v !== r.values[0];
    case 'in': return has && r.values.includes(v!);
    case 'notin': return !has || !r.values.includes(v!);
    case 'gt': return has && Number(v) > Number(r.values[0]);
    case 'lt': return has && Number(v) < Number(r.values[0]);
  }
}

/** metav1.LabelSelector (matchLabels + matchExpressions) → matcher. */
export function labelSelectorMatcher(sel: LabelSelector | undefined): Matcher {
  if (!sel) return () => false;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else reqs.push({ key: e.key, op: '!' });
  }
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** `metadata.name=x,spec.nodeName!=y` → requirements; unsupported fields are rejected by the caller. */
export function parseFieldSelector(selector: string | null): FieldRequirement[] {
  if (!selector || !selector.trim()) return [];
  return selector.split(',').map((term) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    return { field: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}
