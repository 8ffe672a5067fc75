import { describe, expect, it } from 'vitest';
import type { PostgresChange } from '../core/ChannelRegistry';
import { mergeChange, PENDING, type InfiniteRows } from '../query/mergeChange';
import { rowPredicate } from '../query/rowFilter';

type Row = { id: number; title: string; rank?: number | null };
const base = { schema: 'public', table: 't', commit_timestamp: '', errors: [] as string[] };
const insert = (row: Row): PostgresChange<Row> => ({
  ...base,
  eventType: 'INSERT',
  new: row,
  old: {},
});
const update = (row: Row): PostgresChange<Row> => ({
  ...base,
  eventType: 'UPDATE',
  new: row,
  old: { id: row.id },
});
const remove = (id: number): PostgresChange<Row> => ({
  ...base,
  eventType: 'DELETE',
  new: {},
  old: { id },
});

describe('mergeChange and pending inserts shown under a temporary key', () => {
  const shown = (title: string, mark: number) =>
    ({ id: `pending-${-mark}`, title, [PENDING]: mark }) as unknown as Row;

  it("takes an insert's echo as the pending row with its values, once", () => {
    const rows = [{ id: 1, title: 'a' }, shown('b', -1), shown('b', -2)];
    const once = mergeChange(rows, insert({ id: 2, title: 'b' }));
    // In its place: without an order, nothing moves.
    expect(once).toEqual([{ id: 1, title: 'a' }, { id: 2, title: 'b' }, shown('b', -2)]);
    expect(once[0]).toBe(rows[0]);
    expect(mergeChange(once, insert({ id: 3, title: 'b' }))).toEqual([
      { id: 1, title: 'a' },
      { id: 2, title: 'b' },
      { id: 3, title: 'b' },
    ]);
  });

  it('leaves pending rows alone for an echo whose row it holds already, or with other values', () => {
    const rows = [{ id: 2, title: 'b' }, shown('b', -1)];
    expect(mergeChange(rows, insert({ id: 2, title: 'b' }))).toEqual(rows);
    expect(mergeChange([shown('b', -1)], insert({ id: 3, title: 'c' }))).toEqual([
      shown('b', -1),
      { id: 3, title: 'c' },
    ]);
    // A pending update of a row (a positive mark) is not an insert waiting for its key.
    const edited = { id: 4, title: 'b', [PENDING]: 1 } as unknown as Row;
    expect(mergeChange([edited], insert({ id: 5, title: 'b' }))).toEqual([
      edited,
      { id: 5, title: 'b' },
    ]);
  });
});

describe('mergeChange', () => {
  const rows: Row[] = [
    { id: 1, title: 'a' },
    { id: 2, title: 'b' },
  ];

  it('appends an insert and never duplicates a row it already has', () => {
    expect(mergeChange(rows, insert({ id: 3, title: 'c' }))).toEqual([
      ...rows,
      { id: 3, title: 'c' },
    ]);
    expect(mergeChange(rows, insert({ id: 1, title: 'A' }))).toEqual([
      { id: 1, title: 'A' },
      rows[1],
    ]);
  });

  it('replaces an update in place and removes a delete', () => {
    expect(mergeChange(rows, update({ id: 1, title: 'z' }))).toEqual([
      { id: 1, title: 'z' },
      rows[1],
    ]);
    expect(mergeChange(rows, remove(1))).toEqual([rows[1]]);
  });

  it('returns the same array when a delete matches nothing', () => {
    expect(mergeChange(rows, remove(9))).toBe(rows);
  });

  it('keeps the order given by a column, nulls last', () => {
    const ranked: Row[] = [
      { id: 1, title: 'a', rank: 1 },
      { id: 2, title: 'b', rank: 5 },
      { id: 3, title: 'c', rank: null },
    ];
    const order = { column: 'rank' as const };
    expect(
      mergeChange(ranked, insert({ id: 4, title: 'd', rank: 3 }), { order })?.map((r) => r.id),
    ).toEqual([1, 4, 2, 3]);
    expect(
      mergeChange(ranked, update({ id: 1, title: 'a', rank: 9 }), { order })?.map((r) => r.id),
    ).toEqual([2, 1, 3]);
    const descending = { column: 'rank' as const, ascending: false };
    const reversed = [ranked[2], ranked[1], ranked[0]] as Row[];
    expect(
      mergeChange(reversed, insert({ id: 4, title: 'd', rank: 3 }), { order: descending })?.map(
        (r) => r.id,
      ),
    ).toEqual([3, 2, 4, 1]);
    expect(
      mergeChange(ranked, insert({ id: 5, title: 'e', rank: 7 }), { order })?.map((r) => r.id),
    ).toEqual([1, 2, 5, 3]);
  });

  it('matches composite primary keys and leaves data that is not a list alone', () => {
    type Pair = { a: number; b: number; v: string };
    const pairs: Pair[] = [{ a: 1, b: 1, v: 'x' }];
    const change: PostgresChange<Pair> = {
      ...base,
      eventType: 'UPDATE',
      new: { a: 1, b: 1, v: 'y' },
      old: { a: 1, b: 1 },
    };
    expect(mergeChange(pairs, change, { primaryKey: ['a', 'b'] })).toEqual([
      { a: 1, b: 1, v: 'y' },
    ]);
    expect(mergeChange(undefined, change)).toBeUndefined();
  });
});

