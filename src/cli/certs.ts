// `kauth certs …`: kubeadm's certificate phases without a cluster — init (the full tree and kubeconfigs),
// check-expiration, renew, and a CA summary.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { PkiError } from '../pki/errors.js';
import { parsePositiveDays } from '../pki/duration.js';
import { ensurePkiTree } from '../pki/kubeadm-tree.js';
import { checkExpiration, formatExpiry, renderExpiration, shortHumanDuration } from '../pki/expiration.js';
import { renewAll, renewCertificate, renewableNames } from '../pki/renew.js';
import { CA_SPECS } from '../pki/kubeadm-spec.js';
import { certPath, keyPath } from '../pki/pki-files.js';
import { readIfExists } from '../pki/files.js';
import { readCertificate } from '../pki/certificate.js';
import { KubeconfigError } from '../kubeconfig/types.js';

export const DEFAULT_CERT_DIR = '/etc/kubernetes/pki';

/** Library errors become the one-line CliError main.ts prints; anything else is a bug and keeps its stack. */
export async function asCliErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PkiError || e instanceof KubeconfigError) throw new CliError(e.message);
    throw e;
  }
}

const out = (text: string) => process.stdout.write(text);

function splitList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

function kubeconfigDirFor(opts: { certDir: string; kubeconfigDir?: string }): string {
  return resolve(opts.kubeconfigDir ?? dirname(resolve(opts.certDir)));
}

interface InitOptions {
  certDir: string;
  kubeconfigDir?: string;
  apiserverAdvertiseAddress?: string;
  apiserverCertExtraSans: string[];
  serviceCidr: string;
  serviceDnsDomain: string;
  certAlgorithm: string;
  controlPlaneEndpoint?: string;
  nodeName?: string;
  caValidityPeriod: string;
  certValidityPeriod: string;
}

interface DirOptions {
  certDir: string;
  kubeconfigDir?: string;
}

function printCa(name: string, path: string): void {
  const text = readIfExists(path);
  if (text === undefined) {
    out(`${name}: ${path} does not exist\n\n`);
    return;
  }
  let c;
  try {
    c = readCertificate(text);
  } catch (e) {
    throw new PkiError(`failure loading ${name} certificate ${path}: ${(e as Error).message}`, 'ERR_PKI_FILE');
  }
  const keyPresent = readIfExists(path.replace(/\.crt$/, '.key')) !== undefined;
  const residual = Math.floor((c.notAfter.getTime() - Date.now()) / 1000);
  const rows: [string, string][] = [
    ['File', path],
    ['Subject', c.subjectString],
    ['Issuer', c.issuerString],
    ['Serial', c.serialNumber],
    ['Not before', formatExpiry(c.notBefore)],
    ['Not after', `${formatExpiry(c.notAfter)} (${shortHumanDuration(residual)} left)`],
    ['Key', `${c.publicKeyAlgorithm}${keyPresent ? '' : ' (no private key: externally managed)'}`],
    ['SHA-256', c.sha256Fingerprint],
    ['Public key pin', `${c.publicKeyPin} (kubeadm join --discovery-token-ca-cert-hash)`],
  ];
  out(`${name}\n${rows.map(([k, v]) => `  ${`${k}:`.padEnd(16)}${v}`).join('\n')}\n\n`);
}

