// Decoding an AuthenticationConfiguration file as kube-apiserver's strict codec does
// (runtime.Decode with serializer.EnableStrict): YAML or JSON, apiVersion/kind checked, Go's
// json type errors (`json: cannot unmarshal … into Go struct field …`) and unknown fields refused
// (`strict decoding error: unknown field "jwt[0].foo"`). Absent fields become Go zero values.
import { parse as parseYaml } from 'yaml';
import {
  AUTHENTICATION_CONFIGURATION_GROUP,
  AUTHENTICATION_CONFIGURATION_KIND,
  AUTHENTICATION_CONFIGURATION_VERSIONS,
  type AuthenticationConfiguration,
} from './config-types.js';

/** The Go type of one field, enough to decode it and to name it in errors. */
type FieldType = 'string' | 'bool' | 'stringPtr' | StructType | ListType;
interface StructType {
  struct: string;
  fields: Record<string, FieldType>;
  pointer?: boolean;
}
interface ListType {
  list: 'string' | StructType;
}

const str = 'string' as const;
const PREFIXED: StructType = {
  struct: 'PrefixedClaimOrExpression',
  fields: { claim: str, prefix: 'stringPtr', expression: str },
};
const CLAIM_OR_EXPRESSION: StructType = { struct: 'ClaimOrExpression', fields: { claim: str, expression: str } };
const JWT_AUTHENTICATOR: StructType = {
  struct: 'JWTAuthenticator',
  fields: {
    issuer: {
      struct: 'Issuer',
      fields: {
        url: str,
        discoveryURL: str,
        certificateAuthority: str,
        audiences: { list: str },
        audienceMatchPolicy: str,
        egressSelectorType: str,
      },
    },
    claimValidationRules: {
      list: {
        struct: 'ClaimValidationRule',
        fields: { claim: str, requiredValue: str, expression: str, message: str },
      },
    },
    claimMappings: {
      struct: 'ClaimMappings',
      fields: {
        username: PREFIXED,
        groups: PREFIXED,
        uid: CLAIM_OR_EXPRESSION,
        extra: { list: { struct: 'ExtraMapping', fields: { key: str, valueExpression: str } } },
      },
    },
    userValidationRules: { list: { struct: 'UserValidationRule', fields: { expression: str, message: str } } },
  },
};
const ROOT: StructType = {
  struct: 'AuthenticationConfiguration',
  fields: {
    jwt: { list: JWT_AUTHENTICATOR },
    anonymous: {
      struct: 'AnonymousAuthConfig',
      pointer: true,
      fields: { enabled: 'bool', conditions: { list: { struct: 'AnonymousAuthCondition', fields: { path: str } } } },
    },
  },
};

export class ConfigDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigDecodeError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** encoding/json's name for a JSON value's kind. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return typeof v === 'string' ? 'string' : 'object';
}

function goTypeName(t: FieldType, version: string): string {
  if (t === 'string') return 'string';
  if (t === 'bool') return 'bool';
  if (t === 'stringPtr') return '*string';
  if ('list' in t) return `[]${t.list === 'string' ? 'string' : `${version}.${t.list.struct}`}`;
  return `${version}.${t.struct}`;
}

interface DecodeState {
  version: string;
  unknown: string[];
  typeError?: string;
}

/** Decodes `value` as `type`; `path` has indices (strict errors), `goPath` has not (type errors). */
function decodeValue(
  value: unknown,
  type: FieldType,
  parent: string,
  path: string,
  goPath: string,
  s: DecodeState,
): unknown {
  const typeError = (t: FieldType): void => {
    s.typeError ??= `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${parent}.${goPath} of type ${goTypeName(t, s.version)}`;
  };
  if (value === null || value === undefined) return undefined;
  if (type === 'string' || type === 'stringPtr') {
    if (typeof value !== 'string') return typeError(type);
    return value;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') return typeError(type);
    return value;
  }
  if ('list' in type) {
    if (!Array.isArray(value)) return typeError(type);
    return value.map((item, i) => {
      if (type.list === 'string') {
        if (typeof item === 'string') return item;
        if (item !== null)
          s.typeError ??= `json: cannot unmarshal ${jsonKind(item)} into Go struct field ${parent}.${goPath} of type string`;
        return '';
      }
      return decodeStruct(item, type.list, parent, `${path}[${i}]`, goPath, s);
    });
  }
  return decodeStruct(value, type, parent, path, goPath, s);
}

