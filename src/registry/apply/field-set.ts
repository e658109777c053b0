// A set of field paths (SMD's fieldpath.Set) as a trie: at each level the elements that are members themselves,
// and the children that have members below them. FieldsV1 is this trie as JSON, with "." marking a node that is
// both a member and a parent (`{"f:data":{".":{},"f:key":{}}}`).
import { compareElements, parseElement, serializeElement, type Path, type PathElement } from './path.js';

/** managedFields come from clients too: a budget on their nesting (the field manager tracks 256 levels). */
const MAX_FIELDS_V1_DEPTH = 300;

interface Child {
  pe: PathElement;
  set: FieldSet;
}

export class FieldSet {
  /** Members at this level, by their serialized element. */
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.child(path[i]!);
    const last = path[path.length - 1]!;
    node.members.set(serializeElement(last), last);
  }

  has(path: Path): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(serializeElement(path[i]!))?.set;
    return !!node && path.length > 0 && node.members.has(serializeElement(path[path.length - 1]!));
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.empty()) return false;
    return true;
  }

  /** The subset below one element (SMD's WithPrefix), empty when there is none. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? new FieldSet();
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.addAll(other);
    return out;
  }

  /** Members of this not in other, level by level (a member's children are not touched by it). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      const d = o ? c.set.difference(o.set) : c.set.copy();
      if (!d.empty()) out.children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  /** Removes every member of other and everything below it (SMD's RecursiveDifference). */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (other.members.has(k)) continue;
      const o = other.children.get(k);
      const d = o ? c.set.recursiveDifference(o.set) : c.set.copy();
      if (!d.empty()) out.children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const i = c.set.intersection(o.set);
      if (!i.empty()) out.children.set(k, { pe: c.pe, set: i });
    }
    return out;
  }

  /** Every member path, in SMD's order (elements sorted; a member before its children). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    const keys = new Map<string, PathElement>([
      ...this.members,
      ...[...this.children].map(([k, c]) => [k, c.pe] as const),
    ]);
    for (const [k, pe] of [...keys].sort((a, b) => compareElements(a[1], b[1]))) {
      const path = [...prefix, pe];
      if (this.members.has(k)) out.push(path);
      const c = this.children.get(k);
      if (c) out.push(...c.set.paths(path));
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).empty() && other.difference(this).empty();
  }

  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, PathElement>([
      ...this.members,
      ...[...this.children].map(([k, c]) => [k, c.pe] as const),
    ]);
    for (const [k, pe] of [...keys].sort((a, b) => compareElements(a[1], b[1]))) {
      const c = this.children.get(k);
      const below = c && !c.set.empty() ? c.set.toFieldsV1() : undefined;
      if (below) out[k] = this.members.has(k) ? { '.': {}, ...below } : below;
      else if (this.members.has(k)) out[k] = {};
    }
    return out;
  }

  /** Reads a fieldsV1 object; throws with the offending key on anything that is not one, or one nested too deep. */
  static fromFieldsV1(v: unknown, depth = 0): FieldSet {
    const out = new FieldSet();
    if (depth > MAX_FIELDS_V1_DEPTH) throw new Error(`fieldsV1 nests deeper than ${MAX_FIELDS_V1_DEPTH} levels`);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('fieldsV1 must be an object');
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (k === '.') continue;
      const pe = parseElement(k);
      if (!pe) throw new Error(`unknown field path element ${JSON.stringify(k)}`);
      const isObject = child !== null && typeof child === 'object' && !Array.isArray(child);
      if (!isObject) throw new Error(`fieldsV1 ${JSON.stringify(k)} must map to an object`);
      const entries = Object.keys(child as object);
      if (entries.length === 0 || entries.includes('.')) out.members.set(k, pe);
      const below = FieldSet.fromFieldsV1(child, depth + 1);
      if (!below.empty()) out.children.set(k, { pe, set: below });
    }
    return out;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    out.addAll(this);
    return out;
  }

  private child(pe: PathElement): FieldSet {
    const k = serializeElement(pe);
    let c = this.children.get(k);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.children.set(k, c);
    }
    return c.set;
  }

  private addAll(other: FieldSet): void {
    for (const [k, pe] of other.members) this.members.set(k, pe);
    for (const c of other.children.values()) this.child(c.pe).addAll(c.set);
  }
}
