import { describe, expect, it } from 'vitest';
import { jitteredBackoff } from '../core/jitteredBackoff';

describe('jitteredBackoff', () => {
  it('doubles from 1 s to 30 s', () => {
    const delay = jitteredBackoff({ random: () => 0.5 });
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(delay)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('spreads each delay by at most ±25 %', () => {
    expect(jitteredBackoff({ random: () => 0 })(1)).toBe(750);
    expect(jitteredBackoff({ random: () => 1 })(1)).toBe(1250);
    const delays = Array.from({ length: 200 }, () => jitteredBackoff()(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(3000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });

  it('starts at initialMs and stops at maxMs', () => {
    const delay = jitteredBackoff({ initialMs: 250, maxMs: 1500, random: () => 0.5 });
    expect([1, 2, 3, 4, 5, 9].map(delay)).toEqual([250, 500, 1000, 1500, 1500, 1500]);
  });

  it('spreads each delay by the given jitter, and not at all with 0', () => {
    expect(jitteredBackoff({ jitter: 0.5, random: () => 0 })(2)).toBe(1000);
    expect(jitteredBackoff({ jitter: 0.5, random: () => 1 })(2)).toBe(3000);
    const steady = jitteredBackoff({ jitter: 0 });
    expect(Array.from({ length: 50 }, () => steady(2))).toEqual(Array(50).fill(2000));
  });
});
