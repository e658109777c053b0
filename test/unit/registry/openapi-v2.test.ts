// /openapi/v2: the Swagger 2.0 document built from the served kinds, and its protobuf form decoded back with
// gnostic's full OpenAPIv2 message definitions (the upstream field numbers, written out independently here).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { buildSwagger, encodeGnostic } from '../../../src/server/routes/openapi-v2.js';
import { builtinKinds } from '../../../src/registry/resources/builtin.js';
import { configMaps, events } from '../../../src/registry/resources/core.js';
import { reviewResources } from '../../../src/registry/resources/reviews.js';

const reviews = reviewResources({
  authorizer: () => ({ name: 'AlwaysAllow', authorize: async () => ({ decision: 'Allow', reason: '' }) }),
  ruleResolvers: () => [],
  authenticator: () => undefined,
  apiAudiences: () => [],
});
const defs = [configMaps, events, ...reviews, ...builtinKinds(async () => undefined).defs];
const doc = buildSwagger(defs, 'v1.35.0') as {
  swagger: string;
  paths: Record<string, Record<string, any>>;
  definitions: Record<string, any>;
};

// gnostic openapiv2/OpenAPIv2.proto, the messages a reader walks (numbers as published by google/gnostic).
const GNOSTIC = `
syntax = "proto3";
package openapi.v2;
message Any { bytes value_any = 1; string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message Document { string swagger = 1; Info info = 2; Paths paths = 8; Definitions definitions = 9; }
message Info { string title = 1; string version = 2; }
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message PathItem { string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation patch = 8; }
message Operation { repeated string tags = 1; string operation_id = 5; repeated string consumes = 7; repeated NamedAny vendor_extension = 13; }
message Definitions { repeated NamedSchema additional_properties = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message Properties { repeated NamedSchema additional_properties = 1; }
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Schema {
  string _ref = 1; string format = 2; string description = 4; AdditionalPropertiesItem additional_properties = 21;
  TypeItem type = 22; ItemsItem items = 23; Properties properties = 25; repeated NamedAny vendor_extension = 31;
}
`;

describe('/openapi/v2 document', () => {
  it("is Swagger 2.0 with the kinds' definitions, v2 references only", () => {
    assert.equal(doc.swagger, '2.0');
    for (const name of [
      'io.k8s.api.core.v1.ConfigMap',
      'io.k8s.api.authorization.v1.SubjectAccessReview',
      'io.k8s.api.batch.v1.CronJob',
      'io.k8s.api.networking.v1.Ingress',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    ]) {
      assert.ok(doc.definitions[name], name);
    }
    const text = JSON.stringify(doc);
    assert.ok(!text.includes('#/components/schemas/'));
    assert.ok(!text.includes('"allOf"'));
    assert.equal(
      doc.definitions['io.k8s.api.authorization.v1.SubjectAccessReviewSpec'].properties.resourceAttributes.$ref,
      '#/definitions/io.k8s.api.authorization.v1.ResourceAttributes',
    );
  });

  it('names the group-version-kind on kinds without PATCH only (kubectl apply keeps its compiled-in patch types)', () => {
    assert.deepEqual(
      doc.definitions['io.k8s.api.authorization.v1.SubjectAccessReview']['x-kubernetes-group-version-kind'],
      [{ group: 'authorization.k8s.io', kind: 'SubjectAccessReview', version: 'v1' }],
    );
    assert.equal(doc.definitions['io.k8s.api.core.v1.ConfigMap']['x-kubernetes-group-version-kind'], undefined);
  });

  it('describes each path with its operations and the fieldValidation parameter on writes', () => {
    const cm = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']!;
    assert.deepEqual(
      Object.keys(cm)
        .filter((k) => k !== 'parameters')
        .sort(),
      ['delete', 'get', 'patch', 'put'],
    );
    assert.ok(cm.patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
    assert.deepEqual(cm.patch['x-kubernetes-group-version-kind'], { group: '', kind: 'ConfigMap', version: 'v1' });
    const sar = doc.paths['/apis/authorization.k8s.io/v1/subjectaccessreviews']!;
    assert.deepEqual(
      Object.keys(sar).filter((k) => k !== 'parameters'),
      ['post'],
    );
    assert.ok(doc.paths['/api/v1/componentstatuses/{name}']!.get);
    assert.equal(doc.paths['/api/v1/componentstatuses']!.post, undefined);
  });
});

describe('/openapi/v2 protobuf', () => {
  const root = protobuf.parse(GNOSTIC, { keepCase: true }).root;
  const decoded = root
    .lookupType('openapi.v2.Document')
    .toObject(root.lookupType('openapi.v2.Document').decode(encodeGnostic(doc)), { defaults: false }) as any;

  it('decodes as a gnostic Document with every path and definition', () => {
    assert.equal(decoded.swagger, '2.0');
    assert.deepEqual(decoded.info, { title: 'Kubernetes', version: 'v1.35.0' });
    assert.equal(decoded.paths.path.length, Object.keys(doc.paths).length);
    assert.equal(decoded.definitions.additional_properties.length, Object.keys(doc.definitions).length);
  });

  it('carries schemas (type, $ref, properties) and vendor extensions as YAML', () => {
    const defsByName = new Map(decoded.definitions.additional_properties.map((d: any) => [d.name, d.value]));
    const sar: any = defsByName.get('io.k8s.api.authorization.v1.SubjectAccessReview');
    const gvk = sar.vendor_extension.find((e: any) => e.name === 'x-kubernetes-group-version-kind');
    assert.deepEqual(JSON.parse(gvk.value.yaml), [
      { group: 'authorization.k8s.io', kind: 'SubjectAccessReview', version: 'v1' },
    ]);
    const spec = sar.properties.additional_properties.find((p: any) => p.name === 'spec');
    assert.equal(spec.value._ref, '#/definitions/io.k8s.api.authorization.v1.SubjectAccessReviewSpec');
    const cmData: any = (defsByName.get('io.k8s.api.core.v1.ConfigMap') as any).properties.additional_properties.find(
      (p: any) => p.name === 'data',
    ).value;
    assert.deepEqual([cmData.type.value, cmData.additional_properties.schema.type.value], [['object'], ['string']]);
  });

  it('marks each operation with its action and group-version-kind', () => {
    const item = decoded.paths.path.find((p: any) => p.name === '/apis/batch/v1/namespaces/{namespace}/cronjobs').value;
    const ext = new Map(item.post.vendor_extension.map((e: any) => [e.name, JSON.parse(e.value.yaml)]));
    assert.deepEqual(
      [ext.get('x-kubernetes-action'), ext.get('x-kubernetes-group-version-kind')],
      ['post', { group: 'batch', kind: 'CronJob', version: 'v1' }],
    );
  });
});
