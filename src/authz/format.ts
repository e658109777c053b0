// Go's text forms, reproduced because Kubernetes' authorization messages are built with them and users
// (and their scripts) read those messages verbatim.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
/** Printable ASCII other than `"` and `\`: quoted as is (the common case, checked in one pass). */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** strconv.Quote / fmt's %q for one string. */
export function goQuote(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    // A lone UTF-16 surrogate cannot come from valid UTF-8; Go would have decoded it as U+FFFD.
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\ufffd';
      continue;
    }
    if (PRINTABLE.test(ch)) {
      out += ch;
      continue;
    }
    if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** fmt's %q for a []string: `["a" "b"]` (space-separated, as Go prints slices). */
export function goQuoteList(list: readonly string[] | undefined): string {
  return '[' + (list ?? []).map(goQuote).join(' ') + ']';
}

/**
 * utilerrors.NewAggregate(errs).Error(): one message as is, several deduplicated (first occurrence wins)
 * and wrapped as `[a, b]`. An empty list gives ''.
 */
export function aggregateMessages(messages: readonly string[]): string {
  if (messages.length === 0) return '';
  if (messages.length === 1) return messages[0]!;
  const seen = new Set<string>();
  for (const m of messages) seen.add(m);
  const joined = [...seen].join(', ');
  return seen.size === 1 ? joined : `[${joined}]`;
}
