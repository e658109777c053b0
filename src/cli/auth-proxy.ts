// `kauth auth-proxy`: kube-rbac-proxy's flags, or the kubelet's auth from a KubeletConfiguration (--kubelet-config).
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { AlwaysAllowAuthorizer } from '../authz/always.js';
import { delegateTo } from '../authproxy/delegation.js';
import { loadKubeletConfig } from '../authproxy/kubelet.js';
import { loadProxyConfigFile } from '../authproxy/config-file.js';
import { AuthProxy } from '../authproxy/server.js';
import { parseDurationSeconds } from './flags.js';
import { httpsUrl } from '../api/host-port.js';

interface Options {
  upstream?: string;
  secureListenAddress: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  kubeconfig?: string;
  clientCaFile?: string;
  configFile?: string;
  allowPaths: string[];
  ignorePaths: string[];
  authHeaderFieldsEnabled?: boolean;
  authHeaderUserFieldName: string;
  authHeaderGroupsFieldName: string;
  authHeaderGroupsFieldSeparator: string;
  kubeletConfig?: string;
  nodeName: string;
  authnCacheTtl: string;
  authzAllowedCacheTtl: string;
  authzDeniedCacheTtl: string;
}

const list = (v: string, prev: string[]): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  const port = Number(addr.slice(i + 1));
  if (i === -1 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`invalid --secure-listen-address "${addr}": want host:port`);
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host || '0.0.0.0', port };
}

export function registerAuthProxyCommands(program: Command): void {
  program
    .command('auth-proxy')
    .description(
      'HTTPS reverse proxy that authenticates (TokenReview, client certs) and authorizes (SubjectAccessReview) every request',
    )
    .option('--upstream <url>', 'the upstream URL to proxy to once a request is authorized')
    .option('--secure-listen-address <host:port>', 'the address the HTTPS proxy listens on', '0.0.0.0:8443')
    .option('--tls-cert-file <file>', 'serving certificate (PEM)')
    .option('--tls-private-key-file <file>', 'serving key (PEM)')
    .option('--kubeconfig <file>', 'kubeconfig of the API server that answers TokenReviews and SubjectAccessReviews')
    .option('--client-ca-file <file>', 'CA bundle that verifies client certificates')
    .option('--config-file <file>', 'kube-rbac-proxy configuration: authorization.resourceAttributes and rewrites')
    .option(
      '--allow-paths <globs>',
      'only these paths (path.Match globs, comma-separated) are proxied; others are 404',
      list,
      [],
    )
    .option('--ignore-paths <globs>', 'these paths are proxied without authentication or authorization', list, [])
    .option('--auth-header-fields-enabled', "pass the caller's user and groups to the upstream in headers")
    .option('--auth-header-user-field-name <name>', 'header for the user name', 'x-remote-user')
    .option('--auth-header-groups-field-name <name>', 'header for the groups', 'x-remote-groups')
    .option('--auth-header-groups-field-separator <sep>', 'separator of the groups', '|')
    .option(
      '--kubelet-config <file>',
      "kubelet mode: apply this KubeletConfiguration's authentication, authorization and readOnlyPort",
    )
    .option('--node-name <name>', 'kubelet mode: the node name in SubjectAccessReviews', hostname())
    .option('--authn-cache-ttl <duration>', 'how long TokenReview answers are cached', '2m')
    .option('--authz-allowed-cache-ttl <duration>', 'how long allowed SubjectAccessReview answers are cached', '5m')
    .option('--authz-denied-cache-ttl <duration>', 'how long denied SubjectAccessReview answers are cached', '30s')
    .action((o: Options) => run(o));
}

async function run(o: Options): Promise<void> {
  if (!o.upstream) throw new CliError('--upstream is required');
  if (!o.tlsCertFile || !o.tlsPrivateKeyFile)
    throw new CliError('--tls-cert-file and --tls-private-key-file are required');
  let upstream: URL;
  try {
    upstream = new URL(o.upstream);
  } catch {
    throw new CliError(`invalid --upstream "${o.upstream}"`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:')
    throw new CliError('--upstream must be http or https');
  const { host, port } = hostPort(o.secureListenAddress);
  const ms = (v: string, flag: string): number => {
    try {
      return parseDurationSeconds(v) * 1000;
    } catch {
      throw new CliError(`invalid ${flag} "${v}"`);
    }
  };
  const kubelet = o.kubeletConfig ? loadKubeletConfig(o.kubeletConfig) : undefined;
  const needsApi = !kubelet || kubelet.webhookAuthn || kubelet.authorizationMode === 'Webhook';
  if (needsApi && !o.kubeconfig)
    throw new CliError('--kubeconfig is required to send TokenReviews and SubjectAccessReviews');
  const delegation = needsApi
    ? delegateTo(o.kubeconfig!, {
        authnCacheTtlMs: ms(o.authnCacheTtl, '--authn-cache-ttl'),
        authzAllowedTtlMs: ms(o.authzAllowedCacheTtl, '--authz-allowed-cache-ttl'),
        authzDeniedTtlMs: ms(o.authzDeniedCacheTtl, '--authz-denied-cache-ttl'),
      })
    : undefined;
  const caFile = kubelet ? (kubelet.clientCAFile ?? o.clientCaFile) : o.clientCaFile;
  const proxy = new AuthProxy({
    upstream,
    listenHost: host,
    listenPort: port,
    tlsCert: readFileSync(o.tlsCertFile),
    tlsKey: readFileSync(o.tlsPrivateKeyFile),
    clientCaPems: caFile ? [readFileSync(caFile, 'utf8')] : [],
    ...((!kubelet || kubelet.webhookAuthn) && delegation ? { tokens: delegation.tokens } : {}),
    anonymous: kubelet?.anonymous ?? false,
    authorizer: kubelet?.authorizationMode === 'AlwaysAllow' ? new AlwaysAllowAuthorizer() : delegation!.authorizer,
    mode: kubelet
      ? { kind: 'kubelet', nodeName: o.nodeName }
      : { kind: 'rbac-proxy', config: o.configFile ? loadProxyConfigFile(o.configFile) : {} },
    allowPaths: o.allowPaths,
    ignorePaths: o.ignorePaths,
    ...(o.authHeaderFieldsEnabled
      ? {
          authHeaders: {
            user: o.authHeaderUserFieldName,
            groups: o.authHeaderGroupsFieldName,
            separator: o.authHeaderGroupsFieldSeparator,
          },
        }
      : {}),
    ...(kubelet?.readOnlyPort ? { readOnlyPort: kubelet.readOnlyPort } : {}),
  });
  const started = await proxy.start();
  process.stderr.write(
    `auth-proxy listening on ${httpsUrl(host, started.port)}${started.readOnlyPort ? `, read-only port http://127.0.0.1:${started.readOnlyPort}` : ''}\n`,
  );
  const stop = (): void => {
    void proxy.close().finally(() => {
      delegation?.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
