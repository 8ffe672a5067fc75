import { cleanup, render } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import { TypingIndicator } from '../TypingIndicator';
import {
  axeViolations,
  clientFor,
  closeClients,
  RoomPhase,
  Side,
  untilJoined,
  uuid,
} from './helpers';
import { Typist } from './typist';

afterEach(async () => {
  cleanup();
  await closeClients();
});

describe('TypingIndicator', () => {
  it('shows B that A is typing, outside the chat, then forgets it', async () => {
    const room = `typing-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(uuid())]);
    render(
      <>
        <Side client={a}>
          <Chat room={room} user={ann} data-testid="a" />
          <RoomPhase room={room} testId="a-phase" />
        </Side>
        <Side client={b}>
          <TypingIndicator room={room} data-testid="typing" />
          <RoomPhase room={room} testId="b-phase" />
        </Side>
      </>,
    );
    const typing = page.getByTestId('typing');
    await expect.element(typing).toHaveAttribute('data-state', 'idle');
    await untilJoined('a-phase', 'b-phase');
    await userEvent.type(page.getByRole('combobox', { name: 'Message' }), 'hel');
    await expect.element(typing).toHaveTextContent('Ann is typing…');
    expect(await axeViolations(typing.element())).toEqual([]);
    await userEvent.keyboard('{Enter}');
    await expect.element(typing).toHaveAttribute('data-state', 'idle');
  });

  it('listens on the room’s private channel with private, which the server authorizes', async () => {
    const room = `chat-live:typing-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(uuid())]);
    const hand: { notify?: () => void } = {};
    render(
      <>
        <Side client={a}>
          <Typist
            room={room}
            user={ann}
            options={{ private: true }}
            expose={(notify) => void (hand.notify = notify)}
          />
          <RoomPhase room={room} private testId="a-phase" />
        </Side>
        <Side client={b}>
          <TypingIndicator room={room} private data-testid="typing" />
          <RoomPhase room={room} private testId="b-private" />
          <RoomPhase room={room} testId="b-public" />
        </Side>
      </>,
    );
    await untilJoined('a-phase', 'b-private');
    // The indicator joined the private channel, not the public one of the same name.
    await expect.element(page.getByTestId('b-public')).toHaveTextContent(/^idle$/);
    hand.notify?.();
    await expect.element(page.getByTestId('typing')).toHaveTextContent('Ann is typing…');
  });

  it('says who is typing in the words format gives, nobody included', async () => {
    const room = `typing-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const cy = { id: uuid(), name: 'Cy' };
    const [a, c, b] = await Promise.all([clientFor(ann.id), clientFor(cy.id), clientFor(uuid())]);
    const annHand: { notify?: () => void } = {};
    const cyHand: { notify?: () => void } = {};
    render(
      <>
        <Side client={a}>
          <Typist room={room} user={ann} expose={(notify) => void (annHand.notify = notify)} />
          <RoomPhase room={room} testId="a-phase" />
        </Side>
        <Side client={c}>
          <Typist room={room} user={cy} expose={(notify) => void (cyHand.notify = notify)} />
          <RoomPhase room={room} testId="c-phase" />
        </Side>
        <Side client={b}>
          <TypingIndicator
            room={room}
            format={(names) => (names.length ? `${names.join(' + ')} schreiben…` : 'Niemand')}
            data-testid="typing"
          />
          <RoomPhase room={room} testId="b-phase" />
        </Side>
      </>,
    );
    const typing = page.getByTestId('typing');
    await expect.element(typing).toHaveTextContent(/^Niemand$/);
    await untilJoined('a-phase', 'c-phase', 'b-phase');
    annHand.notify?.();
    await expect.element(typing).toHaveTextContent(/^Ann schreiben…$/);
    cyHand.notify?.();
    await expect.element(typing).toHaveTextContent(/^Ann \+ Cy schreiben…$/);
    await expect.element(typing).toHaveAttribute('data-state', 'typing');
  });

  it('merges className last and forwards its ref to the element', async () => {
    const b = await clientFor(uuid());
    const ref = createRef<HTMLDivElement>();
    render(
      <Side client={b}>
        <TypingIndicator ref={ref} room={`typing-${uuid()}`} className="mine" />
      </Side>,
    );
    await expect.poll(() => ref.current?.dataset.slot).toBe('typing-indicator');
    expect(ref.current?.className).toBe('rk-root rk-typing mine');
  });
});