type Todo = { id: number; list_id: number | null; rank?: number | null; done?: boolean };
const change = (
  eventType: 'INSERT' | 'UPDATE' | 'DELETE',
  row: Partial<Todo>,
  old: Partial<Todo> = { id: row.id },
) =>
  ({
    ...base,
    eventType,
    new: eventType === 'DELETE' ? {} : row,
    old: eventType === 'INSERT' ? {} : old,
  }) as PostgresChange<Todo>;
const ids = (rows: readonly Todo[] | null | undefined) => rows?.map((row) => row.id);

describe('mergeChange with a filter', () => {
  const list7: Todo[] = [
    { id: 1, list_id: 7 },
    { id: 2, list_id: 7 },
  ];
  const filter = 'list_id=eq.7';

  it('adds a row that enters the filter and ignores one that does not', () => {
    expect(ids(mergeChange(list7, change('INSERT', { id: 3, list_id: 7 }), { filter }))).toEqual([
      1, 2, 3,
    ]);
    expect(mergeChange(list7, change('INSERT', { id: 4, list_id: 8 }), { filter })).toBe(list7);
    expect(ids(mergeChange(list7, change('UPDATE', { id: 5, list_id: 7 }), { filter }))).toEqual([
      1, 2, 5,
    ]);
  });

  it('removes a row that leaves the filter on update, and a deleted row by its key alone', () => {
    expect(ids(mergeChange(list7, change('UPDATE', { id: 1, list_id: 8 }), { filter }))).toEqual([
      2,
    ]);
    expect(ids(mergeChange(list7, change('DELETE', {}, { id: 2 }), { filter }))).toEqual([1]);
  });

  it('holds every condition of a set, with the operators of the query builder', () => {
    const test = rowPredicate(['list_id=in.(7,9)', 'rank=gte.2', 'rank=lt.5', 'done=is.false']);
    expect(test({ list_id: 9, rank: 2, done: false })).toBe(true);
    expect(test({ list_id: 8, rank: 2, done: false })).toBe(false);
    expect(test({ list_id: 7, rank: 5, done: false })).toBe(false);
    expect(test({ list_id: 7, rank: 3, done: true })).toBe(false);
    expect(test({ list_id: 7, rank: 3 })).toBeUndefined();
    expect(rowPredicate('title=neq.a')({ title: 'b' })).toBe(true);
    expect(rowPredicate('title=in.("a,b",c)')({ title: 'a,b' })).toBe(true);
    expect(rowPredicate('rank=lte.3')({ rank: 3 })).toBe(true);
    expect(rowPredicate('rank=gt.3')({ rank: null })).toBe(false);
    expect(rowPredicate('rank=is.null')({ rank: null })).toBe(true);
    expect(rowPredicate('at=lt.2024-02-01')({ at: '2024-01-31T23:00:00+00:00' })).toBe(true);
  });

  it('says which filter it cannot read', () => {
    expect(() => rowPredicate('title=like.a*')).toThrow(
      'Cannot read the filter `title=like.a*`: write `column=operator.value` with one of eq, neq, lt, lte, gt, gte, in, is.',
    );
    expect(() => rowPredicate('list_id')).toThrow('Cannot read the filter `list_id`');
  });
});

describe('mergeChange with a multi-column order', () => {
  // order by list_id asc nulls first, rank desc (nulls first, as PostgreSQL sorts desc)
  const order = [
    { column: 'list_id' as const, nullsFirst: true },
    { column: 'rank' as const, ascending: false },
  ];
  const rows: Todo[] = [
    { id: 1, list_id: null, rank: 1 },
    { id: 2, list_id: 1, rank: null },
    { id: 3, list_id: 1, rank: 5 },
    { id: 4, list_id: 2, rank: 9 },
  ];

  it('places a row by every column in turn, nulls first or last as asked', () => {
    expect(
      ids(mergeChange(rows, change('INSERT', { id: 5, list_id: 1, rank: 7 }), { order })),
    ).toEqual([1, 2, 5, 3, 4]);
    expect(
      ids(mergeChange(rows, change('INSERT', { id: 6, list_id: null, rank: 0 }), { order })),
    ).toEqual([1, 6, 2, 3, 4]);
    expect(
      ids(mergeChange(rows, change('INSERT', { id: 7, list_id: 1, rank: null }), { order })),
    ).toEqual([1, 2, 7, 3, 4]);
    expect(
      ids(mergeChange(rows, change('UPDATE', { id: 4, list_id: 0, rank: 1 }), { order })),
    ).toEqual([1, 4, 2, 3]);
  });

  it('sorts pending rows (a temporary key, a missing column) after real values, in any merge order', () => {
    type Pending = { id: number | string; rank?: number };
    const put = (row: Pending): PostgresChange<Pending> => ({
      ...base,
      eventType: 'UPDATE',
      new: row,
      old: { id: row.id },
    });
    const byId = { order: { column: 'id' as const } };
    // A pending insert's key is text until the database gives it a number; rows around it move.
    let list: Pending[] = [{ id: 1 }, { id: 2 }];
    for (const row of [{ id: 'pending-1' }, { id: 1, rank: 1 }, { id: 2, rank: 1 }]) {
      list = mergeChange(list, put(row), byId);
    }
    expect(list.map((row) => row.id)).toEqual([1, 2, 'pending-1']);
    const newestFirst = { order: { column: 'id' as const, ascending: false } };
    expect(
      mergeChange(list.toReversed(), put({ id: 3 }), newestFirst).map((row) => row.id),
    ).toEqual(['pending-1', 3, 2, 1]);
    // A row without the order's column (not yet filled by the database) goes after those with it.
    const byRank = { order: { column: 'rank' as const } };
    const ranked: Pending[] = [{ id: 1, rank: 1 }, { id: 2 }];
    expect(mergeChange(ranked, put({ id: 3, rank: 2 }), byRank).map((row) => row.id)).toEqual([
      1, 3, 2,
    ]);
  });
});

