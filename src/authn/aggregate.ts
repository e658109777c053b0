// utilerrors.NewAggregate for authenticator unions: the errors of every authenticator that tried,
// folded into one AuthenticationError with apimachinery's message shape.
import { AuthenticationError } from './interfaces.js';

/** One message as is; several de-duplicated inside `[a, b]`. */
export function aggregateMessage(messages: string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 1) return unique[0]!;
  return `[${unique.join(', ')}]`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Null when nothing failed; otherwise one AuthenticationError carrying every failure. */
export function aggregateErrors(errors: unknown[]): AuthenticationError | null {
  if (errors.length === 0) return null;
  if (errors.length === 1 && errors[0] instanceof AuthenticationError) return errors[0];
  return new AuthenticationError(aggregateMessage(errors.map(errorMessage)));
}
