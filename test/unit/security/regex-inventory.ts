// Every regular expression in src/**/*.ts, found with the TypeScript parser (not a text scan, which cannot tell a
// regex literal from a division): `/…/flags` literals, `new RegExp(pattern, flags)` / `RegExp(…)` whose pattern
// folds to a constant (string and template literals, `+`, and const identifiers of the same file), and
// `.match/.matchAll/.search` with a string argument (String.prototype turns that string into a RegExp).
// A RegExp built from something that does not fold is reported as dynamic: it cannot be checked statically.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FoundRegex {
  file: string;
  line: number;
  source: string;
  flags: string;
}

export interface DynamicRegex {
  file: string;
  line: number;
  text: string;
}

export interface RegexInventory {
  found: FoundRegex[];
  dynamic: DynamicRegex[];
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The const string initializers of a file, by name, for folding `new RegExp(`^${NAME}$`)`. */
function constInitializers(sf: ts.SourceFile): Map<string, ts.Expression> {
  const out = new Map<string, ts.Expression>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclarationList(n) && (n.flags & ts.NodeFlags.Const) !== 0) {
      for (const d of n.declarations) if (ts.isIdentifier(d.name) && d.initializer) out.set(d.name.text, d.initializer);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function fold(e: ts.Expression, consts: Map<string, ts.Expression>, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isParenthesizedExpression(e)) return fold(e.expression, consts, depth + 1);
  if (ts.isIdentifier(e)) {
    const init = consts.get(e.text);
    return init ? fold(init, consts, depth + 1) : undefined;
  }
  if (ts.isTemplateExpression(e)) {
    let s = e.head.text;
    for (const span of e.templateSpans) {
      const v = fold(span.expression, consts, depth + 1);
      if (v === undefined) return undefined;
      s += v + span.literal.text;
    }
    return s;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = fold(e.left, consts, depth + 1);
    const r = fold(e.right, consts, depth + 1);
    return l === undefined || r === undefined ? undefined : l + r;
  }
  return undefined;
}

const STRING_TO_REGEXP_METHODS = new Set(['match', 'matchAll', 'search']);

/** The regular expressions of one TypeScript source text. */
export function regexesInSource(file: string, text: string): RegexInventory {
  const found: FoundRegex[] = [];
  const dynamic: DynamicRegex[] = [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const consts = constInitializers(sf);
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const add = (n: ts.Node, source: string | undefined, flags: string | undefined): void => {
    if (source === undefined || flags === undefined) dynamic.push({ file, line: lineOf(n), text: n.getText(sf) });
    else found.push({ file, line: lineOf(n), source, flags });
  };
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = n.getText(sf);
      const end = literal.lastIndexOf('/');
      add(n, literal.slice(1, end), literal.slice(end + 1));
    } else if (
      (ts.isNewExpression(n) || ts.isCallExpression(n)) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'RegExp'
    ) {
      const [pattern, flags] = n.arguments ?? [];
      // new RegExp(/x/) copies a literal, which the literal branch records.
      if (!(pattern && ts.isRegularExpressionLiteral(pattern) && !flags)) {
        add(n, pattern ? fold(pattern, consts) : undefined, flags ? fold(flags, consts) : '');
      }
    } else if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      STRING_TO_REGEXP_METHODS.has(n.expression.name.text) &&
      n.arguments.length >= 1
    ) {
      const arg = n.arguments[0]!;
      if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) || ts.isTemplateExpression(arg)) {
        add(n, fold(arg, consts), n.expression.name.text === 'matchAll' ? 'g' : '');
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { found, dynamic };
}

/** The regular expressions of every src/**\/*.ts file under root. */
export function regexInventory(root: string): RegexInventory {
  const all: RegexInventory = { found: [], dynamic: [] };
  for (const path of tsFiles(join(root, 'src'))) {
    const one = regexesInSource(relative(root, path), readFileSync(path, 'utf8'));
    all.found.push(...one.found);
    all.dynamic.push(...one.dynamic);
  }
  return all;
}
