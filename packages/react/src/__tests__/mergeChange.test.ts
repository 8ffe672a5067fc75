import { describe, expect, it } from 'vitest';
import type { PostgresChange } from '../core/ChannelRegistry';
import { mergeChange } from '../core/mergeChange';

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
