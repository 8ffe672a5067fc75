// The shipped chat SQL (packages/ui/sql) against the real @roomkit/server and supabase-js: users
// sign in through the auth API, write through the data API under RLS, and hear the room's
// private channel fed by realtime.broadcast_changes.
import type { RoomkitServer } from '@roomkit/server';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  admin as adminOf,
  closeClients,
  listen,
  signIn,
  SQL,
  startChatServer,
  until,
  type User,
} from './chatServer';

const EXAMPLES = join(SQL, 'examples');

interface MessageRow {
  id: string;
  room: string;
  user_id: string;
  user_name: string;
  avatar_url: string | null;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  reply_to: string | null;
}

let first: RoomkitServer;
let server: RoomkitServer;
let legacyRoom: string;
let legacyDir: string;

// The first server holds a database at 0001 with a message stored the old way (client-made name
// and time); the second applies the rest of the folder to that database, as an upgrade would.
beforeAll(async () => {
  legacyDir = await mkdtemp(join(tmpdir(), 'roomkit-chat-sql-'));
  await copyFile(join(SQL, '0001_chat_messages.sql'), join(legacyDir, '0001_chat_messages.sql'));
  first = await startChatServer({ migrations: legacyDir });
  legacyRoom = `legacy-${randomUUID()}`;
  const legacy = await signIn(first, { name: 'Old Timer' });
  const { error } = await legacy.supabase.from('chat_messages').insert({
    id: randomUUID(),
    room: legacyRoom,
    user_name: 'Typed By Hand',
    body: 'stored before the upgrade',
    created_at: '2001-01-01T00:00:00.000Z',
  });
  if (error) throw new Error(error.message);
  server = await startChatServer({
    db: (first.dbUrl ?? '') as `postgres://${string}`,
    migrations: [SQL, EXAMPLES],
  });
}, 90_000);

afterEach(closeClients);

afterAll(async () => {
  await server?.stop();
  await first?.stop();
  if (legacyDir) await rm(legacyDir, { recursive: true, force: true });
});

const admin = () => adminOf(server);

/** Sends a message as `user` and returns the stored row. */
async function send(user: User, room: string, body: string, extra: Record<string, unknown> = {}) {
  const { data, error } = await user.supabase
    .from('chat_messages')
    .insert({ id: randomUUID(), room, body, ...extra })
    .select()
    .single();
  if (error) throw new Error(error.message);
  return data as MessageRow;
}

/** The stored row of message `id`, read with the service role. */
async function stored(id: string): Promise<MessageRow | null> {
  const { data, error } = await admin().from('chat_messages').select().eq('id', id).maybeSingle();
  if (error) throw new Error(error.message);
  return data as MessageRow | null;
}

describe('the chat SQL migrations', () => {
  it('upgrade a 0001 table that already holds messages, keeping them', async () => {
    const reader = await signIn(server);
    const { data, error } = await reader.supabase
      .from('chat_messages')
      .select('room, user_name, body, created_at, edited_at, deleted_at, reply_to')
      .eq('room', legacyRoom);
    expect(error).toBeNull();
    expect(data).toEqual([
      {
        room: legacyRoom,
        user_name: 'Typed By Hand',
        body: 'stored before the upgrade',
        created_at: '2001-01-01T00:00:00+00:00',
        edited_at: null,
        deleted_at: null,
        reply_to: null,
      },
    ]);
  });
});

