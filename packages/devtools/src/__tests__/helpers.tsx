import {
  jitteredBackoff,
  RealtimeProvider,
  useBroadcast,
  usePresence,
  usePresenceSelector,
} from '@roomkit/react';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import axe from 'axe-core';
import { useState, type ReactNode } from 'react';
import { commands } from 'vitest/browser';
import './commands';

const clients: SupabaseClient[] = [];
let count = 0;

/** A real supabase-js client signed in as `id` on the test server. */
export async function clientFor(
  id: string,
  { heartbeatIntervalMs = 1000 }: { heartbeatIntervalMs?: number } = {},
): Promise<SupabaseClient> {
  const { url, anonKey } = await commands.devtoolsServer();
  const token = await commands.devtoolsToken(id);
  const client = createClient(url, anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `rk-devtools-${++count}` },
    realtime: {
      reconnectAfterMs: jitteredBackoff({ initialMs: 100, maxMs: 500 }),
      // Heartbeats every second by default, so the latency shows without a 25-second wait.
      heartbeatIntervalMs,
    },
  });
  clients.push(client);
  return client;
}

/** Closes every client made by {@link clientFor}. */
export async function closeClients() {
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
}

/** One user's app: their own client and provider. */
export function Side(props: {
  client: SupabaseClient;
  presenceGraceMs?: number;
  children: ReactNode;
}) {
  return (
    <RealtimeProvider
      client={props.client}
      lingerMs={0}
      presenceGraceMs={props.presenceGraceMs ?? 300}
    >
      {props.children}
    </RealtimeProvider>
  );
}

/** A user in a room: tracked in presence with a name and a cursor, able to wave, counting waves. */
export function Member(props: { room: string; id: string; name: string }) {
  usePresence(props.room, { key: props.id, state: { name: props.name, cursor: { x: 1, y: 2 } } });
  const [waves, setWaves] = useState(0);
  const { send } = useBroadcast<{ from: string }>(props.room, 'wave', {
    onMessage: () => setWaves((count) => count + 1),
  });
  return (
    <>
      <button type="button" onClick={() => void send({ from: props.name })}>
        Wave as {props.name}
      </button>
      <output aria-label={`Waves ${props.name} received`}>{waves}</output>
    </>
  );
}

/** Who one user sees in a room, by presence key, in one line. */
export function Roster(props: { room: string; label: string }) {
  const keys = usePresenceSelector(props.room, (users) =>
    users
      .map((user) => user.key)
      .sort()
      .join(' '),
  );
  return <output aria-label={props.label}>{keys}</output>;
}

/** Runs axe on an element and returns the violations' ids. */
export async function axeViolations(element: Element): Promise<string[]> {
  const result = await axe.run(element, { resultTypes: ['violations'] });
  return result.violations.map((violation) => `${violation.id}: ${violation.help}`);
}

/** A fresh id. */
export const uuid = () => crypto.randomUUID();
