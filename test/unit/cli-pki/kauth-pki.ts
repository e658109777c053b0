// A stand-in for src/cli/main.ts with only the PKI command groups, so these tests run without the rest of the
// CLI: same program name, same one-line error handling, same exit codes.
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { registerCertsCommands } from '../../../src/cli/certs.js';
import { registerKubeconfigCommands } from '../../../src/cli/kubeconfig.js';
import { registerCsrCommands } from '../../../src/cli/csr.js';
import { CliError } from '../../../src/cli/errors.js';

const program = new Command('kauth').exitOverride();
registerCertsCommands(program);
registerKubeconfigCommands(program);
registerCsrCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  const msg = e instanceof CliError || e instanceof Error ? e.message : String(e);
  process.stderr.write(`error: ${msg.split('\n')[0]}\n`);
  process.exit(1);
}
