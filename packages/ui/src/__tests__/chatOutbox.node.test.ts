import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  IDLE_OUTBOX,
  MAX_ATTEMPTS,
  transition,
  type OutboxItem,
  type OutboxState,
} from '../chatOutbox';

const item = (id: string): OutboxItem => ({ id, body: id, replyTo: null, createdAt: 1 });
const a = item('a');
const b = item('b');
const sending = (...queue: OutboxItem[]): OutboxState => ({ phase: 'sending', queue, attempts: 0 });
const waiting = (attempts: number, ...queue: OutboxItem[]): OutboxState => ({
  phase: 'waiting',
  queue,
  attempts,
});

describe('the chat outbox', () => {
  it('idle → sending on enqueue, sending the message', () => {
    expect(transition(IDLE_OUTBOX, { type: 'enqueue', item: a })).toEqual([
      sending(a),
      [{ type: 'send', item: a }],
    ]);
  });

  it('sending → sending on enqueue, queueing behind the message in flight', () => {
    expect(transition(sending(a), { type: 'enqueue', item: b })).toEqual([sending(a, b), []]);
  });

  it('ignores a message enqueued twice', () => {
    const state = sending(a);
    expect(transition(state, { type: 'enqueue', item: a })[0]).toBe(state);
  });

  it('sending → sending on stored, sending the next message', () => {
    expect(transition(sending(a, b), { type: 'stored', id: 'a' })).toEqual([
      sending(b),
      [{ type: 'send', item: b }],
    ]);
  });

  it('sending → idle on stored, with nothing left', () => {
    expect(transition(sending(a), { type: 'stored', id: 'a' })).toEqual([IDLE_OUTBOX, []]);
  });

  it('sending → sending on refused, failing the message and sending the next', () => {
    expect(transition(sending(a, b), { type: 'refused', id: 'a' })).toEqual([
      sending(b),
      [
        { type: 'failed', id: 'a' },
        { type: 'send', item: b },
      ],
    ]);
  });

  it('sending → waiting on unreachable, keeping the message first', () => {
    expect(transition(sending(a, b), { type: 'unreachable', id: 'a' })).toEqual([
      waiting(1, a, b),
      [{ type: 'wait', ms: 1000 }],
    ]);
  });

  it('waiting → sending on wake, sending the same message again', () => {
    expect(transition(waiting(1, a, b), { type: 'wake' })).toEqual([
      { phase: 'sending', queue: [a, b], attempts: 1 },
      [{ type: 'send', item: a }],
    ]);
  });

  it('waits longer after each failed attempt in a row, up to 30 s', () => {
    const [, effects] = transition(
      { phase: 'sending', queue: [a], attempts: 3 },
      { type: 'unreachable', id: 'a' },
    );
    expect(effects).toEqual([{ type: 'wait', ms: 8000 }]);
    expect(backoffMs(20)).toBe(30_000);
  });

  it('sending → idle on the last unreachable attempt, failing the message and all behind it', () => {
    const third = { phase: 'sending', queue: [a, b], attempts: 2 } as const;
    expect(transition(third, { type: 'unreachable', id: 'a' }, 3)).toEqual([
      IDLE_OUTBOX,
      [
        { type: 'failed', id: 'a' },
        { type: 'failed', id: 'b' },
      ],
    ]);
  });

  it('keeps waiting before the last attempt, and gives up after 10 by default', () => {
    const ninth = { phase: 'sending', queue: [a], attempts: 8 } as const;
    expect(transition(ninth, { type: 'unreachable', id: 'a' }, 10)[0]).toEqual(waiting(9, a));
    expect(MAX_ATTEMPTS).toBe(10);
    const tenth = { phase: 'sending', queue: [a], attempts: 9 } as const;
    expect(transition(tenth, { type: 'unreachable', id: 'a' })).toEqual([
      IDLE_OUTBOX,
      [{ type: 'failed', id: 'a' }],
    ]);
  });

  it('sending → waiting on unreachable while offline, without counting the attempt', () => {
    const ninth = { phase: 'sending', queue: [a, b], attempts: 9 } as const;
    expect(transition(ninth, { type: 'unreachable', id: 'a', offline: true })).toEqual([
      waiting(9, a, b),
      [{ type: 'wait', ms: 30_000 }],
    ]);
    expect(transition(sending(a), { type: 'unreachable', id: 'a', offline: true }, 1)[0]).toEqual(
      waiting(0, a),
    );
  });

  it('fails at the first unreachable send with maxAttempts 1', () => {
    expect(transition(sending(a), { type: 'unreachable', id: 'a' }, 1)).toEqual([
      IDLE_OUTBOX,
      [{ type: 'failed', id: 'a' }],
    ]);
  });

  it('waiting → waiting on enqueue, queueing the message', () => {
    expect(transition(waiting(2, a), { type: 'enqueue', item: b })).toEqual([waiting(2, a, b), []]);
  });

  it('cancel takes a waiting message out, but never the one in flight', () => {
    expect(transition(waiting(1, a, b), { type: 'cancel', id: 'a' })).toEqual([waiting(1, b), []]);
    const inFlight = sending(a, b);
    expect(transition(inFlight, { type: 'cancel', id: 'a' })[0]).toBe(inFlight);
    expect(transition(inFlight, { type: 'cancel', id: 'b' })).toEqual([sending(a), []]);
  });

  it('ignores answers about a message that is not in flight', () => {
    const state = waiting(1, a);
    expect(transition(state, { type: 'stored', id: 'a' })[0]).toBe(state);
    expect(transition(sending(a), { type: 'stored', id: 'b' })[0]).toEqual(sending(a));
    expect(transition(IDLE_OUTBOX, { type: 'wake' })[0]).toBe(IDLE_OUTBOX);
  });
});
