// The GatewayConfiguration file (gateway.kauth.dev/v1alpha1) of `kauth gateway --config`: parsed once at start
// and validated field by field, so a bad file is one clear `field.path: problem` line, never a late surprise.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseGoDuration } from '../api/duration.js';
import {
  DEFAULT_WEBHOOK_TOKEN_CACHE_TTL_SECONDS,
  DEFAULT_WEBHOOK_TOKEN_VERSION,
  WEBHOOK_TOKEN_VERSIONS,
  type WebhookTokenVersion,
} from '../authn/webhook-token.js';
import { fieldInvalid, fieldNotSupported, fieldRequired, fieldDuplicate, type FieldError } from '../api/errors.js';

export const GATEWAY_API_VERSION = 'gateway.kauth.dev/v1alpha1';
export const GATEWAY_KIND = 'GatewayConfiguration';

export interface GatewayCluster {
  name: string;
  /** Absolute path of the kubeconfig holding the gateway's own credential in that cluster. */
  kubeconfig: string;
}

/** One access rule: these users/groups may reach these clusters ("*" is every cluster). */
export interface GatewayAccessRule {
  clusters: string[];
  users: string[];
  groups: string[];
}

export interface GatewayTokenWebhook {
  /** A kubeconfig naming the TokenReview endpoint (--authentication-token-webhook-config-file). */
  configFile: string;
  /** Seconds answers are cached (--authentication-token-webhook-cache-ttl, default 2m). */
  cacheTTL: number;
  /** TokenReview version sent (--authentication-token-webhook-version, default v1beta1 as kube). */
  version: WebhookTokenVersion;
}

export interface GatewayAudit {
  path: string;
  /** Rotate when the file would grow past this many bytes. */
  maxSize: number;
  /** Rotated files kept (path.1 … path.N). */
  maxBackups: number;
}

export interface GatewayConfig {
  /** host:port */
  listen: { host: string; port: number };
  tls?: { certFile: string; keyFile: string };
  authentication: {
    /** AuthenticationConfiguration's `jwt` list, as written; the JWT authenticator validates its own schema. */
    jwt: unknown[];
    clientCAFile?: string;
    /** Webhook token authentication, as kube-apiserver's --authentication-token-webhook-* flags. */
    webhook?: GatewayTokenWebhook;
  };
  clusters: GatewayCluster[];
  /** Absent: every authenticated caller may reach every cluster (each cluster's RBAC still decides). */
  access?: GatewayAccessRule[];
  audit?: GatewayAudit;
}

