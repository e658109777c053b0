// `kauth up` (PKI, kubeconfigs and SQLite under one data dir, then the control plane) and
// `kauth server` (the same control plane with kube-apiserver's flags, for explicit setups).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { setKubeconfigServer } from '../kubeconfig/index.js';
import { ensurePkiTree } from '../pki/kubeadm-tree.js';
import { DEFAULT_CONFIG, type ControlPlaneConfig } from '../server/config.js';
import { ControlPlane } from '../server/control-plane.js';
import { CliError } from './errors.js';
import { collect, parseBool, parseDurationSeconds, parsePort } from './flags.js';

const KUBECONFIG_FILES = ['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf', 'kubelet.conf'];

interface ServerFlags {
  bindAddress: string;
  securePort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  storageBackend: string;
  storagePath?: string;
  serviceClusterIpRange: string;
  anonymousAuth: boolean;
  tokenAuthFile?: string;
  enableBootstrapTokenAuth: boolean;
  authorizationMode: string[];
  authorizationPolicyFile?: string;
  authorizationWebhookConfigFile?: string;
  serviceAccountKeyFile: string[];
  serviceAccountSigningKeyFile?: string;
  serviceAccountIssuer: string[];
  apiAudiences: string[];
  serviceAccountMaxTokenExpiration: number;
  serviceAccountExtendTokenExpiration: boolean;
  serviceAccountLookup: boolean;
  serviceAccountJwksUri?: string;
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  clusterSigningDuration: number;
}

/** The kube-apiserver / kube-controller-manager flags both commands take. */
function addServerFlags(cmd: Command): Command {
  return cmd
    .option('--bind-address <ip>', 'address to serve on', DEFAULT_CONFIG.bindAddress)
    .option('--secure-port <port>', 'HTTPS port', parsePort, DEFAULT_CONFIG.securePort)
    .option('--storage-backend <backend>', 'sqlite or memory', DEFAULT_CONFIG.storageBackend)
    .option('--service-cluster-ip-range <cidr>', 'Service ClusterIP range', DEFAULT_CONFIG.serviceClusterIpRange)
    .option('--anonymous-auth [bool]', 'allow anonymous requests (system:anonymous)', parseBool, DEFAULT_CONFIG.anonymousAuth)
    .option('--token-auth-file <file>', 'static tokens, CSV: token,user,uid,"group1,group2"')
    .option('--enable-bootstrap-token-auth [bool]', 'accept bootstrap tokens (kube-system bootstrap-token-* Secrets)', parseBool, DEFAULT_CONFIG.enableBootstrapTokenAuth)
    .option('--authorization-mode <modes>', 'ordered list: AlwaysAllow,AlwaysDeny,ABAC,RBAC,Node,Webhook', (v: string) => collect(v), DEFAULT_CONFIG.authorizationMode)
    .option('--authorization-policy-file <file>', 'ABAC policy (JSON lines)')
    .option('--authorization-webhook-config-file <file>', 'kubeconfig of the authorization webhook')
    .option('--service-account-key-file <file>', 'PEM public (or private) keys that verify service-account tokens (repeatable)', collect, [])
    .option('--service-account-signing-key-file <file>', 'PEM private key that signs service-account tokens')
    .option('--service-account-issuer <url>', 'token issuer (repeatable; the first issues)', collect, [])
    .option('--api-audiences <list>', 'audiences the API accepts (default: the issuers)', collect, [])
    .option('--service-account-max-token-expiration <duration>', 'longest TokenRequest allowed (0: none)', parseDurationSeconds, 0)
    .option('--service-account-extend-token-expiration [bool]', 'extend pod tokens to a year with warnafter', parseBool, true)
    .option('--service-account-lookup [bool]', 'check that tokens\' service accounts and bound objects still exist', parseBool, true)
    .option('--service-account-jwks-uri <url>', 'jwks_uri published in the OIDC discovery document')
    .option('--cluster-signing-cert-file <file>', 'CA certificate that signs approved CSRs')
    .option('--cluster-signing-key-file <file>', 'CA key that signs approved CSRs')
    .option('--cluster-signing-duration <duration>', 'longest certificate the signer issues', parseDurationSeconds, DEFAULT_CONFIG.clusterSigningDuration);
}

