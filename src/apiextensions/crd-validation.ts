// ValidateCustomResourceDefinition (apiextensions-apiserver pkg/apis/apiextensions/validation), the parts a
// CRD author meets: the name is <plural>.<group>, names are DNS labels, scope, versions (unique, at least one,
// exactly one storage version, served or not), structural schemas (a type at every level), printer columns,
// selectable fields and the scale subresource's paths. Texts as kube's.
import {
  fieldForbidden,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
  fieldDuplicate,
  type FieldError,
} from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { dns1035Label, dns1123Subdomain } from '../registry/validation.js';
import type { CrdSpec, CrdVersion } from './custom-resource.js';
import { parsePath } from './jsonpath.js';
import { compile, type Schema } from './schema.js';

const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];
/** Schema nesting kauth checks; deeper schemas are refused rather than walked without bound. */
const MAX_SCHEMA_DEPTH = 64;

export function validateCrd(obj: KubeObject): FieldError[] {
  const spec = (obj.spec ?? {}) as Partial<CrdSpec>;
  const errs: FieldError[] = [];
  const names = spec.names ?? ({} as CrdSpec['names']);
  const group = spec.group ?? '';
  if (obj.metadata.name !== `${names.plural ?? ''}.${group}`) {
    errs.push(fieldInvalid('metadata.name', obj.metadata.name ?? '', `must be spec.names.plural+"."+spec.group`));
  }
  if (!group) errs.push(fieldRequired('spec.group', ''));
  else {
    for (const m of dns1123Subdomain(group)) errs.push(fieldInvalid('spec.group', group, m));
    if (group.split('.').length < 2)
      errs.push(fieldInvalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    errs.push(fieldNotSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  errs.push(...validateNames(names));
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0)
    errs.push(fieldInvalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  let storage = 0;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (v.storage) storage++;
    if (!v.name) errs.push(fieldRequired(`${p}.name`, ''));
    else {
      for (const m of dns1035Label(v.name)) errs.push(fieldInvalid(`${p}.name`, v.name, m));
      if (seen.has(v.name))
        errs.push(
          fieldInvalid(
            'spec.versions',
            versions.map((x) => x.name),
            'must contain unique version names',
          ),
        );
      seen.add(v.name);
    }
    errs.push(...validateVersion(v, p));
  });
  if (versions.length && storage !== 1)
    errs.push(
      fieldInvalid(
        'spec.versions',
        versions.map((x) => x.name),
        'must have exactly one version marked as storage version',
      ),
    );
  if (versions.length && !versions.some((v) => v.served))
    errs.push(
      fieldInvalid(
        'spec.versions',
        versions.map((x) => x.name),
        'must have at least one version marked as served',
      ),
    );
  const conversion = (obj.spec as { conversion?: { strategy?: string } } | undefined)?.conversion;
  if (conversion?.strategy && conversion.strategy !== 'None') {
    errs.push(fieldNotSupported('spec.conversion.strategy', conversion.strategy, ['None']));
  }
  return errs;
}

function validateNames(names: CrdSpec['names']): FieldError[] {
  const errs: FieldError[] = [];
  const label = (field: string, v: string | undefined, required: boolean): void => {
    if (!v) {
      if (required) errs.push(fieldRequired(field, ''));
      return;
    }
    // ValidateCustomResourceDefinitionNames: lowercase DNS-1035 labels.
    for (const m of dns1035Label(v)) errs.push(fieldInvalid(field, v, m));
  };
  label('spec.names.plural', names.plural, true);
  label('spec.names.singular', names.singular, false);
  if (!names.kind) errs.push(fieldRequired('spec.names.kind', ''));
  else if (!/^[A-Za-z][A-Za-z0-9]*$/.test(names.kind) || names.kind.length > 63)
    errs.push(
      fieldInvalid(
        'spec.names.kind',
        names.kind,
        'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?',
      ),
    );
  if (names.listKind !== undefined && names.listKind === names.kind)
    errs.push(fieldInvalid('spec.names.listKind', names.listKind, 'kind and listKind may not be the same'));
  for (const [i, s] of (names.shortNames ?? []).entries()) label(`spec.names.shortNames[${i}]`, s, true);
  for (const [i, s] of (names.categories ?? []).entries()) label(`spec.names.categories[${i}]`, s, true);
  return errs;
}

function validateVersion(v: CrdVersion, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const schema = v.schema?.openAPIV3Schema;
  if (!schema) errs.push(fieldRequired(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
  else {
    if (schema.type !== 'object')
      errs.push(fieldInvalid(`${p}.schema.openAPIV3Schema.type`, schema.type ?? '', 'must be object at the root'));
    const structuralErrs = structural(schema, `${p}.schema.openAPIV3Schema`, 0, true);
    errs.push(...structuralErrs);
    if (!structuralErrs.length) {
      try {
        compile(schema);
      } catch (e) {
        errs.push(fieldInvalid(`${p}.schema.openAPIV3Schema`, '', (e as Error).message));
      }
    }
  }
  (v.additionalPrinterColumns ?? []).forEach((c, i) => {
    const cp = `${p}.additionalPrinterColumns[${i}]`;
    if (!c.name) errs.push(fieldRequired(`${cp}.name`, ''));
    if (!COLUMN_TYPES.includes(c.type)) errs.push(fieldNotSupported(`${cp}.type`, c.type ?? '', COLUMN_TYPES));
    if (!c.jsonPath) errs.push(fieldRequired(`${cp}.jsonPath`, ''));
    else if (typeof parsePath(c.jsonPath) === 'string')
      errs.push(fieldInvalid(`${cp}.jsonPath`, c.jsonPath, 'must be a simple json path starting with .'));
  });
  const selectable = new Set<string>();
  (v.selectableFields ?? []).forEach((f, i) => {
    const fp = `${p}.selectableFields[${i}].jsonPath`;
    if (!f.jsonPath) errs.push(fieldRequired(fp, ''));
    else if (typeof parsePath(f.jsonPath) === 'string')
      errs.push(fieldInvalid(fp, f.jsonPath, 'must be a simple json path starting with .'));
    else if (selectable.has(f.jsonPath)) errs.push(fieldDuplicate(fp, f.jsonPath));
    selectable.add(f.jsonPath);
  });
  const scale = v.subresources?.scale;
  if (scale) {
    for (const k of ['specReplicasPath', 'statusReplicasPath'] as const) {
      const path = scale[k];
      if (!path) errs.push(fieldRequired(`${p}.subresources.scale.${k}`, ''));
      else if (
        typeof parsePath(path) === 'string' ||
        !path.startsWith(k === 'specReplicasPath' ? '.spec.' : '.status.')
      ) {
        errs.push(
          fieldInvalid(
            `${p}.subresources.scale.${k}`,
            path,
            `should be a json path under .${k === 'specReplicasPath' ? 'spec' : 'status'}`,
          ),
        );
      }
    }
  }
  return errs;
}

/** Structural schema rules (apiextensions' structural/validation.go) as far as kauth relies on them. */
function structural(s: Schema, path: string, depth: number, root: boolean): FieldError[] {
  if (depth > MAX_SCHEMA_DEPTH)
    return [fieldForbidden(path, `must not be nested more than ${MAX_SCHEMA_DEPTH} levels`)];
  const errs: FieldError[] = [];
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (!s.type && !intOrString && !preserve && !root)
    errs.push(fieldRequired(`${path}.type`, 'must not be empty for specified object fields'));
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(
      fieldForbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'),
    );
  }
  if (s.type === 'array' && !s.items) errs.push(fieldRequired(`${path}.items`, 'must be specified'));
  if (root) {
    const meta = s.properties?.metadata;
    if (meta) {
      for (const k of Object.keys(meta.properties ?? {})) {
        if (k !== 'name' && k !== 'generateName')
          errs.push(
            fieldForbidden(
              `${path}.properties[metadata]`,
              'must not specify anything other than name and generateName, but metadata is implicitly specified',
            ),
          );
      }
    }
  }
  // ValidateCustomResourceDefinitionOpenAPISchema's forbidden keywords (also what keeps ajv linear: no regexps, no
  // quadratic uniqueness checks, no references).
  if (s.patternProperties !== undefined)
    errs.push(fieldForbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  if (s.$ref !== undefined) errs.push(fieldForbidden(`${path}.$ref`, '$ref is not supported'));
  if (s.definitions !== undefined) errs.push(fieldForbidden(`${path}.definitions`, 'definitions are not supported'));
  if (s.dependencies !== undefined) errs.push(fieldForbidden(`${path}.dependencies`, 'dependencies are not supported'));
  if (s.additionalItems !== undefined)
    errs.push(fieldForbidden(`${path}.additionalItems`, 'additionalItems cannot be set to false'));
  if (s.uniqueItems === true)
    errs.push(
      fieldForbidden(
        `${path}.uniqueItems`,
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    if (typeof p === 'object' && p !== null) errs.push(...structural(p, `${path}.properties[${k}]`, depth + 1, false));
  }
  if (s.items && typeof s.items === 'object') errs.push(...structural(s.items, `${path}.items`, depth + 1, false));
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    errs.push(...structural(s.additionalProperties, `${path}.additionalProperties`, depth + 1, false));
  }
  if (s.enum !== undefined && !Array.isArray(s.enum))
    errs.push(fieldInvalid(`${path}.enum`, s.enum, 'must be an array'));
  return errs;
}
