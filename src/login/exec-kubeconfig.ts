// The kubeconfig for a user who logs in through `kauth login`: a cluster (CA embedded), a user whose credentials
// come from the exec plugin, and a context joining them — written to stdout, or merged into an existing file
// (entries of the same name are replaced, everything else kept, as `kubectl config set-*` would).
import { existsSync } from 'node:fs';
import { EXEC_CREDENTIAL_V1 } from './exec-credential.js';
import {
  loadKubeconfig,
  mergeKubeconfigs,
  writeKubeconfig,
  type ExecConfig,
  type Kubeconfig,
} from '../kubeconfig/index.js';

export interface ExecLoginArgs {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
  extraScopes?: string[];
  grantType?: string;
  /** The provider's CA file, passed on as `--certificate-authority`. */
  issuerCaFile?: string;
  /** Anything else for `kauth login`, verbatim. */
  extraArgs?: string[];
}

/** The `users[].user.exec` entry: `<command> [prefix…] login --oidc-issuer-url … --oidc-client-id …`. */
export function loginExecConfig(command: string, commandArgs: string[], a: ExecLoginArgs): ExecConfig {
  const args = [...commandArgs, 'login', `--oidc-issuer-url=${a.issuerUrl}`, `--oidc-client-id=${a.clientId}`];
  if (a.clientSecret) args.push(`--oidc-client-secret=${a.clientSecret}`);
  for (const s of a.extraScopes ?? []) args.push(`--oidc-extra-scope=${s}`);
  if (a.grantType && a.grantType !== 'auto') args.push(`--grant-type=${a.grantType}`);
  if (a.issuerCaFile) args.push(`--certificate-authority=${a.issuerCaFile}`);
  args.push(...(a.extraArgs ?? []));
  return {
    apiVersion: EXEC_CREDENTIAL_V1,
    command,
    args,
    interactiveMode: 'IfAvailable',
    provideClusterInfo: false,
  };
}

export interface OidcKubeconfigOptions {
  clusterName: string;
  server: string;
  caPem: string;
  userName: string;
  contextName: string;
  namespace?: string;
  exec: ExecConfig;
}

export function oidcKubeconfig(o: OidcKubeconfigOptions): Kubeconfig {
  const caData = Buffer.from(o.caPem).toString('base64');
  const namespace = o.namespace ? { namespace: o.namespace } : {};
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: o.clusterName, cluster: { 'certificate-authority-data': caData, server: o.server } }],
    users: [{ name: o.userName, user: { exec: o.exec } }],
    contexts: [{ name: o.contextName, context: { cluster: o.clusterName, user: o.userName, ...namespace } }],
    'current-context': o.contextName,
  };
}

/**
 * Writes `cfg` into `file`: created 0600 when missing; otherwise merged, the new entries replacing those of the
 * same name and becoming the current context. Returns whether the file existed.
 */
export function mergeIntoKubeconfigFile(file: string, cfg: Kubeconfig): boolean {
  const existed = existsSync(file);
  const merged = existed ? mergeKubeconfigs([cfg, loadKubeconfig(file)]) : cfg;
  writeKubeconfig(file, merged);
  return existed;
}