describe('mergeChange on infinite pages', () => {
  const order = { column: 'rank' as const };
  const data: InfiniteRows<Todo> = {
    pages: [
      [
        { id: 1, list_id: 7, rank: 10 },
        { id: 2, list_id: 7, rank: 20 },
      ],
      [
        { id: 3, list_id: 7, rank: 30 },
        { id: 4, list_id: 7, rank: 40 },
      ],
    ],
    pageParams: [0, 1],
  };
  const pageIds = (next: InfiniteRows<Todo>) => next.pages.map((page) => ids(page));

  it('puts a row in the page its order puts it in, the first page first, the last page past the end', () => {
    // Between two pages: at the end of the first, so a row at a page's end stays in its page.
    expect(
      pageIds(mergeChange(data, change('INSERT', { id: 5, list_id: 7, rank: 25 }), { order })),
    ).toEqual([
      [1, 2, 5],
      [3, 4],
    ]);
    expect(
      pageIds(mergeChange(data, change('UPDATE', { id: 2, list_id: 7, rank: 21 }), { order })),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(
      pageIds(mergeChange(data, change('INSERT', { id: 6, list_id: 7, rank: 1 }), { order })),
    ).toEqual([
      [6, 1, 2],
      [3, 4],
    ]);
    expect(
      pageIds(mergeChange(data, change('INSERT', { id: 7, list_id: 7, rank: 99 }), { order })),
    ).toEqual([
      [1, 2],
      [3, 4, 7],
    ]);
  });

  it('keeps an edited row that starts a page on that page', () => {
    const edited = mergeChange(data, change('UPDATE', { id: 3, list_id: 7, rank: 29 }), { order });
    expect(pageIds(edited)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(edited.pages[0]).toBe(data.pages[0]);
  });

  it('moves an updated row across pages without a copy left behind, and removes deletes from any page', () => {
    const moved = mergeChange(data, change('UPDATE', { id: 1, list_id: 7, rank: 35 }), { order });
    expect(pageIds(moved)).toEqual([[2], [3, 1, 4]]);
    expect(moved.pageParams).toBe(data.pageParams);
    const deleted = mergeChange(data, change('DELETE', {}, { id: 3 }), { order });
    expect(pageIds(deleted)).toEqual([[1, 2], [4]]);
    expect(deleted.pages[0]).toBe(data.pages[0]);
    expect(mergeChange(data, change('DELETE', {}, { id: 99 }), { order })).toBe(data);
  });

  it('keeps an update in place without an order, and drops a row that leaves the filter', () => {
    expect(pageIds(mergeChange(data, change('UPDATE', { id: 3, list_id: 7, rank: 1 })))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const left = mergeChange(data, change('UPDATE', { id: 2, list_id: 8, rank: 20 }), {
      order,
      filter: 'list_id=eq.7',
    });
    expect(pageIds(left)).toEqual([[1], [3, 4]]);
  });
});

describe('mergeChange on one row', () => {
  const todo: Todo = { id: 1, list_id: 7, rank: 1 };

  it('replaces its row, turns null once deleted or out of the filter, and leaves other rows alone', () => {
    expect(mergeChange(todo, change('UPDATE', { id: 1, list_id: 7, rank: 2 }))).toEqual({
      id: 1,
      list_id: 7,
      rank: 2,
    });
    expect(mergeChange(todo, change('UPDATE', { id: 2, list_id: 7, rank: 2 }))).toBe(todo);
    expect(mergeChange(todo, change('DELETE', {}, { id: 1 }))).toBeNull();
    expect(
      mergeChange(todo, change('UPDATE', { id: 1, list_id: 8 }), { filter: 'list_id=eq.7' }),
    ).toBeNull();
  });

  it('takes the first row to enter the filter while it has none', () => {
    const row = { id: 5, list_id: 7 };
    expect(mergeChange(null, change('INSERT', row), { filter: 'id=eq.5' })).toBe(row);
    expect(mergeChange(null, change('INSERT', row))).toBeNull();
  });
});
