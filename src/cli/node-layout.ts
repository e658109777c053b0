// `kauth node-layout --root DIR [--insecure]`: write a kubeadm control-plane node tree (PKI, kubeconfigs, static
// pod manifests, kubelet config and drop-in) — hardened, or with the CKS notes' misconfigurations seeded.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { asCliErrors } from './certs.js';
import { SEEDED_MISCONFIGURATIONS, writeNodeLayout } from '../cis/node-layout.js';

export function registerNodeLayoutCommands(program: Command): void {
  program
    .command('node-layout')
    .description('write a kubeadm node tree (hardened, or --insecure) for practice and for `kauth audit node`')
    .requiredOption('--root <dir>', 'where to write the tree (etc/kubernetes, var/lib/kubelet, …)')
    .option('--insecure', 'seed the misconfigurations the CIS checks look for')
    .option('--advertise-address <ip>', 'the API server address in manifests and kubeconfigs')
    .option('--node-name <name>', 'the node name', 'controlplane')
    .option(
      '--cert-algorithm <alg>',
      'key algorithm of the PKI, as `kauth certs init` (RSA-2048, ECDSA-P256, …)',
      'RSA-2048',
    )
    .action(
      async (o: {
        root: string;
        insecure?: boolean;
        advertiseAddress?: string;
        nodeName: string;
        certAlgorithm: string;
      }) => {
        const root = resolve(o.root);
        if (root === '/') throw new CliError('refusing to write a practice tree over / (pass --root DIR)');
        const written = await asCliErrors(() =>
          writeNodeLayout({
            root,
            insecure: o.insecure,
            advertiseAddress: o.advertiseAddress,
            nodeName: o.nodeName,
            keyAlgorithm: o.certAlgorithm,
          }),
        );
        process.stdout.write(
          `wrote a ${o.insecure ? 'deliberately insecure' : 'hardened'} kubeadm node tree under ${root} (${written.length} files besides the PKI)\n`,
        );
        if (o.insecure) {
          process.stdout.write('seeded misconfigurations (CIS v1.10 id: what):\n');
          for (const [id, what] of Object.entries(SEEDED_MISCONFIGURATIONS)) process.stdout.write(`  ${id}: ${what}\n`);
        }
      },
    );
}
