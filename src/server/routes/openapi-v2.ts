// /openapi/v2: one Swagger 2.0 document for every served path, as kube-apiserver publishes it — JSON, or
// protobuf (the gnostic OpenAPIv2 `Document` message) for `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
// which is what client-go's discovery client asks for. kubectl falls back to it when OpenAPI v3 cannot answer,
// e.g. to validate `kubectl create -f` of a SubjectAccessReview (a kind without PATCH).
//
// The definitions come from the same SchemaBuilder as OpenAPI v3. One deliberate difference from kube: only the
// kinds served without PATCH (the reviews) carry `x-kubernetes-group-version-kind` on their definition. kubectl
// apply looks a kind up here by that extension to compute strategic-merge patches; kauth's schemas carry no
// patch strategies, so patchable kinds must stay unfound and kubectl keeps using its compiled-in types (which
// carry kube's exact merge keys) — the same reason OpenAPI v3 advertises only JSON and merge patch.
//
// CRDs (src/apiextensions) change the served defs at run time through src/registry/resource-registry.ts: read the
// current list as `registry.all()` and rebuild when `registry.generation` moved since the last build (OpenAPI v3
// in openapi.ts does so); a custom resource's schema is `publishedSchema(def)` (its CRD version's openAPIV3Schema).
// Until then this document lists the defs present when it is first built (the `defs` array is the registry's own).
import { createHash } from 'node:crypto';
import type protobufjs from 'protobufjs';
import { protobuf } from '../../api/protobuf/lib.js';
import { groupVersion, type ResourceDef } from '../../registry/types.js';
import { trimTrailingSlashes } from '../requestinfo.js';
import { writeJson } from '../respond.js';
import { pageNotFound } from '../../api/errors.js';
import type { NonResourceContext } from '../server.js';
import { SchemaBuilder } from './openapi-schemas.js';

type Json = Record<string, unknown>;

/**
 * What client-go asks for (kube-openapi calls this spelling deprecated), and the spelling kube-apiserver answers
 * with and also accepts: Go's mime parser refuses the `@`, so the response must use the dotted form.
 */
export const OPENAPI_V2_PROTOBUF_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** The part of gnostic's openapiv2/OpenAPIv2.proto that a Kubernetes document uses (field numbers as upstream). */
const GNOSTIC_V2 = `
syntax = "proto3";
package openapi.v2;
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Any { string yaml = 2; }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5; }
message Definitions { repeated NamedSchema additional_properties = 1; }
message Document {
  string swagger = 1; Info info = 2; repeated string consumes = 6; repeated string produces = 7;
  Paths paths = 8; Definitions definitions = 9; repeated SecurityRequirement security = 12;
  SecurityDefinitions security_definitions = 13;
}
message Info { string title = 1; string version = 2; }
message ItemsItem { repeated Schema schema = 1; }
message NamedAny { string name = 1; Any value = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message NamedSchema { string name = 1; Schema value = 2; }
message NamedSecurityDefinitionsItem { string name = 1; SecurityDefinitionsItem value = 2; }
message NamedStringArray { string name = 1; StringArray value = 2; }
message NonBodyParameter { oneof oneof { QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; } }
message ApiKeySecurity { string type = 1; string name = 2; string in = 3; string description = 4; }
message Operation {
  repeated string tags = 1; string description = 3; string operation_id = 5; repeated string produces = 6;
  repeated string consumes = 7; repeated ParametersItem parameters = 8; Responses responses = 9;
  repeated string schemes = 10; repeated NamedAny vendor_extension = 13;
}
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message JsonReference { string _ref = 1; string description = 2; }
message PathItem {
  Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation patch = 8;
  repeated ParametersItem parameters = 9;
}
message PathParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; bool unique_items = 19; }
message Paths { repeated NamedPathItem path = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message QueryParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 6; bool unique_items = 20; }
message Response { string description = 1; SchemaItem schema = 2; }
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Responses { repeated NamedResponseValue response_code = 1; }
message Schema {
  string _ref = 1; string format = 2; string title = 3; string description = 4; Any default = 5;
  double maximum = 7; double minimum = 9; int64 max_length = 11; int64 min_length = 12; string pattern = 13;
  int64 max_items = 14; int64 min_items = 15; bool unique_items = 16;
  repeated string required = 19; repeated Any enum = 20; AdditionalPropertiesItem additional_properties = 21;
  TypeItem type = 22; ItemsItem items = 23; repeated Schema all_of = 24; Properties properties = 25;
  repeated NamedAny vendor_extension = 31;
}
message SchemaItem { oneof oneof { Schema schema = 1; } }
message SecurityDefinitions { repeated NamedSecurityDefinitionsItem additional_properties = 1; }
message SecurityDefinitionsItem { oneof oneof { ApiKeySecurity api_key_security = 2; } }
message SecurityRequirement { repeated NamedStringArray additional_properties = 1; }
message StringArray { repeated string value = 1; }
message TypeItem { repeated string value = 1; }
`;

