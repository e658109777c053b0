// field.ErrorList as kube-apiserver prints it at start-up: each error `path: Type: value: detail`,
// and an aggregate of several as `[e1, e2]` (utilerrors.NewAggregate; duplicates collapse).
import type { FieldError } from '../../api/errors.js';

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/** ErrorList.ToAggregate().Error(); undefined for no errors. */
export function aggregateFieldErrors(errs: FieldError[]): string | undefined {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const e of errs) {
    const s = fieldErrorString(e);
    if (seen.has(s)) continue;
    seen.add(s);
    messages.push(s);
  }
  if (messages.length === 0) return undefined;
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}

/** A field.Invalid whose value Go prints with %#v (a Go value that is not a string or number). */
export function fieldInvalidGoSyntax(field: string, goSyntax: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${goSyntax}: ${detail}` };
}

/** %#v of a Go string: a double-quoted Go literal (JSON's escaping is the same for printable text). */
export const goQuote = (s: string): string => JSON.stringify(s);

/** %q of a []string: `["a" "b"]`. */
export const goQuoteList = (list: readonly string[]): string => `[${list.map(goQuote).join(' ')}]`;

/** An error whose message is a field.ErrorList aggregate. */
export class FieldErrorList extends Error {
  constructor(
    readonly errors: FieldError[],
    prefix = '',
  ) {
    super(prefix + (aggregateFieldErrors(errors) ?? ''));
    this.name = 'FieldErrorList';
  }
}