export function registerCertsCommands(program: Command): void {
  const certs = program.command('certs').description('Create, inspect and renew the cluster PKI (kubeadm layout)');

  certs
    .command('init')
    .description('Create the kubeadm certificate tree and kubeconfig files; existing valid files are kept')
    .option('--cert-dir <dir>', 'where certificates and keys are stored', DEFAULT_CERT_DIR)
    .option('--kubeconfig-dir <dir>', 'where kubeconfig files are written (default: the parent of --cert-dir)')
    .option(
      '--apiserver-advertise-address <ip>',
      'the IP address the API server advertises (default: the host address)',
    )
    .option(
      '--apiserver-cert-extra-sans <sans>',
      'extra SANs (IPs or DNS names, comma-separated) for the apiserver certificate',
      splitList,
      [],
    )
    .option('--service-cidr <cidr>', 'Service IP range; its first address joins the apiserver SANs', '10.96.0.0/12')
    .option('--service-dns-domain <domain>', 'cluster DNS domain', 'cluster.local')
    .option('--cert-algorithm <alg>', 'key algorithm: RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384', 'RSA-2048')
    .option(
      '--control-plane-endpoint <endpoint>',
      'stable endpoint for the API server (https://host:port), used in kubeconfigs',
    )
    .option('--node-name <name>', 'node name (default: the host name)')
    .option('--ca-validity-period <duration>', 'validity of the CAs', '87600h')
    .option('--cert-validity-period <duration>', 'validity of the other certificates', '8760h')
    .action((o: InitOptions) =>
      asCliErrors(async () => {
        const result = await ensurePkiTree({
          certDir: o.certDir,
          kubeconfigDir: o.kubeconfigDir,
          advertiseAddress: o.apiserverAdvertiseAddress,
          extraSans: o.apiserverCertExtraSans,
          serviceCidr: o.serviceCidr,
          dnsDomain: o.serviceDnsDomain,
          algorithm: o.certAlgorithm,
          controlPlaneEndpoint: o.controlPlaneEndpoint,
          nodeName: o.nodeName,
          caValidityDays: parsePositiveDays(o.caValidityPeriod, '--ca-validity-period'),
          leafValidityDays: parsePositiveDays(o.certValidityPeriod, '--cert-validity-period'),
          log: (line) => out(`${line}\n`),
        });
        out(
          result.created.length
            ? `\nCreated ${result.created.length}, kept ${result.kept.length}.\n`
            : `\nNothing to do: all ${result.kept.length} files are in place.\n`,
        );
      }),
    );

  certs
    .command('check-expiration')
    .description('Show when the certificates of the tree and the kubeconfig files expire')
    .option('--cert-dir <dir>', 'where certificates and keys are stored', DEFAULT_CERT_DIR)
    .option('--kubeconfig-dir <dir>', 'where kubeconfig files are (default: the parent of --cert-dir)')
    .action((o: DirOptions) =>
      asCliErrors(() => {
        out(renderExpiration(checkExpiration(resolve(o.certDir), kubeconfigDirFor(o))));
      }),
    );

  certs
    .command('renew')
    .description(`Renew a certificate with the same subject, SANs and usages: ${renewableNames().join(', ')} or all`)
    .argument('<name>', 'certificate name, or "all"')
    .option('--cert-dir <dir>', 'where certificates and keys are stored', DEFAULT_CERT_DIR)
    .option('--kubeconfig-dir <dir>', 'where kubeconfig files are (default: the parent of --cert-dir)')
    .option('--cert-validity-period <duration>', 'validity of the renewed certificates', '8760h')
    .option('--keep-key', 'reuse the existing private key (kubeadm generates a new one)', false)
    .action((name: string, o: DirOptions & { certValidityPeriod: string; keepKey: boolean }) =>
      asCliErrors(async () => {
        const opts = {
          certDir: resolve(o.certDir),
          kubeconfigDir: kubeconfigDirFor(o),
          validityDays: parsePositiveDays(o.certValidityPeriod, '--cert-validity-period'),
          keepKey: o.keepKey,
        };
        const results = name === 'all' ? await renewAll(opts) : [await renewCertificate(name, opts)];
        for (const r of results) out(r.renewed ? `${r.longName} renewed\n` : `${r.reason}\n`);
        if (results.some((r) => r.renewed)) {
          out(`\nDone renewing certificates. You must restart kauth so that it uses the new certificates.\n`);
        }
      }),
    );

  certs
    .command('ca')
    .description('Summarise the CAs: subject, validity, key, SHA-256 fingerprint and public key pin')
    .argument('[name]', 'ca, front-proxy-ca or etcd-ca (default: all three)')
    .option('--cert-dir <dir>', 'where certificates and keys are stored', DEFAULT_CERT_DIR)
    .action((name: string | undefined, o: DirOptions) =>
      asCliErrors(() => {
        const specs = name ? CA_SPECS.filter((c) => c.name === name) : CA_SPECS;
        if (!specs.length) throw new CliError(`unknown CA "${name}": want ca, front-proxy-ca or etcd-ca`);
        const dir = resolve(o.certDir);
        if (
          readIfExists(certPath(dir, specs[0]!.baseName)) === undefined &&
          readIfExists(keyPath(dir, specs[0]!.baseName)) === undefined
        ) {
          throw new CliError(
            `${certPath(dir, specs[0]!.baseName)} does not exist; run "kauth certs init --cert-dir ${dir}" first`,
          );
        }
        for (const spec of specs) printCa(spec.name, certPath(dir, spec.baseName));
      }),
    );
}
