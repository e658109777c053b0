#!/usr/bin/env node
// The kauth command line: one subcommand group per file, registered here.
import { Command, CommanderError } from 'commander';
import { registerCertsCommands } from './certs.js';
import { registerKubeconfigCommands } from './kubeconfig.js';
import { registerCsrCommands } from './csr.js';
import { registerTokenCommands } from './token.js';
import { registerServerCommands } from './up.js';
import { CliError } from './errors.js';

const program = new Command('kauth')
  .description('A Kubernetes-compatible identity and access control plane')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerServerCommands(program);
registerCertsCommands(program);
registerKubeconfigCommands(program);
registerCsrCommands(program);
registerTokenCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  // Bad input is one line and a non-zero exit, never a stack trace.
  const msg = e instanceof CliError || e instanceof Error ? e.message : String(e);
  process.stderr.write(`error: ${msg.split('\n')[0]}\n`);
  process.exit(1);
}
