// The chat SQL's guards (sql/0008, sql/0009) on the real @roomkit/server with the real supabase-js
// client as signed-in users: "seen by" names a reader as their own messages in the room do, and a
// reaction is emoji-like and one of at most 20 per user and message. The database first holds
// 0001-0007 and a reaction stored before the guards, as an app that applied the older files does.
import type { RoomkitServer } from '@roomkit/server';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatTableError, createChatTable } from '../createChatTable';
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

const GUARDS = ['0008_chat_reads_names.sql', '0009_chat_reactions_guard.sql'];

let first: RoomkitServer;
let server: RoomkitServer;
let olderDir: string;
let storedJunk: { message_id: string; emoji: string };

beforeAll(async () => {
  olderDir = await mkdtemp(join(tmpdir(), 'roomkit-chat-guards-'));
  const older = (await readdir(SQL)).filter((name) => /^000[1-7]_.*\.sql$/.test(name));
  expect(older).toHaveLength(7);
  for (const name of older) await copyFile(join(SQL, name), join(olderDir, name));
  first = await startChatServer({ migrations: olderDir });
  const spammer = await signIn(first, { name: 'Spammer' });
  const message = await send(spammer, `room-${randomUUID()}`, 'buy now');
  storedJunk = { message_id: message.id, emoji: 'FREE $$$ visit evil.example' };
  const junk = await spammer.supabase.from('chat_reactions').insert(storedJunk);
  if (junk.error) throw new Error(junk.error.message);
  server = await startChatServer({
    db: (first.dbUrl ?? '') as `postgres://${string}`,
    migrations: SQL,
  });
}, 90_000);

afterEach(closeClients);

afterAll(async () => {
  await server?.stop();
  await first?.stop();
  if (olderDir) await rm(olderDir, { recursive: true, force: true });
});

/** Sends a message as `user` and returns the stored row's id and author name. */
async function send(user: User, room: string, body: string) {
  const { data, error } = await user.supabase
    .from('chat_messages')
    .insert({ id: randomUUID(), room, body })
    .select('id, user_name')
    .single();
  if (error) throw new Error(error.message);
  return data as { id: string; user_name: string };
}

/** Moves `user`'s read pointer in `room` to message `id`. */
async function read(user: User, room: string, id: string) {
  const { error } = await user.supabase
    .from('chat_reads')
    .upsert({ room, last_read_id: id }, { onConflict: 'room,user_id' });
  expect(error).toBeNull();
}

/** The names on `room`'s read pointers as `user` sees them, by user id. */
async function seenBy(user: User, room: string) {
  const { data, error } = await user.supabase
    .from('chat_reads')
    .select('user_id, user_name')
    .eq('room', room);
  expect(error).toBeNull();
  return Object.fromEntries((data ?? []).map((row) => [row.user_id, row.user_name]));
}

describe('the guard migrations', () => {
  it('apply over a database at 0007, keep what it stored, and apply again without error', async () => {
    const { data, error } = await adminOf(server)
      .from('chat_reactions')
      .select('message_id, emoji')
      .match(storedJunk);
    expect(error).toBeNull();
    expect(data).toEqual([storedJunk]);

    const reader = await signIn(server);
    const again = await reader.supabase
      .from('chat_reactions')
      .insert({ message_id: storedJunk.message_id, emoji: 'FREE $$$ visit evil.example' });
    expect(again.error?.code).toBe('23514');

    const db = new pg.Client({ connectionString: server.dbUrl ?? '' });
    await db.connect();
    try {
      for (const name of GUARDS) await db.query(await readFile(join(SQL, name), 'utf8'));
      const { rows } = await db.query<{ emoji: string }>(
        'select emoji from public.chat_reactions where not public.chat_reaction_emoji_valid(emoji)',
      );
      expect(rows).toContainEqual({ emoji: storedJunk.emoji });
    } finally {
      await db.end();
    }
  });
});

