import type { PostgresChange } from '../core/ChannelRegistry';
import { stableHash } from '../core/stableHash';
import { rowPredicate, type RowFilter } from './rowFilter';

type AnyRow = Record<string, unknown>;

/** One column of the order a query returns its rows in, as `.order(column, { ascending, nullsFirst })`. */
export interface RowOrder<Row> {
  /** The column. */
  column: keyof Row & string;
  /** Ascending, as SQL defaults. @default true */
  ascending?: boolean;
  /** Nulls before other values. @default !ascending (PostgreSQL's default) */
  nullsFirst?: boolean;
}

/** How {@link mergeChange} matches, keeps and places rows. */
export interface MergeOptions<Row> {
  /** The primary key column(s). @default 'id' */
  primaryKey?: (keyof Row & string) | ReadonlyArray<keyof Row & string>;
  /** The query's order, one column or several; without it inserts go last and updates stay in place. */
  order?: RowOrder<Row> | ReadonlyArray<RowOrder<Row>>;
  /** The rows the query holds: rows that enter it are added, rows that leave it removed. */
  filter?: RowFilter;
}

/** The pages of an infinite query, as react-query stores them. */
export interface InfiniteRows<Row> {
  pages: readonly (readonly Row[])[];
  pageParams: readonly unknown[];
}

/** Where a row sorts against another: negative before, positive after, 0 tied. */
export function compareRows<Row extends AnyRow>(
  orders: ReadonlyArray<RowOrder<Row>>,
): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const { column, ascending = true, nullsFirst = !ascending } of orders) {
      let x = a[column] as unknown as string;
      let y = b[column] as unknown as string;
      if (x === y) continue;
      if (x === null || y === null) return (x === null) === nullsFirst ? -1 : 1;
      // Values of two types (a pending row's temporary key or missing column against real
      // values) compare by type name, so such rows sort together and after numbers and text.
      if (typeof x !== typeof y) [x, y] = [typeof x, typeof y];
      return x < y === ascending ? -1 : 1;
    }
    return 0;
  };
}

/**
 * The field that marks a row shown before the database has it (see `isPendingRow`); its value
 * tells the write that showed it, negative for an insert shown under a temporary key. A field,
 * not an object identity: react-query's structural sharing copies rows.
 */
export const PENDING = 'roomkit:pending';

/**
 * A row's key from its primary key column(s): the value itself for one column (compared as is,
 * which keeps a merge over thousands of rows cheap), as text for several.
 */
function keying(keys: string[]): (row: Partial<AnyRow>) => unknown {
  return (row) => (keys[1] ? stableHash(keys.map((key) => row[key])) : row[keys[0] as string]);
}

/**
 * Applies one postgres change to pages of rows by primary key: a row that holds for the filter
 * is placed by the order (an update without order stays in place, an insert goes last), any other
 * copy of it leaves every page. Returns the same pages, and each untouched page, when nothing changed.
 */
function mergePages<Row extends AnyRow>(
  pages: readonly (readonly Row[])[],
  change: PostgresChange<Row>,
  { primaryKey = 'id', order, filter }: MergeOptions<Row>,
): readonly (readonly Row[])[] {
  const keys = ([] as string[]).concat(primaryKey);
  const keyOf = keying(keys);
  const candidate = change.eventType === 'DELETE' ? undefined : change.new;
  // A row the filter cannot judge (a column missing) is kept out: the next refetch decides.
  const row = candidate && rowPredicate(filter)(candidate) === true ? candidate : undefined;
  const gone = new Set<unknown>();
  if (candidate) gone.add(keyOf(candidate));
  if (change.eventType !== 'INSERT') gone.add(keyOf(change.old));
  // An insert's echo can come before the answer that gives its pending row the database's key:
  // unless a row has its key already, it takes the place of one row shown under a temporary key
  // with every value it was given.
  let echo =
    change.eventType === 'INSERT' && !pages.flat().some((each) => gone.has(keyOf(each)))
      ? candidate
      : undefined;
  const echoes = (each: AnyRow) =>
    (each[PENDING] as number) < 0 &&
    Object.keys(each).every(
      (column) => column === PENDING || keys.includes(column) || each[column] === echo?.[column],
    );
  let at: [number, number] | undefined;
  const next = pages.map((page, p) => {
    const kept = page.filter((each, i) => {
      const stays = !gone.has(keyOf(each)) && !(echo && echoes(each) && !(echo = undefined));
      if (!stays) at ??= [p, i];
      return stays;
    });
    return kept.length === page.length ? page : kept;
  });
  if (row) {
    const last = Math.max(next.length - 1, 0);
    const was = at?.[0];
    if (order || !at) at = [last, next[last]?.length ?? 0];
    if (order) {
      const sorts = compareRows(([] as RowOrder<Row>[]).concat(order));
      for (const [p, page] of next.entries()) {
        const i = page.findIndex((other) => sorts(row, other) < 0);
        if (i !== -1) {
          // Before a page's first row is the end of the page before, unless the row was on this
          // page: a new row joins the page it follows, an edited one keeps its page.
          at = i || !p || was === p ? [p, i] : [p - 1, next[p - 1]?.length ?? 0];
          break;
        }
      }
    }
    const [p, i] = at;
    const page = [...(next[p] ?? [])];
    page.splice(i, 0, row);
    next[p] = page;
  }
  return next.every((page, p) => page === pages[p]) ? pages : next;
}

/**
 * Applies one postgres change to a query's data by primary key: a list of rows, the pages of an
 * infinite query, or one row (a detail query). Rows that enter the filter are added in order,
 * rows that leave it or are deleted (only the key needed) removed, never twice. Returns the same
 * data when nothing changed.
 * @example
 * queryClient.setQueryData(['todos', 7], (rows) =>
 *   mergeChange(rows, change, { filter: 'list_id=eq.7', order: [{ column: 'done' }, { column: 'id' }] }),
 * );
 */
export function mergeChange<Data, Row extends AnyRow = AnyRow>(
  data: Data,
  change: PostgresChange<Row>,
  options: MergeOptions<Row> = {},
): Data {
  if (data === undefined) return data;
  // Each page is returned as it was when nothing changed in it.
  if (Array.isArray(data)) return mergePages([data as Row[]], change, options)[0] as Data;
  const infinite = data as Partial<InfiniteRows<Row>> | null;
  if (infinite && Array.isArray(infinite.pages)) {
    const pages = mergePages(infinite.pages, change, options);
    return (pages === infinite.pages ? data : { ...infinite, pages }) as Data;
  }
  // One row (or none yet): a page of it, without order, so a change to another row goes after
  // it. It is replaced by the row with its key, or (with a filter) the first row to enter it.
  if (data === null && !options.filter) return data;
  const [page] = mergePages(data === null ? [[]] : [[data as Row]], change, {
    ...options,
    order: undefined,
  });
  return (page?.[0] ?? null) as Data;
}
