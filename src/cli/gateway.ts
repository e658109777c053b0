// `kauth gateway --config gateway.yaml --data-dir DIR`: one sign-in, many clusters, by impersonation.
// `kauth gateway kubeconfig`: a kubeconfig with a context per cluster behind the gateway.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { serializeKubeconfig, writeKubeconfig } from '../kubeconfig/index.js';
import { buildGatewayAuthentication } from '../gateway/authentication.js';
import {
  GatewayConfigError,
  loadGatewayConfig,
  readGatewayDocument,
  validateGatewayConfig,
} from '../gateway/config.js';
import { applyGatewayFlags, type GatewayFlags } from '../gateway/flag-overrides.js';
import { Gateway } from '../gateway/server.js';
import { gatewayPkiPaths, servingTls } from '../gateway/serving-tls.js';
import { gatewayUserKubeconfig } from '../gateway/user-kubeconfig.js';
import { GRANT_TYPES, loginExecConfig } from '../login/index.js';
import { CliError } from './errors.js';
import { collect } from './flags.js';
import { selfCommand } from './login.js';
import { httpsUrl, joinHostPort } from '../api/host-port.js';

interface GatewayRunOptions extends GatewayFlags {
  config?: string;
  dataDir: string;
  listen?: string;
}

async function runGateway(opts: GatewayRunOptions): Promise<void> {
  let config;
  try {
    const file = opts.config;
    const doc = applyGatewayFlags(file ? readGatewayDocument(file) : undefined, opts);
    config = validateGatewayConfig(doc, file ? dirname(resolve(file)) : process.cwd(), file ?? 'flags');
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (opts.listen) {
    const colon = opts.listen.lastIndexOf(':');
    const port = Number(opts.listen.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError(`--listen: "${opts.listen}" is not host:port`);
    config.listen = { host: opts.listen.slice(0, colon).replace(/^\[|\]$/g, ''), port };
  }
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let authn;
  try {
    authn = await buildGatewayAuthentication(config, opts.config ?? 'flags');
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const tls = await servingTls(config.tls, dataDir, config.listen.host);
  let gateway: Gateway;
  try {
    gateway = new Gateway({
      config,
      authenticator: authn.authenticator,
      tls,
      ...(authn.clientCaPem ? { clientCaPem: authn.clientCaPem } : {}),
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  let address;
  try {
    address = await gateway.listen(config.listen.host, config.listen.port);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      throw new CliError(`${joinHostPort(config.listen.host, config.listen.port)} is already in use`);
    throw e;
  }
  const names = config.clusters.map((c) => c.name).join(',');
  process.stdout.write(
    `kauth gateway is ready at ${httpsUrl(address.address, address.port)}/clusters/{${names}}\n` +
      (tls.caFile ? `gateway CA: ${tls.caFile}\n` : ''),
  );
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    authn.close();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

interface KubeconfigOptions {
  user: string;
  server: string;
  cluster: string[];
  config?: string;
  dataDir?: string;
  certificateAuthority?: string;
  oidcIssuerUrl?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  oidcExtraScope: string[];
  grantType: string;
  oidcCaFile?: string;
  loginArg: string[];
  execCommand?: string;
  clientCertificate?: string;
  clientKey?: string;
  namespace?: string;
  output?: string;
}

/** The same exec entry `kauth kubeconfig oidc` writes: kubectl runs `kauth login` for every request's token. */
function loginExec(o: KubeconfigOptions, issuerUrl: string, clientId: string) {
  const self = o.execCommand ? { command: o.execCommand, args: [] } : selfCommand();
  return loginExecConfig(self.command, self.args, {
    issuerUrl,
    clientId,
    ...(o.oidcClientSecret ? { clientSecret: o.oidcClientSecret } : {}),
    extraScopes: o.oidcExtraScope,
    grantType: o.grantType,
    // kubectl starts the plugin in whatever directory it runs in: the path must not be relative.
    ...(o.oidcCaFile ? { issuerCaFile: resolve(o.oidcCaFile) } : {}),
    extraArgs: o.loginArg,
  });
}

function writeUserKubeconfig(o: KubeconfigOptions): void {
  let clusters = o.cluster;
  if (clusters.length === 0 && o.config) {
    try {
      clusters = loadGatewayConfig(o.config).clusters.map((c) => c.name);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  if (clusters.length === 0) throw new CliError('name the clusters with --cluster, or give the gateway --config');
  let caFile = o.certificateAuthority;
  if (!caFile && o.dataDir && existsSync(gatewayPkiPaths(resolve(o.dataDir)).caCert))
    caFile = gatewayPkiPaths(resolve(o.dataDir)).caCert;
  if ((o.oidcIssuerUrl === undefined) !== (o.oidcClientId === undefined))
    throw new CliError('--oidc-issuer-url and --oidc-client-id go together');
  if ((o.clientCertificate === undefined) !== (o.clientKey === undefined))
    throw new CliError('--client-certificate and --client-key go together');
  if (!o.oidcIssuerUrl && !o.clientCertificate) {
    throw new CliError(
      'give --oidc-issuer-url and --oidc-client-id (kauth login), or --client-certificate and --client-key',
    );
  }
  let url: URL;
  try {
    url = new URL(o.server);
  } catch {
    throw new CliError(`--server: "${o.server}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new CliError('--server must be https://host:port');
  const cfg = gatewayUserKubeconfig({
    user: o.user,
    server: o.server,
    clusters,
    ...(caFile ? { caPem: readFileSync(caFile, 'utf8') } : {}),
    ...(o.oidcIssuerUrl && o.oidcClientId ? { exec: loginExec(o, o.oidcIssuerUrl, o.oidcClientId) } : {}),
    ...(o.clientCertificate && o.clientKey
      ? {
          clientCertificate: {
            certPem: readFileSync(o.clientCertificate, 'utf8'),
            keyPem: readFileSync(o.clientKey, 'utf8'),
          },
        }
      : {}),
    ...(o.namespace ? { namespace: o.namespace } : {}),
  });
  if (o.output) writeKubeconfig(o.output, cfg);
  else writeFileSync(1, serializeKubeconfig(cfg));
}

export function registerGatewayCommands(program: Command): void {
  const gateway = program
    .command('gateway')
    .description('one sign-in, many clusters: an authenticating gateway that impersonates its callers in each cluster')
    .option(
      '--config <file>',
      'the GatewayConfiguration file (gateway.kauth.dev/v1alpha1); the flags below override it',
    )
    .option('--data-dir <dir>', 'where the generated gateway CA and serving certificate live (pki/)', '.kauth-gateway')
    .option('--listen <host:port>', 'the listen address (config: listen)')
    .option('--tls-cert-file <file>', 'serving certificate (config: tls.certFile); default: generated under --data-dir')
    .option('--tls-private-key-file <file>', 'its key (config: tls.keyFile)')
    .option('--client-ca-file <file>', "users' client-certificate CA (config: authentication.clientCAFile)")
    .option('--authentication-config <file>', 'an AuthenticationConfiguration whose jwt issuers the gateway trusts')
    .option(
      '--authentication-token-webhook-config-file <file>',
      'TokenReview webhook kubeconfig (config: authentication.webhook)',
    )
    .option('--authentication-token-webhook-cache-ttl <duration>', 'how long webhook answers are cached (default 2m)')
    .option('--authentication-token-webhook-version <v>', 'TokenReview version sent: v1 or v1beta1 (default v1beta1)')
    .option(
      '--cluster <name=kubeconfig>',
      "a cluster and the gateway's kubeconfig there; repeatable (config: clusters)",
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--audit-log-path <file>', 'the gateway audit log (config: audit.path)')
    .option('--audit-log-maxsize <MB>', 'rotate at this many megabytes (default 100)')
    .option('--audit-log-maxbackup <n>', 'rotated files kept (default 5)')
    .action(async (opts: GatewayRunOptions) => {
      const anyField = opts.config || (opts.cluster ?? []).length > 0;
      if (!anyField) throw new CliError('--config or at least one --cluster is required');
      await runGateway(opts);
    });
  gateway
    .command('kubeconfig')
    .description('print (or write with -o) a kubeconfig with one context per cluster behind the gateway')
    .requiredOption('--user <name>', "the user entry's name")
    .requiredOption('--server <url>', "the gateway's URL, https://host:port")
    .option(
      '--cluster <names>',
      'cluster names (repeatable or comma-separated); default: those in --config',
      collect,
      [],
    )
    .option('--certificate-authority <file>', "the CA that signed the gateway's serving certificate")
    .option('--oidc-issuer-url <url>', 'sign in with `kauth login` against this issuer')
    .option('--oidc-client-id <id>', 'the OAuth client id for `kauth login`')
    .option('--oidc-client-secret <secret>', 'client secret, for a confidential client (stored in the kubeconfig)')
    .option('--oidc-extra-scope <scope>', 'a scope to request besides openid; repeat or comma-separate', collect, [])
    .addOption(new Option('--grant-type <type>', 'how kauth login logs in').choices([...GRANT_TYPES]).default('auto'))
    .option('--oidc-ca-file <file>', "CA of the provider's TLS certificate, passed to kauth login")
    .option(
      '--login-arg <arg>',
      'another argument for kauth login; repeatable',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--exec-command <command>', 'the command kubectl runs (default: this kauth)')
    .option('--client-certificate <file>', 'use this client certificate instead of `kauth login`')
    .option('--client-key <file>', 'the key of --client-certificate')
    .option('--namespace <ns>', "the contexts' namespace")
    .option('-o, --output <file>', 'write here (0600) instead of printing')
    // --config and --data-dir are the parent command's options too; commander gives them to the parent.
    .action((_opts: KubeconfigOptions, cmd: Command) => writeUserKubeconfig(cmd.optsWithGlobals<KubeconfigOptions>()));
}
