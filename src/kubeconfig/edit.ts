// In-place edits of an existing kubeconfig — a new server URL (kauth restarted on another port), renewed client
// credentials — that touch nothing else: the YAML document is edited, so order, comments and other entries stay.
import { readFileSync, statSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import { writeFileAtomic } from '../pki/files.js';
import { KubeconfigError } from './types.js';

function named(doc: Document, list: string, name: string): YAMLMap | undefined {
  const seq = doc.get(list, true);
  if (!isSeq(seq)) return undefined;
  return seq.items.find((item): item is YAMLMap => isMap(item) && item.get('name') === name);
}

function load(file: string): { doc: Document; mode: number } {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(file, 'utf8');
    mode = statSync(file).mode & 0o777;
  } catch (e) {
    throw new KubeconfigError(`cannot read kubeconfig file ${file}: ${(e as Error).message}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new KubeconfigError(`${file}: not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  return { doc, mode };
}

function currentContext(file: string, doc: Document, contextName?: string): YAMLMap | undefined {
  const ctxName = contextName ?? (doc.get('current-context') as string | undefined);
  if (!ctxName) return undefined;
  const ctx = named(doc, 'contexts', ctxName);
  if (!ctx) throw new KubeconfigError(`${file}: context "${ctxName}" does not exist`);
  const body = ctx.get('context', true);
  if (!isMap(body)) throw new KubeconfigError(`${file}: context "${ctxName}" is empty`);
  return body;
}

function save(file: string, doc: Document, mode: number): void {
  writeFileAtomic(file, doc.toString({ lineWidth: 0, indentSeq: false }), { mode, overwrite: true });
}

/**
 * Sets `server` of the cluster used by the current context (or by `contextName`; or the only cluster when there
 * is no current context). Returns false, writing nothing, when the URL is already right.
 */
export function setKubeconfigServer(file: string, serverUrl: string, contextName?: string): boolean {
  const { doc, mode } = load(file);
  const ctx = currentContext(file, doc, contextName);
  let clusterName: unknown = ctx?.get('cluster');
  if (!ctx) {
    const clusters = doc.get('clusters', true);
    if (isSeq(clusters) && clusters.items.length === 1 && isMap(clusters.items[0]))
      clusterName = clusters.items[0].get('name');
  }
  if (typeof clusterName !== 'string')
    throw new KubeconfigError(`${file}: cannot tell which cluster to update (no current-context)`);
  const cluster = named(doc, 'clusters', clusterName);
  const body = cluster?.get('cluster', true);
  if (!cluster || !isMap(body)) throw new KubeconfigError(`${file}: cluster "${clusterName}" does not exist`);
  if (body.get('server') === serverUrl) return false;
  body.set('server', serverUrl);
  save(file, doc, mode);
  return true;
}

/** The embedded client certificate and key PEMs of the current context's user. */
export function readEmbeddedClientCredentials(
  file: string,
  contextName?: string,
): { certPem: string; keyPem: string; userName: string } {
  const { doc } = load(file);
  const user = currentUser(file, doc, contextName);
  const cert = user.body.get('client-certificate-data');
  const key = user.body.get('client-key-data');
  if (typeof cert !== 'string' || typeof key !== 'string' || !cert || !key) {
    throw new KubeconfigError(
      `${file}: user "${user.name}" has no embedded client-certificate-data and client-key-data`,
    );
  }
  return {
    certPem: Buffer.from(cert, 'base64').toString('utf8'),
    keyPem: Buffer.from(key, 'base64').toString('utf8'),
    userName: user.name,
  };
}

function currentUser(file: string, doc: Document, contextName?: string): { name: string; body: YAMLMap } {
  const ctx = currentContext(file, doc, contextName);
  const userName = ctx?.get('user');
  if (typeof userName !== 'string' || !userName) throw new KubeconfigError(`${file}: the current context has no user`);
  const user = named(doc, 'users', userName);
  const body = user?.get('user', true);
  if (!user || !isMap(body)) throw new KubeconfigError(`${file}: user "${userName}" does not exist`);
  return { name: userName, body };
}

/** Replaces the embedded client certificate and key of the current context's user (kubeadm certs renew). */
export function setKubeconfigClientCredentials(
  file: string,
  certPem: string,
  keyPem: string,
  contextName?: string,
): void {
  const { doc, mode } = load(file);
  const user = currentUser(file, doc, contextName);
  user.body.set('client-certificate-data', Buffer.from(certPem, 'utf8').toString('base64'));
  user.body.set('client-key-data', Buffer.from(keyPem, 'utf8').toString('base64'));
  save(file, doc, mode);
}