describe('chat_messages', () => {
  it('refuses an insert that claims another user_id, and stores one as the sender', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });

    const spoofed = await a.supabase
      .from('chat_messages')
      .insert({ id: randomUUID(), room, user_id: b.id, body: 'I am Bob' });
    expect(spoofed.error?.code).toBe('42501');

    const row = await send(a, room, 'I am Ann');
    expect(row.user_id).toBe(a.id);
    const { data } = await b.supabase
      .from('chat_messages')
      .select('body, user_id')
      .eq('room', room);
    expect(data).toEqual([{ body: 'I am Ann', user_id: a.id }]);
  });

  it('takes the time and the author from the database, whatever the client sends', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann', avatar_url: 'https://example.com/ann.png' });
    const before = Date.now();

    const row = await send(a, room, 'hello', {
      user_name: 'The Admin',
      avatar_url: 'https://evil.example/admin.png',
      created_at: '2000-01-01T00:00:00.000Z',
      edited_at: '2000-01-01T00:00:00.000Z',
      deleted_at: '2000-01-01T00:00:00.000Z',
    });

    expect(row.user_name).toBe('Ann');
    expect(row.avatar_url).toBe('https://example.com/ann.png');
    // Generous bounds: the database clock, not the client's claim of the year 2000.
    expect(Date.parse(row.created_at)).toBeGreaterThan(before - 60_000);
    expect(Date.parse(row.created_at)).toBeLessThan(Date.now() + 60_000);
    expect(row.edited_at).toBeNull();
    expect(row.deleted_at).toBeNull();
    expect(await stored(row.id)).toEqual(row);
  });

  it("names the author from their profile, else their sign-up metadata, else 'Anonymous'", async () => {
    const room = `room-${randomUUID()}`;
    const withProfile = await signIn(server, { name: 'Metadata Name' });
    const withMetadata = await signIn(server, {
      full_name: 'Full Name',
      avatar_url: 'javascript:alert(1)',
    });
    const withNothing = await signIn(server);
    const upsert = await withProfile.supabase.from('chat_profiles').upsert({
      id: withProfile.id,
      display_name: 'Profile Name',
      avatar_url: 'https://example.com/p.png',
    });
    expect(upsert.error).toBeNull();

    expect(await send(withProfile, room, 'one')).toMatchObject({
      user_name: 'Profile Name',
      avatar_url: 'https://example.com/p.png',
    });
    expect(await send(withMetadata, room, 'two')).toMatchObject({
      user_name: 'Full Name',
      avatar_url: null,
    });
    expect(await send(withNothing, room, 'three')).toMatchObject({
      user_name: 'Anonymous',
      avatar_url: null,
    });

    // A rename shows on new messages; stored ones keep the name they were sent under.
    await withProfile.supabase
      .from('chat_profiles')
      .update({ display_name: 'New Name' })
      .eq('id', withProfile.id);
    expect(await send(withProfile, room, 'four')).toMatchObject({ user_name: 'New Name' });
    const { data } = await withNothing.supabase
      .from('chat_messages')
      .select('body, user_name')
      .eq('room', room)
      .eq('user_id', withProfile.id)
      .order('created_at');
    expect(data).toEqual([
      { body: 'one', user_name: 'Profile Name' },
      { body: 'four', user_name: 'New Name' },
    ]);
  });

  it('refuses an id or a room longer than 128 characters', async () => {
    const a = await signIn(server, { name: 'Ann' });
    const longId = await a.supabase
      .from('chat_messages')
      .insert({ id: 'i'.repeat(129), room: 'lobby', body: 'hi' });
    expect(longId.error?.code).toBe('23514');
    const longRoom = await a.supabase
      .from('chat_messages')
      .insert({ id: randomUUID(), room: 'r'.repeat(129), body: 'hi' });
    expect(longRoom.error?.code).toBe('23514');
    expect(await send(a, 'r'.repeat(128), 'i'.repeat(128))).toMatchObject({
      room: 'r'.repeat(128),
    });
  });

  it('broadcasts a hard delete by the service role with the old body emptied, and unlinks its replies', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const question = await send(a, room, 'secret plans');
    const reply = await send(b, room, 'nice', { reply_to: question.id });
    const { heard } = await listen(b, `chat:${room}`);

    const removed = await admin().from('chat_messages').delete().eq('id', question.id).select();
    expect(removed.data).toHaveLength(1);

    await until(() => heard.length >= 2, 'the delete and the unlinked reply');
    expect(heard.map(({ event, payload }) => [event, payload.record, payload.old_record])).toEqual(
      expect.arrayContaining([
        ['DELETE', null, { ...question, body: '' }],
        ['UPDATE', { ...reply, reply_to: null }, null],
      ]),
    );
    expect(JSON.stringify(heard)).not.toContain('secret plans');
    expect((await stored(reply.id))?.reply_to).toBeNull();
  });

  it('stores a retried insert once: the retry is refused with 23505 or skipped by an upsert, and the row is found by its id', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const id = randomUUID();
    const message = { id, room, body: 'only once' };

    const firstTry = await a.supabase.from('chat_messages').insert(message).select().single();
    expect(firstTry.error).toBeNull();
    const retry = await a.supabase.from('chat_messages').insert(message);
    expect(retry.error?.code).toBe('23505');
    const upsert = await a.supabase
      .from('chat_messages')
      .upsert(message, { onConflict: 'id', ignoreDuplicates: true })
      .select();
    expect(upsert.error).toBeNull();
    expect(upsert.data).toEqual([]);

    const { data } = await a.supabase.from('chat_messages').select().eq('room', room);
    expect(data).toEqual([firstTry.data]);
  });

  it('broadcasts a stored message to the private topic chat:<room>, never a refused one', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const { heard } = await listen(b, `chat:${room}`);

    const refused = await a.supabase
      .from('chat_messages')
      .insert({ id: randomUUID(), room, user_id: b.id, body: 'refused' });
    expect(refused.error?.code).toBe('42501');
    const tooLong = await a.supabase
      .from('chat_messages')
      .insert({ id: randomUUID(), room, body: 'x'.repeat(4001) });
    expect(tooLong.error?.code).toBe('23514');
    const row = await send(a, room, 'stored');

    // The stored message comes after the refused ones: once it is heard, they never will be.
    await until(() => heard.length >= 1, 'the stored message');
    expect(heard).toEqual([
      {
        type: 'broadcast',
        event: 'INSERT',
        payload: {
          id: expect.any(String),
          operation: 'INSERT',
          table: 'chat_messages',
          schema: 'public',
          record: row,
          old_record: null,
        },
        meta: expect.anything(),
      },
    ]);
  });

  it('lets no client broadcast on chat:<room>, while chat-live:<room> carries typing both ways', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const stored = await listen(b, `chat:${room}`);
    const live = await listen(b, `chat-live:${room}`);
    const aStored = await listen(a, `chat:${room}`);
    const aLive = await listen(a, `chat-live:${room}`);

    await aStored.channel.send({
      type: 'broadcast',
      event: 'INSERT',
      payload: {
        operation: 'INSERT',
        table: 'chat_messages',
        record: { user_id: b.id, body: 'fake' },
      },
    });
    await aLive.channel.send({ type: 'broadcast', event: 'typing', payload: { user: a.id } });
    await until(() => live.heard.length === 1, 'the typing event');
    expect(live.heard[0]).toMatchObject({ event: 'typing', payload: { user: a.id } });

    const row = await send(a, room, 'real');
    await until(() => stored.heard.length >= 1, 'the stored message');
    expect(stored.heard.map((message) => message.payload.record)).toEqual([row]);
  });

  it('shares presence on chat-live:<room>', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const here = b.supabase.channel(`chat-live:${room}`, {
      config: { private: true, presence: { key: b.id } },
    });
    const present: string[] = [];
    here.on('presence', { event: 'sync' }, () =>
      present.splice(0, Infinity, ...Object.keys(here.presenceState())),
    );
    await new Promise<void>((resolve) =>
      here.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
    );
    const arriving = a.supabase.channel(`chat-live:${room}`, {
      config: { private: true, presence: { key: a.id } },
    });
    arriving.on('presence', { event: 'sync' }, () => undefined);
    await new Promise<void>((resolve) =>
      arriving.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
    );
    expect(await arriving.track({ name: 'Ann' })).toBe('ok');
    await until(() => present.includes(a.id), "A's presence");
  });

  it('lets authors edit and soft-delete only their own messages, broadcasting neither old text', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const { heard } = await listen(b, `chat:${room}`);
    const row = await send(a, room, 'first draft');

    const byB = await b.supabase
      .from('chat_messages')
      .update({ body: 'Bob was here' })
      .eq('id', row.id)
      .select();
    expect(byB).toMatchObject({ error: null, data: [] });
    const deleteByB = await b.supabase
      .from('chat_messages')
      .update({ deleted_at: 'now()' })
      .eq('id', row.id)
      .select();
    expect(deleteByB).toMatchObject({ error: null, data: [] });
    const hardDelete = await a.supabase.from('chat_messages').delete().eq('id', row.id).select();
    expect(hardDelete).toMatchObject({ error: null, data: [] });
    expect(await stored(row.id)).toEqual(row);

    const backdate = await a.supabase
      .from('chat_messages')
      .update({ created_at: '2000-01-01T00:00:00.000Z' })
      .eq('id', row.id);
    expect(backdate.error?.code).toBe('42501');
    const move = await a.supabase
      .from('chat_messages')
      .update({ room: 'elsewhere' })
      .eq('id', row.id);
    expect(move.error?.code).toBe('42501');

    const edit = await a.supabase
      .from('chat_messages')
      .update({ body: 'final text' })
      .eq('id', row.id)
      .select()
      .single();
    expect(edit.error).toBeNull();
    const edited = edit.data as MessageRow;
    expect(edited).toMatchObject({
      body: 'final text',
      created_at: row.created_at,
      deleted_at: null,
    });
    expect(Date.parse(edited.edited_at ?? '')).toBeGreaterThanOrEqual(Date.parse(row.created_at));

    const remove = await a.supabase
      .from('chat_messages')
      .update({ deleted_at: '2000-01-01T00:00:00.000Z' })
      .eq('id', row.id)
      .select()
      .single();
    expect(remove.error).toBeNull();
    const removed = remove.data as MessageRow;
    expect(removed).toMatchObject({ body: '', edited_at: edited.edited_at });
    expect(Date.parse(removed.deleted_at ?? '')).toBeGreaterThanOrEqual(Date.parse(row.created_at));

    const undelete = await a.supabase
      .from('chat_messages')
      .update({ deleted_at: null, body: 'back' })
      .eq('id', row.id);
    expect(undelete.error?.code).toBe('42501');

    await until(() => heard.length >= 3, 'the insert, the edit and the delete');
    expect(heard.map(({ event, payload }) => [event, payload.record, payload.old_record])).toEqual([
      ['INSERT', row, null],
      ['UPDATE', edited, null],
      ['UPDATE', removed, null],
    ]);
    expect(JSON.stringify(heard.slice(1))).not.toContain('first draft');
  });

  it('accepts a reply to a message of the same room only', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const question = await send(a, room, 'lunch?');
    const elsewhere = await send(a, `room-${randomUUID()}`, 'in another room');

    const reply = await send(b, room, 'yes', { reply_to: question.id });
    expect(reply.reply_to).toBe(question.id);

    const across = await b.supabase
      .from('chat_messages')
      .insert({ id: randomUUID(), room, body: 'no', reply_to: elsewhere.id });
    expect(across.error?.code).toBe('23503');
    const missing = await b.supabase
      .from('chat_messages')
      .insert({ id: randomUUID(), room, body: 'no', reply_to: randomUUID() });
    expect(missing.error?.code).toBe('23503');
  });

  it('pages history newest first by created_at, then id', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    // One statement, one transaction: the three share created_at, so id breaks the tie.
    const { error } = await a.supabase
      .from('chat_messages')
      .insert(['b', 'c', 'a'].map((suffix) => ({ id: `${room}-${suffix}`, room, body: suffix })));
    expect(error).toBeNull();
    const later = await send(a, room, 'later');

    const page = async (before?: MessageRow) => {
      let query = a.supabase
        .from('chat_messages')
        .select()
        .eq('room', room)
        .order('created_at', { ascending: false })
        .order('id', { ascending: false })
        .limit(2);
      if (before) {
        query = query.or(
          `created_at.lt."${before.created_at}",and(created_at.eq."${before.created_at}",id.lt."${before.id}")`,
        );
      }
      const { data, error: pageError } = await query;
      expect(pageError).toBeNull();
      return data as MessageRow[];
    };
    const newest = await page();
    expect(newest.map((row) => row.body)).toEqual(['later', 'c']);
    expect(newest[0]).toEqual(later);
    const older = await page(newest[1]);
    expect(older.map((row) => row.body)).toEqual(['b', 'a']);
    expect(await page(older[1])).toEqual([]);
  });
});

