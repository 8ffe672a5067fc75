/**
 * The rows a query holds, as PostgREST filters (what `supabase.from(t).eq('list_id', 7)` sends):
 * `'list_id=eq.7'`, or several that must all hold. Operators: `eq`, `neq`, `lt`, `lte`, `gt`,
 * `gte`, `in` (`'id=in.(1,2,3)'`) and `is` (`null`, `true`, `false`).
 * @example
 * const filter: RowFilter = ['list_id=eq.7', 'done=is.false'];
 */
export type RowFilter = string | readonly string[];

/** Whether a row holds for a filter; undefined when the row lacks one of its columns. */
export type RowPredicate = (row: Record<string, unknown>) => boolean | undefined;

// How each comparison operator reads the order of a row's value against the filter's.
const COMPARISONS = {
  eq: (order: number) => order === 0,
  neq: (order: number) => order !== 0,
  lt: (order: number) => order < 0,
  lte: (order: number) => order <= 0,
  gt: (order: number) => order > 0,
  gte: (order: number) => order >= 0,
};
type Operator = keyof typeof COMPARISONS | 'in' | 'is';
const OPERATORS = [...Object.keys(COMPARISONS), 'in', 'is'] as Operator[];

// Quoted or bare items of an `in.(…)` list, as PostgREST writes them.
const ITEMS = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;

/** A row value against a filter value written as text: numbers as numbers, the rest as text. */
function compare(value: unknown, text: string): number {
  if (typeof value === 'number') return value - Number(text);
  const other = String(value);
  return other < text ? -1 : other > text ? 1 : 0;
}

function holds(operator: Operator, value: unknown, text: string): boolean {
  if (operator === 'is') return String(value) === text.toLowerCase();
  // SQL: a comparison with null is never true.
  if (value === null) return false;
  if (operator === 'in') {
    const list = text.replace(/^\(|\)$/g, '');
    return [...list.matchAll(ITEMS)].some(
      ([, quoted, bare]) => compare(value, quoted ?? bare?.trim() ?? '') === 0,
    );
  }
  return COMPARISONS[operator](compare(value, text));
}

/**
 * Compiles a filter to a predicate; throws one sentence naming the part it cannot read.
 * @example
 * rowPredicate('list_id=eq.7')({ id: 1, list_id: 7 }); // true
 */
export function rowPredicate(filter: RowFilter | undefined): RowPredicate {
  const tests = ([] as string[]).concat(filter ?? []).map((condition) => {
    // A filter that is not `column=operator.value` has no parts, and no operator to accept.
    const [, column, operator, text] = (/^([^=]+)=([a-z]+)\.(.*)$/s.exec(condition) ??
      []) as unknown as [string, string, Operator, string];
    if (!OPERATORS.includes(operator)) {
      throw new Error(
        `Cannot read the filter \`${condition}\`: write \`column=operator.value\` with one of ${OPERATORS.join(', ')}.`,
      );
    }
    return (row: Record<string, unknown>) =>
      column in row ? holds(operator, row[column], text) : undefined;
  });
  return (row) => {
    const results = tests.map((test) => test(row));
    return results.includes(false) ? false : results.includes(undefined) ? undefined : true;
  };
}
