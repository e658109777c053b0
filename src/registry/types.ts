// What a resource is to kauth: one ResourceDef per served resource, a strategy for its
// defaults and validation, and how it prints as a Table. The generic REST code in rest.ts
// serves every ResourceDef the same way; nothing outside a resource's own file special-cases it.
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../authn/interfaces.js';
import type { RequestInfo } from '../server/requestinfo.js';
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
  /** Does an update bump metadata.generation (spec changed)? Default: any change outside metadata/status. */
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
  /** Replaces plain deletion (e.g. namespaces go Terminating first). Returns the object to answer with. */
  delete?(obj: KubeObject, store: ObjectStore, ctx: RequestContext): Promise<KubeObject>;
}

/** Main-resource writes keep the stored status (resources that have a status subresource). */
export function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = old.status;
}

/** Status-subresource writes change only status (and labels/annotations are kept from the stored object). */
export const STATUS_ONLY: Strategy = {
  prepareForUpdate(obj, old) {
    const status = obj.status;
    for (const k of Object.keys(obj)) delete obj[k];
    Object.assign(obj, structuredClone(old), { status });
    if (status === undefined) delete obj.status;
  },
  generationChanged: () => false,
};

export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
