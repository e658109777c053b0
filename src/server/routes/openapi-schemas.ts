// OpenAPI v3 component schemas for the served kinds, derived from the same per-kind message
// definitions that decode protobuf and validate fields (src/api/protobuf): names, types, lists and
// maps as kube-apiserver publishes them, so `kubectl explain pod.spec.containers` can walk them.
// (Field descriptions are not carried; kauth has no copy of Kubernetes' API docs.)
import { messageForKind } from '../../api/protobuf/kinds.js';
import { planFor, type FieldPlan, type MessagePlan, type ScalarKind } from '../../api/protobuf/plan.js';

type Schema = Record<string, unknown>;

/** `core.v1.Pod` → `io.k8s.api.core.v1.Pod`; `meta.v1.ObjectMeta` → `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`. */
export function componentName(fullName: string): string {
  if (fullName.startsWith('meta.')) return `io.k8s.apimachinery.pkg.apis.${fullName}`;
  if (fullName.startsWith('runtime.')) return `io.k8s.apimachinery.pkg.${fullName}`;
  return `io.k8s.api.${fullName}`;
}

function scalarSchema(kind: ScalarKind): Schema {
  switch (kind) {
    case 'string':
      return { type: 'string' };
    case 'bytes':
      return { type: 'string', format: 'byte' };
    case 'bool':
      return { type: 'boolean' };
    case 'int32':
    case 'uint32':
      return { type: 'integer', format: 'int32' };
    case 'int64':
    case 'uint64':
      return { type: 'integer', format: 'int64' };
    case 'double':
      return { type: 'number', format: 'double' };
  }
}

export class SchemaBuilder {
  readonly components: Record<string, Schema> = {};

  /** The $ref for a kind's schema (building it and everything it uses), or undefined without a definition. */
  kind(group: string, version: string, kind: string): string | undefined {
    const message = messageForKind(group ? `${group}/${version}` : version, kind);
    if (!message) return undefined;
    const plan = planFor(message);
    const name = componentName(plan.fullName);
    this.message(plan);
    const schema = this.components[name]!;
    const props = (schema.properties ??= {}) as Record<string, Schema>;
    props.apiVersion = {
      type: 'string',
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    };
    props.kind = {
      type: 'string',
      description: 'Kind is a string value representing the REST resource this object represents.',
    };
    schema['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
    return `#/components/schemas/${name}`;
  }

  private message(plan: MessagePlan): Schema {
    const name = componentName(plan.fullName);
    if (this.components[name]) return { $ref: `#/components/schemas/${name}` };
    const schema: Schema = { type: 'object' };
    this.components[name] = schema; // registered first: messages may refer to themselves
    Object.assign(schema, this.special(plan) ?? { properties: this.properties(plan) });
    return { $ref: `#/components/schemas/${name}` };
  }

  /** JSON forms of their own (Time, IntOrString, Quantity, RawExtension, …). */
  private special(plan: MessagePlan): Schema | undefined {
    switch (plan.form) {
      case 'time':
      case 'microtime':
        return { type: 'string', format: 'date-time' };
      case 'duration':
        return { type: 'string' };
      case 'intorstring':
        return { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true };
      case 'quantity':
        return { type: 'string' };
      case 'rawjson':
        return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      case 'items': {
        const f = plan.fields[0];
        return { type: 'array', items: f ? this.element(f) : {} };
      }
      default:
        return undefined;
    }
  }

  private properties(plan: MessagePlan): Record<string, Schema> {
    const props: Record<string, Schema> = {};
    for (const f of plan.fields) {
      if (f.json === 'inline' && f.message) Object.assign(props, this.properties(f.message));
      else props[f.name] = this.field(f);
    }
    return props;
  }

  private element(f: FieldPlan): Schema {
    return f.message ? this.message(f.message) : scalarSchema(f.scalar!);
  }

  private field(f: FieldPlan): Schema {
    const el = this.element(f);
    if (f.shape === 'repeated') return { type: 'array', items: el };
    if (f.shape === 'map') return { type: 'object', additionalProperties: el };
    // kube-apiserver wraps references in allOf so a field may carry its own description/default.
    return el.$ref ? { allOf: [el] } : el;
  }
}
