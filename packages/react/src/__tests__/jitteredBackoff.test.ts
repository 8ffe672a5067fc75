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
});