let documentType: protobufjs.Type | undefined;

function gnosticDocument(): protobufjs.Type {
  if (documentType) return documentType;
  const root = protobuf().parse(GNOSTIC_V2, { keepCase: true }).root;
  documentType = root.lookupType('openapi.v2.Document');
  return documentType;
}

const QUERY = (name: string, description: string, type = 'string'): Json => ({
  name,
  in: 'query',
  description,
  type,
  uniqueItems: true,
});
const PATH_PARAM = (name: string): Json => ({
  name,
  in: 'path',
  required: true,
  description: `name of the ${name}`,
  type: 'string',
  uniqueItems: true,
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
const LIST_PARAMS: Json[] = [
  ['allowWatchBookmarks', 'boolean'],
  ['continue', 'string'],
  ['fieldSelector', 'string'],
  ['labelSelector', 'string'],
  ['limit', 'integer'],
  ['resourceVersion', 'string'],
  ['resourceVersionMatch', 'string'],
  ['sendInitialEvents', 'boolean'],
  ['timeoutSeconds', 'integer'],
  ['watch', 'boolean'],
].map(([n, t]) => QUERY(n!, n!, t));
const BODY = (ref: string): Json => ({ name: 'body', in: 'body', required: true, schema: { $ref: ref } });
const CONSUMES = ['*/*'];
const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

function definitionName(def: ResourceDef): string {
  const g = def.group
    ? def.group
        .split('.')
        .reverse()
        .join('.')
        .replace(/^io\.k8s\./, '')
    : 'core';
  return `io.k8s.api.${g}.${def.version}.${def.kind}`;
}

/**
 * v3 `#/components/schemas/X` references become v2 `#/definitions/X`, everywhere in a schema, and v3's
 * `allOf: [{$ref}]` wrapper (a reference with siblings) the plain `$ref` Swagger 2.0 uses.
 */
function toV2Refs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toV2Refs);
  if (!value || typeof value !== 'object') return value;
  const o = value as Json;
  const wrapped = Array.isArray(o.allOf) && o.allOf.length === 1 ? (o.allOf[0] as Json) : undefined;
  if (wrapped && typeof wrapped.$ref === 'string') {
    const { allOf: _allOf, ...rest } = o;
    return toV2Refs({ ...rest, $ref: wrapped.$ref });
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/definitions/') : toV2Refs(v);
  }
  return out;
}

