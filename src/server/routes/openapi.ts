// OpenAPI v3, per group-version, describing every served path with the parts kubectl reads:
// `x-kubernetes-group-version-kind` on each operation and the `fieldValidation` query parameter on
// PATCH/POST/PUT, so `kubectl create/apply -f` know the server validates fields (no --validate=false).
// PATCH advertises JSON and merge patch only: kubectl then computes strategic-merge patches from its
// own compiled-in types (which carry the exact merge keys) instead of from a schema kauth would have
// to duplicate, and the server applies them with src/registry/patch.ts.
import { createHash } from 'node:crypto';
import { publishedSchema, type ResourceRegistry } from '../../registry/resource-registry.js';
import { groupVersion, type ResourceDef } from '../../registry/types.js';
import { SchemaBuilder } from './openapi-schemas.js';
import { trimTrailingSlashes } from '../requestinfo.js';
import { writeJson } from '../respond.js';
import { pageNotFound } from '../../api/errors.js';
import type { NonResourceContext } from '../server.js';

type Json = Record<string, unknown>;

const QUERY = (name: string, description: string, schema: Json = { type: 'string', uniqueItems: true }): Json => ({
  name,
  in: 'query',
  description,
  schema,
});
const DRY_RUN = QUERY(
  'dryRun',
  'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
);
const FIELD_MANAGER = QUERY(
  'fieldManager',
  'fieldManager is a name associated with the actor or entity that is making these changes.',
);
const FIELD_VALIDATION = QUERY(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
);
const PRETTY = QUERY('pretty', "If 'true', then the output is pretty printed.");
const LIST_PARAMS = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
].map((n) =>
  QUERY(
    n,
    n,
    n === 'limit' || n === 'timeoutSeconds'
      ? { type: 'integer', uniqueItems: true }
      : n === 'watch' || n === 'allowWatchBookmarks' || n === 'sendInitialEvents'
        ? { type: 'boolean', uniqueItems: true }
        : { type: 'string', uniqueItems: true },
  ),
);
const PATH_PARAM = (name: string): Json => ({
  name,
  in: 'path',
  required: true,
  description: `name of the ${name}`,
  schema: { type: 'string', uniqueItems: true },
});

function schemaName(def: ResourceDef, kind = def.kind): string {
  // A custom resource is named after its reversed group, as kube-apiserver publishes it (com.example.stable.v1.Widget).
  if (publishedSchema(def)) return `${def.group.split('.').reverse().join('.')}.${def.version}.${kind}`;
  const g = def.group ? def.group.split('.').reverse().join('.') : 'core';
  return `io.k8s.api.${g.replace(/^io\.k8s\./, '')}.${def.version}.${kind}`;
}

function kindSchema(def: ResourceDef): Json {
  return {
    type: 'object',
    description: `${def.kind} as served by kauth.`,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [{ group: def.group, kind: def.kind, version: def.version }],
  };
}

/** A CRD version's schema as published: apiVersion, kind and metadata filled in, and its group-version-kind. */
function customSchema(def: ResourceDef, schema: Json): Json {
  const props = { ...((schema.properties as Json | undefined) ?? {}) };
  props.apiVersion ??= {
    type: 'string',
    description: 'APIVersion defines the versioned schema of this representation of an object.',
  };
  props.kind ??= {
    type: 'string',
    description: 'Kind is a string value representing the REST resource this object represents.',
  };
  props.metadata = { type: 'object', description: "Standard object's metadata." };
  return {
    ...schema,
    properties: props,
    'x-kubernetes-group-version-kind': [{ group: def.group, kind: def.kind, version: def.version }],
  };
}

function body(ref: string, types: string[]): Json {
  const content: Json = {};
  for (const t of types) content[t] = { schema: { $ref: ref } };
  return { content, required: true };
}

function response(ref: string): Json {
  return {
    description: 'OK',
    content: { 'application/json': { schema: { $ref: ref } }, 'application/yaml': { schema: { $ref: ref } } },
  };
}