describe('chat_profiles', () => {
  it('lets an anonymous user set and change their own display name, and no one else’s', async () => {
    const a = await signIn(server);
    const b = await signIn(server);
    expect(
      (await a.supabase.from('chat_profiles').upsert({ id: a.id, display_name: 'Ann' })).error,
    ).toBeNull();
    expect(
      (await a.supabase.from('chat_profiles').upsert({ id: a.id, display_name: 'Annie' })).error,
    ).toBeNull();

    const forB = await a.supabase.from('chat_profiles').upsert({ id: b.id, display_name: 'Bob?' });
    expect(forB.error?.code).toBe('42501');
    expect(
      (await b.supabase.from('chat_profiles').upsert({ id: b.id, display_name: 'Bob' })).error,
    ).toBeNull();
    const rename = await a.supabase
      .from('chat_profiles')
      .update({ display_name: 'Bobby Tables' })
      .eq('id', b.id)
      .select();
    expect(rename).toMatchObject({ error: null, data: [] });
    const blank = await a.supabase
      .from('chat_profiles')
      .update({ display_name: '  ' })
      .eq('id', a.id);
    expect(blank.error?.code).toBe('23514');
    const script = await a.supabase
      .from('chat_profiles')
      .update({ avatar_url: 'javascript:alert(1)' })
      .eq('id', a.id);
    expect(script.error?.code).toBe('23514');

    const { data } = await b.supabase
      .from('chat_profiles')
      .select('id, display_name')
      .in('id', [a.id, b.id])
      .order('display_name');
    expect(data).toEqual([
      { id: a.id, display_name: 'Annie' },
      { id: b.id, display_name: 'Bob' },
    ]);
  });
});

