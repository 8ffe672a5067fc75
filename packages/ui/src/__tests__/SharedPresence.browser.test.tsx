import { useChannelStatus, usePresence } from '@roomkit/react';
import { cleanup, render } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../../styles.css';
import { AvatarStack } from '../AvatarStack';
import { TypingIndicator } from '../TypingIndicator';
import { useTyping } from '../useTyping';
import { clientFor, closeClients, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

type Person = { id: string; name: string; role: string };

/** One user's page: the app's own presence, an avatar stack and a typing indicator on one room. */
function Page({ room, me, typing }: { room: string; me: Person; typing: boolean }) {
  const { others } = usePresence<{ role?: string; name?: string; status?: string }>(room, {
    key: me.id,
    state: { role: me.role },
  });
  const { notify } = useTyping(room, { user: me });
  const phases = useChannelStatus(room);
  useEffect(() => {
    if (typing) notify();
  }, [typing, notify]);
  return (
    <section data-testid={me.name}>
      <ul aria-label="Others">
        {others.map((user) => (
          <li key={user.key}>
            {[user.state.name, user.state.role, user.state.status].join(' / ')}
          </li>
        ))}
      </ul>
      <output aria-label="Channel">{phases.phase}</output>
      <AvatarStack room={room} user={me} />
      <TypingIndicator room={room} />
    </section>
  );
}

describe('presence shared by every consumer of a room', () => {
  it("shows each person once, with the app's, the avatar stack's and the typing fields", async () => {
    const room = `shared-${uuid()}`;
    const ann: Person = { id: uuid(), name: 'Ann', role: 'editor' };
    const bob: Person = { id: uuid(), name: 'Bob', role: 'viewer' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bob.id)]);
    const view = (typing: boolean) => (
      <>
        <Side client={a}>
          <Page room={room} me={ann} typing={typing} />
        </Side>
        <Side client={b}>
          <Page room={room} me={bob} typing={false} />
        </Side>
      </>
    );
    const { rerender } = render(view(false));
    const annSees = page.getByTestId('Ann');
    const bobSees = page.getByTestId('Bob');
    // Bob sees Ann once, with her role (the app's field) and her name and status (the stack's).
    await expect
      .element(bobSees.getByRole('list', { name: 'Others' }))
      .toHaveTextContent('Ann / editor / online');
    expect(bobSees.getByRole('list', { name: 'Others' }).element().children).toHaveLength(1);
    await expect
      .element(annSees.getByRole('list', { name: 'Others' }))
      .toHaveTextContent('Bob / viewer / online');
    await expect
      .element(bobSees.getByRole('img', { name: 'Ann' }))
      .toHaveAttribute('data-state', 'online');
    expect(
      bobSees.getByRole('group', { name: 'People here' }).getByRole('img').elements(),
    ).toHaveLength(2);
    // Typing goes over the same channel as a broadcast; Bob's indicator shows it.
    rerender(view(true));
    await expect
      .poll(() => bobSees.element().querySelector('[data-slot="typing-indicator"]')?.textContent)
      .toBe('Ann is typing…');
    // No presence-limit close: both channels stayed joined throughout.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect
      .element(annSees.getByRole('status', { name: 'Channel' }))
      .toHaveTextContent('joined');
    await expect
      .element(bobSees.getByRole('status', { name: 'Channel' }))
      .toHaveTextContent('joined');
  });
});
