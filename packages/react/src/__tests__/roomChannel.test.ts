// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  IDLE_ROOM,
  transition,
  type RoomEvent,
  type RoomPhase,
  type RoomSnapshot,
} from '../core/roomChannel';

const at = (phase: RoomPhase, reason: string | null = null): RoomSnapshot => ({
  phase,
  reason,
  since: 1,
});

/** Runs one event at time 2 and returns the next snapshot and its effects. */
const run = (state: RoomSnapshot, event: RoomEvent) => {
  const [next, effects] = transition(state, event, 2);
  return { state: next, effects };
};

const EXPIRED = 'Token has expired 3 seconds ago';
const REFUSED =
  'Unauthorized: You do not have permissions to read from this Channel topic: private:doc';

describe('roomChannel transition', () => {
  it('idle → joining on open, joining the channel', () => {
    expect(run(IDLE_ROOM, { type: 'open' })).toEqual({
      state: { phase: 'joining', reason: null, since: 2 },
      effects: ['join'],
    });
  });

  it('joining → joined on subscribed, without a return (the first join never refetches)', () => {
    expect(run(at('joining'), { type: 'subscribed' })).toEqual({
      state: { phase: 'joined', reason: null, since: 2 },
      effects: [],
    });
  });

  it('joining stays joining on a drop before the first join, keeping the reason', () => {
    expect(run(at('joining'), { type: 'dropped', reason: 'timed out' })).toEqual({
      state: { phase: 'joining', reason: 'timed out', since: 2 },
      effects: [],
    });
  });

  it('joined → gap on socket close (realtime-js rejoins by itself)', () => {
    const reason = 'socket closed: 1012 (server restart)';
    expect(run(at('joined'), { type: 'dropped', reason })).toEqual({
      state: { phase: 'gap', reason, since: 2 },
      effects: [],
    });
  });

  it('joined → gap on a server close, reopening on the reconnect schedule', () => {
    const reason = 'Too many presence messages per second';
    expect(run(at('joined'), { type: 'closed', reason })).toEqual({
      state: { phase: 'gap', reason, since: 2 },
      effects: ['leave', 'reopen'],
    });
  });

  it('joined → gap on token expiry, refreshing the session before any retry', () => {
    expect(run(at('joined'), { type: 'closed', reason: EXPIRED })).toEqual({
      state: { phase: 'gap', reason: EXPIRED, since: 2 },
      effects: ['leave', 'refresh'],
    });
  });

  it('gap → rejoining on retry, joining again', () => {
    expect(run(at('gap', EXPIRED), { type: 'retry' })).toEqual({
      state: { phase: 'rejoining', reason: EXPIRED, since: 2 },
      effects: ['join'],
    });
  });

  it('joining → joining on retry after a server close before the first join', () => {
    expect(run(at('joining', 'closed'), { type: 'retry' }).effects).toEqual(['join']);
    expect(run(at('joining', 'closed'), { type: 'retry' }).state.phase).toBe('joining');
  });

  it('gap → joined on subscribed, reporting the return once', () => {
    expect(run(at('gap', 'timed out'), { type: 'subscribed' })).toEqual({
      state: { phase: 'joined', reason: null, since: 2 },
      effects: ['returned'],
    });
  });

  it('rejoining → joined on subscribed, reporting the return once', () => {
    expect(run(at('rejoining'), { type: 'subscribed' }).effects).toEqual(['returned']);
  });

  it('rejoining → errored when the token is still expired after a refresh', () => {
    expect(run(at('rejoining', EXPIRED), { type: 'dropped', reason: EXPIRED })).toEqual({
      state: { phase: 'errored', reason: `session refresh failed: ${EXPIRED}`, since: 2 },
      effects: ['leave'],
    });
  });

  it('joined → rejoining on rebind (a new binding), a gap for tied queries', () => {
    expect(run(at('joined'), { type: 'rebind' })).toEqual({
      state: { phase: 'rejoining', reason: null, since: 2 },
      effects: ['leave', 'join'],
    });
  });

  it('joining → joining on rebind, sending the new join payload', () => {
    expect(run(at('joining'), { type: 'rebind' }).effects).toEqual(['leave', 'join']);
  });

  it('joining → unauthorized when policies refuse the join', () => {
    expect(run(at('joining'), { type: 'dropped', reason: REFUSED })).toEqual({
      state: { phase: 'unauthorized', reason: REFUSED, since: 2 },
      effects: ['leave'],
    });
  });

  it('joined → unauthorized on sign-out, leaving the channel', () => {
    expect(run(at('joined'), { type: 'signedOut' })).toEqual({
      state: { phase: 'unauthorized', reason: 'signed out', since: 2 },
      effects: ['leave'],
    });
  });

  it('unauthorized → rejoining on authChanged (a user signed in)', () => {
    expect(run(at('unauthorized', 'signed out'), { type: 'authChanged' })).toEqual({
      state: { phase: 'rejoining', reason: null, since: 2 },
      effects: ['leave', 'join'],
    });
  });

  it('errored → rejoining on authChanged (rejoinRoom, or another user signed in)', () => {
    expect(run(at('errored', 'left on request'), { type: 'authChanged' })).toEqual({
      state: { phase: 'rejoining', reason: null, since: 2 },
      effects: ['leave', 'join'],
    });
  });

  it('joined → rejoining on authChanged (another user or client), leaving the old channel', () => {
    expect(run(at('joined'), { type: 'authChanged' }).effects).toEqual(['leave', 'join']);
  });

  it('gap → errored on failed, with the reason', () => {
    const reason = 'session refresh failed: Invalid Refresh Token';
    expect(run(at('gap', EXPIRED), { type: 'failed', reason })).toEqual({
      state: { phase: 'errored', reason, since: 2 },
      effects: ['leave'],
    });
  });

  it('joined → closed on release, leaving the channel; closed stays closed', () => {
    const { state, effects } = run(at('joined'), { type: 'release' });
    expect(state).toEqual({ phase: 'closed', reason: null, since: 2 });
    expect(effects).toEqual(['leave']);
    expect(run(state, { type: 'open' }).state).toBe(state);
  });

  it('returns the same snapshot object when an event changes nothing', () => {
    const joined = at('joined');
    expect(run(joined, { type: 'subscribed' }).state).toBe(joined);
    expect(run(joined, { type: 'open' }).state).toBe(joined);
    expect(run(joined, { type: 'retry' }).state).toBe(joined);
    expect(run(IDLE_ROOM, { type: 'signedOut' }).state).toBe(IDLE_ROOM);
    expect(run(IDLE_ROOM, { type: 'authChanged' }).state).toBe(IDLE_ROOM);
  });
});
