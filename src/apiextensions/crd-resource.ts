// apiextensions.k8s.io/v1 CustomResourceDefinition as a kind: cluster-scoped, short names crd/crds, a status
// subresource, kube's v1 defaults (conversion None, singular and listKind from the kind), and validation.
import type { KubeObject } from '../api/types.js';
import { ALL_VERBS, keepStatus, STATUS_ONLY, type ResourceDef } from '../registry/types.js';
import { validateCrd } from './crd-validation.js';
import type { CrdSpec } from './custom-resource.js';

export const CRD_GROUP = 'apiextensions.k8s.io';

function defaultCrd(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as CrdSpec & { conversion?: { strategy?: string } };
  spec.conversion ??= { strategy: 'None' };
  const names = spec.names;
  if (names && typeof names.kind === 'string') {
    names.singular ??= names.kind.toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
}

export const customResourceDefinitions: ResourceDef = {
  group: CRD_GROUP,
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  singularName: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  verbs: ALL_VERBS,
  strategy: {
    defaults: defaultCrd,
    prepareForCreate(obj) {
      obj.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: [] };
      obj.metadata.generation = 1;
    },
    prepareForUpdate: keepStatus,
    validate: (obj) => validateCrd(obj),
    validateUpdate: (obj) => validateCrd(obj),
    generationChanged: (obj, old) => JSON.stringify(obj.spec) !== JSON.stringify(old.spec),
  },
  subresources: { status: { verbs: ['get', 'patch', 'update'], updateStrategy: STATUS_ONLY } },
};
