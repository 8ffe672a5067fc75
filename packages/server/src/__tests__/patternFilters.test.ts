import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../options';
import { PatternEvaluator, patternKey, type PatternTest } from '../changes/patternFilters';
import { startServer, type RoomkitServer } from '../startServer';
import { client, collect, joined, recordingLogger, until } from './helpers';

type Change = RealtimePostgresChangesPayload<{ id: number; body: string }>;

let server: RoomkitServer;
let db: pg.Client;
const logger = recordingLogger();
let nextId = 1;

beforeAll(async () => {
  server = await startServer({ port: 0, db: 'embedded', ephemeral: true, logger });
  db = new pg.Client({ connectionString: server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.posts (id int primary key, body text, code varchar(20), n int);
    alter publication supabase_realtime add table public.posts;
  `);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

/** Subscribes a channel and resolves with its `postgres_changes` system message. */
async function subscribed(channel: RealtimeChannel): Promise<{ status: string; message: string }> {
  const system: { status: string; message: string; extension: string }[] = [];
  channel.on('system', {}, (payload: { status: string; message: string; extension: string }) =>
    system.push(payload),
  );
  await joined(channel);
  await until(() => system.some((entry) => entry.extension === 'postgres_changes'), 10_000);
  const found = system.find((entry) => entry.extension === 'postgres_changes');
  if (!found) throw new Error('no postgres_changes system message');
  return found;
}

/** A channel with one INSERT binding on `posts` with this filter; collects what it receives. */
async function watching(filter: string): Promise<{ bodies: string[]; status: string }> {
  const bodies: string[] = [];
  const channel = client(server)
    .channel(`filter-${nextId++}`)
    .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'posts', filter }, (c) =>
      bodies.push((c as Change & { new: { body: string } }).new.body),
    );
  const { status } = await subscribed(channel);
  return { bodies, status };
}

async function insert(body: string): Promise<void> {
  await db.query('insert into posts (id, body) values ($1, $2)', [nextId++, body]);
}

describe('postgres_changes pattern filters', () => {
  it('match like, ilike, match and imatch with PostgreSQL’s semantics, negated with not.', async () => {
    const like = await watching('body=like.ab%');
    const ilike = await watching('body=ilike.AB_');
    const match = await watching('body=match.^a[bc]+$');
    const imatch = await watching('body=imatch.^A\\d$');
    const notLike = await watching('body=not.like.%b%');
    const sentinel = await watching('body=eq.done');
    for (const body of ['abc', 'ABx', 'acbc', 'a7', 'xyz', 'a%c', 'done']) await insert(body);
    await until(() => sentinel.bodies.length === 1, 10_000, 'the last insert');
    // The stream delivers in commit order, so every earlier change has been decided by now.
    await until(() => notLike.bodies.length === 5, 10_000, 'not.like');
    expect(like.bodies).toEqual(['abc']);
    expect(ilike.bodies).toEqual(['abc', 'ABx']);
    expect(match.bodies).toEqual(['abc', 'acbc']);
    expect(imatch.bodies).toEqual(['a7']);
    expect(notLike.bodies).toEqual(['ABx', 'a7', 'xyz', 'a%c', 'done']);
  });

  it('never passes a null column, negated or not', async () => {
    const notLike = await watching('body=not.like.x%');
    const sentinel = await watching('id=eq.9000');
    await db.query('insert into posts (id, body) values (8999, null)');
    await db.query(`insert into posts (id, body) values (9000, 'y')`);
    await until(() => sentinel.bodies.length === 1, 10_000, 'the sentinel');
    await until(() => notLike.bodies.length === 1, 10_000, 'not.like on y');
    expect(notLike.bodies).toEqual(['y']);
  });

  it('refuses like on a column without the text pattern operator, with the real text', async () => {
    const channel = client(server)
      .channel('like-on-int')
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'posts', filter: 'n=like.1%' },
        () => {},
      );
    const system = await subscribed(channel);
    expect(system.status).toBe('error');
    expect(system.message).toBe(
      'Unable to subscribe to changes with given parameters. An exception happened so please check ' +
        'your connect parameters: [event: INSERT, schema: public, table: posts, filters: ' +
        '[{"n", "like", "1%", false}], select: nil]. Exception: ERROR P0001 (raise_exception) ' +
        'operator like requires a text-compatible column type, got integer',
    );
    expect(channel.state).toBe('joined');
  });

  it('refuses a regular expression PostgreSQL cannot compile, with PostgreSQL’s reason', async () => {
    const { status } = await watching('body=match.(a');
    expect(status).toBe('error');
    const channel = client(server)
      .channel('bad-regex')
      .on(
        'postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'posts', filter: 'body=imatch.a**' },
        () => {},
      );
    const system = await subscribed(channel);
    expect(system.message).toContain(
      'Exception: ERROR P0001 (raise_exception) invalid regular expression for imatch filter: ' +
        'invalid regular expression: quantifier operand invalid',
    );
  });

  it('keeps a healthy client’s broadcasts flowing while catastrophic patterns meet matching rows', async () => {
    // Backtracking engines take exponential (match) or O(n^8) (like) time on these rows.
    const exponential = await watching('body=match.^(a+)+$');
    const polynomial = await watching('body=like.%a%a%a%a%a%a%a%b');
    const sender = client(server).channel('healthy', {
      config: { broadcast: { ack: true } },
    });
    const receiver = client(server).channel('healthy');
    const received = collect(receiver, 'ping');
    await joined(sender);
    await joined(receiver);

    await insert(`${'a'.repeat(30)}!`);
    await insert('a'.repeat(100));
    await insert('a'.repeat(30));
    // The broadcast goes through while the server dispatches those changes.
    expect(await sender.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } })).toBe('ok');
    await until(() => received.length === 1, 10_000, 'the healthy broadcast');

    await insert(`${'a'.repeat(7)}b`);
    await until(() => polynomial.bodies.length === 1, 10_000, 'the like match');
    await until(() => exponential.bodies.length === 2, 10_000, 'the regex matches');
    expect(exponential.bodies).toEqual(['a'.repeat(100), 'a'.repeat(30)]);
    expect(polynomial.bodies).toEqual([`${'a'.repeat(7)}b`]);
  }, 60_000);
});

describe('PatternEvaluator', () => {
  it('bounds each test by its share of the budget: a slow one is unknown, the others still answer', async () => {
    // A domain whose check sleeps makes one test take a second of database time, by design.
    await db.query(`create domain slow_text as text check (pg_sleep(1) is not null)`);
    const pool = new pg.Pool({ connectionString: server.dbUrl ?? '', max: 1 });
    const warnings = recordingLogger();
    const evaluator = new PatternEvaluator(pool, warnings, 400);
    const slow: PatternTest = { op: 'like', type: 'slow_text', value: 'x', pattern: 'x' };
    const healthy: PatternTest = { op: 'match', type: 'text', value: 'abc', pattern: '^a' };
    const failing: PatternTest = { op: 'like', type: 'text', value: 'abc', pattern: 'b%' };
    try {
      const results = await evaluator.evaluate([slow, healthy, failing]);
      expect(results.get(patternKey(slow))).toBeNull();
      expect(results.get(patternKey(healthy))).toBe(true);
      expect(results.get(patternKey(failing))).toBe(false);
      expect(warnings.lines.join('\n')).toContain(
        'timed out: canceling statement due to statement timeout',
      );
      // The connection is clean afterwards: the next batch runs at once and without the old timeout.
      const again = await new PatternEvaluator(pool, silentLogger, 5000).evaluate([healthy]);
      expect(again.get(patternKey(healthy))).toBe(true);
    } finally {
      await pool.end();
    }
  }, 30_000);
});
