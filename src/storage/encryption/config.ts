// apiserver.config.k8s.io/v1 EncryptionConfiguration, as kube-apiserver's --encryption-provider-config reads it
// (k8s.io/apiserver/pkg/server/options/encryptionconfig/config.go loadConfig, and
// apis/apiserver/validation/validation_encryption.go for the checks and their texts). KMS is not offered:
// a kms provider is refused with a clear message instead of being ignored.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type CipherName = 'aescbc' | 'aesgcm' | 'secretbox';

export interface EncryptionKey {
  name: string;
  /** The decoded secret (16/24/32 bytes for AES, 32 for secretbox). Never logged. */
  secret: Buffer;
}

export type ProviderConfig = { type: CipherName; keys: EncryptionKey[] } | { type: 'identity' };

export interface ResourceConfig {
  /** As written: `secrets`, `deployments.apps`, `*.apps`, `*.` (the core group), `*.*`. */
  resources: string[];
  /** In order: the first writes, all read. */
  providers: ProviderConfig[];
}

export interface EncryptionConfiguration {
  resources: ResourceConfig[];
}

const API_VERSIONS = ['apiserver.config.k8s.io/v1'];
const KIND = 'EncryptionConfiguration';
const KEY_SIZES: Record<CipherName, number[]> = { aescbc: [16, 24, 32], aesgcm: [16, 24, 32], secretbox: [32] };
const PROVIDER_FIELDS = ['kms', 'aesgcm', 'aescbc', 'secretbox', 'identity'] as const;

