// A role's rules compiled for fast checks. Same semantics as rules.ts: a rule is a product
// verbs × apiGroups × resources (with an optional name list), so it can be split into cells
// (verb, group, resource) → names without changing what it allows, and a request matches a role iff one
// of its candidate cells — verb or `*`, group or `*`, resource, `*` or `*\/sub` — is present with a
// matching name.
//
// Cells are nested maps verb → group → resource → names; a role's fingerprints (below) reject most
// non-matching roles before any lookup.
import type { PolicyRule } from '../../api/types.js';
import { trimRightStars } from './rules.js';

/** `true`: any name. A set: only these names (the union of every rule's resourceNames for that cell). */
type Names = true | Set<string>;

interface UrlMatcher {
  all: boolean;
  exact: Set<string>;
  prefixes: string[];
}

/**
 * A one-bit-of-32 fingerprint of a string. Each compiled role keeps the union of the fingerprints of its
 * verbs, groups and resources, so most roles (and candidate cells) that cannot match a request are skipped
 * without a lookup (a Bloom filter: no false negatives).
 */
export function fingerprint(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return 1 << (h & 31);
}

const STAR = fingerprint('*');

/** The parts of a resource request the compiled form looks at, computed once per decision. */
export interface ResourceQuery {
  verb: string;
  apiGroup: string;
  /** `resource` or `resource/subresource`. */
  combined: string;
  /** `*\/subresource`, or '' when there is no subresource. */
  starSub: string;
  name: string;
  /** Unions of the fingerprints of the values that could match: verb or `*`; group or `*`; resource, `*` or `*\/sub`. */
  verbBits: number;
  groupBits: number;
  resourceBits: number;
}

export function resourceQuery(
  verb: string,
  apiGroup: string,
  resource: string,
  subresource: string,
  name: string,
): ResourceQuery {
  const q: ResourceQuery = {
    verb: '',
    apiGroup: '',
    combined: '',
    starSub: '',
    name: '',
    verbBits: 0,
    groupBits: 0,
    resourceBits: 0,
  };
  fillResourceQuery(q, verb, apiGroup, resource, subresource, name);
  return q;
}

/** Fills a (reused) query in place. */
export function fillResourceQuery(
  q: ResourceQuery,
  verb: string,
  apiGroup: string,
  resource: string,
  subresource: string,
  name: string,
): void {
  q.verb = verb;
  q.apiGroup = apiGroup;
  q.name = name;
  q.verbBits = fingerprint(verb) | STAR;
  q.groupBits = fingerprint(apiGroup) | STAR;
  if (subresource) {
    q.combined = `${resource}/${subresource}`;
    q.starSub = `*/${subresource}`;
    q.resourceBits = fingerprint(q.combined) | fingerprint(q.starSub) | STAR;
  } else {
    q.combined = resource;
    q.starSub = '';
    q.resourceBits = fingerprint(resource) | STAR;
  }
}

export class CompiledRules {
  /** verb → apiGroup → resource → names. */
  private readonly resources = new Map<string, Map<string, Map<string, Names>>>();
  /** verb → URL matcher. */
  private readonly urls = new Map<string, UrlMatcher>();
  /** Fingerprint unions (see fingerprint()); 0 when the role has no rule of that kind. */
  verbBits = 0;
  groupBits = 0;
  resourceBits = 0;
  urlVerbBits = 0;

  constructor(rules: readonly PolicyRule[]) {
    for (const rule of rules) this.add(rule);
  }

  private add(rule: PolicyRule): void {
    const names = rule.resourceNames ?? [];
    for (const verb of rule.verbs ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) this.addCell(verb, group, resource, names);
      }
      for (const url of rule.nonResourceURLs ?? []) this.addUrl(verb, url);
    }
  }

  private addCell(verb: string, group: string, resource: string, names: readonly string[]): void {
    this.verbBits |= fingerprint(verb);
    this.groupBits |= fingerprint(group);
    this.resourceBits |= fingerprint(resource);
    let byGroup = this.resources.get(verb);
    if (!byGroup) this.resources.set(verb, (byGroup = new Map()));
    let byResource = byGroup.get(group);
    if (!byResource) byGroup.set(group, (byResource = new Map()));
    const existing = byResource.get(resource);
    if (existing === true) return;
    if (names.length === 0) {
      byResource.set(resource, true);
      return;
    }
    const set = existing ?? new Set<string>();
    for (const n of names) set.add(n);
    byResource.set(resource, set);
  }

  private addUrl(verb: string, url: string): void {
    this.urlVerbBits |= fingerprint(verb);
    let m = this.urls.get(verb);
    if (!m) this.urls.set(verb, (m = { all: false, exact: new Set(), prefixes: [] }));
    if (url === '*') m.all = true;
    else if (url.endsWith('*')) {
      const prefix = trimRightStars(url);
      if (prefix === '') m.all = true;
      else if (!m.prefixes.includes(prefix)) m.prefixes.push(prefix);
    } else m.exact.add(url);
  }

  allowsResource(q: ResourceQuery): boolean {
    if (
      (this.verbBits & q.verbBits) === 0 ||
      (this.groupBits & q.groupBits) === 0 ||
      (this.resourceBits & q.resourceBits) === 0
    )
      return false;
    const exact = this.resources.get(q.verb);
    if (exact !== undefined && matchGroup(exact, q)) return true;
    if (q.verb !== '*') {
      const any = this.resources.get('*');
      if (any !== undefined && matchGroup(any, q)) return true;
    }
    return false;
  }

  allowsNonResource(verb: string, path: string): boolean {
    if (this.urlVerbBits === 0) return false;
    const exact = this.urls.get(verb);
    if (exact !== undefined && matchUrl(exact, path)) return true;
    if (verb !== '*') {
      const any = this.urls.get('*');
      if (any !== undefined && matchUrl(any, path)) return true;
    }
    return false;
  }
}

function matchGroup(byGroup: Map<string, Map<string, Names>>, q: ResourceQuery): boolean {
  const exact = byGroup.get(q.apiGroup);
  if (exact !== undefined && matchResource(exact, q)) return true;
  if (q.apiGroup !== '*') {
    const any = byGroup.get('*');
    if (any !== undefined && matchResource(any, q)) return true;
  }
  return false;
}

function matchResource(byResource: Map<string, Names>, q: ResourceQuery): boolean {
  if (namesMatch(byResource.get(q.combined), q.name)) return true;
  if (q.combined !== '*' && namesMatch(byResource.get('*'), q.name)) return true;
  return q.starSub !== '' && q.starSub !== q.combined && namesMatch(byResource.get(q.starSub), q.name);
}

function namesMatch(names: Names | undefined, name: string): boolean {
  return names !== undefined && (names === true || names.has(name));
}

function matchUrl(m: UrlMatcher, path: string): boolean {
  if (m.all || m.exact.has(path)) return true;
  for (const p of m.prefixes) if (path.startsWith(p)) return true;
  return false;
}
