import type { RealtimeChannel } from '@supabase/supabase-js';
import { cleanup, render } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import { TypingIndicator } from '../TypingIndicator';
import { useTyping, type TypingOptions } from '../useTyping';
import { clientFor, closeClients, RoomPhase, Side, untilJoined, uuid } from './helpers';
import { Typist } from './typist';

afterEach(async () => {
  cleanup();
  await closeClients();
});

/** B's side: who `useTyping` says is typing, and when each change rendered. */
function Typists(props: {
  room: string;
  options?: TypingOptions;
  testId: string;
  log: Array<{ names: string; at: number }>;
}) {
  const { typing } = useTyping(props.room, props.options);
  const names = typing.join(', ');
  useEffect(() => void props.log.push({ names, at: performance.now() }), [names, props.log]);
  return <output data-testid={props.testId}>{names}</output>;
}

/** A plain supabase-js listener on the room, recording every typing event in arrival order. */
async function listen(room: string) {
  const client = await clientFor(uuid());
  const events: Array<{ name?: string; stop?: boolean }> = [];
  const channel: RealtimeChannel = client
    .channel(room)
    .on('broadcast', { event: 'typing' }, ({ payload }) => void events.push(payload));
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status !== 'CLOSED') reject(new Error(status));
    }),
  );
  return events;
}

describe('useTyping', () => {
  for (const [options, throttleMs] of [
    [{}, 1500],
    [{ throttleMs: 10_000 }, 10_000],
  ] as const)
    it(`sends at most one typing event per ${throttleMs} ms${'throttleMs' in options ? '' : ' by default'}, and a stop at once`, async () => {
      const room = `use-typing-${uuid()}`;
      const ann = { id: uuid(), name: 'Ann' };
      const a = await clientFor(ann.id);
      const events = await listen(room);
      const hand: { notify?: (stop?: boolean) => void } = {};
      render(
        <Side client={a}>
          <Typist
            room={room}
            user={ann}
            options={options}
            expose={(notify) => void (hand.notify = notify)}
          />
          <RoomPhase room={room} testId="a-phase" />
        </Side>,
      );
      await untilJoined('a-phase');
      // The throttle reads Date.now(); this clock moves only when the test says so.
      let clock = 1_000_000;
      const now = vi.spyOn(Date, 'now').mockImplementation(() => clock);
      try {
        const notify = hand.notify;
        if (!notify) throw new Error('no notify');
        for (let i = 0; i < 5; i++) notify();
        clock += throttleMs - 1;
        notify();
        clock += 1;
        notify();
        notify();
        notify(true);
      } finally {
        now.mockRestore();
      }
      // A's socket delivers in order: once the stop has arrived, everything before it has.
      await expect.poll(() => events.at(-1)?.stop).toBe(true);
      expect(events).toEqual([
        { id: ann.id, name: 'Ann' },
        { id: ann.id, name: 'Ann' },
        { id: ann.id, name: 'Ann', stop: true },
      ]);
    });

  it('forgets a typist expireMs after their last event, and TypingIndicator after 4 s', async () => {
    const room = `use-typing-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(uuid())]);
    const hand: { notify?: (stop?: boolean) => void } = {};
    const short: Array<{ names: string; at: number }> = [];
    const indicator: Array<{ text: string; at: number }> = [];
    render(
      <>
        <Side client={a}>
          <Typist room={room} user={ann} expose={(notify) => void (hand.notify = notify)} />
          <RoomPhase room={room} testId="a-phase" />
        </Side>
        <Side client={b}>
          <Typists room={room} options={{ expireMs: 1000 }} testId="short" log={short} />
          <TypingIndicator room={room} data-testid="indicator" />
          <RoomPhase room={room} testId="b-phase" />
        </Side>
      </>,
    );
    await untilJoined('a-phase', 'b-phase');
    const element = page.getByTestId('indicator').element();
    const observer = new MutationObserver(() =>
      indicator.push({ text: element.textContent ?? '', at: performance.now() }),
    );
    observer.observe(element, { childList: true, characterData: true, subtree: true });
    try {
      hand.notify?.();
      await expect.element(page.getByTestId('short')).toHaveTextContent(/^Ann$/);
      await expect.element(page.getByTestId('indicator')).toHaveTextContent('Ann is typing…');
      await expect.element(page.getByTestId('short'), { timeout: 10_000 }).toHaveTextContent(/^$/);
      // The default 4 s has not run out when the 1 s expiry has.
      expect(element.textContent).toBe('Ann is typing…');
      await expect
        .element(page.getByTestId('indicator'), { timeout: 10_000 })
        .toHaveAttribute('data-state', 'idle');
    } finally {
      observer.disconnect();
    }
    // Each stayed at least its expiry from when it rendered (timers never fire early; the
    // margin covers the render after the event arrived).
    const shortShown = short.find((entry) => entry.names === 'Ann')?.at ?? NaN;
    const shortGone = short.findLast((entry) => entry.names === '')?.at ?? NaN;
    expect(shortGone - shortShown).toBeGreaterThanOrEqual(1000 - 250);
    const shown = indicator.find((entry) => entry.text === 'Ann is typing…')?.at ?? NaN;
    const gone = indicator.findLast((entry) => entry.text === '')?.at ?? NaN;
    expect(gone - shown).toBeGreaterThanOrEqual(4000 - 250);
  });
});
