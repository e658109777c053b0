// `kauth certs init` and `kauth up`'s first step: make sure the kubeadm PKI tree and kubeconfig files exist and are
// consistent. Like kubeadm, existing valid files are kept and never rewritten; an existing file that is unusable
// (garbage, wrong key, signed by another CA, expired) stops everything before anything is written.
import type { KeyObject } from 'node:crypto';
import { networkInterfaces, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createSelfSignedCa, certificateMatchesKey, isSignedBy, issueCertificate } from './certificate.js';
import { pemBlocks } from './pem.js';
import { PkiError } from './errors.js';
import { CERT_MODE, ensureDir, KEY_MODE, readIfExists, writeFileAtomic } from './files.js';
import { firstIpOfCidr, normalizeIp } from './ip.js';
import {
  generateKeyPair,
  loadPublicKeyPem,
  parseKeyAlgorithm,
  privateKeyToPem,
  publicKeyToPem,
  sameKey,
  type KeyAlgorithm,
  type KeyPair,
} from './keys.js';
import {
  CA_SPECS,
  CLUSTER_NAME,
  KUBECONFIG_SPECS,
  LEAF_SPECS,
  type CaName,
  type CaSpec,
  type KubeconfigSpec,
  type LeafSpec,
  type TreeContext,
} from './kubeadm-spec.js';
import { dedupeAltNames, isValidDnsSan, splitSans } from './names.js';
import { certPath, checkPeriod, keyPath, parseCertFile, parseKeyFile, type LoadedCertFile } from './pki-files.js';
import { buildKubeconfig } from '../kubeconfig/build.js';
import { parseKubeconfig } from '../kubeconfig/load.js';
import { resolveClusterCredentials } from '../kubeconfig/credentials.js';
import { writeKubeconfig } from '../kubeconfig/write.js';
import { httpsUrl } from '../api/host-port.js';

export { setKubeconfigServer } from '../kubeconfig/edit.js';

export type ClusterKeyAlgorithm = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'ECDSA-P256' | 'ECDSA-P384';

export interface EnsurePkiTreeOptions {
  certDir: string;
  /** Default: the parent of certDir (kubeadm's /etc/kubernetes for /etc/kubernetes/pki). */
  kubeconfigDir?: string;
  /** Default RSA-2048, as kubeadm. */
  algorithm?: ClusterKeyAlgorithm | string;
  /** Default: the first non-loopback IPv4 address of the host, else 127.0.0.1 (kubeadm picks the default route's). */
  advertiseAddress?: string;
  /** Default 10.96.0.0/12. */
  serviceCidr?: string;
  /** Default cluster.local. */
  dnsDomain?: string;
  extraSans?: string[];
  /** Default: the host name, lower-cased. */
  nodeName?: string;
  /** `https://127.0.0.1:6443` or `host:port`; the kubeconfigs' server. Default https://<advertiseAddress>:6443. */
  controlPlaneEndpoint?: string;
  /** Default 3650 (10 years). */
  caValidityDays?: number;
  /** Default 365 (1 year). */
  leafValidityDays?: number;
  /** Progress lines in kubeadm's words ("[certs] Generating "ca" certificate and key"). Never key material. */
  log?: (line: string) => void;
  now?: Date;
}

export interface EnsurePkiTreeResult {
  /** Names of what was written: `ca`, `etcd/server`, `sa`, `admin.conf`, … */
  created: string[];
  /** Names of what already existed and was kept. */
  kept: string[];
  /** Non-fatal findings, e.g. a kubeconfig pointing at another server URL. */
  warnings: string[];
  /** The server URL of each kubeconfig that existed and was checked, by file name (`admin.conf`, …). */
  kubeconfigServers: Record<string, string>;
}

const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

// ------------------------------------------------------------------------------------------------------------
// Options