function toConfig(f: ServerFlags, base: Partial<ControlPlaneConfig>): ControlPlaneConfig {
  if (f.storageBackend !== 'sqlite' && f.storageBackend !== 'memory') throw new CliError(`--storage-backend: unknown backend "${f.storageBackend}" (want sqlite or memory)`);
  const tlsCertFile = f.tlsCertFile ?? base.tlsCertFile;
  const tlsPrivateKeyFile = f.tlsPrivateKeyFile ?? base.tlsPrivateKeyFile;
  if (!tlsCertFile || !tlsPrivateKeyFile) throw new CliError('--tls-cert-file and --tls-private-key-file are required');
  for (const [flag, file] of [['--tls-cert-file', tlsCertFile], ['--tls-private-key-file', tlsPrivateKeyFile], ['--client-ca-file', f.clientCaFile ?? base.clientCaFile]] as const) {
    if (file && !existsSync(file)) throw new CliError(`${flag}: ${file}: no such file`);
  }
  const keyFiles = f.serviceAccountKeyFile.length ? f.serviceAccountKeyFile : base.serviceAccountKeyFiles ?? [];
  return {
    ...DEFAULT_CONFIG,
    ...base,
    bindAddress: f.bindAddress,
    securePort: f.securePort,
    tlsCertFile,
    tlsPrivateKeyFile,
    clientCaFile: f.clientCaFile ?? base.clientCaFile,
    storageBackend: f.storageBackend,
    storagePath: f.storagePath ?? base.storagePath,
    serviceClusterIpRange: f.serviceClusterIpRange,
    anonymousAuth: f.anonymousAuth,
    tokenAuthFile: f.tokenAuthFile,
    enableBootstrapTokenAuth: f.enableBootstrapTokenAuth,
    authorizationMode: f.authorizationMode,
    authorizationPolicyFile: f.authorizationPolicyFile,
    authorizationWebhookConfigFile: f.authorizationWebhookConfigFile,
    serviceAccountKeyFiles: keyFiles,
    serviceAccountSigningKeyFile: f.serviceAccountSigningKeyFile ?? base.serviceAccountSigningKeyFile,
    serviceAccountIssuers: f.serviceAccountIssuer.length ? f.serviceAccountIssuer : DEFAULT_CONFIG.serviceAccountIssuers,
    apiAudiences: f.apiAudiences,
    serviceAccountMaxTokenExpiration: f.serviceAccountMaxTokenExpiration,
    serviceAccountExtendTokenExpiration: f.serviceAccountExtendTokenExpiration,
    serviceAccountLookup: f.serviceAccountLookup,
    serviceAccountJwksUri: f.serviceAccountJwksUri,
    clusterSigningCertFile: f.clusterSigningCertFile ?? base.clusterSigningCertFile,
    clusterSigningKeyFile: f.clusterSigningKeyFile ?? base.clusterSigningKeyFile,
    clusterSigningDuration: f.clusterSigningDuration,
  };
}

async function run(config: ControlPlaneConfig, banner: (cp: ControlPlane) => string): Promise<void> {
  let cp: ControlPlane;
  try {
    cp = await ControlPlane.start(config);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new CliError(`${config.bindAddress}:${config.securePort} is already in use`);
    if (err.code === 'EACCES') throw new CliError(`not allowed to listen on ${config.bindAddress}:${config.securePort}`);
    throw e;
  }
  process.stdout.write(banner(cp));
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    cp.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

export function registerServerCommands(program: Command): void {
  addServerFlags(
    program.command('up')
      .description('create the cluster PKI, kubeconfigs and database under --data-dir if missing, then run the control plane')
      .option('--data-dir <dir>', 'where pki/, *.conf and the database live', '.kauth')
      .option('--cert-algorithm <alg>', 'RSA-2048 or ECDSA-P256 for a new PKI', 'RSA-2048')
      .option('--apiserver-cert-extra-sans <list>', 'extra SANs for a new apiserver certificate', collect, []),
  ).action(async (opts: ServerFlags & { dataDir: string; certAlgorithm: string; apiserverCertExtraSans: string[] }) => {
    const dir = resolve(opts.dataDir);
    const pki = join(dir, 'pki');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const host = opts.bindAddress === '0.0.0.0' || opts.bindAddress === '::' ? '127.0.0.1' : opts.bindAddress;
    const endpoint = `https://${host.includes(':') ? `[${host}]` : host}:${opts.securePort}`;
    if (opts.certAlgorithm !== 'RSA-2048' && opts.certAlgorithm !== 'ECDSA-P256') throw new CliError(`--cert-algorithm: unknown algorithm "${opts.certAlgorithm}" (want RSA-2048 or ECDSA-P256)`);
    await ensurePkiTree({
      certDir: pki, kubeconfigDir: dir, algorithm: opts.certAlgorithm, controlPlaneEndpoint: endpoint,
      // A fixed advertise address: the host's first IPv4 may change between runs and break the kept apiserver cert.
      advertiseAddress: /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : '127.0.0.1', serviceCidr: opts.serviceClusterIpRange,
      extraSans: opts.apiserverCertExtraSans,
    });
    // Started on another address than last time: point the kubeconfigs at it.
    for (const f of KUBECONFIG_FILES) if (existsSync(join(dir, f))) setKubeconfigServer(join(dir, f), endpoint);
    const config = toConfig(opts, {
      tlsCertFile: join(pki, 'apiserver.crt'),
      tlsPrivateKeyFile: join(pki, 'apiserver.key'),
      clientCaFile: join(pki, 'ca.crt'),
      storagePath: join(dir, 'kauth.db'),
      serviceAccountKeyFiles: [join(pki, 'sa.pub')],
      serviceAccountSigningKeyFile: join(pki, 'sa.key'),
      clusterSigningCertFile: join(pki, 'ca.crt'),
      clusterSigningKeyFile: join(pki, 'ca.key'),
    });
    await run(config, (cp) => [
      `kauth is ready at ${cp.url}`,
      `admin kubeconfig: ${join(dir, 'admin.conf')}`,
      `  export KUBECONFIG=${join(dir, 'admin.conf')}`,
      `  kubectl get ns`,
      '',
    ].join('\n'));
  });

  addServerFlags(
    program.command('server')
      .description('run the control plane with kube-apiserver flags (TLS files given explicitly)')
      .option('--tls-cert-file <file>', 'serving certificate')
      .option('--tls-private-key-file <file>', 'serving key')
      .option('--client-ca-file <file>', 'CA bundle that client certificates are verified against')
      .option('--storage-path <file>', 'SQLite database file', 'kauth.db'),
  ).action(async (opts: ServerFlags) => {
    const config = toConfig(opts, {});
    await run(config, (cp) => `kauth server is ready at ${cp.url}\n`);
  });
}