function operation(def: ResourceDef, id: string, action: string, params: Json[], ref: string, extra: Json = {}): Json {
  return {
    description: `${action} ${def.kind}`,
    consumes: CONSUMES,
    produces: PRODUCES,
    schemes: ['https'],
    tags: [def.group ? `${def.group.split('.')[0]}_${def.version}` : `core_${def.version}`],
    operationId: id,
    parameters: params,
    responses: { 200: { description: 'OK', schema: { $ref: ref } }, 401: { description: 'Unauthorized' }, ...extra },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: def.group, kind: def.kind, version: def.version },
  };
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function pathsFor(def: ResourceDef, ref: string, builder: SchemaBuilder): Record<string, Json> {
  const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const nsPart = def.namespaced ? '/namespaces/{namespace}' : '';
  const nsParams = def.namespaced ? [PATH_PARAM('namespace')] : [];
  const collection = `${prefix}${nsPart}/${def.resource}`;
  const write = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
  const paths: Record<string, Json> = {};
  const coll: Json = { parameters: [...nsParams, PRETTY] };
  if (def.virtualCreate || def.verbs.includes('create')) {
    coll.post = operation(def, `create${def.kind}`, 'post', [BODY(ref), ...write], ref, {
      201: { description: 'Created', schema: { $ref: ref } },
    });
  }
  if (def.virtualCreate) return { [collection]: coll };
  if (def.verbs.includes('list')) coll.get = operation(def, `list${def.kind}`, 'list', LIST_PARAMS, ref);
  if (def.verbs.includes('deletecollection'))
    coll.delete = operation(def, `deletecollection${def.kind}`, 'deletecollection', [DRY_RUN, ...LIST_PARAMS], ref);
  paths[collection] = coll;
  const item: Json = { parameters: [PATH_PARAM('name'), ...nsParams, PRETTY] };
  if (def.verbs.includes('get')) item.get = operation(def, `read${def.kind}`, 'get', [], ref);
  if (def.verbs.includes('update')) item.put = operation(def, `replace${def.kind}`, 'put', [BODY(ref), ...write], ref);
  if (def.verbs.includes('patch')) {
    const patch = operation(
      def,
      `patch${def.kind}`,
      'patch',
      [BODY('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'), ...write],
      ref,
    );
    patch.consumes = ['application/json-patch+json', 'application/merge-patch+json'];
    item.patch = patch;
  }
  if (def.verbs.includes('delete'))
    item.delete = operation(
      def,
      `delete${def.kind}`,
      'delete',
      [
        DRY_RUN,
        QUERY('gracePeriodSeconds', 'grace period', 'integer'),
        QUERY('propagationPolicy', 'propagation policy'),
      ],
      ref,
    );
  paths[`${collection}/{name}`] = item;
  for (const [sub, s] of Object.entries(def.subresources ?? {})) {
    const subDef = { ...def, kind: s.kind ?? def.kind, group: s.group ?? def.group, version: s.version ?? def.version };
    const subRef = s.kind
      ? (builder.kind(subDef.group, subDef.version, subDef.kind)?.replace('#/components/schemas/', '#/definitions/') ??
        ref)
      : ref;
    const p: Json = { parameters: [PATH_PARAM('name'), ...nsParams, PRETTY] };
    if (s.verbs.includes('get')) p.get = operation(subDef, `read${def.kind}${cap(sub)}`, 'get', [], subRef);
    if (s.verbs.includes('create'))
      p.post = operation(subDef, `create${def.kind}${cap(sub)}`, 'post', [BODY(subRef), ...write], subRef);
    if (s.verbs.includes('update'))
      p.put = operation(subDef, `replace${def.kind}${cap(sub)}`, 'put', [BODY(subRef), ...write], subRef);
    if (s.verbs.includes('patch')) {
      const patch = operation(
        subDef,
        `patch${def.kind}${cap(sub)}`,
        'patch',
        [BODY('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'), ...write],
        subRef,
      );
      patch.consumes = ['application/json-patch+json', 'application/merge-patch+json'];
      p.patch = patch;
    }
    paths[`${collection}/{name}/${sub}`] = p;
  }
  return paths;
}

