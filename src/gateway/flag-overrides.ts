// `kauth gateway` flags for the common fields: each sets (or adds to) a field of the GatewayConfiguration document
// before it is validated, so a flag and the file field it stands for are checked by the same code. With no
// --config the flags alone make the document. Paths given by flags are taken relative to the working directory.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { GATEWAY_API_VERSION, GATEWAY_KIND } from './config.js';

export interface GatewayFlags {
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  /** An AuthenticationConfiguration file: its `jwt` issuers are added to the gateway's. */
  authenticationConfig?: string;
  authenticationTokenWebhookConfigFile?: string;
  authenticationTokenWebhookCacheTtl?: string;
  authenticationTokenWebhookVersion?: string;
  /** NAME=KUBECONFIG, repeatable; replaces a file entry of the same name. */
  cluster?: string[];
  auditLogPath?: string;
  /** Megabytes, as kube-apiserver's --audit-log-maxsize. */
  auditLogMaxsize?: string;
  auditLogMaxbackup?: string;
}

type Doc = Record<string, unknown>;

function mapping(doc: Doc, key: string): Doc {
  const v = doc[key];
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Doc;
  const fresh: Doc = {};
  doc[key] = fresh;
  return fresh;
}

/** The `jwt` list of an AuthenticationConfiguration file (its own validation runs when the gateway builds it). */
function jwtIssuersOf(file: string): unknown[] {
  const doc = parse(readFileSync(file, 'utf8')) as { jwt?: unknown } | null;
  if (!doc || !Array.isArray(doc.jwt)) throw new Error(`--authentication-config ${file}: no jwt list in the file`);
  return doc.jwt;
}

/** The document with the flags applied (the file's, or a fresh one when there is no --config). */
export function applyGatewayFlags(fileDoc: unknown, flags: GatewayFlags, cwd = process.cwd()): unknown {
  if (fileDoc !== undefined && (typeof fileDoc !== 'object' || fileDoc === null || Array.isArray(fileDoc)))
    return fileDoc;
  const doc: Doc = fileDoc ? { ...(fileDoc as Doc) } : { apiVersion: GATEWAY_API_VERSION, kind: GATEWAY_KIND };
  const path = (p: string) => resolve(cwd, p);
  if (flags.tlsCertFile || flags.tlsPrivateKeyFile) {
    const tls = mapping(doc, 'tls');
    if (flags.tlsCertFile) tls.certFile = path(flags.tlsCertFile);
    if (flags.tlsPrivateKeyFile) tls.keyFile = path(flags.tlsPrivateKeyFile);
  }
  if (flags.clientCaFile) mapping(doc, 'authentication').clientCAFile = path(flags.clientCaFile);
  if (flags.authenticationConfig) {
    const authn = mapping(doc, 'authentication');
    authn.jwt = [...(Array.isArray(authn.jwt) ? authn.jwt : []), ...jwtIssuersOf(path(flags.authenticationConfig))];
  }
  if (flags.authenticationTokenWebhookConfigFile) {
    const webhook = mapping(mapping(doc, 'authentication'), 'webhook');
    webhook.configFile = path(flags.authenticationTokenWebhookConfigFile);
    if (flags.authenticationTokenWebhookCacheTtl) webhook.cacheTTL = flags.authenticationTokenWebhookCacheTtl;
    if (flags.authenticationTokenWebhookVersion) webhook.version = flags.authenticationTokenWebhookVersion;
  }
  for (const entry of flags.cluster ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw new Error(`--cluster "${entry}": want NAME=KUBECONFIG`);
    const name = entry.slice(0, eq);
    const clusters = (Array.isArray(doc.clusters) ? doc.clusters : []).filter((c) => (c as Doc | null)?.name !== name);
    doc.clusters = [...clusters, { name, kubeconfig: path(entry.slice(eq + 1)) }];
  }
  if (flags.auditLogPath) {
    const audit = mapping(doc, 'audit');
    audit.path = path(flags.auditLogPath);
    if (flags.auditLogMaxsize) audit.maxSize = `${flags.auditLogMaxsize}Mi`;
    if (flags.auditLogMaxbackup) audit.maxBackups = Number(flags.auditLogMaxbackup);
  }
  return doc;
}
