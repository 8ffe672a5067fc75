import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../chatTypes';
import { supabaseChatPersistence } from '../supabaseChatPersistence';
import { clientFor, closeClients, uuid } from './helpers';

afterEach(closeClients);

/** Every page of `room`, newest first, as a history loader reads them: each before the last. */
async function allPages(persistence: ReturnType<typeof supabaseChatPersistence>, room: string) {
  const pages: ChatMessage[][] = [];
  let before: number | undefined;
  for (;;) {
    const page = await persistence.load(room, { before, limit: 2 });
    pages.push(page);
    if (page.length < 2) return pages;
    before = page[0]?.createdAt;
  }
}

describe('supabaseChatPersistence', () => {
  it('loads every message page by page when messages share a time at a page boundary', async () => {
    const room = `ties-${uuid()}`;
    const client = await clientFor(uuid());
    // One insert of three rows: the database stamps them all with the same time.
    const tied = ['tied a', 'tied b', 'tied c'];
    const { error } = await client
      .from('chat_messages')
      .insert(tied.map((body) => ({ id: uuid(), room, user_name: 'Ann', body })));
    expect(error).toBeNull();
    await supabaseChatPersistence(client).save(room, {
      id: uuid(),
      user: { id: 'ann', name: 'Ann' },
      body: 'later',
      createdAt: Date.now(),
    });
    const pages = await allPages(supabaseChatPersistence(client), room);
    const bodies = pages.flat().map((message) => message.body);
    expect(bodies.sort()).toEqual([...tied, 'later'].sort());
    expect(new Set(pages.flat().map((message) => message.id)).size).toBe(4);
    // The newest page holds `later` and the whole millisecond of the tied rows.
    expect(pages[0]?.map((message) => message.body).sort()).toEqual([...tied, 'later'].sort());
  });
});