describe('chat_reads names', () => {
  it('names a reader without a profile as their newest undeleted message in that room, else Anonymous', async () => {
    const room = `room-${randomUUID()}`;
    const elsewhere = `room-${randomUUID()}`;
    const ann = await signIn(server, { name: 'Ann' });
    const rita = await signIn(server, { name: 'Rita' });
    const lurker = await signIn(server, { name: 'Lurker Real-Name' });
    const hello = await send(ann, room, 'hello');
    await send(lurker, elsewhere, 'only over there');

    // Rita posts under a profile name, then without a profile (her sign-up name), then reads.
    const profile = await rita.supabase
      .from('chat_profiles')
      .upsert({ id: rita.id, display_name: 'Old Rita' });
    expect(profile.error).toBeNull();
    expect((await send(rita, room, 'first')).user_name).toBe('Old Rita');
    expect(
      (await adminOf(server).from('chat_profiles').delete().eq('id', rita.id)).error,
    ).toBeNull();
    const newest = await send(rita, room, 'second');
    expect(newest.user_name).toBe('Rita');
    await read(rita, room, newest.id);
    await read(lurker, room, hello.id);
    expect(await seenBy(ann, room)).toEqual({ [rita.id]: 'Rita', [lurker.id]: 'Anonymous' });

    // A deleted message names no one: her older message does.
    const removal = await rita.supabase
      .from('chat_messages')
      .update({ deleted_at: 'now()' })
      .eq('id', newest.id);
    expect(removal.error).toBeNull();
    const later = await send(ann, room, 'later');
    await read(rita, room, later.id);
    expect((await seenBy(ann, room))[rita.id]).toBe('Old Rita');

    // A profile still comes first, and metadata never shows for a reader who posted nothing here.
    expect(
      (await rita.supabase.from('chat_profiles').upsert({ id: rita.id, display_name: 'R.' })).error,
    ).toBeNull();
    const last = await send(ann, room, 'last');
    await read(rita, room, last.id);
    await read(lurker, room, last.id);
    expect(await seenBy(ann, room)).toEqual({ [rita.id]: 'R.', [lurker.id]: 'Anonymous' });
    const everything = await ann.supabase.from('chat_reads').select('*').eq('room', room);
    expect(JSON.stringify(everything.data)).not.toContain('Real-Name');
  });
});

describe('chat_profiles renaming pointers', () => {
  it('renames a reader’s pointers when they make or change their profile, and announces it', async () => {
    const room = `room-${randomUUID()}`;
    const gone = `room-${randomUUID()}`;
    const ann = await signIn(server, { name: 'Ann' });
    const reader = await signIn(server, { name: 'Rita Real-Name' });
    const hello = await send(ann, room, 'hello');
    const removed = await send(ann, gone, 'soon hard-deleted');
    await read(reader, room, hello.id);
    await read(reader, gone, removed.id);
    expect(await seenBy(ann, room)).toEqual({ [reader.id]: 'Anonymous' });
    const { heard } = await listen(ann, `chat:${room}`);
    const hardDelete = await adminOf(server).from('chat_messages').delete().eq('id', removed.id);
    expect(hardDelete.error).toBeNull();

    // The pointer in `gone` names a message no longer there: the profile is saved all the same.
    const named = await reader.supabase
      .from('chat_profiles')
      .upsert({ id: reader.id, display_name: 'Rita' });
    expect(named.error).toBeNull();
    expect(await seenBy(ann, room)).toEqual({ [reader.id]: 'Rita' });
    await until(() => heard.some((m) => m.event === 'READ'), 'the rename announcement');

    const renamed = await reader.supabase
      .from('chat_profiles')
      .update({ display_name: 'Rita R.' })
      .eq('id', reader.id);
    expect(renamed.error).toBeNull();
    expect(await seenBy(ann, room)).toEqual({ [reader.id]: 'Rita R.' });
    await until(
      () => heard.filter((m) => m.event === 'READ').length === 2,
      'the second rename announcement',
    );
    const { data } = await adminOf(server)
      .from('chat_reads')
      .select('user_name')
      .match({ room: gone, user_id: reader.id })
      .single();
    expect(data).toEqual({ user_name: 'Anonymous' });
  });
});