function operation(
  def: ResourceDef,
  action: string,
  opId: string,
  params: Json[],
  extra: Json = {},
  ref = `#/components/schemas/${schemaName(def)}`,
): Json {
  return {
    tags: [def.group ? `${def.group.split('.')[0]}_${def.version}` : `core_${def.version}`],
    operationId: opId,
    parameters: params,
    responses: { '200': response(ref), '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: def.group, kind: def.kind, version: def.version },
    ...extra,
  };
}

function pathsFor(def: ResourceDef, builder: SchemaBuilder, kindRef?: string): Record<string, Json> {
  const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const ref = kindRef ?? `#/components/schemas/${schemaName(def)}`;
  const nsPart = def.namespaced ? '/namespaces/{namespace}' : '';
  const nsParams = def.namespaced ? [PATH_PARAM('namespace')] : [];
  const collection = `${prefix}${nsPart}/${def.resource}`;
  const item = `${collection}/{name}`;
  const op = (verb: string): string => `${verb}${def.kind}`;
  const paths: Record<string, Json> = {};
  const operationOf = (d: ResourceDef, action: string, id: string, params: Json[], extra: Json = {}, r = ref): Json =>
    operation(d, action, id, params, extra, r);
  const writeParams = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, PRETTY];
  if (def.virtualCreate) {
    paths[collection] = {
      parameters: nsParams,
      post: operationOf(def, 'post', op('create'), writeParams, {
        requestBody: body(ref, ['application/json', 'application/yaml']),
      }),
    };
    return paths;
  }
  const coll: Json = { parameters: [...nsParams, PRETTY] };
  if (def.verbs.includes('list')) coll.get = operationOf(def, 'list', op('list'), LIST_PARAMS);
  if (def.verbs.includes('create'))
    coll.post = operationOf(def, 'post', op('create'), writeParams, {
      requestBody: body(ref, ['application/json', 'application/yaml']),
    });
  if (def.verbs.includes('deletecollection'))
    coll.delete = operationOf(def, 'deletecollection', op('deletecollection'), [DRY_RUN, ...LIST_PARAMS]);
  paths[collection] = coll;
  const one: Json = { parameters: [PATH_PARAM('name'), ...nsParams, PRETTY] };
  if (def.verbs.includes('get')) one.get = operationOf(def, 'get', op('read'), []);
  if (def.verbs.includes('update'))
    one.put = operationOf(def, 'put', op('replace'), writeParams, {
      requestBody: body(ref, ['application/json', 'application/yaml']),
    });
  if (def.verbs.includes('patch')) {
    one.patch = operationOf(
      def,
      'patch',
      op('patch'),
      [
        ...writeParams,
        QUERY('force', 'Force is going to "force" Apply requests.', { type: 'boolean', uniqueItems: true }),
      ],
      {
        requestBody: {
          content: {
            'application/json-patch+json': {
              schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
            },
            'application/merge-patch+json': {
              schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
            },
          },
          required: true,
        },
      },
    );
  }
  if (def.verbs.includes('delete'))
    one.delete = operationOf(def, 'delete', op('delete'), [
      DRY_RUN,
      QUERY('gracePeriodSeconds', 'grace period', { type: 'integer', uniqueItems: true }),
      QUERY('propagationPolicy', 'propagation policy'),
    ]);
  paths[item] = one;
  for (const [sub, s] of Object.entries(def.subresources ?? {})) {
    const p: Json = { parameters: [PATH_PARAM('name'), ...nsParams, PRETTY] };
    const subDef = { ...def, kind: s.kind ?? def.kind, group: s.group ?? def.group, version: s.version ?? def.version };
    const subRef = s.kind ? (builder.kind(subDef.group, subDef.version, subDef.kind) ?? ref) : ref;
    if (s.verbs.includes('get')) p.get = operationOf(subDef, 'get', `read${def.kind}${cap(sub)}`, [], {}, subRef);
    if (s.verbs.includes('create'))
      p.post = operationOf(
        subDef,
        'post',
        `create${def.kind}${cap(sub)}`,
        writeParams,
        { requestBody: body(subRef, ['application/json']) },
        subRef,
      );
    if (s.verbs.includes('update'))
      p.put = operationOf(
        subDef,
        'put',
        `replace${def.kind}${cap(sub)}`,
        writeParams,
        { requestBody: body(subRef, ['application/json']) },
        subRef,
      );
    if (s.verbs.includes('patch'))
      p.patch = operationOf(
        subDef,
        'patch',
        `patch${def.kind}${cap(sub)}`,
        writeParams,
        {
          requestBody: {
            content: { 'application/json-patch+json': {}, 'application/merge-patch+json': {} },
            required: true,
          },
        },
        subRef,
      );
    paths[`${item}/${sub}`] = p;
  }
  return paths;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class OpenApiV3 {
  private built?: Map<string, { text: string; hash: string }>;
  private builtGeneration = -1;

  constructor(
    private readonly defs: ResourceDef[],
    private readonly version: string,
    private readonly registry?: ResourceRegistry,
  ) {}

  /**
   * Built on the first request (the schemas load the kind definitions, which start-up does not need), and again
   * after the registry changed (CRDs).
   */
  private get docs(): Map<string, { text: string; hash: string }> {
    const generation = this.registry?.generation ?? 0;
    if (!this.built || generation !== this.builtGeneration) {
      this.builtGeneration = generation;
      this.built = this.build();
    }
    return this.built;
  }

  private build(): Map<string, { text: string; hash: string }> {
    const docs = new Map<string, { text: string; hash: string }>();
    const defs = this.registry ? [...this.registry.all()] : this.defs;
    const byGv = new Map<string, ResourceDef[]>();
    for (const d of defs) {
      const key = d.group ? `apis/${groupVersion(d)}` : `api/${d.version}`;
      if (!byGv.has(key)) byGv.set(key, []);
      byGv.get(key)!.push(d);
    }
    for (const [key, list] of byGv) {
      const paths: Record<string, Json> = {};
      const schemas: Record<string, Json> = {
        'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
          type: 'object',
          description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
        },
      };
      const builder = new SchemaBuilder();
      for (const d of list) {
        // Kinds with a known definition get their full schema (named as kube-apiserver names it);
        // the others an open object, so clients still find their group-version-kind.
        const custom = publishedSchema(d);
        const ref = custom ? undefined : builder.kind(d.group, d.version, d.kind);
        Object.assign(paths, pathsFor(d, builder, ref));
        if (custom) schemas[schemaName(d)] = customSchema(d, custom);
        else if (!ref) schemas[schemaName(d)] = kindSchema(d);
      }
      Object.assign(schemas, builder.components);
      const doc = {
        openapi: '3.0.0',
        info: { title: 'Kubernetes', version: this.version },
        paths,
        components: { schemas },
      };
      const text = JSON.stringify(doc);
      docs.set(key, { text, hash: createHash('sha512').update(text).digest('hex').toUpperCase() });
    }
    return docs;
  }

  root(): unknown {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, d] of this.docs) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
    return { paths };
  }

  serve(ctx: NonResourceContext): void {
    const path = trimTrailingSlashes(ctx.info.path);
    if (path === '/openapi/v3') return writeJson(ctx.req, ctx.res, 200, this.root());
    const key = path.slice('/openapi/v3/'.length);
    const doc = this.docs.get(key);
    if (!doc) throw pageNotFound();
    ctx.res.setHeader('Etag', `"${doc.hash}"`);
    if (ctx.query.get('hash') === doc.hash) ctx.res.setHeader('Cache-Control', 'public, immutable');
    ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc.text) });
    ctx.res.end(doc.text);
  }
}
