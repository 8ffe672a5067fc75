import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import type { ChatEntry } from '../chatTypes';
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

describe('Chat', () => {
  it('shows a message A sends to B, pending then sent, once', async () => {
    const room = `chat-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    render(
      <>
        <Side client={a}>
          <Chat room={room} user={ann} data-testid="a" />
          <RoomPhase room={room} testId="a-phase" />
        </Side>
        <Side client={b}>
          <Chat room={room} user={bo} data-testid="b" />
          <RoomPhase room={room} testId="b-phase" />
        </Side>
      </>,
    );
    const aSide = page.getByTestId('a');
    const bSide = page.getByTestId('b');
    await expect.element(aSide.getByRole('log')).toBeInTheDocument();
    // Both join before A sends, as two people opening the room would.
    await untilJoined('a-phase', 'b-phase');
    await userEvent.fill(aSide.getByRole('combobox', { name: 'Message' }), 'hello <b>Bo</b>');
    await userEvent.keyboard('{Enter}');
    const mine = aSide.getByRole('log').getByText('hello <b>Bo</b>');
    await expect.element(mine).toBeInTheDocument();
    await expect
      .poll(() =>
        aSide.element().querySelector('[data-slot="chat-message"]')?.getAttribute('data-state'),
      )
      .toBe('sent');
    await expect.element(bSide.getByRole('log').getByText('hello <b>Bo</b>')).toBeInTheDocument();
    expect(bSide.element().querySelectorAll('[data-slot="chat-message"]')).toHaveLength(1);
    expect(bSide.element().querySelector('b')).toBeNull();
  });

  it('marks a message failed while the server is down and sends it on retry', async () => {
    const room = `chat-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    render(
      <>
        <Side client={a}>
          <Chat room={room} user={ann} data-testid="a" />
          <RoomPhase room={room} testId="a-phase" />
        </Side>
        <Side client={b}>
          <Chat room={room} user={bo} data-testid="b" />
          <RoomPhase room={room} testId="b-phase" />
        </Side>
      </>,
    );
    const aSide = page.getByTestId('a');
    await untilJoined('a-phase', 'b-phase');
    await commands.realtimeStop();
    try {
      await userEvent.fill(aSide.getByRole('combobox', { name: 'Message' }), 'are you there?');
      await userEvent.keyboard('{Enter}');
      await expect
        .element(aSide.getByRole('button', { name: /Not sent · Retry/ }))
        .toBeInTheDocument();
      // Both saw the drop, so the wait below is for their rejoin.
      for (const phase of ['a-phase', 'b-phase']) {
        await expect.element(page.getByTestId(phase)).not.toHaveTextContent(/^joined$/);
      }
    } finally {
      await commands.realtimeStart();
    }
    // Wait for both to rejoin, then retry from the keyboard.
    await untilJoined('a-phase', 'b-phase');
    await aSide.getByRole('button', { name: /Retry/ }).click();
    await expect
      .poll(
        () =>
          aSide.element().querySelector('[data-slot="chat-message"]')?.getAttribute('data-state'),
        {
          timeout: 10_000,
        },
      )
      .toBe('sent');
    await expect.element(page.getByTestId('b').getByText('are you there?')).toBeInTheDocument();
  });

  it('renders at most 2 rows when one message is appended to 10,000', async () => {
    const room = `chat-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const a = await clientFor(ann.id);
    let renders = 0;
    const renderMessage = (entry: ChatEntry) => {
      renders++;
      return entry.body;
    };
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      id: `m${i}`,
      user: ann,
      body: `message ${i}`,
      createdAt: 1_000_000 + i,
    }));
    const persistence = {
      load: async () => many,
      save: async () => {},
    };
    render(
      <Side client={a}>
        <Chat
          room={room}
          user={ann}
          persistence={persistence}
          pageSize={20_000}
          renderMessage={renderMessage}
          style={{ height: 400 }}
          data-testid="a"
        />
      </Side>,
    );
    const aSide = page.getByTestId('a');
    await expect.element(aSide.getByText('message 9999')).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(aSide.element().querySelectorAll('[data-slot="chat-message"]').length).toBeLessThan(60);
    renders = 0;
    await userEvent.fill(aSide.getByRole('combobox', { name: 'Message' }), 'one more');
    renders = 0;
    await userEvent.keyboard('{Enter}');
    await expect.element(aSide.getByText('one more')).toBeInTheDocument();
    const afterAppend = renders;
    expect(afterAppend).toBeGreaterThanOrEqual(1);
    expect(afterAppend).toBeLessThanOrEqual(2);
  });

  it('tells A of a live mention from a sender whose clock is behind, but not of history', async () => {
    const room = `chat-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    const now = Date.now();
    const history = [
      { id: uuid(), user: bo, body: '@Ann from older history', createdAt: now - 20 * 60_000 },
      { id: uuid(), user: bo, body: '@Ann from history', createdAt: now - 10 * 60_000 },
    ];
    // One message a page: the older one loads after the first showed.
    const persistence = {
      load: async (_room: string, { before = Infinity }: { before?: number }) =>
        history.filter((message) => message.createdAt < before).slice(-1),
      save: async () => {},
    };
    const mentioned: string[] = [];
    render(
      <Side client={a}>
        <Chat
          room={room}
          user={ann}
          persistence={persistence}
          pageSize={1}
          onMention={(entry) => mentioned.push(entry.body)}
          data-testid="a"
        />
        <RoomPhase room={room} testId="a-phase" />
      </Side>,
    );
    const aSide = page.getByTestId('a');
    const bodies = () =>
      [...aSide.element().querySelectorAll('[data-slot="chat-body"]')].map((el) => el.textContent);
    await expect.poll(bodies).toEqual(['@Ann from older history', '@Ann from history']);
    await untilJoined('a-phase');
    // Bo's clock is an hour behind: his message claims a time before everything shown.
    const channel = b.channel(room);
    await new Promise<void>((resolve) =>
      channel.subscribe((status) => void (status === 'SUBSCRIBED' && resolve())),
    );
    const live = { id: uuid(), user: bo, body: '@Ann are you there?', createdAt: now - 3_600_000 };
    expect(await channel.send({ type: 'broadcast', event: 'message', payload: live })).toBe('ok');
    await expect
      .poll(bodies)
      .toEqual(['@Ann are you there?', '@Ann from older history', '@Ann from history']);
    await expect.poll(() => mentioned).toEqual(['@Ann are you there?']);
  });

  it('has no axe violations', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const a = await clientFor(ann.id);
    render(
      <Side client={a}>
        <Chat room={`chat-${uuid()}`} user={ann} data-testid="a" />
      </Side>,
    );
    await expect.element(page.getByRole('log')).toBeInTheDocument();
    expect(await axeViolations(page.getByTestId('a').element())).toEqual([]);
  });
});
