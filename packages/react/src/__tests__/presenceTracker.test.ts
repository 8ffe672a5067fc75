import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPresenceTracker, PRESENCE_LIMIT } from '../core/presenceTracker';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function mostInAnyWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const start of times) {
    most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
  }
  return most;
}

describe('createPresenceTracker', () => {
  it('never sends more than 5 times in any 30 s window under a flood of updates', () => {
    const sent: { at: number; state: unknown }[] = [];
    const [set, setJoined] = createPresenceTracker(PRESENCE_LIMIT, (state) =>
      sent.push({ at: Date.now(), state }),
    );
    setJoined(true);
    for (let i = 1; i <= 6000; i++) {
      set({ x: i });
      vi.advanceTimersByTime(10); // 100 updates a second for a minute
    }
    vi.advanceTimersByTime(PRESENCE_LIMIT.windowMs);
    expect(
      mostInAnyWindow(
        sent.map((s) => s.at),
        PRESENCE_LIMIT.windowMs,
      ),
    ).toBeLessThanOrEqual(5);
    expect(sent.at(-1)?.state).toEqual({ x: 6000 });
  });

  it('sends the first update at once and the last one after the wait', () => {
    const sent: unknown[] = [];
    const [set, setJoined] = createPresenceTracker(PRESENCE_LIMIT, (state) => sent.push(state));
    setJoined(true);
    set({ x: 1 });
    set({ x: 2 });
    set({ x: 3 });
    set({ x: 4 });
    expect(sent).toEqual([{ x: 1 }, { x: 2 }]);
    vi.advanceTimersByTime(11_000);
    expect(sent).toEqual([{ x: 1 }, { x: 2 }, { x: 4 }]);
  });

  it('does not spend a call on a state equal to the one sent', () => {
    const sent: unknown[] = [];
    const [set, setJoined] = createPresenceTracker(PRESENCE_LIMIT, (state) => sent.push(state));
    setJoined(true);
    for (let i = 0; i < 50; i++) set({ name: 'Alice', tags: ['a'] });
    expect(sent).toHaveLength(1);
  });

  it('waits for the join and tracks again after every rejoin', () => {
    const sent: unknown[] = [];
    const [set, setJoined] = createPresenceTracker(PRESENCE_LIMIT, (state) => sent.push(state));
    set({ x: 1 });
    expect(sent).toEqual([]);
    setJoined(true);
    setJoined(false);
    setJoined(true);
    expect(sent).toEqual([{ x: 1 }, { x: 1 }]);
    set(null);
    expect(sent.at(-1)).toBeNull();
  });
});

describe('the token bucket', () => {
  it('allows a burst of two, then one call about every ten seconds', () => {
    const sent: number[] = [];
    const [set, setJoined] = createPresenceTracker(PRESENCE_LIMIT, () => sent.push(Date.now()));
    const start = Date.now();
    setJoined(true);
    for (let i = 0; i < 400; i++) {
      set({ i });
      vi.advanceTimersByTime(100);
    }
    const gaps = sent.map((at) => at - start);
    expect(gaps.slice(0, 2)).toEqual([0, 100]);
    expect(gaps[2]).toBeGreaterThan(9_000);
    expect(gaps[2]).toBeLessThan(11_000);
    expect(gaps[3]).toBeGreaterThan(19_000);
  });
});
