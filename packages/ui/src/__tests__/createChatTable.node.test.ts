import type { RoomkitServer } from '@roomkit/server';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isoFromUs, parseChatChange, timestampUs } from '../chatRows';
import { ChatTableError, createChatTable } from '../createChatTable';
import { closeClients, listen, signIn, SQL, startChatServer, until } from './chatServer';
import { holdCommits, untilCommitHeld } from './heldCommits';

let server: RoomkitServer;

beforeAll(async () => {
  server = await startChatServer({ migrations: SQL });
}, 90_000);

afterEach(closeClients);

afterAll(async () => {
  await server?.stop();
});

/** A signed-in user and their typed chat client. */
async function member(name: string) {
  const user = await signIn(server, { name });
  const profile = await user.supabase
    .from('chat_profiles')
    .upsert({ id: user.id, display_name: name });
  if (profile.error) throw new Error(`profile of ${name}: ${profile.error.message}`);
  return { ...user, chat: createChatTable(user.supabase) };
}

describe('timestampUs and isoFromUs', () => {
  it('read PostgreSQL timestamps to the microsecond and write them back', () => {
    expect(timestampUs('1970-01-01T00:00:00.000001+00:00')).toBe(1);
    expect(timestampUs('1970-01-01T00:00:01+00:00')).toBe(1_000_000);
    expect(timestampUs('1970-01-01 02:00:00.5+02')).toBe(500_000);
    expect(timestampUs('1970-01-01T00:00:00.25Z')).toBe(250_000);
    expect(timestampUs('2026-12-03T12:33:48.952936-05:30')).toBe(
      Date.parse('2026-12-03T18:03:48.952Z') * 1000 + 936,
    );
    expect(timestampUs('yesterday')).toBeNull();
    expect(isoFromUs(1)).toBe('1970-01-01T00:00:00.000001Z');
    expect(isoFromUs(Date.parse('2026-12-03T18:03:48.952Z') * 1000 + 936)).toBe(
      '2026-12-03T18:03:48.952936Z',
    );
  });
});

