// `kauth up` (PKI, kubeconfigs and SQLite under one data dir, then the control plane) and
// `kauth server` (the same control plane with kube-apiserver's flags, for explicit setups).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ensurePkiTree } from '../pki/kubeadm-tree.js';
import { DEFAULT_CONFIG, type ControlPlaneConfig } from '../controlplane/config.js';
import { COMMAND_STARTED, ControlPlane } from '../controlplane/control-plane.js';
import { ensureDefaultEncryptionConfig } from '../storage/encryption/index.js';
import { CliError } from './errors.js';
import { collect } from './flags.js';
import { addServerFlags, toConfig } from './server-flags.js';
import { httpsUrl, reachableHost } from '../api/host-port.js';

const KUBECONFIG_FILES = [
  'admin.conf',
  'super-admin.conf',
  'controller-manager.conf',
  'scheduler.conf',
  'kubelet.conf',
];

async function run(config: ControlPlaneConfig, banner: (cp: ControlPlane) => string): Promise<void> {
  let cp: ControlPlane;
  try {
    cp = await ControlPlane.start(config);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new CliError(`${config.bindAddress}:${config.securePort} is already in use`);
    if (err.code === 'EACCES')
      throw new CliError(`not allowed to listen on ${config.bindAddress}:${config.securePort}`);
    throw e;
  }
  process.stdout.write(banner(cp));
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    cp.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

export function registerServerCommands(program: Command): void {
  addServerFlags(
    program
      .command('up')
      .description(
        'create the cluster PKI, kubeconfigs and database under --data-dir if missing, then run the control plane',
      )
      .option('--data-dir <dir>', 'where pki/, *.conf and the database live', '.kauth')
      .option('--cert-algorithm <alg>', 'RSA-2048 or ECDSA-P256 for a new PKI', 'RSA-2048')
      .option('--apiserver-cert-extra-sans <list>', 'extra SANs for a new apiserver certificate', collect, []),
    'up',
  ).action(
    async (
      opts: Record<string, unknown> & { dataDir: string; certAlgorithm: string; apiserverCertExtraSans: string[] },
    ) => {
      performance.mark(COMMAND_STARTED); // start-up phases, reported when the server listens
      const dir = resolve(opts.dataDir);
      const pki = join(dir, 'pki');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // The PKI is made before the full config is checked (which wants its files to exist).
      const bindAddress = (opts.bindAddress as string | undefined) ?? DEFAULT_CONFIG.bindAddress;
      const securePort = (opts.securePort as number | undefined) ?? DEFAULT_CONFIG.securePort;
      const serviceCidr = (opts.serviceClusterIpRange as string | undefined) ?? DEFAULT_CONFIG.serviceClusterIpRange;
      const host = reachableHost(bindAddress);
      const endpoint = httpsUrl(host, securePort);
      if (opts.certAlgorithm !== 'RSA-2048' && opts.certAlgorithm !== 'ECDSA-P256')
        throw new CliError(`--cert-algorithm: unknown algorithm "${opts.certAlgorithm}" (want RSA-2048 or ECDSA-P256)`);
      const pkiTree = await ensurePkiTree({
        certDir: pki,
        kubeconfigDir: dir,
        algorithm: opts.certAlgorithm,
        controlPlaneEndpoint: endpoint,
        // A fixed advertise address: the host's first IPv4 may change between runs and break the kept apiserver cert.
        advertiseAddress: /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : '127.0.0.1',
        serviceCidr,
        extraSans: opts.apiserverCertExtraSans,
      });
      // Started on another address than last time: point the kubeconfigs at it. Those the check above read already
      // point at it are left unread (each YAML parse costs start-up time, and an edit would write nothing).
      for (const f of KUBECONFIG_FILES) {
        if (pkiTree.kubeconfigServers[f] === endpoint) continue;
        if (existsSync(join(dir, f)))
          (await import('../kubeconfig/edit.js')).setKubeconfigServer(join(dir, f), endpoint);
      }
      const config = toConfig(opts, {
        tlsCertFile: join(pki, 'apiserver.crt'),
        tlsPrivateKeyFile: join(pki, 'apiserver.key'),
        clientCaFile: join(pki, 'ca.crt'),
        storagePath: join(dir, 'kauth.db'),
        // Secrets encrypted at rest by default with a generated key (kube: plaintext unless configured).
        encryptionProviderConfig:
          opts.encryptionProviderConfig === undefined ? ensureDefaultEncryptionConfig(dir) : undefined,
        serviceAccountKeyFiles: [join(pki, 'sa.pub')],
        serviceAccountSigningKeyFile: join(pki, 'sa.key'),
        clusterSigningCertFile: join(pki, 'ca.crt'),
        clusterSigningKeyFile: join(pki, 'ca.key'),
        // The front proxy as kubeadm wires it (kube-apiserver manifest): front-proxy-ca, front-proxy-client.
        requestheaderClientCaFile: join(pki, 'front-proxy-ca.crt'),
        requestheaderAllowedNames: ['front-proxy-client'],
        requestheaderUsernameHeaders: ['X-Remote-User'],
        requestheaderGroupHeaders: ['X-Remote-Group'],
        requestheaderExtraHeadersPrefix: ['X-Remote-Extra-'],
        // kubeadm's --enable-admission-plugins=NodeRestriction, unless it is disabled here.
        enableAdmissionPlugins: ((opts.disableAdmissionPlugins as string[] | undefined) ?? []).includes(
          'NodeRestriction',
        )
          ? []
          : ['NodeRestriction'],
        // kubeadm init binds admin.conf's group to cluster-admin once, when it writes admin.conf.
        kubeadmClusterAdminsBinding: pkiTree.created.includes('admin.conf'),
      });
      await run(config, (cp) =>
        [
          `kauth is ready at ${cp.url}`,
          `admin kubeconfig: ${join(dir, 'admin.conf')}`,
          `  export KUBECONFIG=${join(dir, 'admin.conf')}`,
          `  kubectl get ns`,
          '',
        ].join('\n'),
      );
    },
  );

  addServerFlags(
    program
      .command('server')
      .description('run the control plane with kube-apiserver flags (TLS files given explicitly)'),
    'server',
  ).action(async (opts: Record<string, unknown>) => {
    performance.mark(COMMAND_STARTED);
    const config = toConfig(opts, { storagePath: 'kauth.db' });
    await run(config, (cp) => `kauth server is ready at ${cp.url}\n`);
  });
}
