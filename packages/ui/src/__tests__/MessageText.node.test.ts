import { describe, expect, it } from 'vitest';
import { mentions } from '../MessageText';

describe('mentions', () => {
  it('finds a name in full, in any case, spaces included', () => {
    expect(mentions('hi @ann lee!', 'Ann Lee')).toBe(true);
    expect(mentions('hi @Ann', 'Ann Lee')).toBe(false);
  });

  it('lets the longest known name win', () => {
    expect(mentions('hi @Ann Lee', 'Ann', ['Ann Lee'])).toBe(false);
    expect(mentions('hi @Ann Lee', 'Ann')).toBe(true);
    expect(mentions('@Ann Lee and @Ann', 'Ann', ['Ann Lee'])).toBe(true);
  });

  it('never takes the start of a longer name or an e-mail address for a mention', () => {
    expect(mentions('@Annabel', 'Ann')).toBe(false);
    expect(mentions('@Ann.Lee and @Ann-Marie', 'Ann')).toBe(false);
    expect(mentions('ann@example.com', 'example.com')).toBe(false);
    expect(mentions('thanks @Ann.', 'Ann')).toBe(true);
    expect(mentions('@Ann- and more', 'Ann')).toBe(true);
  });

  it('reads names as text, not as a pattern', () => {
    expect(mentions('@Cy (ops) <b>!', 'Cy (ops) <b>')).toBe(true);
    expect(mentions('@Cyy', 'C.y')).toBe(false);
    expect(mentions('@Cy', 'Cy', ['', ' ', 'C*'])).toBe(true);
    expect(mentions('@ hi', 'Cy', ['', ' '])).toBe(false);
  });
});
