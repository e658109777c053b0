// `kauth kubeconfig user`: a ready kubeconfig for a new user, its client certificate signed by the cluster CA,
// printed to stdout — `kubeadm kubeconfig user` without a cluster to read the configuration from.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { asCliErrors, DEFAULT_CERT_DIR } from './certs.js';
import { issueCertificate } from '../pki/certificate.js';
import { parsePositiveDays } from '../pki/duration.js';
import { generateKeyPair, keyAlgorithmOf, parseKeyAlgorithm, privateKeyToPem } from '../pki/keys.js';
import { CLUSTER_NAME } from '../pki/kubeadm-spec.js';
import { defaultAdvertiseAddress, parseControlPlaneEndpoint } from '../pki/kubeadm-tree.js';
import { loadCertificateAuthority } from '../pki/pki-files.js';
import { normalizeIp } from '../pki/ip.js';
import { buildKubeconfig } from '../kubeconfig/build.js';
import { loadKubeconfig } from '../kubeconfig/load.js';
import { resolveClusterCredentials } from '../kubeconfig/credentials.js';
import { serializeKubeconfig } from '../kubeconfig/write.js';
import { buildWebhookKubeconfig } from '../kubeconfig/webhook.js';
import { registerKubeconfigOidcCommand } from './login.js';
import { httpsUrl } from '../api/host-port.js';

interface UserOptions {
  clientName?: string;
  org: string[];
  validityPeriod: string;
  certDir: string;
  server?: string;
  token?: string;
  clusterName: string;
  apiserverAdvertiseAddress?: string;
  certAlgorithm?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** --server, else the server of <cert-dir>/../admin.conf, else https://<advertise address>:6443. */
function defaultServer(certDir: string, advertise?: string): string {
  const admin = join(dirname(certDir), 'admin.conf');
  if (existsSync(admin)) return resolveClusterCredentials(loadKubeconfig(admin)).server;
  const ip = normalizeIp(advertise ?? defaultAdvertiseAddress());
  if (!ip) throw new CliError(`invalid --apiserver-advertise-address "${advertise}": want an IP address`);
  return httpsUrl(ip, 6443);
}

export function registerKubeconfigCommands(program: Command): void {
  const kubeconfig = program.command('kubeconfig').description('Kubeconfig file utilities');

  kubeconfig
    .command('user')
    .description('Print a kubeconfig for a user, with a client certificate signed by the cluster CA')
    .option('--client-name <name>', 'the user name (certificate CN)')
    .option('--org <org>', 'a group (certificate O); repeat or comma-separate for several', collect, [])
    .option('--validity-period <duration>', 'validity of the client certificate', '8760h')
    .option('--validity <duration>', 'alias of --validity-period')
    .option('--cert-dir <dir>', 'where the cluster CA (ca.crt, ca.key) is stored', DEFAULT_CERT_DIR)
    .option(
      '--server <url>',
      'API server URL (default: from <cert-dir>/../admin.conf, else https://<advertise address>:6443)',
    )
    .option('--token <token>', 'use this bearer token instead of a client certificate')
    .option('--cluster-name <name>', 'cluster name in the kubeconfig', CLUSTER_NAME)
    .option('--apiserver-advertise-address <ip>', 'address for the default server URL')
    .option('--cert-algorithm <alg>', 'key algorithm of the client key (default: that of the CA key)')
    .action((o: UserOptions & { validity?: string }) =>
      asCliErrors(() => run({ ...o, validityPeriod: o.validity ?? o.validityPeriod })),
    );

  // `kauth kubeconfig webhook`: the file a delegating API server's webhook flags take, pointing at this kauth.
  kubeconfig
    .command('webhook')
    .description(
      'Print the kubeconfig for --authentication-token-webhook-config-file (--authn) or --authorization-webhook-config-file (--authz)',
    )
    .option('--authn', 'TokenReview webhook')
    .option('--authz', 'SubjectAccessReview webhook')
    .requiredOption('--server <url>', 'base URL of the kauth that answers the reviews')
    .requiredOption('--ca-file <file>', 'CA that verifies its serving certificate')
    .requiredOption('--client-certificate <file>', 'client certificate of the delegating server')
    .requiredOption('--client-key <file>', 'its key')
    .action(
      (o: {
        authn?: boolean;
        authz?: boolean;
        server: string;
        caFile: string;
        clientCertificate: string;
        clientKey: string;
      }) =>
        asCliErrors(() => {
          if (!!o.authn === !!o.authz) throw new CliError('give exactly one of --authn and --authz');
          const read = (f: string): string => readFileSync(f, 'utf8');
          const cfg = buildWebhookKubeconfig({
            kind: o.authn ? 'authn' : 'authz',
            server: o.server,
            caPem: read(o.caFile),
            clientCertPem: read(o.clientCertificate),
            clientKeyPem: read(o.clientKey),
          });
          process.stdout.write(`${serializeKubeconfig(cfg)}\n`);
        }),
    );

  // `kauth kubeconfig oidc`: a user that logs in through `kauth login`; server and CA default to the local kauth's.
  registerKubeconfigOidcCommand(
    kubeconfig,
    (certDir) => ({ server: defaultServer(certDir), caFile: join(certDir, 'ca.crt') }),
    DEFAULT_CERT_DIR,
    CLUSTER_NAME,
  );
}

async function run(o: UserOptions): Promise<void> {
  if (!o.clientName) throw new CliError('--client-name is required');
  const certDir = resolve(o.certDir);
  const validityDays = parsePositiveDays(o.validityPeriod, '--validity-period');
  const ca = loadCertificateAuthority(certDir, 'ca');
  const server = o.server
    ? parseControlPlaneEndpoint(o.server).url
    : defaultServer(certDir, o.apiserverAdvertiseAddress);
  let cfg;
  if (o.token !== undefined) {
    cfg = buildKubeconfig({
      clusterName: o.clusterName,
      server,
      caPem: ca.certPem,
      userName: o.clientName,
      token: o.token,
    });
  } else {
    const alg = o.certAlgorithm ? parseKeyAlgorithm(o.certAlgorithm) : keyAlgorithmOf(ca.privateKey);
    const key = await generateKeyPair(alg);
    const now = Date.now();
    const clientCertPem = await issueCertificate({
      issuer: { certPem: ca.certPem, privateKey: ca.privateKey },
      publicKey: key.publicKey,
      subject: { commonName: o.clientName, organizations: o.org },
      extKeyUsages: ['clientAuth'],
      notBefore: new Date(Math.max(now - 5 * 60_000, ca.cert.notBefore.getTime())),
      notAfter: new Date(now + validityDays * 86_400_000),
    });
    cfg = buildKubeconfig({
      clusterName: o.clusterName,
      server,
      caPem: ca.certPem,
      userName: o.clientName,
      clientCertPem,
      clientKeyPem: privateKeyToPem(key.privateKey),
    });
  }
  // kubeadm prints the kubeconfig followed by a newline (fmt.Fprintln).
  process.stdout.write(`${serializeKubeconfig(cfg)}\n`);
}
