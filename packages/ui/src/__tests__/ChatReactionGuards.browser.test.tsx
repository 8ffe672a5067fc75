import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { createChatTable } from '../createChatTable';
import { ChatOf, closeClients, signedIn, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
  sessionStorage.clear();
});

// Twenty distinct emoji: as many as one user may put on one message (sql/0009).
const TWENTY = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];

const pills = () =>
  [...page.getByTestId('a').element().querySelectorAll('[data-slot="chat-reaction"]')].map(
    (pill) => pill.textContent,
  );

describe('<Chat> with the table, when the database refuses a reaction', () => {
  it('puts the pills back as stored for a 21st reaction or a non-emoji one, and keeps working', async () => {
    expect(new Set(TWENTY).size).toBe(20);
    const room = `guards-${uuid()}`;
    const ann = await signedIn('Ann');
    const table = createChatTable(ann.client);
    const id = uuid();
    await table.send(room, { id, body: 'react a lot' });
    for (const emoji of TWENTY) await table.react(id, emoji);
    render(<ChatOf who={ann} room={room} reactions={['👍', 'FREE $$$']} data-testid="a" />);
    const stored = TWENTY.map((emoji) => `${emoji} 1`);
    await expect.poll(pills, { timeout: 10_000 }).toEqual(stored);

    for (const refused of ['👍', 'FREE $$$']) {
      const seen: (string | null)[][] = [];
      const observer = new MutationObserver(() => seen.push(pills()));
      observer.observe(page.getByTestId('a').element(), { subtree: true, childList: true });
      (
        page
          .getByTestId('a')
          .element()
          .querySelector(`[aria-label="React with ${refused}"]`) as HTMLButtonElement
      ).focus();
      await userEvent.keyboard('{Enter}');
      // Shown at once, then taken back when the database answers 23514.
      await expect
        .poll(() => seen.some((shown) => shown.includes(`${refused} 1`)), { timeout: 10_000 })
        .toBe(true);
      await expect.poll(pills, { timeout: 10_000 }).toEqual(stored);
      observer.disconnect();
    }
    const { data } = await ann.client.from('chat_reactions').select('emoji').eq('message_id', id);
    expect(data?.map((row) => row.emoji).sort()).toEqual([...TWENTY].sort());

    // Taking one back still works, and makes room for the thumb.
    (
      page.getByTestId('a').element().querySelector('[data-slot="chat-reaction"]') as HTMLElement
    ).focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => pills().length, { timeout: 10_000 }).toBe(19);
    (
      page.getByTestId('a').element().querySelector('[aria-label="React with 👍"]') as HTMLElement
    ).focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(pills, { timeout: 10_000 }).toEqual([...stored.slice(1), '👍 1']);
    await expect
      .poll(
        async () =>
          (
            await ann.client
              .from('chat_reactions')
              .select('emoji')
              .eq('emoji', '👍')
              .eq('message_id', id)
          ).data?.length,
        { timeout: 10_000 },
      )
      .toBe(1);
  });
});
