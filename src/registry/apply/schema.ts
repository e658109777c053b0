// The types the merge engine walks (SMD's schema atoms): scalars; maps, whose keys are either declared fields (a
// struct) or free entries (labels, data), merged key by key unless atomic; lists that are atomic (replaced whole),
// sets (`x-kubernetes-list-type: set`, items are scalars) or maps (`x-kubernetes-list-type: map`, items matched by
// their key fields). `deduced` is SMD's type for values without a schema: objects become separable maps, lists
// atomic.
import type { Scalar } from './path.js';

export type TypeRef =
  | { kind: 'scalar' }
  | {
      kind: 'map';
      atomic?: boolean;
      /** Declared fields (a struct); keys not listed take elementType. */
      fields?: Record<string, TypeRef>;
      elementType?: TypeRef;
      /** Every key not in `fields` is a declared field of this type (a Go struct described only in part). */
      anyField?: TypeRef;
    }
  | {
      kind: 'list';
      /** atomic: replaced as a whole; set: scalar items; map: items keyed by `keys`. */
      listType: 'atomic' | 'set' | 'map';
      keys?: string[];
      /** Defaults of key fields an item may omit (a container port's protocol is TCP). */
      keyDefaults?: Record<string, Scalar>;
      elementType: TypeRef;
    }
  | { kind: 'deduced' }
  /** A built-in kind's value described only in part: objects are structs, lists atomic (kube's default). */
  | { kind: 'struct' };

export const STRUCT: TypeRef = { kind: 'struct' };
export const DEDUCED: TypeRef = { kind: 'deduced' };
export const SCALAR: { kind: 'scalar' } = { kind: 'scalar' };

/** The concrete type of a value: a deduced type becomes what the value looks like. */
export type ConcreteType = Exclude<TypeRef, { kind: 'deduced' } | { kind: 'struct' }>;

export function resolveType(t: TypeRef, v: unknown): ConcreteType {
  if (t.kind !== 'deduced' && t.kind !== 'struct') return t;
  if (Array.isArray(v)) return { kind: 'list', listType: 'atomic', elementType: t };
  if (v !== null && typeof v === 'object')
    return t.kind === 'struct' ? { kind: 'map', anyField: STRUCT } : { kind: 'map', elementType: DEDUCED };
  return SCALAR;
}

/** The type of a map's key: its declared field's, else the element type, else deduced. */
export function fieldType(t: TypeRef, key: string): TypeRef {
  if (t.kind === 'struct') return STRUCT;
  if (t.kind !== 'map') return DEDUCED;
  return (
    (t.fields && Object.hasOwn(t.fields, key) ? t.fields[key] : undefined) ?? t.anyField ?? t.elementType ?? DEDUCED
  );
}

export function isDeclaredField(t: TypeRef, key: string): boolean {
  if (t.kind === 'struct') return true;
  return t.kind === 'map' && (!!t.anyField || (!!t.fields && Object.hasOwn(t.fields, key)));
}

/** An OpenAPI v3 (structural) schema, as CRDs carry it, as far as the merge engine reads it. */
export interface OpenApiSchema {
  type?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
}

/** The type of a CRD version's schema (kube's apiextensions → SMD conversion, in substance). */
export function typeFromOpenApi(s: OpenApiSchema | undefined): TypeRef {
  if (!s) return DEDUCED;
  if (s['x-kubernetes-int-or-string']) return SCALAR;
  if (s.type === 'array') {
    const listType = s['x-kubernetes-list-type'];
    const elementType = typeFromOpenApi(s.items);
    if (listType === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const keyDefaults: Record<string, Scalar> = {};
      for (const k of keys) {
        const d = s.items?.properties?.[k]?.default;
        if (d !== undefined) keyDefaults[k] = d as Scalar;
      }
      return { kind: 'list', listType: 'map', keys, keyDefaults, elementType };
    }
    return { kind: 'list', listType: listType === 'set' ? 'set' : 'atomic', elementType };
  }
  if (s.type === 'object' || s.properties || s.additionalProperties || s['x-kubernetes-preserve-unknown-fields']) {
    const atomic = s['x-kubernetes-map-type'] === 'atomic';
    const fields: Record<string, TypeRef> = {};
    for (const [k, p] of Object.entries(s.properties ?? {})) fields[k] = typeFromOpenApi(p);
    if (s['x-kubernetes-embedded-resource']) {
      for (const k of ['apiVersion', 'kind']) fields[k] ??= SCALAR;
      fields.metadata ??= DEDUCED;
    }
    const additional = s.additionalProperties;
    const elementType =
      typeof additional === 'object'
        ? typeFromOpenApi(additional)
        : s['x-kubernetes-preserve-unknown-fields'] || additional === true
          ? DEDUCED
          : undefined;
    return { kind: 'map', ...(atomic ? { atomic } : {}), fields, ...(elementType ? { elementType } : {}) };
  }
  return SCALAR;
}
