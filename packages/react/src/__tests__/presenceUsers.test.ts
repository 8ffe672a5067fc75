import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createPresenceUsers } from '../core/presenceUsers';
import type { PresenceUser } from '../core/presenceUsers';
import { presenceCheck } from '../core/standardSchema';

afterEach(() => {
  vi.restoreAllMocks();
});

const meta = (state: Record<string, unknown>, ref = 'r1') => ({ ...state, presence_ref: ref });

describe('createPresenceUsers', () => {
  it('lists only the users whose state passes the schema', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const published: (readonly PresenceUser[])[] = [];
    const users = createPresenceUsers(0, (list) => published.push(list));
    users.sync(
      { ann: [meta({ name: 'Ann' })], ben: [meta({ name: 7 })] },
      presenceCheck(z.object({ name: z.string() })),
    );
    expect(published.at(-1)).toEqual([{ key: 'ann', state: { name: 'Ann' }, connections: 1 }]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('presence state of "ben" that failed validation'),
      expect.anything(),
    );
  });

  it('drops every state under a schema that validates asynchronously, without throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const published: (readonly PresenceUser[])[] = [];
    const users = createPresenceUsers(0, (list) => published.push(list));
    const slow = z.object({ name: z.string() }).refine(async () => true);
    expect(() => users.sync({ cat: [meta({ name: 'Cat' })] }, presenceCheck(slow))).not.toThrow();
    expect(published.at(-1) ?? []).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('presence state of "cat" that failed validation'),
      expect.anything(),
    );
  });

  it('validates a user again only when their state or connections change', () => {
    const validate = vi.fn((value: unknown) => ({ value }));
    const schema = { '~standard': { version: 1 as const, vendor: 'test', validate } };
    const users = createPresenceUsers(0, () => {});
    const check = presenceCheck(schema);
    users.sync({ dan: [meta({ x: 1 })] }, check);
    users.sync({ dan: [meta({ x: 1 })], eve: [meta({ x: 2 })] }, check);
    expect(validate).toHaveBeenCalledTimes(2);
    users.sync({ dan: [meta({ x: 1 }), meta({ x: 1 }, 'r2')], eve: [meta({ x: 2 })] }, check);
    expect(validate).toHaveBeenCalledTimes(3);
  });
});
