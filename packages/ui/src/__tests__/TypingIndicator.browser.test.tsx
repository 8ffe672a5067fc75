import { cleanup, render } from '@testing-library/react';
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
});
