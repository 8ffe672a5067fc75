import { splitExpression, splitTopLevel, unquote } from './postgrestSyntax';

/** An error the data API reports in PostgREST's JSON shape and status. */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/**
 * Quotes an identifier for SQL; the one way names reach a statement. A NUL would end the
 * statement text mid-way and desynchronize the connection, so it gets PostgreSQL's own refusal.
 */
export function ident(name: string): string {
  if (name.includes('\0')) {
    throw new RestError(400, '22021', 'invalid byte sequence for encoding "UTF8": 0x00');
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** Collects positional parameters; values never reach SQL text. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const RESERVED = new Set([
  'select',
  'order',
  'limit',
  'offset',
  'on_conflict',
  'columns',
  'or',
  'and',
]);
const COMPARISONS: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

/** Splits a comma list, or answers PostgREST's parse error for unbalanced input. */
function splitTop(text: string): string[] {
  const parts = splitTopLevel(text);
  if (parts === null) throw badFilter(text);
  return parts;
}

function badFilter(text: string): RestError {
  return new RestError(
    400,
    'PGRST100',
    `"failed to parse filter (${text})" (line 1, column 1)`,
    null,
    null,
  );
}

/** One `column=op.value` condition (with optional `not.`) as SQL. */
function condition(column: string, expression: string, params: Params): string {
  const parsed = splitExpression(expression);
  if (!parsed) throw badFilter(expression);
  const { negate, op, value } = parsed;
  const col = ident(column);
  let sql: string;
  if (op in COMPARISONS) sql = `${col} ${COMPARISONS[op]} ${params.add(unquote(value))}`;
  else if (op === 'like' || op === 'ilike') {
    // PostgREST accepts * as the wildcard, since % is awkward in URLs.
    sql = `${col}::text ${op} ${params.add(unquote(value).replace(/\*/g, '%'))}`;
  } else if (op === 'match' || op === 'imatch') {
    sql = `${col}::text ${op === 'match' ? '~' : '~*'} ${params.add(unquote(value))}`;
  } else if (op === 'in') {
    const inner = /^\((.*)\)$/s.exec(value);
    if (!inner) throw badFilter(expression);
    const items = (inner[1] ?? '') === '' ? [] : splitTop(inner[1] ?? '').map(unquote);
    sql = `${col} = any(${params.add(items)})`;
  } else if (op === 'is') {
    const literal = value.toLowerCase();
    if (!['null', 'true', 'false', 'unknown'].includes(literal)) throw badFilter(expression);
    sql = `${col} is ${literal}`;
  } else if (op === 'isdistinct') {
    sql = `${col} is distinct from ${params.add(unquote(value))}`;
  } else {
    throw badFilter(expression);
  }
  return negate ? `not (${sql})` : sql;
}

/**
 * How deeply `or`/`and` trees may nest. Each level re-reads the rest of the text and PostgreSQL
 * refuses very deep expressions, so a deeper tree is a parse error, not a slow 500.
 */
const MAX_LOGIC_DEPTH = 64;

/** `or=(a.eq.1,b.gt.2)` / `and=(…)`, nested, as SQL. */
function logical(joiner: 'or' | 'and', value: string, params: Params, depth = 1): string {
  const inner = /^\((.*)\)$/s.exec(value);
  if (!inner || depth > MAX_LOGIC_DEPTH) {
    throw new RestError(
      400,
      'PGRST100',
      `"failed to parse logic tree (${value})" (line 1, column 1)`,
      null,
      `or/and may nest at most ${MAX_LOGIC_DEPTH} levels deep`,
    );
  }
  const parts = splitTop(inner[1] ?? '').map((part) => {
    const nested = /^(not\.)?(or|and)(\(.*\))$/s.exec(part);
    if (nested) {
      const sql = logical(nested[2] as 'or' | 'and', nested[3] ?? '', params, depth + 1);
      return nested[1] ? `not ${sql}` : sql;
    }
    const dot = part.indexOf('.');
    if (dot <= 0) throw badFilter(part);
    return condition(part.slice(0, dot), part.slice(dot + 1), params);
  });
  return `(${parts.join(` ${joiner} `)})`;
}

/** The WHERE clause of a request's filters (every query parameter that is not reserved). */
export function whereClause(query: URLSearchParams, params: Params): string {
  const conditions: string[] = [];
  for (const [key, value] of query) {
    if (key === 'or' || key === 'and') conditions.push(logical(key, value, params));
    else if (key === 'not.or' || key === 'not.and')
      conditions.push(`not ${logical(key.slice(4) as 'or' | 'and', value, params)}`);
    else if (!RESERVED.has(key) && !key.includes('.'))
      conditions.push(condition(key, value, params));
  }
  return conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
}

/** The select list: `*`, columns, `alias:column` and `column::type`; embedded resources are refused. */
export function selectList(select: string | null): string {
  if (select === null || select.trim() === '' || select.trim() === '*') return '*';
  return splitTop(select)
    .map((raw) => {
      const item = raw.trim();
      if (item === '*') return '*';
      if (item.includes('(')) {
        throw new RestError(
          400,
          'PGRST100',
          `Embedded resources ("${item}") are not supported by the local Roomkit data API`,
          null,
          'Select the columns of one table, and load related rows with a second query.',
        );
      }
      const match = /^(?:([A-Za-z_][\w ]*):)?([^:]+?)(?:::([a-z_][\w ]*))?$/.exec(item);
      if (!match)
        throw new RestError(400, 'PGRST100', `"failed to parse select parameter (${item})"`);
      const [, alias, column = '', cast] = match;
      let sql = ident(column.trim());
      if (cast) sql = `${sql}::${ident(cast.trim())}`;
      if (alias || cast) sql = `${sql} as ${ident((alias ?? column).trim())}`;
      return sql;
    })
    .join(', ');
}

/** `order=a.desc.nullslast,b` as SQL. */
export function orderClause(order: string | null): string {
  if (!order) return '';
  const items = splitTop(order).map((raw) => {
    const [column = '', ...modifiers] = raw.trim().split('.');
    let sql = ident(column);
    for (const modifier of modifiers) {
      if (modifier === 'asc' || modifier === 'desc') sql += ` ${modifier}`;
      else if (modifier === 'nullsfirst') sql += ' nulls first';
      else if (modifier === 'nullslast') sql += ' nulls last';
      else
        throw new RestError(
          400,
          'PGRST100',
          `"failed to parse order (${order})" (line 1, column 1)`,
        );
    }
    return sql;
  });
  return `order by ${items.join(', ')}`;
}

/** A non-negative integer query parameter, or null. */
export function integerParam(query: URLSearchParams, name: string): number | null {
  const value = query.get(name);
  if (value === null) return null;
  if (!/^\d+$/.test(value))
    throw new RestError(400, 'PGRST100', `"failed to parse ${name} (${value})"`);
  return Number(value);
}

/** Reads a `Prefer` header into its settings (`return`, `count`, `resolution`, `missing`). */
export function preferences(header: string | string[] | undefined): Record<string, string> {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const result: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [key, value] = part.split('=').map((piece) => piece.trim());
    if (key && value) result[key] = value;
  }
  return result;
}
