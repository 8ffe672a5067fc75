import { describe, expect, it } from 'vitest';
import { bindingIds } from '../changes';
import { phash2 } from '../changes/phash2';

describe('bindingIds', () => {
  it('echoes each binding with its phash2 id, in order', async () => {
    const bindings = [
      { event: '*', schema: 'public', table: 'todos' },
      { event: 'INSERT', schema: 'public', table: 'notes', filter: 'id=eq.1' },
    ];
    expect(await bindingIds(bindings)).toEqual(
      bindings.map((binding) => ({ ...binding, id: phash2(binding) })),
    );
  });

  it('lets other work run while it hashes 100,000 bindings', async () => {
    const bindings = Array.from({ length: 100_000 }, (_, i) => ({
      event: '*',
      schema: 'public',
      table: 'todos',
      tag: i,
    }));
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    const ids = await Promise.resolve(bindingIds(bindings)).then((echoed) => {
      order.push('ids');
      return echoed;
    });
    expect(ids).toHaveLength(100_000);
    expect(ids[99_999]).toEqual({ ...bindings[99_999], id: phash2(bindings[99_999]) });
    expect(order).toEqual(['other work', 'ids']);
  });
});