describe('chat_reactions', () => {
  it('toggles a reaction per user, message and emoji, broadcasting each change', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const { heard } = await listen(b, `chat:${room}`);
    const row = await send(b, room, 'ship it?');
    const react = (user: User, emoji: string) =>
      user.supabase.from('chat_reactions').insert({ message_id: row.id, emoji });
    const unreact = (user: User, emoji: string) =>
      user.supabase
        .from('chat_reactions')
        .delete()
        .match({ message_id: row.id, user_id: user.id, emoji })
        .select();

    expect((await react(a, '👍')).error).toBeNull();
    expect((await react(b, '👍')).error).toBeNull();
    expect((await react(a, '🎉')).error).toBeNull();
    expect((await react(a, '👍')).error?.code).toBe('23505');
    const forB = await a.supabase
      .from('chat_reactions')
      .insert({ message_id: row.id, user_id: b.id, emoji: '🎉' });
    expect(forB.error?.code).toBe('42501');
    const takeBs = await a.supabase
      .from('chat_reactions')
      .delete()
      .match({ message_id: row.id, user_id: b.id })
      .select();
    expect(takeBs).toMatchObject({ error: null, data: [] });
    expect((await unreact(a, '👍')).data).toHaveLength(1);

    const { data } = await b.supabase
      .from('chat_reactions')
      .select('user_id, emoji, room')
      .eq('message_id', row.id)
      .order('emoji');
    expect(data).toEqual(
      [
        { user_id: b.id, emoji: '👍', room },
        { user_id: a.id, emoji: '🎉', room },
      ].sort((x, y) => (x.emoji < y.emoji ? -1 : 1)),
    );

    await until(() => heard.length >= 5, 'the message, three reactions and one removal');
    expect(
      heard.map(({ event, payload }) => [
        event,
        payload.table,
        (payload.record ?? payload.old_record)?.emoji ?? null,
      ]),
    ).toEqual([
      ['INSERT', 'chat_messages', null],
      ['INSERT', 'chat_reactions', '👍'],
      ['INSERT', 'chat_reactions', '👍'],
      ['INSERT', 'chat_reactions', '🎉'],
      ['DELETE', 'chat_reactions', '👍'],
    ]);

    await b.supabase.from('chat_messages').update({ deleted_at: 'now()' }).eq('id', row.id);
    expect((await react(a, '👀')).error?.code).toBe('23514');
  });
});

