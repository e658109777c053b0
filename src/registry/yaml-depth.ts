// A linear pre-scan of a YAML body's flow nesting (`[`, `{`), run before the parser sees it: a body of a
// million `[` would otherwise keep the decoding thread busy past its deadline for an answer that can only
// be "exceeded max depth". Brackets inside quoted scalars and comments are not nesting. Block scalars
// (`|`, `>`) are not tracked, so their text can only make the count larger: a body refused here has more
// than `maxDepth` brackets open at once outside quotes, which no Kubernetes object needs.

/** The line (1-based) where the flow nesting first goes past maxDepth, or 0 when it never does. */
export function flowDepthExceededAt(text: string, maxDepth: number): number {
  let depth = 0;
  let line = 1;
  let quote = '';
  let comment = false;
  let tokenStart = true; // a quote opens a scalar only where a token may start
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      comment = false;
      tokenStart = true;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        // '' inside a single-quoted scalar is an escaped quote.
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = '';
      }
      continue;
    }
    if ((c === '"' || c === "'") && tokenStart) {
      quote = c;
      continue;
    }
    if (c === '#' && tokenStart) {
      comment = true;
      continue;
    }
    if (c === '[' || c === '{') {
      if (++depth > maxDepth) return line;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
    tokenStart = c === ' ' || c === '\t' || c === '[' || c === '{' || c === ',' || c === ':' || c === '-' || c === '?';
  }
  return 0;
}
