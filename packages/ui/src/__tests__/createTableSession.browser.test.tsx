import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import { createChatTable } from '../createChatTable';
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

describe('createTableSession', () => {
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