export function defaultAdvertiseAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** `https://host:port` from `https://host:port`, `host:port` or `host` (port 6443). Returns the URL and the host. */
export function parseControlPlaneEndpoint(endpoint: string): { url: string; host: string } {
  const raw = endpoint.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new PkiError(
      `invalid control plane endpoint "${endpoint}": want https://host:port or host:port`,
      'ERR_PKI_INVALID',
    );
  }
  if (url.protocol !== 'https:')
    throw new PkiError(
      `invalid control plane endpoint "${endpoint}": the API server is served over https`,
      'ERR_PKI_INVALID',
    );
  if (url.pathname !== '/' || url.search || url.username) {
    throw new PkiError(
      `invalid control plane endpoint "${endpoint}": want only scheme, host and port`,
      'ERR_PKI_INVALID',
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { url: `https://${url.hostname}:${url.port || '6443'}`, host };
}

export function toKeyAlgorithm(alg: string | undefined): KeyAlgorithm {
  const parsed = parseKeyAlgorithm(alg ?? 'RSA-2048');
  if (parsed === 'ed25519') {
    throw new PkiError(
      'kubeadm trees use RSA or ECDSA keys (service-account tokens cannot be signed with Ed25519)',
      'ERR_PKI_ALGORITHM',
    );
  }
  return parsed;
}

interface ResolvedOptions {
  certDir: string;
  kubeconfigDir: string;
  keyAlgorithm: KeyAlgorithm;
  ctx: TreeContext;
  server: string;
  caValidityMs: number;
  leafValidityMs: number;
  now: Date;
}

function validityMs(days: number | undefined, fallback: number, what: string): number {
  const d = days ?? fallback;
  if (!Number.isFinite(d) || d <= 0)
    throw new PkiError(`${what} must be a positive number of days, not ${String(days)}`, 'ERR_PKI_INVALID');
  return d * DAY_MS;
}

export function resolveTreeOptions(opts: EnsurePkiTreeOptions): ResolvedOptions {
  const certDir = resolve(opts.certDir);
  const advertise = opts.advertiseAddress ?? defaultAdvertiseAddress();
  const advertiseAddress = normalizeIp(advertise);
  if (!advertiseAddress)
    throw new PkiError(`invalid advertise address "${advertise}": want an IP address`, 'ERR_PKI_INVALID');
  const nodeName = (opts.nodeName ?? hostname()).toLowerCase();
  if (!isValidDnsSan(nodeName) || nodeName.startsWith('*.')) {
    throw new PkiError(
      `invalid node name "${nodeName}": want a DNS-1123 subdomain (pass --node-name)`,
      'ERR_PKI_INVALID',
    );
  }
  const dnsDomain = opts.dnsDomain ?? 'cluster.local';
  if (!isValidDnsSan(dnsDomain) || dnsDomain.startsWith('*.'))
    throw new PkiError(`invalid service DNS domain "${dnsDomain}"`, 'ERR_PKI_INVALID');
  const endpoint = opts.controlPlaneEndpoint ? parseControlPlaneEndpoint(opts.controlPlaneEndpoint) : undefined;
  const server = endpoint?.url ?? httpsUrl(advertiseAddress, 6443);
  return {
    certDir,
    kubeconfigDir: resolve(opts.kubeconfigDir ?? dirname(certDir)),
    keyAlgorithm: toKeyAlgorithm(opts.algorithm),
    ctx: {
      nodeName,
      advertiseAddress,
      serviceIp: firstIpOfCidr(opts.serviceCidr ?? '10.96.0.0/12'),
      dnsDomain,
      controlPlaneHost: endpoint?.host,
      extraSans: splitSans(opts.extraSans ?? []),
    },
    server,
    caValidityMs: validityMs(opts.caValidityDays, 3650, 'CA validity'),
    leafValidityMs: validityMs(opts.leafValidityDays, 365, 'certificate validity'),
    now: opts.now ?? new Date(),
  };
}

// ------------------------------------------------------------------------------------------------------------
// Phase 1: read and check what exists. Nothing is written until every existing file has passed.

type CaState =
  | { spec: CaSpec; status: 'missing' }
  | { spec: CaSpec; status: 'present'; cert: LoadedCertFile; key: KeyObject }
  | { spec: CaSpec; status: 'external'; cert: LoadedCertFile };

interface LeafState {
  spec: LeafSpec;
  status: 'missing' | 'present';
}

type SaState = { status: 'missing' } | { status: 'present'; key: KeyObject; pubMissing: boolean };

interface KubeconfigState {
  spec: KubeconfigSpec;
  path: string;
  status: 'missing' | 'present';
  /** The current context's server URL, when present. */
  server?: string;
}

interface Plan {
  cas: Map<CaName, CaState>;
  leaves: LeafState[];
  sa: SaState;
  kubeconfigs: KubeconfigState[];
  warnings: string[];
}

function checkCa(o: ResolvedOptions, spec: CaSpec): CaState {
  const cp = certPath(o.certDir, spec.baseName);
  const kp = keyPath(o.certDir, spec.baseName);
  const certText = readIfExists(cp);
  const keyText = readIfExists(kp);
  if (certText === undefined && keyText === undefined) return { spec, status: 'missing' };
  if (certText === undefined) {
    throw new PkiError(
      `found the ${spec.name} key ${kp} but not its certificate ${cp}; restore it or remove the key`,
      'ERR_PKI_TREE',
    );
  }
  const cert = parseCertFile(cp, certText, spec.name);
  if (!cert.info.isCA) throw new PkiError(`certificate ${cp} is not a CA`, 'ERR_PKI_TREE');
  checkPeriod(cert, spec.name, o.now);
  if (keyText === undefined) return { spec, status: 'external', cert };
  const key = parseKeyFile(kp, keyText, spec.name);
  if (!certificateMatchesKey(certText, key))
    throw new PkiError(`the ${spec.name} key ${kp} does not match the certificate ${cp}`, 'ERR_PKI_KEY');
  return { spec, status: 'present', cert, key };
}

function checkLeaf(o: ResolvedOptions, spec: LeafSpec, ca: CaState): LeafState {
  const cp = certPath(o.certDir, spec.baseName);
  const kp = keyPath(o.certDir, spec.baseName);
  const certText = readIfExists(cp);
  const keyText = readIfExists(kp);
  if (certText === undefined && keyText === undefined) {
    if (ca.status === 'external') {
      throw new PkiError(
        `the ${ca.spec.name} key is missing (external CA) and ${cp} does not exist, so kauth cannot create it`,
        'ERR_PKI_TREE',
      );
    }
    return { spec, status: 'missing' };
  }
  if (certText === undefined)
    throw new PkiError(`found ${kp} but not ${cp}; remove the key to regenerate both`, 'ERR_PKI_TREE');
  if (keyText === undefined)
    throw new PkiError(`found ${cp} but not ${kp}; remove the certificate to regenerate both`, 'ERR_PKI_TREE');
  const cert = parseCertFile(cp, certText, spec.name);
  const key = parseKeyFile(kp, keyText, spec.name);
  if (!certificateMatchesKey(certText, key))
    throw new PkiError(`the ${spec.name} key ${kp} does not match the certificate ${cp}`, 'ERR_PKI_KEY');
  if (ca.status === 'missing') {
    throw new PkiError(
      `${cp} exists but its CA ${certPath(o.certDir, ca.spec.baseName)} does not; restore the CA or remove the stale files`,
      'ERR_PKI_TREE',
    );
  }
  if (!isSignedBy(certText, ca.cert.pem)) {
    throw new PkiError(`certificate ${cp} is not signed by the ${ca.spec.name} CA ${ca.cert.path}`, 'ERR_PKI_TREE');
  }
  checkPeriod(cert, spec.name, o.now, `; run "kauth certs renew ${spec.name}"`);
  if (spec.altNames) {
    const want = spec.altNames(o.ctx);
    const missing = [
      ...want.dnsNames.filter((d) => !cert.info.dnsNames.includes(d)),
      ...want.ipAddresses.map((ip) => normalizeIp(ip) ?? ip).filter((ip) => !cert.info.ipAddresses.includes(ip)),
    ];
    if (missing.length) {
      throw new PkiError(
        `certificate ${cp} does not cover ${missing.join(', ')}; remove ${spec.baseName}.crt and ${spec.baseName}.key to regenerate it`,
        'ERR_PKI_TREE',
      );
    }
  }
  return { spec, status: 'present' };
}

function checkSa(o: ResolvedOptions): SaState {
  const kp = join(o.certDir, 'sa.key');
  const pp = join(o.certDir, 'sa.pub');
  const keyText = readIfExists(kp);
  const pubText = readIfExists(pp);
  if (keyText === undefined) {
    if (pubText !== undefined)
      throw new PkiError(`found ${pp} but not ${kp}; tokens cannot be signed without the private key`, 'ERR_PKI_TREE');
    return { status: 'missing' };
  }
  const key = parseKeyFile(kp, keyText, 'sa');
  if (pubText !== undefined) {
    let pub: KeyObject;
    try {
      pub = loadPublicKeyPem(pubText);
    } catch (e) {
      throw new PkiError(`failure loading sa public key ${pp}: ${(e as Error).message}`, 'ERR_PKI_FILE');
    }
    if (!sameKey(pub, key)) throw new PkiError(`the public key ${pp} does not match ${kp}`, 'ERR_PKI_KEY');
  }
  return { status: 'present', key, pubMissing: pubText === undefined };
}

function checkKubeconfig(o: ResolvedOptions, spec: KubeconfigSpec, ca: CaState, warnings: string[]): KubeconfigState {
  const path = join(o.kubeconfigDir, spec.fileName);
  const text = readIfExists(path);
  if (text === undefined) {
    if (ca.status === 'external')
      throw new PkiError(
        `the ca key is missing (external CA) and ${path} does not exist, so kauth cannot create it`,
        'ERR_PKI_TREE',
      );
    return { spec, path, status: 'missing' };
  }
  let creds;
  try {
    creds = resolveClusterCredentials(parseKubeconfig(text, path));
  } catch (e) {
    throw new PkiError(
      `failed to load kubeconfig file ${path} that already exists on disk: ${(e as Error).message}`,
      'ERR_PKI_FILE',
    );
  }
  let sameCa = false;
  if (ca.status !== 'missing' && creds.caPem) {
    try {
      sameCa =
        pemBlocks(creds.caPem)
          .find((b) => b.type === 'CERTIFICATE')
          ?.der.equals(ca.cert.info.raw) ?? false;
    } catch {
      sameCa = false;
    }
  }
  if (!sameCa)
    throw new PkiError(`a kubeconfig file "${path}" exists already but has got the wrong CA cert`, 'ERR_PKI_TREE');
  if (creds.server !== o.server) {
    warnings.push(
      `a kubeconfig file "${path}" exists already but has an unexpected API Server URL: expected: ${o.server}, got: ${creds.server}`,
    );
  }
  if (creds.clientCertPem && creds.clientKeyPem && ca.status !== 'missing') {
    let ok = false;
    try {
      ok = certificateMatchesKey(creds.clientCertPem, parseKeyFile(path, creds.clientKeyPem, spec.fileName));
    } catch (e) {
      throw new PkiError(`the client credentials in ${path} are unusable: ${(e as Error).message}`, 'ERR_PKI_TREE');
    }
    if (!ok) throw new PkiError(`the client certificate in ${path} does not match its key`, 'ERR_PKI_KEY');
    if (!isSignedBy(creds.clientCertPem, ca.cert.pem))
      throw new PkiError(`the client certificate in ${path} is not signed by the cluster CA`, 'ERR_PKI_TREE');
  }
  return { spec, path, status: 'present', server: creds.server };
}

function plan(o: ResolvedOptions): Plan {
  const cas = new Map<CaName, CaState>();
  for (const spec of CA_SPECS) cas.set(spec.name, checkCa(o, spec));
  const leaves = LEAF_SPECS.map((spec) => checkLeaf(o, spec, cas.get(spec.ca)!));
  const sa = checkSa(o);
  const warnings: string[] = [];
  const kubeconfigs = KUBECONFIG_SPECS.map((spec) => checkKubeconfig(o, spec, cas.get('ca')!, warnings));
  return { cas, leaves, sa, kubeconfigs, warnings };
}

// ------------------------------------------------------------------------------------------------------------
// Phase 2: generate what is missing. Keys are generated in parallel on the libuv pool.

interface Signer {
  certPem: string;
  key: KeyObject;
  notBefore: Date;
}

/** kubeadm's RemoveDuplicateAltNames: DNS names deduplicated and sorted, IPs deduplicated in order. */
export function treeAltNames(spec: LeafSpec, ctx: TreeContext): { dnsNames: string[]; ipAddresses: string[] } {
  const alt = spec.altNames!(ctx);
  const d = dedupeAltNames(alt.dnsNames, alt.ipAddresses);
  return { dnsNames: [...d.dnsNames].sort(), ipAddresses: d.ipAddresses };
}

function fmtList(values: string[]): string {
  return `[${values.join(' ')}]`;
}

/**
 * Creates the missing parts of the kubeadm PKI tree and kubeconfig files and checks the existing ones. On an
 * existing valid tree it only reads files (no key generation, no writes).
 */
export async function ensurePkiTree(opts: EnsurePkiTreeOptions): Promise<EnsurePkiTreeResult> {
  const o = resolveTreeOptions(opts);
  const p = plan(o);
  const lines = new Map<string, string[]>();
  const say = (item: string, line: string) => lines.set(item, [...(lines.get(item) ?? []), line]);
  const created: string[] = [];
  const kept: string[] = [];

  const missingAnything =
    [...p.cas.values()].some((c) => c.status === 'missing') ||
    p.leaves.some((l) => l.status === 'missing') ||
    p.sa.status === 'missing' ||
    (p.sa.status === 'present' && p.sa.pubMissing) ||
    p.kubeconfigs.some((k) => k.status === 'missing');
  if (missingAnything) {
    ensureDir(o.certDir);
    if ([...p.cas.values(), ...p.leaves].some((x) => x.spec.baseName.startsWith('etcd/') && x.status === 'missing'))
      ensureDir(join(o.certDir, 'etcd'));
    if (p.kubeconfigs.some((k) => k.status === 'missing')) ensureDir(o.kubeconfigDir);
  }

  // Start every key generation at once.
  const keys = new Map<string, Promise<KeyPair>>();
  const newKey = (item: string) => {
    const pr = generateKeyPair(o.keyAlgorithm);
    pr.catch(() => undefined); // awaited below; avoid unhandled rejections if an earlier step throws
    keys.set(item, pr);
  };
  for (const c of p.cas.values()) if (c.status === 'missing') newKey(c.spec.baseName);
  for (const l of p.leaves) if (l.status === 'missing') newKey(l.spec.baseName);
  if (p.sa.status === 'missing') newKey('sa');
  for (const k of p.kubeconfigs) if (k.status === 'missing') newKey(k.spec.fileName);

  const notBefore = new Date(o.now.getTime() - BACKDATE_MS);
  const signers = new Map<CaName, Promise<Signer | undefined>>();
  for (const c of p.cas.values()) {
    signers.set(
      c.spec.name,
      (async () => {
        if (c.status === 'external') {
          say(c.spec.baseName, `[certs] Using existing ${c.spec.baseName} keyless certificate authority`);
          kept.push(c.spec.baseName);
          return undefined;
        }
        if (c.status === 'present') {
          say(c.spec.baseName, `[certs] Using existing ${c.spec.baseName} certificate authority`);
          kept.push(c.spec.baseName);
          return { certPem: c.cert.pem, key: c.key, notBefore: c.cert.info.notBefore };
        }
        const kp = await keys.get(c.spec.baseName)!;
        const certPem = await createSelfSignedCa({
          commonName: c.spec.commonName,
          privateKey: kp.privateKey,
          notBefore,
          notAfter: new Date(o.now.getTime() + o.caValidityMs),
        });
        writeFileAtomic(keyPath(o.certDir, c.spec.baseName), privateKeyToPem(kp.privateKey), { mode: KEY_MODE });
        writeFileAtomic(certPath(o.certDir, c.spec.baseName), certPem, { mode: CERT_MODE });
        say(c.spec.baseName, `[certs] Generating "${c.spec.baseName}" certificate and key`);
        created.push(c.spec.baseName);
        return { certPem, key: kp.privateKey, notBefore };
      })(),
    );
  }
  for (const s of signers.values()) s.catch(() => undefined);

  const leafJobs = p.leaves.map(async (l) => {
    const name = l.spec.baseName;
    if (l.status === 'present') {
      say(name, `[certs] Using existing ${name} certificate and key on disk`);
      kept.push(name);
      return;
    }
    const signer = (await signers.get(l.spec.ca)!)!;
    const kp = await keys.get(name)!;
    const alt = l.spec.altNames ? treeAltNames(l.spec, o.ctx) : undefined;
    const certPem = await issueCertificate({
      issuer: { certPem: signer.certPem, privateKey: signer.key },
      publicKey: kp.publicKey,
      subject: { commonName: l.spec.commonName(o.ctx), organizations: l.spec.organizations },
      dnsNames: alt?.dnsNames,
      ipAddresses: alt?.ipAddresses,
      extKeyUsages: l.spec.extKeyUsages,
      notBefore: new Date(Math.max(notBefore.getTime(), signer.notBefore.getTime())),
      notAfter: new Date(o.now.getTime() + o.leafValidityMs),
    });
    writeFileAtomic(keyPath(o.certDir, name), privateKeyToPem(kp.privateKey), { mode: KEY_MODE });
    writeFileAtomic(certPath(o.certDir, name), certPem, { mode: CERT_MODE });
    say(name, `[certs] Generating "${name}" certificate and key`);
    if (alt)
      say(
        name,
        `[certs] ${name} serving cert is signed for DNS names ${fmtList(alt.dnsNames)} and IPs ${fmtList(alt.ipAddresses)}`,
      );
    created.push(name);
  });

  const saJob = (async () => {
    const kp = join(o.certDir, 'sa.key');
    const pp = join(o.certDir, 'sa.pub');
    if (p.sa.status === 'present') {
      if (p.sa.pubMissing) writeFileAtomic(pp, publicKeyToPem(p.sa.key), { mode: CERT_MODE });
      say('sa', `[certs] Using the existing "sa" key`);
      kept.push('sa');
      return;
    }
    const pair = await keys.get('sa')!;
    writeFileAtomic(kp, privateKeyToPem(pair.privateKey), { mode: KEY_MODE });
    writeFileAtomic(pp, publicKeyToPem(pair.publicKey), { mode: CERT_MODE });
    say('sa', `[certs] Generating "sa" key and public key`);
    created.push('sa');
  })();

  const kubeconfigJobs = p.kubeconfigs.map(async (k) => {
    if (k.status === 'present') {
      say(k.spec.fileName, `[kubeconfig] Using existing kubeconfig file: "${k.path}"`);
      kept.push(k.spec.fileName);
      return;
    }
    const signer = (await signers.get('ca')!)!;
    const kp = await keys.get(k.spec.fileName)!;
    const clientName = k.spec.clientName(o.ctx);
    const clientCertPem = await issueCertificate({
      issuer: { certPem: signer.certPem, privateKey: signer.key },
      publicKey: kp.publicKey,
      subject: { commonName: clientName, organizations: k.spec.organizations },
      extKeyUsages: ['clientAuth'],
      notBefore: new Date(Math.max(notBefore.getTime(), signer.notBefore.getTime())),
      notAfter: new Date(o.now.getTime() + o.leafValidityMs),
    });
    const cfg = buildKubeconfig({
      clusterName: CLUSTER_NAME,
      server: o.server,
      caPem: signer.certPem,
      userName: clientName,
      clientCertPem,
      clientKeyPem: privateKeyToPem(kp.privateKey),
    });
    writeKubeconfig(k.path, cfg, { overwrite: false });
    say(k.spec.fileName, `[kubeconfig] Writing "${k.spec.fileName}" kubeconfig file`);
    created.push(k.spec.fileName);
  });

  await Promise.all([...signers.values(), ...leafJobs, saJob, ...kubeconfigJobs]);

  // Report in kubeadm's order, whatever order the parallel jobs finished in.
  if (opts.log) {
    const order = [
      'ca',
      'apiserver',
      'apiserver-kubelet-client',
      'front-proxy-ca',
      'front-proxy-client',
      'etcd/ca',
      'etcd/server',
      'etcd/peer',
      'etcd/healthcheck-client',
      'apiserver-etcd-client',
      'sa',
    ];
    opts.log(`[certs] Using certificateDir folder "${o.certDir}"`);
    for (const item of order) for (const line of lines.get(item) ?? []) opts.log(line);
    opts.log(`[kubeconfig] Using kubeconfig folder "${o.kubeconfigDir}"`);
    for (const w of p.warnings) opts.log(`[kubeconfig] WARNING: ${w}`);
    for (const k of KUBECONFIG_SPECS) for (const line of lines.get(k.fileName) ?? []) opts.log(line);
  }
  const rank = (n: string) => {
    const all = [
      ...CA_SPECS.map((c) => c.baseName),
      ...LEAF_SPECS.map((l) => l.baseName),
      'sa',
      ...KUBECONFIG_SPECS.map((k) => k.fileName),
    ];
    return all.indexOf(n);
  };
  created.sort((a, b) => rank(a) - rank(b));
  kept.sort((a, b) => rank(a) - rank(b));
  const kubeconfigServers: Record<string, string> = {};
  for (const k of p.kubeconfigs) if (k.server !== undefined) kubeconfigServers[k.spec.fileName] = k.server;
  return { created, kept, warnings: p.warnings, kubeconfigServers };
}
