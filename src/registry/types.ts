// What a resource is to kauth: one ResourceDef per served resource, a strategy for its
// defaults and validation, and how it prints as a Table. The generic REST code in rest.ts
// serves every ResourceDef the same way; nothing outside a resource's own file special-cases it.
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../authn/interfaces.js';
import type { RequestInfo } from '../server/requestinfo.js';
import type { TypeRef } from './apply/schema.js';
import type { ObjectStore } from './object-store.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  priority: number;
}

export interface TableConvertor {
  columns: TableColumn[];
  /** Cells for one object, in column order (a date column takes an RFC 3339 string; AGE is rendered by kubectl). */
  cells(obj: KubeObject): unknown[];
}

/** Everything a handler knows about the request it serves. */
export interface RequestContext {
  user: UserInfo;
  info: RequestInfo;
  dryRun: boolean;
  query: URLSearchParams;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface Strategy {
  /** Fills defaults (called on create and update, before validation). */
  defaults?(obj: KubeObject): void;
  /** Create-time preparation: clear status, set server-owned fields (e.g. a CSR's requester). */
  prepareForCreate?(obj: KubeObject, ctx: RequestContext): void;
  /** Update-time preparation: keep status (main resource) or everything but status (status subresource). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): void;
  validate?(obj: KubeObject, ctx: RequestContext): FieldError[] | Promise<FieldError[]>;
  validateUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): FieldError[] | Promise<FieldError[]>;
  /**
   * Kinds that track metadata.generation define this: they start at generation 1 and an update bumps it when
   * this returns true (pods: spec changed; deployments: spec or annotations). Kinds without it have no
   * generation at all, as ConfigMaps, Services or Roles in kube-apiserver.
   */
  generationChanged?(obj: KubeObject, old: KubeObject): boolean;
}

/** A subresource served by its own handler (token, approval, status, …). */
export interface SubresourceDef {
  /** Verbs allowed on it, e.g. ['create'] for serviceaccounts/token, ['get','update','patch'] for status. */
  verbs: Verb[];
  /** For `status`-like subresources: reuse the generic update path with this strategy. */
  updateStrategy?: Strategy;
  /** Custom handler (POST body → response object); used by serviceaccounts/token. */
  create?(parent: KubeObject, body: unknown, ctx: RequestContext): Promise<{ status: number; body: unknown }>;
  /** Kind of the subresource's objects for discovery (e.g. TokenRequest). */
  kind?: string;
  group?: string;
  version?: string;
  /** A subresource that is another kind's view of its parent (deployments/scale): get, update and patch it. */
  view?: SubresourceView;
}

/** A projection of the parent object into another kind, and the way back (ScaleREST). */
export interface SubresourceView {
  /** The view of a stored parent. */
  toView(parent: KubeObject): KubeObject;
  /** Validation errors of a view a client sent (e.g. spec.replicas < 0), named after the view's kind. */
  validate(view: KubeObject): FieldError[];
  /** The parent with the view's changes applied. */
  fromView(view: KubeObject, parent: KubeObject): KubeObject;
}

/** A create-only virtual resource (SubjectAccessReview, TokenReview, …): POST body → response, nothing stored. */
export interface VirtualCreate {
  (body: KubeObject, ctx: RequestContext): Promise<KubeObject>;
}

export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, lower case: `pods`. */
  resource: string;
  kind: string;
  listKind: string;
  singularName: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  strategy?: Strategy;
  /** metadata.name rule (default: DNS-1123 subdomain). */
  nameValidator?: (name: string) => string[];
  table?: TableConvertor;
  subresources?: Record<string, SubresourceDef>;
  /** For virtual resources: the handler for POST. No storage. */
  virtualCreate?: VirtualCreate;
  /** Extra field selectors beyond metadata.name/metadata.namespace: selector key → value extractor. */
  fieldLabels?: Record<string, (obj: KubeObject) => string | undefined>;
  /** Called after a successful delete (namespace cleanup, …). */
  afterDelete?(obj: KubeObject, store: ObjectStore): Promise<void>;
  /**
   * Replaces plain deletion (e.g. namespaces go Terminating first). Returns the object to answer with.
   * Handles DeleteOptions preconditions itself (kube-apiserver's namespace storage words them its own way).
   */
  delete?(obj: KubeObject, store: ObjectStore, ctx: RequestContext, options: DeleteOptions): Promise<KubeObject>;
  /** How server-side apply merges this kind (a CRD's schema); built-in kinds default to apply/builtin-types.ts. */
  applyType?: TypeRef;
  /**
   * DELETE answers with the deleted object (the store's ReturnDeletedObject: pods, services,
   * serviceaccounts, namespaces) instead of a `Status` with status Success.
   */
  returnDeletedObject?: boolean;
  /**
   * Another group's view of objects stored under a different resource (events.k8s.io/v1 Events are core
   * v1 Events in storage, as in kube-apiserver): the storage prefix to use, and the field mapping each way.
   */
  storedAs?: StoredAs;
  /** Read-only resources computed on each request (componentstatuses): get and list call this, nothing is stored. */
  virtualList?(ctx: RequestContext): Promise<KubeObject[]>;
}

export interface StoredAs {
  group: string;
  resource: string;
  /** This def's object → the stored object. */
  toStored(obj: KubeObject): KubeObject;
  /** A stored object → this def's object. */
  fromStored(obj: KubeObject): KubeObject;
}

/** metav1.DeleteOptions, as far as kauth reads it. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: string;
  dryRun?: string[];
}

/** Main-resource writes keep the stored status (resources that have a status subresource). */
export function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = old.status;
}

type MetaField = 'labels' | 'annotations' | 'ownerReferences' | 'finalizers';

/**
 * A status-subresource strategy: everything outside metadata and status (spec, data, …) is kept from the
 * stored object, as the kinds' StatusStrategy.PrepareForUpdate do (`newPod.Spec = oldPod.Spec`). Metadata
 * may still change through /status, except the fields listed (pods keep ownerReferences, deployments labels).
 */
export function statusOnly(keepMeta: MetaField[] = []): Strategy {
  return {
    prepareForUpdate(obj, old) {
      for (const k of Object.keys(obj)) if (!PASS_THROUGH.has(k)) delete obj[k];
      for (const [k, v] of Object.entries(old)) if (!PASS_THROUGH.has(k)) setOwn(obj, k, structuredClone(v));
      for (const f of keepMeta) {
        if (old.metadata[f] === undefined) delete obj.metadata[f];
        else setOwn(obj.metadata as Record<string, unknown>, f, structuredClone(old.metadata[f]));
      }
    },
  };
}

const PASS_THROUGH = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** Plain own-property assignment, safe for a key such as `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The generic status strategy (services, nodes, namespaces). */
export const STATUS_ONLY: Strategy = statusOnly();

export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