describe('createChatTable', () => {
  it('sends as the signed-in user, and a retried send resolves with the stored message', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bob');
    const id = randomUUID();

    const sent = await a.chat.send(room, { id, body: 'hello' });
    expect(sent).toMatchObject({
      id,
      room,
      body: 'hello',
      user: { id: a.id, name: 'Ann' },
      editedAt: null,
      deletedAt: null,
      replyTo: null,
    });
    expect(sent.createdAt).toBe(Math.floor(sent.createdAtUs / 1000));
    expect(await a.chat.send(room, { id, body: 'hello' })).toEqual(sent);
    expect(await b.chat.page(room)).toEqual([sent]);

    const taken = new ChatTableError(
      `chat: sending ${id} failed: the id is another message's`,
      '23505',
    );
    await expect(b.chat.send(`room-${randomUUID()}`, { id, body: 'hello' })).rejects.toEqual(taken);
    // Another user reusing the id, even with the same words in the same room, gets no one's
    // message back as theirs.
    await expect(b.chat.send(room, { id, body: 'hello' })).rejects.toEqual(taken);
    await expect(a.chat.send(room, { id, body: 'hello again' })).rejects.toEqual(taken);
    const refused = await b.chat
      .send(room, { id: randomUUID(), body: 'x'.repeat(4001) })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChatTableError);
    expect(refused).toMatchObject({ code: '23514' });
  });

  it('edits and removes only this user’s messages', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bob');
    const sent = await a.chat.send(room, { id: randomUUID(), body: 'draft' });

    await expect(b.chat.edit(sent.id, 'mine now')).rejects.toMatchObject({ code: 'PGRST116' });
    await expect(b.chat.remove(sent.id)).rejects.toMatchObject({ code: 'PGRST116' });
    const edited = await a.chat.edit(sent.id, 'final');
    expect(edited).toMatchObject({ body: 'final', createdAtUs: sent.createdAtUs });
    expect(edited.editedAt).toEqual(expect.any(Number));
    const removed = await a.chat.remove(sent.id);
    expect(removed).toMatchObject({ body: '', editedAt: edited.editedAt });
    expect(removed.deletedAt).toEqual(expect.any(Number));
    await expect(a.chat.edit(sent.id, 'back')).rejects.toMatchObject({ code: '42501' });
  });

  it('pages a room oldest first, older pages before a message, ids with PostgREST syntax included', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const ids = ['a,(b)', 'c."d"', 'e\\f', 'g:h', 'i j'];
    for (const id of ids) await a.chat.send(room, { id: `${room}/${id}`, body: id });

    const newest = await a.chat.page(room, { limit: 2 });
    expect(newest.map((message) => message.body)).toEqual(['g:h', 'i j']);
    const [oldestShown] = newest;
    if (!oldestShown) throw new Error('no page');
    const older = await a.chat.page(room, { before: oldestShown, limit: 2 });
    expect(older.map((message) => message.body)).toEqual(['c."d"', 'e\\f']);
    const [next] = older;
    if (!next) throw new Error('no older page');
    expect((await a.chat.page(room, { before: next })).map((message) => message.body)).toEqual([
      'a,(b)',
    ]);
  });

  it('reads one message by its id, deleted ones included, and null for an id that is not stored', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bo');
    const sent = await a.chat.send(room, { id: `${room}/one`, body: 'one' });
    expect(await b.chat.message(sent.id)).toEqual(sent);
    await a.chat.remove(sent.id);
    expect((await b.chat.message(sent.id))?.deletedAt).toEqual(expect.any(Number));
    expect(await b.chat.message(`${room}/none`)).toBeNull();
  });

  it('reads the pointers of a room it is a member of, with names, and none of another', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bo');
    const outsider = await member('Dee');
    const first = await a.chat.send(room, { id: `${room}/1`, body: 'one' });
    await b.chat.markRead(room, first.id);
    await a.chat.markRead(room, first.id);
    const byName = (reads: { name: string }[]) =>
      [...reads].sort((x, y) => x.name.localeCompare(y.name));
    expect(byName(await a.chat.reads(room))).toEqual([
      { userId: a.id, name: 'Ann', id: first.id, atUs: first.createdAtUs },
      { userId: b.id, name: 'Bo', id: first.id, atUs: first.createdAtUs },
    ]);
    expect(await outsider.chat.reads(room)).toEqual([]);
  });

  it('toggles reactions, idempotently, leaving others’ alone', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bob');
    const sent = await a.chat.send(room, { id: randomUUID(), body: 'ship it' });

    await a.chat.react(sent.id, '👍');
    await a.chat.react(sent.id, '👍');
    await b.chat.react(sent.id, '👍');
    expect(await b.chat.reactions([sent.id])).toEqual([
      { messageId: sent.id, userId: a.id, emoji: '👍', room },
      { messageId: sent.id, userId: b.id, emoji: '👍', room },
    ]);
    await a.chat.unreact(sent.id, '👍');
    await a.chat.unreact(sent.id, '👍');
    expect(await a.chat.reactions([sent.id])).toEqual([
      { messageId: sent.id, userId: b.id, emoji: '👍', room },
    ]);
    expect(await a.chat.reactions([])).toEqual([]);
    await expect(a.chat.react(randomUUID(), '👍')).rejects.toMatchObject({ code: '23503' });
  });

  it('counts unread messages after each user’s read pointer', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bob');
    const first = await a.chat.send(room, { id: randomUUID(), body: 'one' });
    await a.chat.send(room, { id: randomUUID(), body: 'two' });
    expect(await b.chat.unreadCount(room)).toBe(2);
    await b.chat.markRead(room, first.id);
    expect(await b.chat.unreadCount(room)).toBe(1);
    expect(await a.chat.unreadCount(room)).toBe(0);
    await expect(b.chat.markRead(room, randomUUID())).rejects.toMatchObject({ code: '23503' });
  });

  it('counts a message heard on chat:<room> when asked at once, however late its commit shows', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bob');
    await b.chat.send(room, { id: randomUUID(), body: 'earlier' });
    await a.chat.markRead(room, (await a.chat.page(room, { limit: 1 }))[0]?.id ?? '');
    // What useUnreadCount does: count again the moment a message is heard.
    const counts: number[] = [];
    const { channel } = await listen(a, `chat:${room}`);
    channel.on('broadcast', { event: 'INSERT' }, () => {
      void a.chat.unreadCount(room).then((count) => counts.push(count));
    });
    const dbUrl = server.dbUrl ?? '';
    try {
      // A synchronous standby that never answers holds Bob's commit between replication, which
      // already streams it, and other sessions, which cannot see it yet: the moment a loaded
      // machine stretches.
      await holdCommits(dbUrl, true);
      const sent = b.chat.send(room, { id: randomUUID(), body: 'are you there?' });
      await untilCommitHeld(dbUrl);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await holdCommits(dbUrl, false);
      await sent;
      await until(() => counts.length === 1, 'the count on the INSERT');
      expect(counts).toEqual([1]);
    } finally {
      await holdCommits(dbUrl, false);
    }
  });
});

describe('parseChatChange', () => {
  it('reads every change the database broadcasts on chat:<room>', async () => {
    const room = `room-${randomUUID()}`;
    const a = await member('Ann');
    const b = await member('Bob');
    const { heard } = await listen(b, `chat:${room}`);
    const sent = await a.chat.send(room, { id: randomUUID(), body: 'hi' });
    await b.chat.react(sent.id, '🎉');
    await b.chat.unreact(sent.id, '🎉');
    const removed = await a.chat.remove(sent.id);

    await until(() => heard.length >= 4, 'four changes');
    const reaction = { messageId: sent.id, userId: b.id, emoji: '🎉', room };
    expect(heard.map(({ payload }) => parseChatChange(payload))).toEqual([
      { type: 'message', message: sent },
      { type: 'reaction-added', reaction },
      { type: 'reaction-removed', reaction },
      { type: 'message', message: removed },
    ]);
    expect(
      parseChatChange({
        table: 'chat_messages',
        operation: 'DELETE',
        record: null,
        old_record: { ...heard[0]?.payload.record, body: '' },
      }),
    ).toEqual({ type: 'message-removed', id: sent.id });
  });

  it('gives null for anything else', () => {
    const record = { id: 'x', room: 'r', user_id: 'u', user_name: 'n', body: 'b' };
    for (const payload of [
      null,
      'INSERT',
      [],
      { table: 'tasks', operation: 'INSERT', record },
      { table: 'chat_messages', operation: 'TRUNCATE', record },
      { table: 'chat_messages', operation: 'INSERT', record },
      {
        table: 'chat_messages',
        operation: 'INSERT',
        record: { ...record, avatar_url: null, reply_to: null, created_at: 'soon' },
      },
      { table: 'chat_messages', operation: 'DELETE', old_record: { id: 1 } },
      { table: 'chat_reactions', operation: 'INSERT', record: { message_id: 'x', emoji: 1 } },
    ])
      expect(parseChatChange(payload)).toBeNull();
  });
});