/** kube's field.Error texts: `path: Required value: …`, `path: Invalid value: "v": …`. */
const required = (path: string, detail: string): string => `${path}: Required value: ${detail}`;
const invalid = (path: string, value: unknown, detail: string): string =>
  `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Go's base64.StdEncoding: padded standard alphabet only (Buffer.from would accept anything). */
function decodeStdBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** Splits like schema.ParseGroupResource: `deployments.apps` → resource deployments, group apps. */
export function parseGroupResource(text: string): { group: string; resource: string } {
  const dot = text.indexOf('.');
  return dot < 0 ? { group: '', resource: text } : { group: text.slice(dot + 1), resource: text.slice(0, dot) };
}

function resourceNameProblems(resources: string[], path: string): string[] {
  const problems: string[] = [];
  resources.forEach((res, j) => {
    const at = `${path}[${j}]`;
    const gr = parseGroupResource(res);
    if (res.toLowerCase() !== res) problems.push(invalid(at, res, 'resource name should not contain capital letters'));
    else if (res === '*') {
      problems.push(
        invalid(at, res, "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources"),
      );
    } else if (['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'].includes(res)) {
      problems.push(invalid(at, res, 'resources which do not have REST API/s cannot be encrypted'));
    } else if (gr.group === 'events.k8s.io') {
      problems.push(
        invalid(
          at,
          res,
          "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file",
        ),
      );
    } else if (gr.group === 'extensions') {
      problems.push(invalid(at, res, "'extensions' group has been removed and cannot be used for encryption"));
    } else if (gr.group === '*' && gr.resource !== '*') {
      problems.push(invalid(at, res, 'encrypting the same resource across groups is not supported'));
    }
  });
  return problems;
}

function overlapProblems(resources: string[], path: string): string[] {
  const parsed = resources.map(parseGroupResource);
  let duplicate = false;
  let overlap = false;
  parsed.forEach((a, i) =>
    parsed.forEach((b, j) => {
      if (i === j) return;
      if (a.group === b.group && a.resource === b.resource) duplicate = true;
      else if (a.group === '*' && a.resource === '*') overlap = true;
      else if (a.group === b.group && (a.resource === '*' || b.resource === '*')) overlap = true;
    }),
  );
  const shown = `[${resources.join(' ')}]`;
  const problems: string[] = [];
  if (duplicate)
    problems.push(
      `${path}: Invalid value: ${JSON.stringify(shown)}: the same resource cannot be specified multiple times`,
    );
  if (overlap) {
    problems.push(
      `${path}: Invalid value: ${JSON.stringify(shown)}: using overlapping resources such as 'secrets' and '*.' ` +
        'in the same resource list is not allowed as they will be masked',
    );
  }
  return problems;
}

function parseKeys(raw: unknown, path: string, sizes: number[], problems: string[]): EncryptionKey[] {
  const keysPath = `${path}.keys`;
  const keys = list(isObj(raw) ? raw.keys : undefined);
  if (keys.length === 0) {
    problems.push(required(keysPath, 'at least one keys is required'));
    return [];
  }
  const out: EncryptionKey[] = [];
  keys.forEach((k, i) => {
    const at = `${keysPath}[${i}]`;
    const name = isObj(k) && typeof k.name === 'string' ? k.name : '';
    const secretText = isObj(k) && typeof k.secret === 'string' ? k.secret : '';
    if (!name) problems.push(required(`${at}.name`, 'name is a mandatory field for a key'));
    if (!secretText) {
      problems.push(required(`${at}.secret`, 'secret is a mandatory field for a key'));
      return;
    }
    // The secret's value never appears in a message: kube prints REDACTED.
    const secret = decodeStdBase64(secretText);
    if (!secret) {
      problems.push(invalid(`${at}.secret`, 'REDACTED', 'secrets must be base64 encoded'));
      return;
    }
    if (!sizes.includes(secret.length)) {
      problems.push(
        invalid(
          `${at}.secret`,
          'REDACTED',
          `secret is not of the expected length, got ${secret.length}, expected one of [${sizes.join(' ')}]`,
        ),
      );
      return;
    }
    if (name) out.push({ name, secret });
  });
  return out;
}

function parseProvider(raw: unknown, path: string, problems: string[]): ProviderConfig | undefined {
  const present = isObj(raw) ? PROVIDER_FIELDS.filter((f) => raw[f] !== undefined && raw[f] !== null) : [];
  if (present.length === 0) {
    problems.push(
      invalid(
        path,
        raw ?? {},
        'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity',
      ),
    );
    return undefined;
  }
  if (present.length > 1) {
    // The providers' names only: the element holds key secrets.
    problems.push(
      invalid(
        path,
        present,
        'more than one provider specified in a single element, should split into different list elements',
      ),
    );
    return undefined;
  }
  const type = present[0]!;
  if (type === 'identity') return { type: 'identity' };
  if (type === 'kms') {
    problems.push(
      invalid(
        `${path}.kms`,
        'kms',
        'KMS providers are not supported by kauth (use aescbc, aesgcm, secretbox or identity)',
      ),
    );
    return undefined;
  }
  const keys = parseKeys((raw as Obj)[type], `${path}.${type}`, KEY_SIZES[type], problems);
  return { type, keys };
}

/** Parses and validates a file's text; throws one Error listing every problem (kube's aggregate). */
export function parseEncryptionConfiguration(text: string): EncryptionConfiguration {
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON: both forms read here
  } catch (e) {
    throw new Error(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObj(doc)) throw new Error("Object 'Kind' is missing in the encryption provider configuration");
  if (doc.kind !== KIND || !API_VERSIONS.includes(String(doc.apiVersion))) {
    throw new Error(
      `no kind "${String(doc.kind ?? '')}" is registered for version "${String(doc.apiVersion ?? '')}" in scheme ` +
        `(want apiVersion ${API_VERSIONS[0]}, kind ${KIND})`,
    );
  }
  const problems: string[] = [];
  const entries = list(doc.resources);
  if (entries.length === 0) throw new Error(required('resources', 'at least one resources is required'));
  const resources: ResourceConfig[] = entries.map((entry, i) => {
    const rPath = `resources[${i}].resources`;
    const pPath = `resources[${i}].providers`;
    const names = list(isObj(entry) ? entry.resources : undefined).map(String);
    if (names.length === 0) problems.push(required(rPath, `at least one ${rPath} is required`));
    problems.push(...overlapProblems(names, rPath), ...resourceNameProblems(names, rPath));
    const rawProviders = list(isObj(entry) ? entry.providers : undefined);
    if (rawProviders.length === 0) problems.push(required(pPath, `at least one ${pPath} is required`));
    const providers = rawProviders.flatMap((p, j) => parseProvider(p, `${pPath}[${j}]`, problems) ?? []);
    return { resources: names, providers };
  });
  if (problems.length === 1) throw new Error(problems[0]);
  if (problems.length > 1) throw new Error(`[${problems.join(', ')}]`);
  return { resources };
}

/** Reads and validates the file; errors read as kube-apiserver's start-up error. */
export function loadEncryptionConfiguration(path: string): EncryptionConfiguration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `error while parsing file: error opening encryption provider configuration file "${path}": ${(e as Error).message}`,
    );
  }
  if (text.trim().length === 0) {
    throw new Error(`error while parsing file: encryption provider configuration file "${path}" is empty`);
  }
  try {
    return parseEncryptionConfiguration(text);
  } catch (e) {
    throw new Error(`error while parsing file: ${(e as Error).message}`);
  }
}