// Real emoji, each as a keyboard sends it: keycaps, flags (regional indicators and tag sequences),
// ZWJ sequences, skin tones, text-style symbols with and without U+FE0F, and recent additions.
const EMOJI = [
  '👍',
  '🎉',
  '❤️',
  '❤',
  '😂',
  '🔥',
  '👀',
  '✅',
  '🙏',
  '💯',
  '🤔',
  '😢',
  '🚀',
  '⭐',
  '☺️',
  '#️⃣',
  '*️⃣',
  '0️⃣',
  '1️⃣',
  '9️⃣',
  '1⃣',
  '🔟',
  '©️',
  '®️',
  '™️',
  '‼️',
  '⁉️',
  'ℹ️',
  'Ⓜ️',
  '↩️',
  '⬆️',
  '⤴️',
  '〰️',
  '〽️',
  '㊗️',
  '🅰️',
  '🆗',
  '🆘',
  '🈚',
  '🉐',
  '🀄',
  '🃏',
  '🇺🇳',
  '🇯🇵',
  '🇧🇷',
  '🏴󠁧󠁢󠁥󠁮󠁧󠁿',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '🏳️‍🌈',
  '🏳️‍⚧️',
  '🏴‍☠️',
  '👍🏽',
  '👋🏿',
  '🧑🏻‍💻',
  '👩🏾‍🚀',
  '👨‍👩‍👧‍👦',
  '🧑‍🤝‍🧑',
  '🧑🏻‍❤️‍💋‍🧑🏼',
  '👁️‍🗨️',
  '🐕‍🦺',
  '🙂‍↔️',
  '⛓️‍💥',
  '🐦‍🔥',
  '🍋‍🟩',
  '🫠',
  '🪿',
  '🫨',
  '🩷',
  '🔥🔥🔥',
];

/** The `index`th of {@link EMOJI}. */
function emojiAt(index: number): string {
  const emoji = EMOJI[index];
  if (emoji === undefined) throw new Error(`EMOJI has no entry ${index}`);
  return emoji;
}

const NOT_EMOJI = [
  'FREE $$$ visit evil.example',
  '<b>CLICK evil.example NOW</b>',
  'evil.example',
  'ok',
  'A',
  '1',
  '#',
  '1️⃣1',
  '👍abc',
  '👍 👍',
  ' 👍',
  '👍\n',
  '👍\t',
  '👍\u00A0',
  '👍\u200B',
  '\u202E👍',
  '\u200D',
  '\uFE0F',
  '\u20E3',
  '\u{E0067}\u{E007F}',
  'ＦＲＥＥ',
  '免费',
  'ⓕⓡⓔⓔ',
  '🄵🅁🄴🄴',
  'Привет',
];

