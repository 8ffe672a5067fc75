import type { PostgresChange } from './ChannelRegistry';
import { stableHash } from './stableHash';

/** The order a query returns its rows in (its `order by`). */
export interface RowOrder<Row> {
  /** The column. */
  column: keyof Row & string;
  /** Ascending, as SQL defaults. @default true */
  ascending?: boolean;
}

/** How {@link mergeChange} matches and places rows. */
export interface MergeOptions<Row> {
  /** The primary key column(s). @default 'id' */
  primaryKey?: (keyof Row & string) | ReadonlyArray<keyof Row & string>;
  /** The query's order; without it inserts go last and updates stay in place. */
  order?: RowOrder<Row>;
}

/**
 * Applies one postgres change to a list of rows by primary key: inserts, replaces or removes,
 * never duplicating a row and keeping the list's order. Returns the same array when nothing changed.
 * @example
 * queryClient.setQueryData(['todos'], (rows) => mergeChange(rows, change, { order: { column: 'id' } }));
 */
export function mergeChange<Row extends Record<string, unknown>>(
  rows: readonly Row[] | undefined,
  change: PostgresChange<Row>,
  { primaryKey = 'id', order }: MergeOptions<Row> = {},
): readonly Row[] | undefined {
  if (!Array.isArray(rows)) return rows;
  const keys = ([] as string[]).concat(primaryKey);
  const keyOf = (row: Partial<Row>): string => stableHash(keys.map((key) => row[key]));
  const removed = change.eventType === 'INSERT' ? undefined : keyOf(change.old);
  const row = change.eventType === 'DELETE' ? undefined : change.new;
  const added = row && keyOf(row);
  let at = -1;
  const next = rows.filter((each, index) => {
    const key = keyOf(each);
    if (key === added) at = index;
    return key !== removed && key !== added;
  });
  if (!row) return next.length === rows.length ? rows : next;
  if (order) {
    const { column, ascending = true } = order;
    // Nulls last, as PostgreSQL sorts ascending; values are numbers, strings or ISO timestamps.
    const before = (other: Row): boolean => {
      const x = row[column] as number;
      const y = other[column] as number;
      if (x === y) return false;
      if (x === null || y === null) return (y === null) === ascending;
      return x < y === ascending;
    };
    at = next.findIndex(before);
  }
  next.splice(at === -1 ? next.length : Math.min(at, next.length), 0, row);
  return next;
}
