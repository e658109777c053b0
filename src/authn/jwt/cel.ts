// CEL for AuthenticationConfiguration (k8s.io/apiserver/pkg/authentication/cel): `claims` (a
// map(string, dyn) of the token's claims) for claim mappings and claim validation rules, `user`
// (kubernetes.UserInfo) for user validation rules. Compiled once when the configuration loads;
// evaluation is synchronous and budgeted.
//
// The engine is @marcbachmann/cel-js with optional types on (`claims.?x.orValue(y)`), plus kube's
// `sets.contains/equivalent/intersects`. What it lacks of kube's environment (urls, ips,
// quantities, regex find, math/list extensions) fails to compile, naming the function.
import { Environment } from '@marcbachmann/cel-js';

/** kube's per-call CEL cost limit (celconfig.PerCallLimit). */
export const CEL_COST_LIMIT = 1_000_000;
const COST_EXCEEDED = 'operation cancelled: actual cost limit exceeded';
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

class SetsNamespace {}

/** CEL equality for the values claims hold (JSON: strings, numbers, booleans, null, lists, maps). */
function celEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint')
    return typeof a !== 'object' && typeof b !== 'object' && Number(a) === Number(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const plain = (_k: string, x: unknown): unknown =>
    typeof x === 'bigint' ? Number(x) : x instanceof Map ? Object.fromEntries(x) : x;
  const json = (v: unknown): string => JSON.stringify(v, plain);
  return json(a) === json(b);
}
const containsAll = (list: unknown[], sub: unknown[]): boolean => sub.every((x) => list.some((y) => celEqual(x, y)));

function baseEnvironment(): Environment {
  return new Environment({ enableOptionalTypes: true, limits: { maxAstNodes: 10_000, maxDepth: 100 } })
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction('SetsNamespace.contains(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      containsAll(a, b),
    )
    .registerFunction(
      'SetsNamespace.equivalent(list, list): bool',
      (_: unknown, a: unknown[], b: unknown[]) => containsAll(a, b) && containsAll(b, a),
    )
    .registerFunction('SetsNamespace.intersects(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      a.some((x) => b.some((y) => celEqual(x, y))),
    );
}

const BASE = baseEnvironment();
const ENVIRONMENTS = {
  claims: BASE.clone().registerVariable('claims', 'map<string, dyn>'),
  user: BASE.clone().registerVariable({
    name: 'user',
    schema: { username: 'string', uid: 'string', groups: 'list<string>', extra: 'map<string, list<string>>' },
  }),
};
export type CelVariable = keyof typeof ENVIRONMENTS;

/** A compile error as kube's cel.Error: Invalid (with the expression as the value) or Required. */
export class CelCompileError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'CelCompileError';
  }
}

/** A CEL evaluation failure (the expression's own error, or the cost limit). */
export class CelEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelEvalError';
  }
}

interface AstNode {
  op: string;
  args: unknown;
}
const isNode = (v: unknown): v is AstNode =>
  typeof v === 'object' && v !== null && typeof (v as AstNode).op === 'string' && 'args' in v;

/** What compile-time analysis needs: size, comprehension nesting, selects and regex patterns. */
interface AstFacts {
  nodes: number;
  comprehensionDepth: number;
  selects: Set<string>;
  /** Arguments of matches(): literal patterns, or null for a computed one. */
  patterns: (string | null)[];
}

function analyse(root: AstNode, variable: string): AstFacts {
  const facts: AstFacts = { nodes: 0, comprehensionDepth: 0, selects: new Set(), patterns: [] };
  const visit = (node: AstNode, depth: number): void => {
    facts.nodes++;
    facts.comprehensionDepth = Math.max(facts.comprehensionDepth, depth);
    const args = node.args as unknown[];
    if ((node.op === '.' || node.op === '.?') && isNode(args[0]) && args[0].op === 'id' && args[0].args === variable) {
      facts.selects.add(args[1] as string);
    }
    if (node.op === 'rcall' || node.op === 'call') {
      const name = args[0] as string;
      const callArgs = (node.op === 'rcall' ? args[2] : args[1]) as AstNode[];
      if (name === 'matches') {
        const pattern = node.op === 'rcall' ? callArgs[0] : callArgs[1];
        facts.patterns.push(pattern?.op === 'value' && typeof pattern.args === 'string' ? pattern.args : null);
      }
      if (node.op === 'rcall' && MACROS.has(name) && (callArgs.length === 2 || callArgs.length === 3)) {
        visit(args[1] as AstNode, depth);
        for (const a of callArgs) visit(a, depth + 1);
        return;
      }
    }
    walkArgs(node.args, (child) => visit(child, depth));
  };
  visit(root, 0);
  return facts;
}