describe('chat_reads and chat_unread_count', () => {
  it('counts unread messages for two users reading at different times', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const unread = async (user: User) => {
      const { data, error } = await user.supabase.rpc('chat_unread_count', { room });
      expect(error).toBeNull();
      return data as number;
    };
    const markRead = async (user: User, message: MessageRow) => {
      const { error } = await user.supabase
        .from('chat_reads')
        .upsert({ room, last_read_id: message.id }, { onConflict: 'room,user_id' });
      expect(error).toBeNull();
    };

    const m1 = await send(a, room, 'one');
    const m2 = await send(a, room, 'two');
    expect([await unread(a), await unread(b)]).toEqual([0, 2]);

    await markRead(b, m2);
    const m3 = await send(a, room, 'three');
    await send(a, room, 'four');
    const m5 = await send(b, room, 'five');
    expect([await unread(a), await unread(b)]).toEqual([1, 2]);

    // Out of order (a second tab): the pointer stays at m3.
    await markRead(b, m3);
    await markRead(b, m1);
    expect(await unread(b)).toBe(1);
    await markRead(a, m5);
    expect([await unread(a), await unread(b)]).toEqual([0, 1]);

    const { data: pointers } = await a.supabase
      .from('chat_reads')
      .select('user_id, last_read_id, last_read_at')
      .eq('room', room)
      .order('last_read_at');
    expect(pointers).toEqual([
      { user_id: b.id, last_read_id: m3.id, last_read_at: m3.created_at },
      { user_id: a.id, last_read_id: m5.id, last_read_at: m5.created_at },
    ]);

    // A deleted message no longer counts: B has four and six, then four.
    const m6 = await send(a, room, 'six');
    expect(await unread(b)).toBe(2);
    await a.supabase.from('chat_messages').update({ deleted_at: 'now()' }).eq('id', m6.id);
    expect(await unread(b)).toBe(1);
  });

  it('keeps each pointer its owner’s and inside its room', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const message = await send(a, room, 'hello');
    const elsewhere = await send(a, `room-${randomUUID()}`, 'elsewhere');

    const forB = await a.supabase
      .from('chat_reads')
      .insert({ room, user_id: b.id, last_read_id: message.id });
    expect(forB.error?.code).toBe('42501');
    expect(
      (await b.supabase.from('chat_reads').insert({ room, last_read_id: message.id })).error,
    ).toBeNull();
    const moveB = await a.supabase
      .from('chat_reads')
      .update({ last_read_id: message.id })
      .match({ room, user_id: b.id })
      .select();
    expect(moveB).toMatchObject({ error: null, data: [] });
    const wrongRoom = await b.supabase
      .from('chat_reads')
      .insert({ room, last_read_id: elsewhere.id });
    expect(wrongRoom.error?.code).toBe('23503');
    const moveOut = await b.supabase
      .from('chat_reads')
      .update({ last_read_id: elsewhere.id })
      .match({ room, user_id: b.id });
    expect(moveOut.error?.code).toBe('23503');
    expect(await b.supabase.rpc('chat_unread_count', { room })).toMatchObject({ data: 0 });
    expect(await a.supabase.rpc('chat_unread_count', { room })).toMatchObject({ data: 0 });
  });

  it('lets room members read each other’s pointers in that room only, named, and announces a move without whose it is', async () => {
    const room = `room-${randomUUID()}`;
    const other = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const b = await signIn(server, { name: 'Bob' });
    const outsider = await signIn(server, { name: 'Dee' });
    expect(
      (await b.supabase.from('chat_profiles').upsert({ id: b.id, display_name: 'Bob' })).error,
    ).toBeNull();
    expect(
      (
        await outsider.supabase
          .from('chat_profiles')
          .upsert({ id: outsider.id, display_name: 'Dee' })
      ).error,
    ).toBeNull();
    const hello = await send(a, room, 'hello');
    const there = await send(outsider, other, 'over there');
    const { heard } = await listen(outsider, `chat:${room}`);
    const read = (user: User, where: string, id: string) =>
      user.supabase
        .from('chat_reads')
        .upsert({ room: where, last_read_id: id }, { onConflict: 'room,user_id' });
    expect((await read(b, room, hello.id)).error).toBeNull();
    expect((await read(outsider, other, there.id)).error).toBeNull();
    const pointers = async (user: User, where: string) => {
      const { data, error } = await user.supabase
        .from('chat_reads')
        .select('user_id, user_name, last_read_id')
        .eq('room', where)
        .order('user_name');
      expect(error).toBeNull();
      return data;
    };
    // Ann wrote in the room and Bob read it: each sees the other's pointer, by name.
    expect(await pointers(a, room)).toEqual([
      { user_id: b.id, user_name: 'Bob', last_read_id: hello.id },
    ]);
    expect(await pointers(b, room)).toEqual([
      { user_id: b.id, user_name: 'Bob', last_read_id: hello.id },
    ]);
    // Dee has neither a message nor a pointer there: she sees none, and they see not hers.
    expect(await pointers(outsider, room)).toEqual([]);
    expect(await pointers(a, other)).toEqual([]);
    expect(await pointers(outsider, other)).toEqual([
      { user_id: outsider.id, user_name: 'Dee', last_read_id: there.id },
    ]);
    // The move is announced on chat:<room> with the room only (and realtime.send's message id).
    await until(() => heard.some((m) => m.event === 'READ'), 'the READ announcement');
    const announced = heard.filter((m) => m.event === 'READ').map((m) => m.payload);
    expect(announced).toEqual([{ room, id: expect.any(String) }]);
    expect(JSON.stringify(announced)).not.toContain(b.id);
  });

  it('makes anyone who marks an open room read a member who sees its pointers, named only by profile', async () => {
    const room = `room-${randomUUID()}`;
    const a = await signIn(server, { name: 'Ann' });
    const reader = await signIn(server, { name: 'Rita Real', full_name: 'Rita Real-Name' });
    const outsider = await signIn(server, { name: 'Olga Outside' });
    const hello = await send(a, room, 'hello');
    const pointers = async (user: User) => {
      const { data, error } = await user.supabase
        .from('chat_reads')
        .select('user_id, user_name')
        .eq('room', room)
        .order('user_name');
      expect(error).toBeNull();
      return data;
    };
    const read = (user: User) =>
      user.supabase
        .from('chat_reads')
        .upsert({ room, last_read_id: hello.id }, { onConflict: 'room,user_id' });
    // A reader without a profile is 'Anonymous': their sign-up metadata never shows.
    expect((await read(reader)).error).toBeNull();
    expect(await pointers(a)).toEqual([{ user_id: reader.id, user_name: 'Anonymous' }]);
    expect(await pointers(outsider)).toEqual([]);
    // Open rooms have no real membership: an outsider who upserts a pointer (every signed-in user
    // reads every room's messages) is then a member, and sees who read how far.
    expect((await read(outsider)).error).toBeNull();
    const seen = await pointers(outsider);
    expect(seen).toHaveLength(2);
    expect(seen).toEqual(
      expect.arrayContaining([
        { user_id: reader.id, user_name: 'Anonymous' },
        { user_id: outsider.id, user_name: 'Anonymous' },
      ]),
    );
    const all = await outsider.supabase.from('chat_reads').select('*').eq('room', room);
    expect(JSON.stringify(all.data)).not.toMatch(/Rita|Olga/);
    // A profile names them from their next pointer write on.
    expect(
      (await reader.supabase.from('chat_profiles').upsert({ id: reader.id, display_name: 'Rita' }))
        .error,
    ).toBeNull();
    const newer = await send(a, room, 'again');
    expect(
      (
        await reader.supabase
          .from('chat_reads')
          .upsert({ room, last_read_id: newer.id }, { onConflict: 'room,user_id' })
      ).error,
    ).toBeNull();
    expect((await pointers(a))?.map((p) => p.user_name)).toEqual(['Anonymous', 'Rita']);
  });
});

