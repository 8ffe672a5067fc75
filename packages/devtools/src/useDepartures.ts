import type { SupabaseClient } from '@supabase/supabase-js';
import type { PresenceUser, RealtimeState } from '@roomkit/react';
import { useEffect, useState } from 'react';
import { liveChannel } from './channelsOnSocket';

/** When each listed person was first seen gone, by `<room key> <presence key>`, and the time. */
export interface Departures {
  readonly now: number;
  readonly since: ReadonlyMap<string, number>;
}

/** `<room key> <presence key>` of each listed person missing from the room's joined channel. */
function departed(client: SupabaseClient, presence: RealtimeState['presence']): string[] {
  const gone: string[] = [];
  for (const [key, users] of Object.entries(presence) as [string, readonly PresenceUser[]][]) {
    // Only a joined channel knows who is there; during its own gap nobody counts as gone.
    const channel = liveChannel(client, key);
    if (channel?.state !== 'joined') continue;
    const here = channel.presenceState();
    for (const user of users) if (!(user.key in here)) gone.push(`${key} ${user.key}`);
  }
  return gone;
}

/**
 * The people the provider still lists though they left the channel (its presence grace period),
 * looked for every `everyMs`: a departure changes nothing in the store until the grace ends.
 */
export function useDepartures(
  client: SupabaseClient,
  presence: RealtimeState['presence'],
  everyMs = 500,
): Departures {
  const [departures, setDepartures] = useState<Departures>(() => ({
    now: Date.now(),
    since: new Map(),
  }));
  useEffect(() => {
    const look = (): void => {
      const now = Date.now();
      const gone = departed(client, presence);
      setDepartures((before) => ({
        now,
        since: new Map(gone.map((id) => [id, before.since.get(id) ?? now])),
      }));
    };
    const first = setTimeout(look, 0);
    const timer = setInterval(look, everyMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [client, presence, everyMs]);
  return departures;
}
