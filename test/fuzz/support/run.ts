// Runs one fuzz property: fast-check generates batches of requests, each batch is sent at once to the running
// server, and every answer is checked (checks.ts); between batches /readyz must answer promptly and the server
// must still be alive. Seeded deterministically, so a failure reproduces with the seed it prints.
//
//   KAUTH_FUZZ_SEED=<n>     the seed for every property (default: a fixed seed per property name)
//   KAUTH_FUZZ_RUNS=<x>     multiplies every property's numRuns (e.g. 10 for a long local run)
//   KAUTH_FUZZ_SHRINK=1     shrink a failure to a smaller counterexample (slow against a live server)
//   KAUTH_FUZZ_SURVEY=1     do not stop at the first failing batch: run all, then list each kind of problem once
//   KAUTH_FUZZ_STATS=1      print how the answers were spread (status, user, authorization) per property
import fc from 'fast-check';
import { checkExchange, describeRequest, mainDecision, type CheckOptions } from './checks.js';
import { requestId, type Exchange, type FuzzCluster, type FuzzRequest, type Observed } from './cluster.js';

/** /readyz between batches must answer 200 within this (kube: milliseconds). */
export const READYZ_BOUND_MS = Number(process.env.KAUTH_FUZZ_READYZ_MS ?? 3000);

/** One request as a named user would send it. */
export interface FuzzCase {
  /** Who sends it, for messages: a user name from cluster.users, `anonymous`, or a certificate's story. */
  as: string;
  /** The request, or how to make it (certificates are built per run). */
  request: FuzzRequest | (() => Promise<FuzzRequest>);
  /** Extra per-request expectations, beyond the common properties. */
  expect?: (ex: Exchange, obs: Observed) => string[];
}

export interface PropertyOptions {
  numRuns: number;
  /** Options for the common checks (expected statuses and the like). */
  checks?: Omit<CheckOptions, 'defs'>;
}

/** A stable 32-bit seed from a property name (FNV-1a), so each property has its own fixed sequence. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** What a survey found: each distinct problem (its text without volatile numbers) once, with one example. */
const survey = new Map<string, string>();

function signature(problem: string): string {
  return problem
    .replace(/\d+ ms/g, 'N ms')
    .replace(/[0-9a-f-]{36}/g, 'UUID')
    .slice(0, 160);
}

/** Answers per `status user verb decision`, for KAUTH_FUZZ_STATS. */
const stats = new Map<string, number>();

/**
 * Sends a batch and returns every problem, each line naming its request. One request at a time, so that a slow
 * answer is that request's own (a stalled event loop would delay every request in flight); concurrency is
 * exercised anyway by the keep-alive connections and by the server's controllers.
 */
async function runBatch(c: FuzzCluster, batch: FuzzCase[]): Promise<string[]> {
  const ids = batch.map(() => requestId());
  const requests: FuzzRequest[] = [];
  const answers: Exchange[] = [];
  for (const [i, b] of batch.entries()) {
    const request = typeof b.request === 'function' ? await b.request() : b.request;
    requests.push(request);
    answers.push(await c.send(request, ids[i]));
  }
  if (process.env.KAUTH_FUZZ_DEBUG === '1') {
    batch.forEach((b, i) => {
      const ex = answers[i]!;
      console.log(
        `${i}: ${describeRequest(requests[i]!, b.as).slice(0, 300)} → ${ex.status} ${Math.round(ex.ms)} ms ${ex.body.toString().slice(0, 300)}`,
      );
    });
  }
  await c.flush();
  const problems: string[] = [];
  batch.forEach((b, i) => {
    const ex = answers[i]!;
    const obs = c.take(ids[i]!);
    const found = [...checkExchange(requests[i]!, ex, obs, { defs: c.defs }), ...(b.expect?.(ex, obs) ?? [])].map((f) =>
      f.replace(/\s*\n\s*/g, ' '),
    );
    const main = mainDecision(obs);
    const stat = `${ex.status} ${b.as} ${main ? `${main.attrs.verb} ${(main.attrs.resource || 'non-resource').slice(0, 24)} ${main.decision}` : '-'}${obs.store.length ? ' +store' : ''}`;
    stats.set(stat, (stats.get(stat) ?? 0) + 1);
    if (found.length) {
      const authz = main
        ? `authorized as ${main.attrs.user} ${main.attrs.verb} ${main.attrs.resource || main.attrs.path} → ${main.decision}`
        : 'no authorization';
      const answer = `→ ${ex.status} in ${Math.round(ex.ms)} ms (${authz}): ${ex.body.toString('utf8').slice(0, 240)}`;
      problems.push(`${describeRequest(requests[i]!, b.as)}\n    ${answer}\n    ${found.join('\n    ')}`);
    }
  });
  const crashed = c.crashed();
  if (crashed) problems.push(`the server crashed: ${crashed}`);
  else {
    const ready = await c.readyz();
    if (ready.status !== 200 || ready.ms > READYZ_BOUND_MS)
      problems.push(`/readyz after the batch: ${ready.status} in ${Math.round(ready.ms)} ms`);
  }
  return problems;
}