function decodeStruct(
  value: unknown,
  type: StructType,
  parent: string,
  path: string,
  goPath: string,
  s: DecodeState,
): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value)) {
    s.typeError ??= `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${parent}.${goPath} of type ${goTypeName(type, s.version)}`;
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const fieldType = type.fields[key];
    const childPath = path ? `${path}.${key}` : key;
    if (!fieldType) {
      s.unknown.push(childPath);
      continue;
    }
    out[key] = decodeValue(v, fieldType, type.struct, childPath, goPath ? `${goPath}.${key}` : key, s);
  }
  return out;
}

/** The decoded tree with Go's zero values filled in. */
function withDefaults(raw: Record<string, unknown>): AuthenticationConfiguration {
  type R = Record<string, unknown> | undefined;
  const s = (r: R, k: string): string => (r?.[k] as string | undefined) ?? '';
  const list = <T>(r: R, k: string): T[] => (r?.[k] as T[] | undefined) ?? [];
  const jwt = list<R>(raw, 'jwt').map((a) => {
    const issuer = a?.issuer as R;
    const mappings = a?.claimMappings as R;
    const prefixed = (r: R) => ({
      claim: s(r, 'claim'),
      expression: s(r, 'expression'),
      ...(r?.prefix !== undefined ? { prefix: r.prefix as string } : {}),
    });
    return {
      issuer: {
        url: s(issuer, 'url'),
        discoveryURL: s(issuer, 'discoveryURL'),
        certificateAuthority: s(issuer, 'certificateAuthority'),
        audiences: list<string>(issuer, 'audiences'),
        audienceMatchPolicy: s(issuer, 'audienceMatchPolicy'),
        egressSelectorType: s(issuer, 'egressSelectorType'),
      },
      claimValidationRules: list<R>(a, 'claimValidationRules').map((r) => ({
        claim: s(r, 'claim'),
        requiredValue: s(r, 'requiredValue'),
        expression: s(r, 'expression'),
        message: s(r, 'message'),
      })),
      claimMappings: {
        username: prefixed(mappings?.username as R),
        groups: prefixed(mappings?.groups as R),
        uid: { claim: s(mappings?.uid as R, 'claim'), expression: s(mappings?.uid as R, 'expression') },
        extra: list<R>(mappings, 'extra').map((e) => ({ key: s(e, 'key'), valueExpression: s(e, 'valueExpression') })),
      },
      userValidationRules: list<R>(a, 'userValidationRules').map((r) => ({
        expression: s(r, 'expression'),
        message: s(r, 'message'),
      })),
    };
  });
  const config: AuthenticationConfiguration = { jwt };
  const anonymous = raw.anonymous as R;
  if (anonymous) {
    config.anonymous = {
      enabled: (anonymous.enabled as boolean | undefined) ?? false,
      conditions: list<R>(anonymous, 'conditions').map((c) => ({ path: s(c, 'path') })),
    };
  }
  return config;
}

/** loadAuthenticationConfigFromData: the file's bytes → the configuration, or kube's error. */
export function decodeAuthenticationConfiguration(data: string): AuthenticationConfiguration {
  if (data.length === 0) throw new ConfigDecodeError('empty config data');
  let doc: unknown;
  try {
    // sigs.k8s.io/yaml reads YAML 1.1 (go-yaml v2); JSON is YAML too.
    doc = parseYaml(data, { version: '1.1', uniqueKeys: true });
  } catch (e) {
    throw new ConfigDecodeError(`error converting YAML to JSON: yaml: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc))
    throw new ConfigDecodeError(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(doc)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  const kind = typeof doc.kind === 'string' ? doc.kind : '';
  if (!kind) throw new ConfigDecodeError(`Object 'Kind' is missing in '${JSON.stringify(doc)}'`);
  const [group, version, ...rest] = apiVersion.split('/');
  const known =
    group === AUTHENTICATION_CONFIGURATION_GROUP &&
    rest.length === 0 &&
    (AUTHENTICATION_CONFIGURATION_VERSIONS as readonly string[]).includes(version ?? '');
  if (!known || kind !== AUTHENTICATION_CONFIGURATION_KIND) {
    throw new ConfigDecodeError(
      `no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/apiserver/pkg/apis/apiserver/install"`,
    );
  }
  const { apiVersion: _v, kind: _k, ...body } = doc;
  const state: DecodeState = { version: version!, unknown: [] };
  const raw = decodeStruct(body, ROOT, ROOT.struct, '', '', state) ?? {};
  if (state.typeError) throw new ConfigDecodeError(state.typeError);
  if (state.unknown.length) {
    throw new ConfigDecodeError(
      `strict decoding error: ${state.unknown.map((p) => `unknown field "${p}"`).join(', ')}`,
    );
  }
  return withDefaults(raw);
}
