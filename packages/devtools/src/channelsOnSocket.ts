import type { SupabaseClient } from '@supabase/supabase-js';

type RealtimeChannel = ReturnType<SupabaseClient['channel']>;

/** A room key (`public:name` / `private:name`) split into its parts. */
export function parseRoomKey(key: string): { name: string; isPrivate: boolean } {
  const isPrivate = key.startsWith('private:');
  return { name: key.slice(key.indexOf(':') + 1), isPrivate };
}

/** The client's live channel for a room, if there is one. */
export function liveChannel(client: SupabaseClient, key: string): RealtimeChannel | undefined {
  const { name, isPrivate } = parseRoomKey(key);
  return client.realtime
    .getChannels()
    .find((channel) => channel.topic === `realtime:${name}` && channel.private === isPrivate);
}

/** A channel's bindings in words: `broadcast`, `presence`, `INSERT public.todos`. */
export function describeBindings(channel: RealtimeChannel | undefined): string[] {
  if (!channel) return [];
  const described: string[] = [];
  for (const [type, bindings] of Object.entries(channel.bindings)) {
    for (const binding of bindings) {
      const filter = binding.filter as Record<string, unknown>;
      if (type === 'postgres_changes') {
        const where = typeof filter.filter === 'string' ? ` ${filter.filter}` : '';
        described.push(
          `${String(filter.event)} ${String(filter.schema)}.${String(filter.table)}${where}`,
        );
      } else if (type === 'broadcast' || type === 'presence') {
        const event = typeof filter.event === 'string' ? filter.event : '*';
        described.push(`${type} ${event}`);
      }
    }
  }
  return described;
}
