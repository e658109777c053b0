#!/usr/bin/env node
// The kauth command line: one subcommand group per file, registered here.
import { Command, CommanderError } from 'commander';
import { CliError } from './errors.js';

const program = new Command('kauth')
  .description('A Kubernetes-compatible identity and access control plane')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

type Register = (program: Command) => void;

// Each command group is loaded only when it runs: kubectl starts `kauth login` for every command it
// sends, and loading the server, PKI and gateway code for that would double its start-up time.
const GROUPS: Record<string, () => Promise<Register>> = {
  up: async () => (await import('./up.js')).registerServerCommands,
  certs: async () => (await import('./certs.js')).registerCertsCommands,
  kubeconfig: async () => (await import('./kubeconfig.js')).registerKubeconfigCommands,
  csr: async () => (await import('./csr.js')).registerCsrCommands,
  token: async () => (await import('./token.js')).registerTokenCommands,
  gateway: async () => (await import('./gateway.js')).registerGatewayCommands,
  login: async () => (await import('./login.js')).registerLoginCommands,
  'who-can': async () => (await import('./access.js')).registerAccessCommands,
  audit: async () => (await import('./audit.js')).registerAuditCommands,
  'node-layout': async () => (await import('./node-layout.js')).registerNodeLayoutCommands,
  'auth-proxy': async () => (await import('./auth-proxy.js')).registerAuthProxyCommands,
};
GROUPS.server = GROUPS.up!;
GROUPS['access-matrix'] = GROUPS.rbac = GROUPS['who-can']!;

// An unknown or missing command loads them all, so that help and "unknown command" list every one.
const named = GROUPS[process.argv[2] ?? ''];
const loaders = named ? [named] : [...new Set(Object.values(GROUPS))];
for (const load of loaders) (await load())(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  // Bad input is one line and a non-zero exit, never a stack trace.
  const msg = e instanceof CliError || e instanceof Error ? e.message : String(e);
  process.stderr.write(`error: ${msg.split('\n')[0]}\n`);
  process.exit(1);
}