export class GatewayConfigError extends Error {
  constructor(
    readonly file: string,
    readonly errors: FieldError[],
  ) {
    super(`${file}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'GatewayConfigError';
  }
}

/** A cluster name is one URL path segment: a DNS label keeps `/clusters/<name>/…` unambiguous. */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DEFAULT_AUDIT_MAX_SIZE = 100 * 1024 * 1024;
const DEFAULT_AUDIT_MAX_BACKUPS = 5;
const KNOWN_TOP_LEVEL = ['apiVersion', 'kind', 'listen', 'tls', 'authentication', 'clusters', 'access', 'audit'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `10Mi`, `512Ki`, `1Gi` or a plain byte count; undefined for anything else. */
export function parseByteSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string' || v.length > 20) return undefined;
  const units: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
  const digits = v.length - (/(Ki|Mi|Gi)$/.test(v) ? 2 : 0);
  const n = Number(v.slice(0, digits));
  const unit = units[v.slice(digits)];
  return /^[0-9]+$/.test(v.slice(0, digits)) && unit !== undefined && n > 0 ? n * unit : undefined;
}

/** host:port, [v6]:port. */
function parseListen(v: unknown, errs: FieldError[]): GatewayConfig['listen'] {
  const fallback = { host: '127.0.0.1', port: 0 };
  if (typeof v !== 'string' || v === '') {
    errs.push(fieldRequired('listen', 'host:port, e.g. 127.0.0.1:9443'));
    return fallback;
  }
  const colon = v.lastIndexOf(':');
  let host = colon > 0 ? v.slice(0, colon) : '';
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = Number(v.slice(colon + 1));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535 || !/^[0-9]+$/.test(v.slice(colon + 1))) {
    errs.push(fieldInvalid('listen', v, 'must be host:port with a port from 1 to 65535'));
    return fallback;
  }
  return { host, port };
}

function stringList(v: unknown, field: string, errs: FieldError[]): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    errs.push(fieldInvalid(field, v, 'must be a list of non-empty strings'));
    return [];
  }
  return v as string[];
}

const AUTHENTICATION_KEYS = ['jwt', 'clientCAFile', 'webhook'];

/** authentication.webhook: {configFile, cacheTTL: 2m, version: v1beta1}. */
function parseTokenWebhook(
  v: unknown,
  fileField: (v: unknown, field: string, required: boolean) => string | undefined,
  errs: FieldError[],
): GatewayTokenWebhook | undefined {
  const at = 'authentication.webhook';
  if (!isObject(v)) {
    errs.push(fieldInvalid(at, v, 'must be a mapping {configFile, cacheTTL, version}'));
    return undefined;
  }
  const configFile = fileField(v.configFile, `${at}.configFile`, true);
  const cacheTTL =
    v.cacheTTL === undefined
      ? DEFAULT_WEBHOOK_TOKEN_CACHE_TTL_SECONDS
      : typeof v.cacheTTL === 'string'
        ? parseGoDuration(v.cacheTTL)
        : undefined;
  if (cacheTTL === undefined)
    errs.push(fieldInvalid(`${at}.cacheTTL`, v.cacheTTL, 'must be a duration such as 2m or 30s'));
  const version = v.version ?? DEFAULT_WEBHOOK_TOKEN_VERSION;
  if (!WEBHOOK_TOKEN_VERSIONS.includes(version as WebhookTokenVersion)) {
    errs.push(fieldNotSupported(`${at}.version`, version, [...WEBHOOK_TOKEN_VERSIONS]));
  }
  for (const key of Object.keys(v)) {
    if (!['configFile', 'cacheTTL', 'version'].includes(key))
      errs.push(fieldNotSupported(`${at}.${key}`, key, ['configFile', 'cacheTTL', 'version']));
  }
  return configFile && cacheTTL !== undefined
    ? { configFile, cacheTTL, version: version as WebhookTokenVersion }
    : undefined;
}

/** Validates a parsed document; `baseDir` anchors relative file paths (the config file's directory). */
export function validateGatewayConfig(doc: unknown, baseDir: string, file = 'gateway config'): GatewayConfig {
  const errs: FieldError[] = [];
  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const fileField = (v: unknown, field: string, required: boolean): string | undefined => {
    if (v === undefined || v === null || v === '') {
      if (required) errs.push(fieldRequired(field));
      return undefined;
    }
    if (typeof v !== 'string') {
      errs.push(fieldInvalid(field, v, 'must be a file path'));
      return undefined;
    }
    return path(v);
  };
  if (!isObject(doc))
    throw new GatewayConfigError(file, [fieldInvalid('<root>', typeof doc, `must be a ${GATEWAY_KIND} mapping`)]);
  if (doc.apiVersion !== GATEWAY_API_VERSION)
    errs.push(fieldNotSupported('apiVersion', doc.apiVersion ?? '', [GATEWAY_API_VERSION]));
  if (doc.kind !== GATEWAY_KIND) errs.push(fieldNotSupported('kind', doc.kind ?? '', [GATEWAY_KIND]));
  for (const key of Object.keys(doc))
    if (!KNOWN_TOP_LEVEL.includes(key)) errs.push(fieldNotSupported(key, key, KNOWN_TOP_LEVEL));

  const listen = parseListen(doc.listen, errs);

  let tls: GatewayConfig['tls'];
  if (doc.tls !== undefined && doc.tls !== null) {
    if (!isObject(doc.tls)) errs.push(fieldInvalid('tls', doc.tls, 'must be a mapping {certFile, keyFile}'));
    else {
      const certFile = fileField(doc.tls.certFile, 'tls.certFile', true);
      const keyFile = fileField(doc.tls.keyFile, 'tls.keyFile', true);
      if (certFile && keyFile) tls = { certFile, keyFile };
    }
  }

  const authentication: GatewayConfig['authentication'] = { jwt: [] };
  const authn = doc.authentication;
  if (!isObject(authn)) errs.push(fieldRequired('authentication', 'at least one of jwt, clientCAFile or webhook'));
  else {
    if (authn.jwt !== undefined && authn.jwt !== null) {
      if (!Array.isArray(authn.jwt))
        errs.push(fieldInvalid('authentication.jwt', authn.jwt, 'must be a list of JWT authenticators'));
      else {
        authn.jwt.forEach((j, i) => {
          if (isObject(j)) authentication.jwt.push(j);
          else errs.push(fieldInvalid(`authentication.jwt[${i}]`, j, 'must be a mapping'));
        });
      }
    }
    const ca = fileField(authn.clientCAFile, 'authentication.clientCAFile', false);
    if (ca) authentication.clientCAFile = ca;
    if (authn.webhook !== undefined && authn.webhook !== null) {
      const webhook = parseTokenWebhook(authn.webhook, fileField, errs);
      if (webhook) authentication.webhook = webhook;
    }
    for (const key of Object.keys(authn)) {
      if (!AUTHENTICATION_KEYS.includes(key))
        errs.push(fieldNotSupported(`authentication.${key}`, key, AUTHENTICATION_KEYS));
    }
    const none = authentication.jwt.length === 0 && !authentication.clientCAFile && !authentication.webhook;
    if (none && !errs.some((e) => e.field.startsWith('authentication'))) {
      errs.push(fieldRequired('authentication', 'at least one of jwt, clientCAFile or webhook'));
    }
  }

  const clusters: GatewayCluster[] = [];
  if (!Array.isArray(doc.clusters) || doc.clusters.length === 0)
    errs.push(fieldRequired('clusters', 'at least one {name, kubeconfig}'));
  else {
    const seen = new Set<string>();
    doc.clusters.forEach((c, i) => {
      const at = `clusters[${i}]`;
      if (!isObject(c)) return errs.push(fieldInvalid(at, c, 'must be a mapping {name, kubeconfig}'));
      if (typeof c.name !== 'string' || c.name === '') errs.push(fieldRequired(`${at}.name`));
      else if (!CLUSTER_NAME.test(c.name)) {
        errs.push(fieldInvalid(`${at}.name`, c.name, 'must be a DNS label (lower-case letters, digits, -)'));
      } else if (seen.has(c.name)) errs.push(fieldDuplicate(`${at}.name`, c.name));
      else seen.add(c.name);
      const kubeconfig = fileField(c.kubeconfig, `${at}.kubeconfig`, true);
      if (typeof c.name === 'string' && kubeconfig) clusters.push({ name: c.name, kubeconfig });
      return undefined;
    });
  }

  let access: GatewayAccessRule[] | undefined;
  if (doc.access !== undefined && doc.access !== null) {
    if (!Array.isArray(doc.access))
      errs.push(fieldInvalid('access', doc.access, 'must be a list of {clusters, users, groups}'));
    else {
      access = doc.access.map((rule, i) => {
        const at = `access[${i}]`;
        if (!isObject(rule)) {
          errs.push(fieldInvalid(at, rule, 'must be a mapping {clusters, users, groups}'));
          return { clusters: [], users: [], groups: [] };
        }
        const r = {
          clusters: stringList(rule.clusters, `${at}.clusters`, errs),
          users: stringList(rule.users, `${at}.users`, errs),
          groups: stringList(rule.groups, `${at}.groups`, errs),
        };
        if (r.clusters.length === 0) errs.push(fieldRequired(`${at}.clusters`, 'cluster names or "*"'));
        if (r.users.length === 0 && r.groups.length === 0)
          errs.push(fieldRequired(`${at}.users`, 'at least one user or group'));
        for (const [j, name] of r.clusters.entries()) {
          if (name !== '*' && !clusters.some((c) => c.name === name)) {
            errs.push(fieldNotSupported(`${at}.clusters[${j}]`, name, ['*', ...clusters.map((c) => c.name)]));
          }
        }
        return r;
      });
    }
  }

  let audit: GatewayAudit | undefined;
  if (doc.audit !== undefined && doc.audit !== null) {
    if (!isObject(doc.audit))
      errs.push(fieldInvalid('audit', doc.audit, 'must be a mapping {path, maxSize, maxBackups}'));
    else {
      const auditPath = fileField(doc.audit.path, 'audit.path', true);
      const maxSize = doc.audit.maxSize === undefined ? DEFAULT_AUDIT_MAX_SIZE : parseByteSize(doc.audit.maxSize);
      if (maxSize === undefined) {
        errs.push(
          fieldInvalid('audit.maxSize', doc.audit.maxSize, 'must be a size such as 100Mi, 512Ki or a byte count'),
        );
      }
      const maxBackups = doc.audit.maxBackups ?? DEFAULT_AUDIT_MAX_BACKUPS;
      if (!Number.isInteger(maxBackups) || (maxBackups as number) < 0 || (maxBackups as number) > 1000) {
        errs.push(fieldInvalid('audit.maxBackups', maxBackups, 'must be an integer from 0 to 1000'));
      }
      if (auditPath && maxSize !== undefined) audit = { path: auditPath, maxSize, maxBackups: maxBackups as number };
    }
  }

  if (errs.length > 0) throw new GatewayConfigError(file, errs);
  return {
    listen,
    ...(tls ? { tls } : {}),
    authentication,
    clusters,
    ...(access ? { access } : {}),
    ...(audit ? { audit } : {}),
  };
}

/** Reads and parses a GatewayConfiguration file (YAML or JSON) without validating it. */
export function readGatewayDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new GatewayConfigError(file, [fieldInvalid('<file>', file, `cannot be read (${code})`)]);
  }
  try {
    return parse(text);
  } catch (e) {
    throw new GatewayConfigError(file, [
      fieldInvalid('<file>', file, `is not valid YAML: ${(e as Error).message.split('\n')[0]}`),
    ]);
  }
}

/** Reads and validates a GatewayConfiguration file (YAML or JSON). */
export function loadGatewayConfig(file: string): GatewayConfig {
  return validateGatewayConfig(readGatewayDocument(file), dirname(resolve(file)), file);
}
