// The set of served resources, which CustomResourceDefinitions change at run time. The built-in defs are
// fixed at start; each CRD owns the defs of its served versions. Readers (the server's path table, discovery,
// OpenAPI v2 and v3) hold on to `generation` and rebuild what they derived when it moved:
//   if (registry.generation !== this.seen) { this.seen = registry.generation; rebuild(registry.all()); }
// `all()` is one array, mutated in place, so ObjectStore.defs (the same array) stays the full list too.
import type { ResourceDef } from './types.js';

type Json = Record<string, unknown>;

export class ResourceRegistry {
  private readonly owned = new Map<string, ResourceDef[]>();
  private readonly listeners: (() => void)[] = [];
  /** Bumped on every change; readers cache by it. */
  generation = 0;

  /** `defs` is kept by reference and grows and shrinks with the registered CRDs. */
  constructor(private readonly defs: ResourceDef[]) {}

  all(): readonly ResourceDef[] {
    return this.defs;
  }

  /** Replaces the defs an owner (a CRD's name) serves; an empty list removes them. */
  replace(owner: string, defs: ResourceDef[]): void {
    const old = this.owned.get(owner) ?? [];
    if (old.length === 0 && defs.length === 0) return;
    for (const d of old) {
      const i = this.defs.indexOf(d);
      if (i >= 0) this.defs.splice(i, 1);
    }
    if (defs.length) this.owned.set(owner, defs);
    else this.owned.delete(owner);
    this.defs.push(...defs);
    this.generation++;
    for (const l of this.listeners) l();
  }

  owner(owner: string): readonly ResourceDef[] {
    return this.owned.get(owner) ?? [];
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}

/** A custom resource's published schema (the CRD version's openAPIV3Schema), for OpenAPI v2/v3. */
const published = new WeakMap<ResourceDef, Json>();

export function publishSchema(def: ResourceDef, schema: Json): void {
  published.set(def, schema);
}

export function publishedSchema(def: ResourceDef): Json | undefined {
  return published.get(def);
}

/** Custom resources refuse strategic merge patches (415), as kube-apiserver does: they carry no patch strategies. */
export function isCustomResource(def: ResourceDef): boolean {
  return published.has(def);
}
