import { textToJson } from './pgValues';
import { PATTERN_OPERATORS, type PatternOperator } from './patternFilters';
import { splitExpression, splitTopLevel, unquote } from '../rest';

/** The filter operators the real server accepts in `postgres_changes` bindings. */
export const FILTER_OPERATORS = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'like',
  'ilike',
  'is',
  'match',
  'imatch',
  'isdistinct',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One parsed condition of a `column=op.value` filter. */
export interface Filter {
  column: string;
  op: FilterOperator;
  negate: boolean;
  /** The literal as text; for `in`, each listed value. */
  value: string | string[];
}

/** A filter on a value operator, evaluated here; pattern operators are evaluated in PostgreSQL. */
export type ValueFilter = Filter & { op: Exclude<FilterOperator, PatternOperator> };

/** A `like`, `ilike`, `match` or `imatch` filter, evaluated in PostgreSQL (`PatternEvaluator`). */
export type PatternFilter = Filter & { op: PatternOperator; value: string };

/** Whether a filter's operator is one of the pattern operators. */
export function isPatternFilter(filter: Filter): filter is PatternFilter {
  return (PATTERN_OPERATORS as readonly string[]).includes(filter.op);
}

/** A filter that cannot be parsed; the message is the real server's. */
export class FilterParseError extends Error {
  override name = 'FilterParseError';
}

/** A parsed filter the database refuses (the real server's check trigger raises these). */
export class FilterCheckError extends Error {
  override name = 'FilterCheckError';
}

/**
 * Parses a binding's `filter` string (`col=op.value`, comma-separated conditions joined by AND,
 * `not.` to negate). An empty filter means no conditions.
 */
export function parseFilter(filter: unknown): Filter[] {
  if (filter === undefined || filter === null) return [];
  if (typeof filter !== 'string')
    throw new FilterParseError(
      `Error parsing \`filter\` params: ${JSON.stringify([String(filter)])}`,
    );
  if (filter.trim() === '') return [];
  const conditions = splitTopLevel(filter);
  if (conditions === null)
    throw new FilterParseError(`Error parsing \`filter\` params: ${JSON.stringify([filter])}`);
  return conditions.map((condition) => {
    // The real server names the piece it could not read: the condition, the text after `=`, or
    // the unknown operator with its value.
    const fail = (...parts: string[]) =>
      new FilterParseError(`Error parsing \`filter\` params: ${JSON.stringify(parts)}`);
    if (condition.trim() === '') {
      throw new FilterParseError(
        'Error parsing `filter` params: filter must not contain empty segments (check for extra commas)',
      );
    }
    const equals = condition.indexOf('=');
    if (equals <= 0) throw fail(condition);
    const column = condition.slice(0, equals).trim();
    const expression = splitExpression(condition.slice(equals + 1));
    if (!expression) throw fail(condition.slice(equals + 1).replace(/^not\./, ''));
    const { negate, value: raw } = expression;
    const op = expression.op as FilterOperator;
    if (!FILTER_OPERATORS.includes(op)) throw fail(op, raw);
    if (op === 'in') {
      const inner = /^\((.*)\)$/s.exec(raw.trim());
      if (!inner) {
        throw new FilterParseError(
          'Error parsing `filter` params: `in` filter value must be wrapped by parentheses',
        );
      }
      const listed = (inner[1] ?? '').trim() === '' ? [] : splitTopLevel(inner[1] ?? '');
      if (listed === null) throw fail(raw);
      const values = listed.map((value) => unquote(value.trim()));
      if (values.length > 100)
        throw new FilterCheckError('too many values for `in` filter. Maximum 100');
      return { column, op, negate, value: values };
    }
    if (op === 'is' && !['null', 'true', 'false', 'unknown'].includes(raw.trim())) {
      throw new FilterCheckError(
        'invalid value for is filter: must be null, true, false, or unknown',
      );
    }
    return { column, op, negate, value: unquote(raw.trim()) };
  });
}

function compare(left: unknown, right: unknown): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const a = String(typeof left === 'object' ? JSON.stringify(left) : left);
  const b = String(typeof right === 'object' ? JSON.stringify(right) : right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function same(left: unknown, right: unknown): boolean {
  if (typeof left === 'object' || typeof right === 'object')
    return JSON.stringify(left) === JSON.stringify(right);
  if (typeof left === 'string' && typeof right === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(left)) {
    const a = Date.parse(left);
    const b = Date.parse(right);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return a === b;
  }
  return left === right;
}

/**
 * Whether a record passes one filter, comparing as the column's type. A column missing from
 * the record (e.g. not in a DELETE's replica identity) fails closed, as on the real server.
 */
export function matchesFilter(
  filter: ValueFilter,
  record: Record<string, unknown>,
  typname: string,
): boolean {
  if (!(filter.column in record)) return false;
  const actual = record[filter.column];
  const literal = (text: string) => textToJson(text, typname);
  let result: boolean;
  switch (filter.op) {
    case 'eq':
      result = actual !== null && same(actual, literal(filter.value as string));
      break;
    case 'neq':
      result = actual !== null && !same(actual, literal(filter.value as string));
      break;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (actual === null) return false;
      const order = compare(actual, literal(filter.value as string));
      result =
        filter.op === 'lt'
          ? order < 0
          : filter.op === 'lte'
            ? order <= 0
            : filter.op === 'gt'
              ? order > 0
              : order >= 0;
      break;
    }
    case 'in':
      result =
        actual !== null && (filter.value as string[]).some((value) => same(actual, literal(value)));
      break;
    case 'is': {
      const expected = (filter.value as string).toLowerCase();
      result =
        expected === 'null' || expected === 'unknown'
          ? actual === null
          : actual === (expected === 'true');
      break;
    }
    case 'isdistinct': {
      const other = literal(filter.value as string);
      result = actual === null ? other !== null : !same(actual, other);
      break;
    }
    default:
      return filter.op satisfies never;
  }
  // SQL three-valued logic: a null comparison is never true, negated or not.
  if (actual === null && filter.op !== 'is' && filter.op !== 'isdistinct') return false;
  return filter.negate ? !result : result;
}
