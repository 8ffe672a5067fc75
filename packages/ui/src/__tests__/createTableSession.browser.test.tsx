import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import type { ChatConnection, ChatSource } from '../chatSource';
import { ChatTableError, createChatTable, type ChatTable } from '../createChatTable';
import { createTableSession } from '../createTableSession';
import { closeClients, Side, signedIn, tableOf, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
  sessionStorage.clear();
});

const bodies = (side: string) =>
  [...page.getByTestId(side).element().querySelectorAll('[data-slot="chat-body"]')].map(
    (body) => body.textContent,
  );

/** The same signed-in user on the server that stays up while the realtime one is stopped. */
async function onDatabase(client: SupabaseClient): Promise<SupabaseClient> {
  const { databaseUrl, anonKey } = await commands.realtimeInfo();
  const { data } = await client.auth.getSession();
  const token = data.session?.access_token ?? '';
  return createClient(databaseUrl, anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `rk-db-${uuid()}` },
  });
}

/**
 * `user`'s table source whose sessions use `table` (the real one with some calls wrapped), and
 * the session it made last.
 */
function sourceOver(client: SupabaseClient, table: ChatTable) {
  const made: { session?: ChatConnection } = {};
  const source: ChatSource = {
    ...tableOf(client),
    connect: (options) => (made.session = createTableSession(table, options)),
  };
  return { source, made };
}

/** The code of the error `promise` rejects with, or `'resolved'`. */
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof ChatTableError ? error.code : String(error)),
  );

/** One macrotask: what a rejection handler scheduled has run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createTableSession', () => {
  it('keeps a message deleted when a reaction the deletion made the database refuse is taken back', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const bo = await signedIn('Bo');
    const annTable = tableOf(ann.client).client;
    const id = uuid();
    await annTable.send(room, { id, body: 'soon deleted' });
    const real = tableOf(bo.client).client;
    let refused: Promise<string> | undefined;
    // Ann deletes the message while Bo's reaction is on its way: the database refuses it.
    const { source } = sourceOver(bo.client, {
      ...real,
      async react(messageId, emoji) {
        await annTable.remove(messageId);
        await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['Message deleted']);
        const write = real.react(messageId, emoji);
        refused = codeOf(write);
        return write;
      },
    });
    render(
      <Side client={bo.client}>
        <Chat room={room} user={bo.user} table={source} data-testid="b" />
      </Side>,
    );
    await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['soon deleted']);
    await page.getByTestId('b').getByRole('button', { name: 'React with 👍' }).click();
    await expect.poll(() => refused, { timeout: 10_000 }).toBeDefined();
    expect(await refused).toBe('23514');
    await settle();
    expect(bodies('b')).toEqual(['Message deleted']);
  });

  it('keeps a reaction that arrived meanwhile when the database refuses a delete', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const bo = await signedIn('Bo');
    const real = tableOf(ann.client).client;
    const boTable = tableOf(bo.client).client;
    const id = uuid();
    await real.send(room, { id, body: 'keep me' });
    let refused: Promise<string> | undefined;
    const { source, made } = sourceOver(ann.client, {
      ...real,
      async remove(messageId) {
        // Bo reacts while Ann's delete is on its way, and the delete goes out with a client the
        // message's row-level security refuses (another user's).
        await boTable.react(messageId, '👍');
        await expect
          .poll(() => made.session?.getSnapshot().messages[0]?.reactions, { timeout: 10_000 })
          .toEqual([{ emoji: '👍', users: [bo.user.id] }]);
        const write = boTable.remove(messageId);
        refused = codeOf(write);
        return write;
      },
    });
    render(
      <Side client={ann.client}>
        <Chat room={room} user={ann.user} table={source} data-testid="a" />
      </Side>,
    );
    await expect.poll(() => bodies('a'), { timeout: 10_000 }).toEqual(['keep me']);
    await page.getByTestId('a').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => refused, { timeout: 10_000 }).toBeDefined();
    expect(await refused).toBe('PGRST116');
    await settle();
    expect(bodies('a')).toEqual(['keep me']);
    await expect
      .element(page.getByTestId('a').getByRole('button', { name: /^👍 / }))
      .toHaveAttribute('aria-pressed', 'false');
  });

  it('puts back only the text and edit time of a refused edit, keeping a reaction that arrived meanwhile', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const bo = await signedIn('Bo');
    const real = tableOf(ann.client).client;
    const boTable = tableOf(bo.client).client;
    const id = uuid();
    await real.send(room, { id, body: 'first words' });
    let refused: Promise<string> | undefined;
    const { source, made } = sourceOver(ann.client, {
      ...real,
      async edit(messageId, body) {
        await boTable.react(messageId, '❤️');
        await expect
          .poll(() => made.session?.getSnapshot().messages[0]?.reactions, { timeout: 10_000 })
          .toEqual([{ emoji: '❤️', users: [bo.user.id] }]);
        // Bo may not edit Ann's message: its row-level security refuses.
        const write = boTable.edit(messageId, body);
        refused = codeOf(write);
        return write;
      },
    });
    render(
      <Side client={ann.client}>
        <Chat room={room} user={ann.user} table={source} data-testid="a" />
      </Side>,
    );
    await expect.poll(() => bodies('a'), { timeout: 10_000 }).toEqual(['first words']);
    const session = made.session as ChatConnection;
    const edit = codeOf(session.edit(id, 'second words'));
    expect(bodies('a')).toEqual(['first words']);
    expect(await edit).toBe('PGRST116');
    expect(await refused).toBe('PGRST116');
    expect(session.getSnapshot().messages[0]).toMatchObject({
      body: 'first words',
      editedAt: null,
      reactions: [{ emoji: '❤️', users: [bo.user.id] }],
    });
  });

  it('shows a message stored between its first page and the first join of its channel', async () => {
    const room = `table-${uuid()}`;
    const ann = await signedIn('Ann');
    const bo = await signedIn('Bo');
    const annTable = createChatTable(await onDatabase(ann.client));
    await annTable.send(room, { id: uuid(), body: 'before Bo opened' });
    // Bo reads pages from the server that stays up; his channel joins on the realtime one,
    // which is stopped until after Ann's next message is stored.
    const boTable = tableOf(await onDatabase(bo.client));
    await commands.realtimeStop();
    try {
      render(
        <Side client={bo.client}>
          <Chat room={room} user={bo.user} table={boTable} data-testid="b" />
        </Side>,
      );
      await expect.poll(() => bodies('b'), { timeout: 10_000 }).toEqual(['before Bo opened']);
      await annTable.send(room, { id: uuid(), body: 'stored before the join' });
    } finally {
      await commands.realtimeStart();
    }
    await expect
      .poll(() => bodies('b'), { timeout: 15_000 })
      .toEqual(['before Bo opened', 'stored before the join']);
  });
});
