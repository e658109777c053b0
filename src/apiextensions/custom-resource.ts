// The ResourceDefs one CustomResourceDefinition serves: one per served version, all stored under
// /registry/<group>/<plural>/ in the storage version (conversion strategy None: only apiVersion changes, as
// kube's nopConverter does). Each carries the version's schema (prune, default, validate), its printer columns,
// selectable fields and subresources; the generic REST code serves them like any built-in kind.
import { badRequest, fieldInvalid, type FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { withObjectMeta } from '../registry/apply/builtin-types.js';
import { typeFromOpenApi, type OpenApiSchema } from '../registry/apply/schema.js';
import { publishSchema } from '../registry/resource-registry.js';
import { age, table } from '../registry/table.js';
import {
  ALL_VERBS,
  keepStatus,
  type RequestContext,
  type ResourceDef,
  type Strategy,
  type SubresourceDef,
  type TableColumn,
} from '../registry/types.js';
import { evaluate, parsePath, setAt, type Step } from './jsonpath.js';
import { applyDefaults, compile, prune, validate, type Json, type Schema } from './schema.js';

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: {
    status?: Json;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: {
    name: string;
    type: TableColumn['type'];
    format?: string;
    description?: string;
    priority?: number;
    jsonPath: string;
  }[];
  selectableFields?: { jsonPath: string }[];
}

export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
}

/** kube's CRD version priority (version.CompareKubeAwareVersionStrings): GA > beta > alpha > other, higher first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
  };
  const pa = parse(a),
    pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  if (pa[0] !== pb[0]) return pb[0] - pa[0];
  if (pa[1] !== pb[1]) return pb[1] - pa[1];
  return pb[2] - pa[2];
}

/** The served versions in kube's priority order (the first is the preferred version). */
export function servedVersions(spec: CrdSpec): CrdVersion[] {
  return spec.versions.filter((v) => v.served).sort((a, b) => compareVersions(a.name, b.name));
}

export function defsForCrd(spec: CrdSpec): ResourceDef[] {
  const storage = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name ?? '';
  const storageGv = `${spec.group}/${storage}`;
  // The preferred version first: discovery names the first version of a group its preferredVersion.
  return servedVersions(spec).map((v) => defForVersion(spec, v, storageGv));
}

function defForVersion(spec: CrdSpec, v: CrdVersion, storageGv: string): ResourceDef {
  const { group, names } = spec;
  const gv = `${group}/${v.name}`;
  const schema: Schema = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const check = compile(schema);
  const hasStatus = v.subresources?.status !== undefined;
  const prepare = (obj: KubeObject, ctx: RequestContext): void => {
    const pruned = prune(obj as unknown as Json, schema);
    if (pruned.length && ctx.query.get('fieldValidation') === 'Strict') {
      const list = pruned.map((f) => `unknown field "${f}"`).join(', ');
      throw badRequest(
        `${names.kind} in version "${v.name}" cannot be handled as a ${names.kind}: strict decoding error: ${list}`,
      );
    }
    applyDefaults(obj, schema);
  };
  const validateObj = (obj: KubeObject): FieldError[] => validate(check, obj as unknown as Json);
  const strategy: Strategy = {
    prepareForCreate(obj, ctx) {
      if (hasStatus) delete obj.status;
      prepare(obj, ctx);
      obj.metadata.generation = 1;
    },
    prepareForUpdate(obj, old, ctx) {
      if (hasStatus) keepStatus(obj, old);
      prepare(obj, ctx);
    },
    validate: validateObj,
    validateUpdate: validateObj,
    // customResourceStrategy.PrepareForUpdate: any change outside metadata (and status, when it is a subresource).
    generationChanged(obj, old) {
      const strip = (o: KubeObject): string => {
        const { metadata: _m, status, ...rest } = o;
        return JSON.stringify(hasStatus ? rest : { ...rest, status });
      };
      return strip(obj) !== strip(old);
    },
  };
  const subresources: Record<string, SubresourceDef> = {};
  if (hasStatus) {
    subresources.status = {
      verbs: ['get', 'patch', 'update'],
      updateStrategy: {
        // customResourceStatusStrategy: everything but status (and metadata) kept from the stored object.
        prepareForUpdate(obj, old, ctx) {
          const status = obj.status;
          for (const k of Object.keys(obj)) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind') delete obj[k];
          for (const [k, val] of Object.entries(old))
            if (k !== 'metadata' && k !== 'status') obj[k] = structuredClone(val);
          if (status !== undefined) obj.status = status;
          prepare(obj, ctx);
        },
        validate: validateObj,
        validateUpdate: validateObj,
      },
    };
  }
  if (v.subresources?.scale) subresources.scale = scaleSubresource(v.subresources.scale);
  const def: ResourceDef = {
    group,
    version: v.name,
    resource: names.plural,
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    singularName: names.singular ?? names.kind.toLowerCase(),
    namespaced: spec.scope === 'Namespaced',
    verbs: ALL_VERBS,
    strategy,
    table: printerTable(v),
    subresources,
    fieldLabels: selectableFields(v),
    applyType: withObjectMeta(typeFromOpenApi(schema as OpenApiSchema)),
    storedAs: {
      group,
      resource: names.plural,
      toStored: (o) => (o.apiVersion === storageGv ? o : { ...o, apiVersion: storageGv }),
      fromStored: (o) => (o.apiVersion === gv ? o : { ...o, apiVersion: gv }),
    },
  };
  if (names.shortNames?.length) def.shortNames = names.shortNames;
  if (names.categories?.length) def.categories = names.categories;
  publishSchema(def, schema as Json);
  return def;
}