/** fast-check's assert over batches of cases, seeded, with the reproduction line on failure. */
export async function fuzzProperty(
  name: string,
  c: FuzzCluster,
  cases: fc.Arbitrary<FuzzCase[]>,
  o: PropertyOptions,
): Promise<void> {
  const seed = process.env.KAUTH_FUZZ_SEED ? Number(process.env.KAUTH_FUZZ_SEED) : seedOf(name);
  const numRuns = Math.max(1, Math.round(o.numRuns * Number(process.env.KAUTH_FUZZ_RUNS ?? 1)));
  const surveying = process.env.KAUTH_FUZZ_SURVEY === '1';
  const found: string[] = [];
  let failure = '';
  const property = fc.asyncProperty(cases, async (batch) => {
    if (c.crashed()) throw new Error((failure = `the server is gone: ${c.crashed()}`));
    const problems = await runBatch(c, batch);
    if (!problems.length) return;
    failure = problems.join('\n');
    if (!surveying) throw new Error(failure);
    for (const p of problems) {
      const lines = p.split('\n    ');
      if (lines.length < 3) lines.push(lines[0]!, lines[0]!);
      for (const line of lines.slice(2)) {
        const sig = signature(line);
        if (!survey.has(sig)) {
          survey.set(sig, `${lines[0]}\n    ${lines[1]}`);
          found.push(`${line}\n    e.g. ${lines[0]}\n    ${lines[1]}`);
        }
      }
    }
  });
  stats.clear();
  const started = performance.now();
  try {
    await fc.assert(property, { numRuns, seed, endOnFailure: process.env.KAUTH_FUZZ_SHRINK !== '1' });
  } catch (e) {
    // fast-check's own report prints whole counterexamples (certificates, 60 KB paths): the problems say more.
    const message = (e as Error).message;
    const run = /Property failed after (\d+) tests/.exec(message)?.[1] ?? '?';
    throw new Error(
      `fuzz property "${name}" failed at run ${run} of ${numRuns}; reproduce with KAUTH_FUZZ_SEED=${seed}:\n${failure || message}`,
    );
  }
  if (process.env.KAUTH_FUZZ_STATS === '1') {
    const sorted = [...stats].sort((a, b) => b[1] - a[1]);
    const total = sorted.reduce((n, [, k]) => n + k, 0);
    const byStatus = new Map<string, number>();
    for (const [k, n] of sorted) byStatus.set(k.split(' ')[0]!, (byStatus.get(k.split(' ')[0]!) ?? 0) + n);
    const stored = sorted.filter(([k]) => k.endsWith('+store')).reduce((n, [, k]) => n + k, 0);
    const lines = sorted.slice(0, 30).map(([k, n]) => `  ${String(n).padStart(5)} ${k}`);
    console.log(
      `fuzz property "${name}": ${numRuns} runs, ${total} requests in ${Math.round(performance.now() - started)} ms; ` +
        `${stored} reached storage; statuses ${[...byStatus]
          .sort()
          .map(([k, n]) => `${k}:${n}`)
          .join(' ')}\n${lines.join('\n')}`,
    );
  }
  if (found.length) {
    throw new Error(
      `fuzz property "${name}" (seed ${seed}, ${numRuns} runs) found ${found.length} kinds of problem:\n${found.join('\n')}`,
    );
  }
}