function walkArgs(args: unknown, fn: (n: AstNode) => void): void {
  if (isNode(args)) return fn(args);
  if (Array.isArray(args)) for (const a of args) walkArgs(a, fn);
}

/**
 * kube's regular expressions are RE2 (linear time); JavaScript's backtrack. A pattern is accepted
 * only when backtracking stays polynomial: no backreferences or lookaround (RE2 has neither) and no
 * quantified group that holds a quantifier or an alternation (the shapes that blow up).
 */
export function regexProblem(pattern: string): string | undefined {
  if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(pattern)) return 'backreferences and lookaround are not supported (RE2 syntax)';
  const groups: { risky: boolean }[] = [];
  let lastGroupRisky = false;
  let prevWasGroupEnd = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      prevWasGroupEnd = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      prevWasGroupEnd = false;
      continue;
    }
    const quantifier = c === '*' || c === '+' || c === '?' || c === '{';
    if (quantifier) {
      if (prevWasGroupEnd && lastGroupRisky) return 'nested quantifiers may take exponential time; rewrite the pattern';
      if (groups.length) groups[groups.length - 1]!.risky = true;
      prevWasGroupEnd = false;
      continue;
    }
    if (c === '(') {
      groups.push({ risky: false });
      prevWasGroupEnd = false;
      continue;
    }
    if (c === '|' && groups.length) groups[groups.length - 1]!.risky = true;
    if (c === ')') {
      const g = groups.pop();
      lastGroupRisky = g?.risky ?? false;
      if (lastGroupRisky && groups.length) groups[groups.length - 1]!.risky = true;
      prevWasGroupEnd = true;
      continue;
    }
    prevWasGroupEnd = false;
  }
  return undefined;
}

export interface CompiledExpression {
  readonly expression: string;
  /** The expression selects `claims.<field>` (for kube's email_verified rule). */
  selects(field: string): boolean;
  /** Evaluates with `value` bound to the variable; `size` counts the values in it (the budget's input). */
  evaluate(value: unknown, size: number): unknown;
}

/** Compiles `expression` for `variable`; `want` 'bool' requires a bool result, as kube's ReturnTypes. */
export function compileCel(expression: string, variable: CelVariable, want: 'bool' | 'any'): CompiledExpression {
  const env = ENVIRONMENTS[variable];
  let program: ReturnType<Environment['parse']>;
  try {
    program = env.parse(expression);
  } catch (e) {
    throw new CelCompileError(`compilation failed: ${firstLine(e)}`);
  }
  const facts = analyse(program.ast as unknown as AstNode, variable);
  const checked = program.check();
  if (!checked.valid) throw new CelCompileError(`compilation failed: ${firstLine(checked.error)}`);
  if (want === 'bool' && checked.type !== 'bool') throw new CelCompileError('must evaluate to bool');
  for (const pattern of facts.patterns) {
    if (pattern === null)
      throw new CelCompileError(
        'compilation failed: matches() takes a constant pattern here (it must be checked for linear time)',
      );
    const problem = regexProblem(pattern);
    if (problem) throw new CelCompileError(`compilation failed: matches(${JSON.stringify(pattern)}): ${problem}`);
  }
  return {
    expression,
    selects: (field) => facts.selects.has(field),
    evaluate(value, size) {
      // An upper bound of the work: every node once per element, for each level of comprehension nesting.
      if (facts.nodes * (size + 1) ** facts.comprehensionDepth > CEL_COST_LIMIT) throw new CelEvalError(COST_EXCEEDED);
      try {
        return program({ [variable]: value });
      } catch (e) {
        throw new CelEvalError(goStyle(firstLine(e)));
      }
    },
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}

/** cel-go's messages start lower-case (`no such key: x`). */
const goStyle = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * JSON claims → CEL values, counting them (the budget's size): integers become int (BigInt), other
 * numbers double, as kube's unstructured conversion does.
 */
export function toCelValue(value: unknown, counter: { n: number }): unknown {
  counter.n++;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => toCelValue(v, counter));
  if (value && typeof value === 'object') {
    // No prototype: a claim named __proto__ stays a key.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = toCelValue(v, counter);
    return out;
  }
  return value;
}
