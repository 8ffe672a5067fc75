import { describe, expect, it } from 'vitest';
import type { ChatEntry } from '../chatTypes';
import { createMessageStore, LOCAL } from '../createMessageStore';

const user = { id: 'u', name: 'U' };
const entry = (id: string, createdAt = 0, extra: Partial<ChatEntry> = {}): ChatEntry => ({
  id,
  user,
  body: id,
  createdAt,
  status: 'sent',
  ...extra,
});

describe('createMessageStore', () => {
  it('orders stored messages by rank then id, with local ones after them in writing order', () => {
    const store = createMessageStore();
    const ranks: Record<string, number> = { b: 2, a: 2, c: 1 };
    const rank = (e: ChatEntry) => ranks[e.id] ?? LOCAL;
    store.add([entry('z', 0, { status: 'pending' }), entry('y', 0, { status: 'pending' })], rank);
    store.add([entry('b'), entry('a'), entry('c')], rank);
    expect(store.getSnapshot().map((e) => e.id)).toEqual(['c', 'a', 'b', 'z', 'y']);
  });

  it('moves a local message to its stored place when the stored copy replaces it', () => {
    const store = createMessageStore();
    const ranks: Record<string, number> = { other: 5 };
    const rank = (e: ChatEntry) => ranks[e.id] ?? LOCAL;
    const differs = (x: ChatEntry, y: ChatEntry) => x.status !== y.status;
    store.add([entry('mine', 0, { status: 'pending' })], rank);
    store.add([entry('other')], rank);
    ranks.mine = 3;
    expect(store.add([entry('mine')], rank, differs)).toBe(0);
    expect(store.getSnapshot().map((e) => [e.id, e.status])).toEqual([
      ['mine', 'sent'],
      ['other', 'sent'],
    ]);
  });

  it('keeps the list and its entries when a copy changes nothing', () => {
    const store = createMessageStore();
    store.add([entry('a', 1), entry('b', 2)]);
    const before = store.getSnapshot();
    const [first] = before;
    expect(store.add([entry('a', 1)])).toBe(0);
    expect(store.add([entry('a', 1)], undefined, (x, y) => x.body !== y.body)).toBe(0);
    expect(store.getSnapshot()).toBe(before);
    store.update('b', (e) => ({ ...e, body: 'edited' }));
    expect(store.getSnapshot()[0]).toBe(first);
    expect(store.getSnapshot()[1]?.body).toBe('edited');
  });
});
