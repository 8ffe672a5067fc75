import { describe, expect, it } from 'vitest';
import { IDLE_LEADER, leaderTransition, type LeaderSnapshot } from '../core/tabLeader';

const at = (phase: LeaderSnapshot['phase']): LeaderSnapshot => ({ phase, since: 1 });

describe('leaderTransition', () => {
  it('idle → following on stand, queueing for the lock', () => {
    const { state, effects } = leaderTransition(IDLE_LEADER, { type: 'stand' }, 5);
    expect(state).toEqual({ phase: 'following', since: 5 });
    expect(effects).toEqual(['request']);
  });

  it('following → leading when the lock is granted', () => {
    const { state, effects } = leaderTransition(at('following'), { type: 'granted' }, 5);
    expect(state).toEqual({ phase: 'leading', since: 5 });
    expect(effects).toEqual(['lead']);
  });

  it('following → idle on stepDown, leaving the queue', () => {
    const { state, effects } = leaderTransition(at('following'), { type: 'stepDown' }, 5);
    expect(state).toEqual({ phase: 'idle', since: 5 });
    expect(effects).toEqual(['cancel']);
  });

  it('leading → idle on stepDown, closing the connection and freeing the lock', () => {
    const { state, effects } = leaderTransition(at('leading'), { type: 'stepDown' }, 5);
    expect(state).toEqual({ phase: 'idle', since: 5 });
    expect(effects).toEqual(['release']);
  });

  it('following stays following on usurp, stealing the lock instead of waiting for it', () => {
    const following = at('following');
    const { state, effects } = leaderTransition(following, { type: 'usurp' }, 5);
    expect(state).toBe(following);
    expect(effects).toEqual(['cancel', 'steal']);
  });

  it('leading → following when deposed, closing the connection and queueing again', () => {
    const { state, effects } = leaderTransition(at('leading'), { type: 'deposed' }, 5);
    expect(state).toEqual({ phase: 'following', since: 5 });
    expect(effects).toEqual(['release', 'request']);
  });

  it('keeps the same snapshot, with nothing to do, for every event that does not apply', () => {
    const cases = [
      [IDLE_LEADER, 'granted'],
      [IDLE_LEADER, 'usurp'],
      [IDLE_LEADER, 'deposed'],
      [IDLE_LEADER, 'stepDown'],
      [at('following'), 'stand'],
      [at('following'), 'deposed'],
      [at('leading'), 'stand'],
      [at('leading'), 'granted'],
      [at('leading'), 'usurp'],
    ] as const;
    for (const [before, type] of cases) {
      const { state, effects } = leaderTransition(before, { type }, 5);
      expect(state).toBe(before);
      expect(effects).toEqual([]);
    }
  });
});
