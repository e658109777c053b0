// metav1.LabelSelector matching (LabelSelectorAsSelector + labels.Selector.Matches), for aggregationRule.
import type { LabelSelector } from '../../api/types.js';

export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

/** A compiled selector. An empty selector selects everything (labels.Everything()). */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

export function compileLabelSelector(selector: LabelSelector): LabelMatcher {
  const checks: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    checks.push((labels) => labels !== undefined && Object.hasOwn(labels, key) && labels[key] === value);
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn': {
        if (values.length === 0)
          throw new LabelSelectorError(
            `values: Invalid value: ${JSON.stringify(values)}: for 'in', 'notin' operators, values set can't be empty`,
          );
        const set = new Set(values);
        const inSet = (labels: Record<string, string> | undefined): boolean =>
          labels !== undefined && Object.hasOwn(labels, expr.key) && set.has(labels[expr.key]!);
        checks.push(expr.operator === 'In' ? inSet : (labels) => !inSet(labels));
        break;
      }
      case 'Exists':
      case 'DoesNotExist': {
        if (values.length > 0)
          throw new LabelSelectorError(
            `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`,
          );
        const exists = (labels: Record<string, string> | undefined): boolean =>
          labels !== undefined && Object.hasOwn(labels, expr.key);
        checks.push(expr.operator === 'Exists' ? exists : (labels) => !exists(labels));
        break;
      }
      default:
        throw new LabelSelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    }
  }
  return (labels) => checks.every((c) => c(labels));
}
