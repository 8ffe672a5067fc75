import { describe, expect, it } from 'vitest';
import { initials } from '../initials';
import { userColor } from '../userColor';

const hue = (color: string) => Number(/^oklch\(50% 0\.16 (\d+)\)$/.exec(color)?.[1]);

describe('userColor', () => {
  it('gives the same id the same colour every time', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `user-${i}`);
    expect(ids.map(userColor)).toEqual(ids.map(userColor));
    // Fixed values: two windows, two browsers or two releases give a person the same colour.
    expect(userColor('ann')).toBe('oklch(50% 0.16 320)');
    expect(userColor('f47ac10b-58cc-4372-a567-0e02b2c3d479')).toBe('oklch(50% 0.16 352)');
    expect(userColor('')).toMatch(/^oklch\(50% 0\.16 \d+\)$/);
  });

  it('gives the fixed lightness and chroma with a hue from 0 to 359', () => {
    for (const id of ['a', 'b', 'ann', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'ü-ñ-字']) {
      expect(userColor(id)).toMatch(/^oklch\(50% 0\.16 \d+\)$/);
      expect(hue(userColor(id))).toBeGreaterThanOrEqual(0);
      expect(hue(userColor(id))).toBeLessThan(360);
    }
  });

  it('spreads ids that differ by one character over distant hues', () => {
    const hues = Array.from({ length: 26 }, (_, i) =>
      hue(userColor(`user-${String.fromCharCode(97 + i)}`)),
    );
    expect(new Set(hues).size).toBe(26);
    expect(hue(userColor('user-a'))).not.toBe(hue(userColor('user-b')));
  });

  it('spreads many ids over the whole wheel', () => {
    // Uuid-shaped ids that differ only in their last digits, as sequential ids do.
    const hues = Array.from({ length: 1000 }, (_, i) =>
      hue(userColor(`f47ac10b-58cc-4372-a567-${String(i).padStart(12, '0')}`)),
    );
    // Every 30° sector gets a share near 1000 / 12 ≈ 83.
    const sectors = Array.from({ length: 12 }, () => 0);
    for (const h of hues) sectors[Math.floor(h / 30)] = (sectors[Math.floor(h / 30)] ?? 0) + 1;
    for (const count of sectors) expect(count).toBeGreaterThan(40);
    // Two people picked at random rarely share a hue: over 300 of the 360 are used.
    expect(new Set(hues).size).toBeGreaterThan(300);
  });
});

describe('initials', () => {
  it('takes the first letters of the first and last words, upper-cased', () => {
    expect(initials('Ann Lee')).toBe('AL');
    expect(initials('  cy   de  la  rosa ')).toBe('CR');
    expect(initials('bo')).toBe('B');
    expect(initials('   ')).toBe('?');
  });
});
