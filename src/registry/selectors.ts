// Label and field selectors as apimachinery parses them: labels.Parse (its lexer and recursive-descent parser,
// with its error texts) and fields.ParseSelector. Both read the text once, left to right, with no regular
// expression, and a selector longer than MAX_SELECTOR_LENGTH is refused before parsing: every listed or watched
// object is matched against every requirement, so the selector's size is a per-object cost an attacker sets.
import { badRequest } from '../api/errors.js';
import type { LabelSelector } from '../api/types.js';
import { goQuote } from '../authz/format.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';

/** Longest labelSelector or fieldSelector served (characters); real ones are a few dozen. */
export const MAX_SELECTOR_LENGTH = 32 * 1024;

type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

interface Requirement {
  key: string;
  op: Operator;
  values: string[];
  /** values as a set, so an `in (…)` list of any size costs one lookup per object. */
  set: Set<string>;
}

export type Matcher = (labels: Record<string, string> | undefined) => boolean;

const EVERYTHING: Matcher = () => true;

function checkLength(param: string, selector: string): void {
  if (selector.length > MAX_SELECTOR_LENGTH) {
    throw badRequest(
      `${param} is too long: ${selector.length} characters, at most ${MAX_SELECTOR_LENGTH} are accepted`,
    );
  }
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3` into a matcher; bad syntax → 400 with labels.Parse's text. */
export function parseLabelSelector(selector: string | null): Matcher {
  if (!selector) return EVERYTHING;
  checkLength('labelSelector', selector);
  let reqs: Requirement[];
  try {
    reqs = new LabelParser(selector).parse();
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
  if (reqs.length === 0) return EVERYTHING;
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

// ---- labels.Parse: the lexer -------------------------------------------------------------------------------

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const LITERAL_TOKENS: ReadonlyMap<string, Token> = new Map<string, Token>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

interface ScannedItem {
  tok: Token;
  literal: string;
}

class SelectorError extends Error {}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const SPECIAL_SYMBOLS = new Set(['=', '!', '(', ')', ',', '>', '<']);
/** What Go's read() returns at the end of the text; a NUL character in the text reads the same. */
const END = '\0';

/** The Lexer of labels/selector.go, step for step. */
class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): string {
    return this.pos < this.s.length ? this.s[this.pos++]! : END;
  }

  private unread(): void {
    this.pos--;
  }

  private scanIdOrKeyword(): ScannedItem {
    const start = this.pos;
    let literal: string;
    for (;;) {
      const at = this.pos;
      const ch = this.read();
      if (ch === END) {
        literal = this.s.slice(start, at);
        break;
      }
      if (SPECIAL_SYMBOLS.has(ch) || WHITESPACE.has(ch)) {
        this.unread();
        literal = this.s.slice(start, at);
        break;
      }
    }
    const tok = LITERAL_TOKENS.get(literal);
    return tok ? { tok, literal } : { tok: 'id', literal };
  }

  private scanSpecialSymbol(): ScannedItem {
    let last: ScannedItem | undefined;
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (!SPECIAL_SYMBOLS.has(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
      const tok = LITERAL_TOKENS.get(buffer);
      if (tok) last = { tok, literal: buffer };
      else if (last) {
        this.unread();
        break;
      }
    }
    return last ?? { tok: 'error', literal: `error expected: keyword found '${buffer}'` };
  }

  lex(): ScannedItem {
    let ch = this.read();
    while (WHITESPACE.has(ch)) ch = this.read();
    if (ch === END) return { tok: 'end', literal: '' };
    this.unread();
    return SPECIAL_SYMBOLS.has(ch) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }
}

// ---- labels.Parse: the parser ------------------------------------------------------------------------------

type Context = 'keyAndOperator' | 'values';

class LabelParser {
  private readonly items: ScannedItem[] = [];
  private position = 0;

  constructor(selector: string) {
    const lexer = new Lexer(selector);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.tok === 'end') break;
    }
  }

  /** In the values context `in` and `notin` are plain identifiers (`x in (in)`). */
  private lookahead(context: Context): ScannedItem {
    const item = this.items[this.position]!;
    return context === 'values' && (item.tok === 'in' || item.tok === 'notin')
      ? { tok: 'id', literal: item.literal }
      : item;
  }

  private consume(context: Context): ScannedItem {
    const item = this.lookahead(context);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, literal } = this.lookahead('values');
      if (tok === 'end') break;
      if (tok !== 'id' && tok !== '!')
        throw new SelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const next = this.consume('values');
      if (next.tok === 'end') break;
      if (next.tok !== ',') throw new SelectorError(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead('values');
      if (after.tok !== 'id' && after.tok !== '!')
        throw new SelectorError(`found '${after.literal}', expected: identifier after ','`);
    }
    return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private parseRequirement(): Requirement {
    const { key, op: inferred } = this.parseKeyAndInferOperator();
    if (inferred) return newRequirement(key, inferred, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private parseKeyAndInferOperator(): { key: string; op?: Operator } {
    let op: Operator | undefined;
    let item = this.consume('values');
    if (item.tok === '!') {
      op = '!';
      item = this.consume('values');
    }
    if (item.tok !== 'id') throw new SelectorError(`found '${item.literal}', expected: identifier`);
    const keyErrors = isQualifiedName(item.literal);
    if (keyErrors.length)
      throw new SelectorError(`<nil>: Invalid value: ${goQuote(item.literal)}: ${keyErrors.join('; ')}`);
    const next = this.lookahead('values').tok;
    if ((next === 'end' || next === ',') && op !== '!') op = 'exists';
    return { key: item.literal, op };
  }

  private parseOperator(): Operator {
    const { tok, literal } = this.consume('keyAndOperator');
    switch (tok) {
      case 'in':
        return 'in';
      case '=':
        return '=';
      case '==':
        return '==';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      case 'notin':
        return 'notin';
      case '!=':
        return '!=';
      default:
        throw new SelectorError(`found '${literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.tok !== '(') throw new SelectorError(`found '${open.literal}' expected: '('`);
    const { tok, literal } = this.lookahead('values');
    if (tok === 'id' || tok === ',') {
      const values = this.parseIdentifiersList();
      // Go reports the literal it looked ahead at before the list, not the one it found.
      if (this.consume('values').tok !== ')') throw new SelectorError(`found '${literal}', expected: ')'`);
      return values;
    }
    if (tok === ')') {
      this.consume('values');
      return new Set(['']);
    }
    throw new SelectorError(`found '${literal}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, literal } = this.consume('values');
      if (tok === 'id') {
        values.add(literal);
        const next = this.lookahead('values');
        if (next.tok === ',') continue;
        if (next.tok === ')') return values;
        throw new SelectorError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (tok !== ',') throw new SelectorError(`found '${literal}', expected: ',', or identifier`);
      // "(,", ",)" and ",," each hold an empty value.
      if (values.size === 0) values.add('');
      const next = this.lookahead('values').tok;
      if (next === ')') {
        values.add('');
        return values;
      }
      if (next === ',') values.add('');
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead('values').tok;
    if (next === 'end' || next === ',') return new Set(['']);
    const { tok, literal } = this.consume('values');
    if (tok === 'id') return new Set([literal]);
    throw new SelectorError(`found '${literal}', expected: identifier`);
  }
}

/** strconv.ParseInt(s, 10, 64), or undefined. */
function parseInt64(s: string): bigint | undefined {
  let i = s[0] === '+' || s[0] === '-' ? 1 : 0;
  if (i === s.length) return undefined;
  for (; i < s.length; i++) if (s.charCodeAt(i) < 0x30 || s.charCodeAt(i) > 0x39) return undefined;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

/** NewRequirement's checks of the values (the key was checked while parsing), as one aggregated error. */
function newRequirement(key: string, op: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  if (op === 'gt' || op === 'lt') {
    values.forEach((v, i) => {
      if (parseInt64(v) === undefined)
        errs.push(`values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
    });
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${msgs.join('; ')}`);
  });
  const unique = [...new Set(errs)];
  if (unique.length === 1) throw new SelectorError(unique[0]!);
  if (unique.length > 1) throw new SelectorError(`[${unique.join(', ')}]`);
  return { key, op, values, set: new Set(values) };
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case '==':
    case 'in':
      return has && r.set.has(v!);
    case '!=':
    case 'notin':
      return !has || !r.set.has(v!);
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const have = parseInt64(v!);
      const want = parseInt64(r.values[0]!);
      if (have === undefined || want === undefined) return false;
      return r.op === 'gt' ? have > want : have < want;
    }
  }
}

/** metav1.LabelSelector (matchLabels + matchExpressions) → matcher. */
export function labelSelectorMatcher(sel: LabelSelector | undefined): Matcher {
  if (!sel) return () => false;
  const reqs: Requirement[] = [];
  const add = (key: string, op: Operator, values: string[]): void => {
    reqs.push({ key, op, values, set: new Set(values) });
  };
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) add(k, '=', [v]);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') add(e.key, 'in', e.values ?? []);
    else if (e.operator === 'NotIn') add(e.key, 'notin', e.values ?? []);
    else if (e.operator === 'Exists') add(e.key, 'exists', []);
    else add(e.key, '!', []);
  }
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

// ---- fields.ParseSelector ----------------------------------------------------------------------------------

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** splitTerms: split on commas that are not backslash-escaped (the backslash stays in the term). */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** splitTerm: at the first position where `!=`, `==` or `=` starts (the field name is not unescaped). */
function splitTerm(term: string): { lhs: string; op: '!=' | '==' | '='; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (ch === '!' && term[i + 1] === '=') return { lhs: term.slice(0, i), op: '!=', rhs: term.slice(i + 2) };
    if (ch === '=') {
      if (term[i + 1] === '=') return { lhs: term.slice(0, i), op: '==', rhs: term.slice(i + 2) };
      return { lhs: term.slice(0, i), op: '=', rhs: term.slice(i + 1) };
    }
  }
  return undefined;
}

/** UnescapeValue: `\\`, `\,` and `\=` are literal; a bare `,` or `=` or any other escape is an error. */
function unescapeValue(s: string): string {
  if (!s.includes('\\') && !s.includes(',') && !s.includes('=')) return s;
  let out = '';
  let inSlash = false;
  for (const ch of s) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=')
        throw badRequest(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v: its code point.
      throw badRequest(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * `metadata.name=x,spec.nodeName!=y` → requirements, sorted by term as Go sorts them; names and values are
 * taken as written (no trimming). Unsupported fields are rejected by the caller.
 */
export function parseFieldSelector(selector: string | null): FieldRequirement[] {
  if (!selector) return [];
  checkLength('fieldSelector', selector);
  const out: FieldRequirement[] = [];
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    out.push({ field: term.lhs, op: term.op === '!=' ? '!=' : '=', value: unescapeValue(term.rhs) });
  }
  return out;
}

/** Selector.RequiresExactMatch: the value the first `field=`/`field==` term demands, if any. */
export function requiredFieldValue(reqs: FieldRequirement[], field: string): string | undefined {
  return reqs.find((r) => r.field === field && r.op === '=')?.value;
}