/** The Swagger 2.0 document for a set of served kinds. */
export function buildSwagger(defs: ResourceDef[], version: string): Json {
  const builder = new SchemaBuilder();
  const definitions: Json = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
      type: 'object',
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    },
  };
  const paths: Record<string, Json> = {};
  const gvkOnDefinition: [string, ResourceDef][] = [];
  for (const def of defs) {
    const v3Ref = builder.kind(def.group, def.version, def.kind);
    const name = v3Ref ? v3Ref.slice('#/components/schemas/'.length) : definitionName(def);
    if (!v3Ref) {
      definitions[name] = {
        type: 'object',
        description: `${def.kind} as served by kauth (${groupVersion(def)}).`,
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        },
      };
    }
    Object.assign(paths, pathsFor(def, `#/definitions/${name}`, builder));
    gvkOnDefinition.push([name, def]);
  }
  for (const [name, schema] of Object.entries(builder.components)) {
    const s = toV2Refs(schema) as Json;
    delete s['x-kubernetes-group-version-kind'];
    definitions[name] = s;
  }
  if (!definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']) {
    definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] = {
      type: 'object',
      description: 'ObjectMeta is metadata that all persisted resources must have.',
    };
  }
  // See the file comment: the group-version-kind goes only on kinds that cannot be patched.
  for (const [name, def] of gvkOnDefinition) {
    if (!def.virtualCreate && def.verbs.includes('patch')) continue;
    const d = definitions[name] as Json;
    const gvks = (d['x-kubernetes-group-version-kind'] as Json[] | undefined) ?? [];
    if (!gvks.some((g) => g.group === def.group && g.version === def.version && g.kind === def.kind))
      gvks.push({ group: def.group, kind: def.kind, version: def.version });
    d['x-kubernetes-group-version-kind'] = gvks;
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths,
    definitions,
    securityDefinitions: {
      BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' },
    },
    security: [{ BearerToken: [] }],
  };
}

// ---- gnostic conversion ------------------------------------------------------------------------

const anyOf = (v: unknown): Json => ({ yaml: `${JSON.stringify(v)}\n` });

function extensions(o: Json): Json[] {
  return Object.entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, v]) => ({ name, value: anyOf(v) }));
}

function gnosticSchema(s: Json): Json {
  const out: Json = {};
  if (typeof s.$ref === 'string') out._ref = s.$ref;
  for (const k of ['format', 'title', 'description', 'pattern'] as const) if (typeof s[k] === 'string') out[k] = s[k];
  if (s.default !== undefined) out.default = anyOf(s.default);
  if (typeof s.maximum === 'number') out.maximum = s.maximum;
  if (typeof s.minimum === 'number') out.minimum = s.minimum;
  if (s.uniqueItems === true) out.unique_items = true;
  if (Array.isArray(s.required)) out.required = s.required;
  if (Array.isArray(s.enum)) out.enum = s.enum.map(anyOf);
  if (typeof s.type === 'string') out.type = { value: [s.type] };
  if (s.items && typeof s.items === 'object') out.items = { schema: [gnosticSchema(s.items as Json)] };
  if (Array.isArray(s.allOf)) out.all_of = (s.allOf as Json[]).map(gnosticSchema);
  if (s.properties && typeof s.properties === 'object') {
    out.properties = {
      additional_properties: Object.entries(s.properties as Json).map(([name, v]) => ({
        name,
        value: gnosticSchema(v as Json),
      })),
    };
  }
  if (typeof s.additionalProperties === 'boolean') out.additional_properties = { boolean: s.additionalProperties };
  else if (s.additionalProperties && typeof s.additionalProperties === 'object')
    out.additional_properties = { schema: gnosticSchema(s.additionalProperties as Json) };
  const ext = extensions(s);
  if (ext.length) out.vendor_extension = ext;
  return out;
}

function gnosticParameter(p: Json): Json {
  if (p.in === 'body') {
    return {
      parameter: {
        body_parameter: {
          name: p.name,
          in: 'body',
          required: p.required === true,
          schema: gnosticSchema(p.schema as Json),
        },
      },
    };
  }
  const sub: Json = {
    name: p.name,
    in: p.in,
    description: p.description ?? '',
    type: p.type ?? 'string',
    unique_items: p.uniqueItems === true,
  };
  if (p.required === true) sub.required = true;
  return {
    parameter: {
      non_body_parameter: p.in === 'path' ? { path_parameter_sub_schema: sub } : { query_parameter_sub_schema: sub },
    },
  };
}

