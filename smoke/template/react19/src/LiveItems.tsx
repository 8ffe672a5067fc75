import { useRealtimeQuery } from '@roomkit/react/query';
import { useState, type FormEvent } from 'react';
import { supabase } from './supabase';

interface Item extends Record<string, unknown> {
  id: number;
  title: string;
}

async function loadItems(): Promise<Item[]> {
  const { data, error } = await supabase.from('items').select('*').order('id');
  if (error) throw new Error(error.message);
  return data as Item[];
}

/** The `items` table, loaded with `supabase.from()` and kept live by postgres changes. */
export function LiveItems() {
  const items = useRealtimeQuery<Item>(
    { queryKey: ['items'], queryFn: loadItems },
    { table: 'items', apply: 'merge', order: { column: 'id' } },
  );
  const [title, setTitle] = useState('');
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const { error } = await supabase.from('items').insert({ title });
    if (error) throw new Error(error.message);
    setTitle('');
  };
  return (
    <section data-testid="items" data-state={items.status}>
      <form onSubmit={(event) => void add(event)}>
        <input aria-label="New item" value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit">Add item</button>
      </form>
      <ul>
        {items.data?.map((item) => (
          <li key={item.id} data-testid="item">
            {item.title}
          </li>
        ))}
      </ul>
    </section>
  );
}
