// YAML to JSON text, as sigs.k8s.io/yaml's YAMLToJSON does for kube-apiserver, with go-yaml v2's limits:
// nesting past 10,000 levels, and aliases doing most of the decoding (`document contains excessive
// aliasing`, the rule that stops billion-laughs documents) are refused with its words. On top of those,
// the JSON may not be larger than kauth's decoded-YAML budget, measured before it is written out, so a small
// body of aliases cannot become a large object. The `yaml` library parses; this walks its document once,
// in document order, resolving each alias to the last anchor of its name in linear time.
// Runs on the YAML worker thread (yaml-decode.ts), whose stack holds 10,000 levels of this recursion.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { encodedSize, setOwn, stringifyJson } from './json-walk.js';
import { MAX_DECODED_YAML_BYTES, MAX_YAML_DEPTH } from './limits.js';

export type YamlFailure = 'syntax' | 'depth' | 'aliasing' | 'size';

export class YamlDecodeError extends Error {
  constructor(
    readonly reason: YamlFailure,
    message: string,
  ) {
    super(message);
    this.name = 'YamlDecodeError';
  }
}

export interface YamlLimits {
  maxBytes: number;
  maxDepth: number;
}

export interface DecodedYaml {
  /** The document as JSON text (`null` for an empty document). */
  json: string;
  /** go-yaml's strict-mode complaint about repeated keys (`yaml: unmarshal errors: …`), if any. */
  duplicateKeys?: string;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxBytes: MAX_DECODED_YAML_BYTES, maxDepth: MAX_YAML_DEPTH };

// go-yaml v2 decode.go: between these decode counts the share of decoding that alias expansion may be
// falls from 99% to 10%.
const ALIAS_RATIO_RANGE_LOW = 400_000;
const ALIAS_RATIO_RANGE_HIGH = 4_000_000;

function allowedAliasRatio(decodes: number): number {
  if (decodes <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodes >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decodes - ALIAS_RATIO_RANGE_LOW) / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW));
}

interface Anchor {
  value: unknown;
  /** Decode steps go-yaml takes for the anchored node, which it takes again for every alias of it. */
  decodes: number;
  done: boolean;
}

class Converter {
  /** go-yaml's decodeCount and aliasCount. */
  private decodes = 0;
  private aliasDecodes = 0;
  private readonly anchors = new Map<string, Anchor>();
  readonly duplicates: string[] = [];

  constructor(
    private readonly lines: LineCounter,
    private readonly maxDepth: number,
  ) {}

  private count(decodes: number, fromAlias: boolean): void {
    this.decodes += decodes;
    if (fromAlias) this.aliasDecodes += decodes;
    if (
      this.aliasDecodes > 100 &&
      this.decodes > 1000 &&
      this.aliasDecodes / this.decodes > allowedAliasRatio(this.decodes)
    ) {
      throw new YamlDecodeError('aliasing', 'yaml: document contains excessive aliasing');
    }
  }

  /** go-yaml's max_flow_level / max_indents: flow and block collections are counted apart. */
  private tooDeep(node: Node): YamlDecodeError {
    const line = node.range ? this.lines.linePos(node.range[0]).line : 1;
    return new YamlDecodeError(
      'depth',
      `yaml: ${line > 1 ? `line ${line}: ` : ''}exceeded max depth of ${this.maxDepth}`,
    );
  }

  convert(node: Node | null | undefined, flowDepth: number, blockDepth: number): unknown {
    if (node === null || node === undefined) {
      this.count(1, false);
      return null;
    }
    if (isAlias(node)) {
      this.count(1, false);
      const anchor = this.anchors.get(node.source);
      if (!anchor) throw new YamlDecodeError('syntax', `yaml: unknown anchor '${node.source}' referenced`);
      if (!anchor.done) throw new YamlDecodeError('syntax', `yaml: anchor '${node.source}' value contains itself`);
      this.count(anchor.decodes, true);
      // The anchored value itself, shared: the JSON is written from it with the size already checked.
      return anchor.value;
    }
    const anchor: Anchor | undefined = node.anchor ? { value: undefined, decodes: 0, done: false } : undefined;
    if (anchor) this.anchors.set(node.anchor!, anchor);
    const before = this.decodes;
    const value = this.convertNode(node, flowDepth, blockDepth);
    if (anchor) Object.assign(anchor, { value, decodes: this.decodes - before, done: true });
    return value;
  }

  private convertNode(node: Node, flowDepth: number, blockDepth: number): unknown {
    this.count(1, false);
    if (isScalar(node)) return typeof node.value === 'bigint' ? Number(node.value) : (node.value ?? null);
    const flow = (node as { flow?: boolean }).flow === true;
    const [f, b] = flow ? [flowDepth + 1, blockDepth] : [flowDepth, blockDepth + 1];
    if (f > this.maxDepth || b > this.maxDepth) throw this.tooDeep(node);
    if (isSeq(node)) return node.items.map((item) => this.convert(item as Node, f, b));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = this.mapKey(keyNode, f, b);
        if (seen.has(key)) {
          const line = keyNode?.range ? this.lines.linePos(keyNode.range[0]).line : 1;
          this.duplicates.push(`line ${line}: key ${JSON.stringify(key)} already set in map`);
        }
        seen.add(key);
        setOwn(out, key, this.convert(pair.value as Node | null, f, b));
      }
      return out;
    }
    throw new YamlDecodeError('syntax', 'yaml: unknown node kind');
  }

  /** A key as a JSON object key: scalars as their text (null as ""), as the yaml library keys its objects. */
  private mapKey(keyNode: Node | null, flowDepth: number, blockDepth: number): string {
    const key = this.convert(keyNode, flowDepth, blockDepth);
    if (key === null || key === undefined) return '';
    if (typeof key !== 'object') return String(key);
    throw new YamlDecodeError(
      'syntax',
      `unsupported map key of type: ${Array.isArray(key) ? '[]interface {}' : 'map[interface {}]interface {}'}`,
    );
  }
}

/** Throws YamlDecodeError. */
export function yamlToJson(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): DecodedYaml {
  const lines = new LineCounter();
  // Repeated keys are found below in linear time; the library's own check compares every pair of keys.
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    // Past what the parser's stack holds (well beyond 10,000 levels), it reports the overflow as a parse error.
    if (error.message.includes('Maximum call stack size exceeded'))
      throw new YamlDecodeError('depth', `yaml: exceeded max depth of ${limits.maxDepth}`);
    throw new YamlDecodeError('syntax', error.message.split('\n')[0]!);
  }
  const converter = new Converter(lines, limits.maxDepth);
  const value = converter.convert(doc.contents as Node | null, 0, 0);
  // Aliases share their anchor's value, so the JSON is measured (at no more than the budget's cost) before it is made.
  const size = encodedSize(value, limits.maxBytes);
  if (size > limits.maxBytes)
    throw new YamlDecodeError('size', `the YAML body decodes to more than ${limits.maxBytes} bytes of JSON`);
  const out: DecodedYaml = { json: stringifyJson(value) };
  if (converter.duplicates.length)
    out.duplicateKeys = `yaml: unmarshal errors:\n  ${converter.duplicates.join('\n  ')}`;
  return out;
}
