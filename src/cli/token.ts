// `kauth token …`: look inside service-account tokens and check them offline against sa.pub, the
// way the seeds paste a pod's token into jwt.io — without sending the token anywhere.
import type { Command } from 'commander';
import { CliError } from './errors.js';
import { registerTokenPodCommand } from './token-pod.js';
import { LEGACY_ISSUER } from '../serviceaccount/claims.js';
import { parseCompactJws } from '../serviceaccount/jws.js';
import { loadPublicKeys, type ServiceAccountPublicKey } from '../serviceaccount/keys.js';
import { checkTokenTimes, ServiceAccountJwtVerifier } from '../serviceaccount/validate.js';
import { kubeTime } from '../api/time.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The token argument, or stdin for `-`; surrounding whitespace (a trailing newline) is dropped. */
export async function readTokenArgument(arg: string): Promise<string> {
  const token = (arg === '-' ? await readStdin() : arg).trim();
  if (!token) throw new CliError('no token given');
  return token;
}

/** "in 2h3m" / "5d ago": how far a NumericDate is from now. */
export function relativeTime(seconds: number, now: Date): string {
  const delta = Math.round(seconds - now.getTime() / 1000);
  let rest = Math.abs(delta);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  const span = parts.join('');
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** Header, claims and the claims' times in words. */
export function describeToken(token: string, now = new Date()): string {
  const jws = parseCompactJws(token);
  if (!jws) throw new CliError('not a JWT: expected three base64url segments with JSON header and claims');
  const lines = ['Header:', JSON.stringify(jws.header, null, 2), 'Claims:', JSON.stringify(jws.payload, null, 2)];
  const times: [string, unknown][] = [
    ['iat', jws.payload.iat],
    ['nbf', jws.payload.nbf],
    ['exp', jws.payload.exp],
    ['warnafter', (jws.payload['kubernetes.io'] as Record<string, unknown> | undefined)?.warnafter],
  ];
  const known = times.filter((t): t is [string, number] => typeof t[1] === 'number');
  if (known.length > 0) {
    lines.push('Times:');
    for (const [name, value] of known)
      lines.push(`  ${name.padEnd(9)} ${kubeTime(new Date(value * 1000))} (${relativeTime(value, now)})`);
  }
  if (jws.payload.iss === LEGACY_ISSUER) lines.push('Legacy Secret token: no expiry, valid while its Secret exists.');
  return lines.join('\n');
}

export interface VerifyTokenOptions {
  keys: ServiceAccountPublicKey[];
  issuer?: string;
  audience?: string;
  now?: Date;
}

/** Signature, issuer, audience and times, with no API server: returns a one-line summary or throws CliError. */
export function verifyTokenOffline(token: string, options: VerifyTokenOptions): string {
  const jws = parseCompactJws(token);
  if (!jws) throw new CliError('not a JWT: expected three base64url segments with JSON header and claims');
  const iss = jws.payload.iss;
  if (typeof iss !== 'string') throw new CliError('token has no "iss" claim');
  if (options.issuer && iss !== options.issuer && iss !== LEGACY_ISSUER) {
    throw new CliError(`token issuer ${JSON.stringify(iss)} is not ${JSON.stringify(options.issuer)}`);
  }
  const verifier = new ServiceAccountJwtVerifier({
    issuers: [options.issuer ?? iss],
    apiAudiences: options.audience ? [options.audience] : [],
    publicKeys: options.keys,
  });
  try {
    const verified = verifier.verify(token);
    if (!verified) throw new CliError('token is not a service-account token');
    if (verified.kind === 'bound') checkTokenTimes(verified.claims, options.now ?? new Date());
    const exp = verified.claims.exp;
    const expiry = typeof exp === 'number' ? `expires ${kubeTime(new Date(exp * 1000))}` : 'no expiry';
    return `valid: ${String(verified.claims.sub)} (${verified.kind} token, ${expiry}, kid ${String(verified.header.kid ?? '-')})`;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('Inspect and verify service-account tokens');

  token
    .command('decode')
    .description("Print a token's header and claims (not verified)")
    .argument('<token>', 'the token, or - to read it from stdin')
    .action(async (arg: string) => {
      process.stdout.write(`${describeToken(await readTokenArgument(arg))}\n`);
    });

  token
    .command('verify')
    .description("Check a token's signature, issuer, audience and expiry against the service-account public key(s)")
    .argument('<token>', 'the token, or - to read it from stdin')
    .requiredOption('--key <file>', 'PEM file with the verification key(s), e.g. pki/sa.pub (repeatable)', collect, [])
    .option('--issuer <issuer>', 'expected issuer (--service-account-issuer)')
    .option('--audience <audience>', 'an audience the token must carry')
    .action(async (arg: string, opts: { key: string[]; issuer?: string; audience?: string }) => {
      let keys: ServiceAccountPublicKey[];
      try {
        keys = loadPublicKeys(opts.key);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const summary = verifyTokenOffline(await readTokenArgument(arg), {
        keys,
        issuer: opts.issuer,
        audience: opts.audience,
      });
      process.stdout.write(`${summary}\n`);
    });

  registerTokenPodCommand(token);
}