function gnosticOperation(op: Json): Json {
  const responses = Object.entries(op.responses as Json).map(([code, r]) => {
    const resp = r as Json;
    const response: Json = { description: resp.description };
    if (resp.schema) response.schema = { schema: gnosticSchema(resp.schema as Json) };
    return { name: code, value: { response } };
  });
  return {
    tags: op.tags,
    description: op.description,
    operation_id: op.operationId,
    produces: op.produces,
    consumes: op.consumes,
    schemes: op.schemes,
    parameters: (op.parameters as Json[]).map(gnosticParameter),
    responses: { response_code: responses },
    vendor_extension: extensions(op),
  };
}

/** The Swagger document as gnostic's openapi_v2.Document, the protobuf kube-apiserver serves. */
export function encodeGnostic(doc: Json): Uint8Array {
  const paths = Object.entries(doc.paths as Record<string, Json>).map(([name, item]) => {
    const value: Json = { parameters: ((item.parameters as Json[] | undefined) ?? []).map(gnosticParameter) };
    for (const verb of ['get', 'put', 'post', 'delete', 'patch'])
      if (item[verb]) value[verb] = gnosticOperation(item[verb] as Json);
    return { name, value };
  });
  const definitions = Object.entries(doc.definitions as Json).map(([name, s]) => ({
    name,
    value: gnosticSchema(s as Json),
  }));
  const message = {
    swagger: doc.swagger,
    info: doc.info,
    paths: { path: paths },
    definitions: { additional_properties: definitions },
    security: [{ additional_properties: [{ name: 'BearerToken', value: { value: [] } }] }],
    security_definitions: {
      additional_properties: [
        {
          name: 'BearerToken',
          value: {
            api_key_security: {
              type: 'apiKey',
              name: 'authorization',
              in: 'header',
              description: 'Bearer Token authentication',
            },
          },
        },
      ],
    },
  };
  const type = gnosticDocument();
  return type.encode(type.fromObject(message)).finish();
}

/** Serves /openapi/v2 (JSON or protobuf), built on first request and kept, with an ETag as kube-apiserver sends. */
export class OpenApiV2 {
  private built?: { json: Buffer; etag: string; proto?: Buffer };

  constructor(
    private readonly defs: ResourceDef[],
    private readonly version: string,
  ) {}

  private get doc(): { json: Buffer; etag: string; proto?: Buffer } {
    if (!this.built) {
      const json = Buffer.from(JSON.stringify(buildSwagger(this.defs, this.version)));
      this.built = { json, etag: `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"` };
    }
    return this.built;
  }

  serve(ctx: NonResourceContext): void {
    const path = trimTrailingSlashes(ctx.info.path);
    if (path !== '/openapi/v2') throw pageNotFound();
    const doc = this.doc;
    const accept = ctx.req.headers.accept ?? '';
    const wantsProto = accept.split(',').some((a) => {
      const t = a.trim().split(';')[0]!.toLowerCase();
      return t === OPENAPI_V2_PROTOBUF_ACCEPT || t === OPENAPI_V2_PROTOBUF;
    });
    ctx.res.setHeader('Etag', doc.etag);
    ctx.res.setHeader('Vary', 'Accept');
    if (ctx.req.headers['if-none-match'] === doc.etag) {
      ctx.res.writeHead(304);
      ctx.res.end();
      return;
    }
    if (wantsProto) {
      doc.proto ??= Buffer.from(encodeGnostic(JSON.parse(doc.json.toString()) as Json));
      ctx.res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, 'Content-Length': doc.proto.length });
      ctx.res.end(doc.proto);
      return;
    }
    ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': doc.json.length });
    ctx.res.end(doc.json);
  }
}