describe('chat_reactions guards', () => {
  it('stores real emoji, keycaps, flags, ZWJ sequences and skin tones as reactions', async () => {
    const room = `room-${randomUUID()}`;
    const user = await signIn(server);
    const refused: string[] = [];
    // At most 20 per message and user: a new message for every 20.
    for (let start = 0; start < EMOJI.length; start += 20) {
      const message = await send(user, room, `batch ${start}`);
      for (const emoji of EMOJI.slice(start, start + 20)) {
        const { error } = await user.supabase
          .from('chat_reactions')
          .insert({ message_id: message.id, emoji });
        if (error) refused.push(`${emoji} ${error.code} ${error.message}`);
      }
    }
    expect(refused).toEqual([]);
    const { count } = await user.supabase
      .from('chat_reactions')
      .select('*', { count: 'exact', head: true })
      .eq('room', room);
    expect(count).toBe(EMOJI.length);
  });

  it('refuses words, links, markup, whitespace, invisible characters and letters of any script with 23514', async () => {
    const user = await signIn(server);
    const message = await send(user, `room-${randomUUID()}`, 'react to me');
    const stored: string[] = [];
    for (const emoji of NOT_EMOJI) {
      const { error } = await user.supabase
        .from('chat_reactions')
        .insert({ message_id: message.id, emoji });
      if (error?.code !== '23514') stored.push(`${JSON.stringify(emoji)}: ${error?.code}`);
      else expect(error.message).toContain('chat_reactions_emoji_shape');
    }
    expect(stored).toEqual([]);
    // A range check, as the README says: a symbol from an emoji block passes though no emoji.
    expect(await user.supabase.rpc('chat_reaction_emoji_valid', { emoji: '⌀' })).toMatchObject({
      data: true,
    });
    expect(await user.supabase.rpc('chat_reaction_emoji_valid', { emoji: 'ok' })).toMatchObject({
      data: false,
    });
  });

  it('caps one user at 20 distinct reactions per message, refusing the 21st with 23514', async () => {
    const author = await signIn(server);
    const message = await send(author, `room-${randomUUID()}`, 'react a lot');
    const user = await signIn(server);
    const react = (who: User, emoji: string) =>
      who.supabase.from('chat_reactions').insert({ message_id: message.id, emoji });
    for (const emoji of EMOJI.slice(0, 20)) expect((await react(user, emoji)).error).toBeNull();

    const over = await react(user, emojiAt(20));
    expect(over.error).toMatchObject({
      code: '23514',
      message: `chat_reactions: at most 20 reactions per user on message ${message.id}`,
    });
    // A reaction they already have is the duplicate it is; others still react.
    expect((await react(user, emojiAt(0))).error?.code).toBe('23505');
    expect((await react(author, emojiAt(20))).error).toBeNull();
    // Taking one back makes room for another.
    const back = await user.supabase
      .from('chat_reactions')
      .delete()
      .match({ message_id: message.id, user_id: user.id, emoji: emojiAt(0) });
    expect(back.error).toBeNull();
    expect((await react(user, emojiAt(20))).error).toBeNull();
    expect((await react(user, emojiAt(21))).error?.code).toBe('23514');
  });

  it('holds the cap when one user sends 30 reactions to one message at once', async () => {
    const user = await signIn(server);
    const message = await send(user, `room-${randomUUID()}`, 'race me');
    const results = await Promise.all(
      EMOJI.slice(0, 30).map((emoji) =>
        user.supabase.from('chat_reactions').insert({ message_id: message.id, emoji }),
      ),
    );
    expect(results.filter((r) => r.error === null)).toHaveLength(20);
    expect(results.filter((r) => r.error?.code === '23514')).toHaveLength(10);
    const { count } = await user.supabase
      .from('chat_reactions')
      .select('*', { count: 'exact', head: true })
      .eq('message_id', message.id);
    expect(count).toBe(20);
  });

  it('reaches createChatTable().react as a ChatTableError with code 23514, and a duplicate as success', async () => {
    const user = await signIn(server);
    const message = await send(user, `room-${randomUUID()}`, 'typed client');
    const chat = createChatTable(user.supabase);
    await expect(chat.react(message.id, '<b>CLICK evil.example NOW</b>')).rejects.toMatchObject({
      name: 'ChatTableError',
      code: '23514',
    });
    for (const emoji of EMOJI.slice(0, 20)) await chat.react(message.id, emoji);
    await expect(chat.react(message.id, emojiAt(0))).resolves.toBeUndefined();
    const over = await chat.react(message.id, emojiAt(20)).catch((error: unknown) => error);
    expect(over).toBeInstanceOf(ChatTableError);
    expect(over).toMatchObject({ code: '23514' });
    expect((over as Error).message).toContain('at most 20 reactions');
  });
});