describe('the moderator example (sql/examples/chat_moderators.sql)', () => {
  it('lets a moderator soft-delete any message of their room, but not edit it or act elsewhere', async () => {
    const room = `room-${randomUUID()}`;
    const other = `room-${randomUUID()}`;
    const author = await signIn(server, { name: 'Ann' });
    const moderator = await signIn(server, { name: 'Mo' });
    const granted = await admin().from('chat_moderators').insert({ user_id: moderator.id, room });
    expect(granted.error).toBeNull();
    const selfGrant = await author.supabase
      .from('chat_moderators')
      .insert({ user_id: author.id, room });
    expect(selfGrant.error?.code).toBe('42501');
    const here = await send(author, room, 'spam');
    const there = await send(author, other, 'spam elsewhere');

    const rewrite = await moderator.supabase
      .from('chat_messages')
      .update({ body: 'nicer words' })
      .eq('id', here.id);
    expect(rewrite.error?.code).toBe('42501');
    const outside = await moderator.supabase
      .from('chat_messages')
      .update({ deleted_at: 'now()' })
      .eq('id', there.id)
      .select();
    expect(outside).toMatchObject({ error: null, data: [] });

    const removal = await moderator.supabase
      .from('chat_messages')
      .update({ deleted_at: 'now()' })
      .eq('id', here.id)
      .select()
      .single();
    expect(removal.error).toBeNull();
    expect(removal.data).toMatchObject({ body: '', user_id: author.id, user_name: 'Ann' });
    expect((await stored(there.id))?.body).toBe('spam elsewhere');

    const everywhere = await signIn(server, { name: 'Root' });
    await admin().from('chat_moderators').insert({ user_id: everywhere.id, room: '*' });
    const anywhere = await everywhere.supabase
      .from('chat_messages')
      .update({ deleted_at: 'now()' })
      .eq('id', there.id)
      .select('body');
    expect(anywhere).toMatchObject({ error: null, data: [{ body: '' }] });
  });

  it('is shown verbatim in the README', async () => {
    const readme = await readFile(
      fileURLToPath(new URL('../../README.md', import.meta.url)),
      'utf8',
    );
    const example = await readFile(join(EXAMPLES, 'chat_moderators.sql'), 'utf8');
    expect(readme).toContain('```sql\n' + example.trimEnd() + '\n```');
  });
});