/** apiextensions-apiserver's tableconvertor: Name, then the version's additionalPrinterColumns (Age when none). */
function printerTable(v: CrdVersion): ResourceDef['table'] {
  const columns = v.additionalPrinterColumns?.length
    ? v.additionalPrinterColumns
    : [
        {
          name: 'Age',
          type: 'date' as const,
          jsonPath: '.metadata.creationTimestamp',
          description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
        },
      ];
  const paths = columns.map((c) => parsePath(c.jsonPath));
  return table(
    columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      priority: c.priority ?? 0,
      description: c.description ?? '',
    })),
    (o) =>
      columns.map((c, i) => {
        const steps = paths[i]!;
        const value = typeof steps === 'string' ? undefined : evaluate(o, steps);
        if (value === undefined || value === null) return null;
        if (c.type === 'date') return typeof value === 'string' ? age(value) : null;
        if (typeof value === 'object') return JSON.stringify(value);
        return value;
      }),
    { age: 'none' },
  );
}

function selectableFields(v: CrdVersion): ResourceDef['fieldLabels'] {
  const out: NonNullable<ResourceDef['fieldLabels']> = {};
  for (const f of v.selectableFields ?? []) {
    const steps = parsePath(f.jsonPath);
    if (typeof steps === 'string') continue;
    out[f.jsonPath.slice(1)] = (o) => {
      const value = evaluate(o, steps);
      return value === undefined || value === null ? undefined : String(value);
    };
  }
  return out;
}

/** autoscaling/v1 Scale over the CR's replica paths (apiextensions-apiserver's ScaleREST). */
function scaleSubresource(scale: NonNullable<NonNullable<CrdVersion['subresources']>['scale']>): SubresourceDef {
  const spec = parsePath(scale.specReplicasPath) as Step[];
  const status = parsePath(scale.statusReplicasPath) as Step[];
  const selector = scale.labelSelectorPath ? (parsePath(scale.labelSelectorPath) as Step[]) : undefined;
  return {
    verbs: ['get', 'patch', 'update'],
    kind: 'Scale',
    group: 'autoscaling',
    version: 'v1',
    view: {
      toView(parent) {
        const m = parent.metadata;
        const replicas = Number(evaluate(parent, spec) ?? 0);
        const st: Json = { replicas: Number(evaluate(parent, status) ?? 0) };
        const sel = selector ? evaluate(parent, selector) : undefined;
        if (typeof sel === 'string' && sel) st.selector = sel;
        return {
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: {
            name: m.name,
            namespace: m.namespace,
            uid: m.uid,
            resourceVersion: m.resourceVersion,
            creationTimestamp: m.creationTimestamp,
          },
          spec: { replicas },
          status: st,
        } as KubeObject;
      },
      validate(view) {
        const r = (view.spec as Json | undefined)?.replicas;
        return typeof r === 'number' && r < 0
          ? [fieldInvalid('spec.replicas', r, 'must be greater than or equal to 0')]
          : [];
      },
      fromView(view, parent) {
        const next = structuredClone(parent);
        setAt(next as unknown as Json, spec, (view.spec as Json | undefined)?.replicas ?? 0);
        return next;
      },
    },
  };
}
