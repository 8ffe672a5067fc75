import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import { supabaseChatPersistence } from '../supabaseChatPersistence';
import { clientFor, closeClients, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

describe('Chat history', () => {
  it('shows what was said before B joined, once', async () => {
    const room = `history-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const a = await clientFor(ann.id);
    const first = render(
      <Side client={a}>
        <Chat room={room} user={ann} persistence={supabaseChatPersistence(a)} data-testid="a" />
      </Side>,
    );
    const aSide = page.getByTestId('a');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const text of ['first', 'second']) {
      await userEvent.fill(aSide.getByRole('textbox', { name: 'Message' }), text);
      await userEvent.keyboard('{Enter}');
    }
    await expect
      .poll(() =>
        [...aSide.element().querySelectorAll('[data-slot="chat-message"]')].map((el) =>
          el.getAttribute('data-state'),
        ),
      )
      .toEqual(['sent', 'sent']);
    first.unmount();

    const b = await clientFor(bo.id);
    render(
      <Side client={b}>
        <Chat room={room} user={bo} persistence={supabaseChatPersistence(b)} data-testid="b" />
      </Side>,
    );
    const bSide = page.getByTestId('b');
    await expect.element(bSide.getByText('second')).toBeInTheDocument();
    const bodies = [...bSide.element().querySelectorAll('[data-slot="chat-body"]')].map(
      (el) => el.textContent,
    );
    expect(bodies).toEqual(['first', 'second']);
  });

  it('fills the gap from the table after a reconnect', async () => {
    const room = `history-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    render(
      <Side client={b}>
        <Chat room={room} user={bo} persistence={supabaseChatPersistence(b)} data-testid="b" />
      </Side>,
    );
    const bSide = page.getByTestId('b');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await commands.realtimeStop();
    try {
      // Ann writes through a server that stayed up while Bo's realtime connection was gone.
      const a = await clientFor(ann.id, 'database');
      await supabaseChatPersistence(a).save(room, {
        id: uuid(),
        user: ann,
        body: 'said while you were away',
        createdAt: Date.now(),
      });
    } finally {
      await commands.realtimeStart();
    }
    await expect
      .element(bSide.getByText('said while you were away'), { timeout: 10_000 })
      .toBeInTheDocument();
    expect(bSide.element().querySelectorAll('[data-slot="chat-message"]')).toHaveLength(1);
  });
});
