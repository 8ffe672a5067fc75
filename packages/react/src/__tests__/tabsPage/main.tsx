import { createClient, type Session } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { BroadcastMessage, PresenceUser, SendStatus } from '../../index';
import { RealtimeProvider } from '../../RealtimeProvider';
import { useBroadcast } from '../../useBroadcast';
import { useChannelStatus } from '../../useChannelStatus';
import { useConnectionStatus } from '../../useConnectionStatus';
import { usePostgresChanges } from '../../usePostgresChanges';
import { usePresence } from '../../usePresence';
import { useRealtimeQuery } from '../../query/useRealtimeQuery';
import { acrossTabs } from '../../acrossTabs';
import { leaveRoom, rejoinRoom, roomConsumers } from '../../devtools';
import { useRealtime } from '../../useRealtime';
import { useTabLeader } from '../../useTabLeader';
import { tokenUser } from '../../core/sessionAuth';

// A page of an app that shares its connection across tabs (or not, with `?share=off`): chat over
// broadcast, presence, and a live query on `notes`, each reported on `window.page` for the test.

const params = new URLSearchParams(location.search);
const name = params.get('tab') ?? 'tab';
// With `?auth=token`, third-party auth: the token is the one in `localStorage` (shared by the
// context's tabs, as an auth SDK's session is), or this tab's own `?token=`.
const thirdParty = params.get('auth') === 'token';
const currentToken = (): string | null => params.get('token') ?? localStorage.getItem('tabs-token');
const supabase = createClient(params.get('url') ?? '', params.get('key') ?? '', {
  auth: { storageKey: 'tabs-test' },
  realtime: { reconnectAfterMs: () => 200, ...(thirdParty ? { heartbeatIntervalMs: 1000 } : {}) },
  ...(thirdParty ? { accessToken: async () => currentToken() } : {}),
});

/** What the test reads from each page. */
const page = {
  session: undefined as string | null | undefined,
  leader: 'unshared' as string,
  connection: 'idle' as string,
  room: 'idle' as string,
  // Every connection status and room phase this tab showed, in order.
  connections: [] as string[],
  phases: [] as string[],
  // Inserts heard through a binding only the tab named by `?insertsIn` has, merged into the join.
  inserts: 0,
  // With `?bench`: when each `tick` reached this tab's listener (`timeOrigin + now`), by number.
  ticks: [] as number[],
  chat: [] as string[],
  users: [] as PresenceUser[],
  fetches: 0,
  // When each read of the live query came back (`Date.now()`, the clock the test reads too).
  fetchedAt: [] as number[],
  notes: [] as string[],
  send: (_text: string): Promise<SendStatus> => Promise.resolve('error'),
  // The devtools' leave and rejoin of `board`, from this tab.
  leave: (): boolean => false,
  rejoin: (): boolean => false,
  // The devtools' consumer count of `board` in this tab.
  consumers: (): number | undefined => undefined,
  // Mounts or unmounts this tab's live query.
  showNotes: (_shown: boolean): void => {},
  supabase,
};
(window as unknown as { page: typeof page }).page = page;

function Tab({ session }: { session: Session }) {
  const { registry } = useRealtime();
  const leader = useTabLeader();
  const connection = useConnectionStatus().status;
  const room = useChannelStatus('board').phase;
  const { send } = useBroadcast<{ text: string }>('board', 'chat', {
    self: true,
    onMessage: (payload: { text: string }, _message: BroadcastMessage) =>
      page.chat.push(payload.text),
  });
  const { users } = usePresence('board', { key: session.user.id, state: { [name]: true } });
  const [notesShown, showNotes] = useState(params.get('notes') !== 'off');
  // Reported after each commit, so every status and phase the tab showed is recorded.
  useEffect(() => {
    Object.assign(page, {
      leader,
      connection,
      room,
      users,
      send: (text: string) => send({ text }),
      leave: () => leaveRoom(registry, 'board'),
      rejoin: () => rejoinRoom(registry, 'board'),
      consumers: () => roomConsumers(registry, 'board'),
      showNotes: (shown: boolean) => showNotes(shown),
    });
    if (page.connections.at(-1) !== connection) page.connections.push(connection);
    if (page.phases.at(-1) !== room) page.phases.push(room);
  });
  return (
    <>
      <p data-testid="ready">{session.user.id}</p>
      {notesShown ? <Notes /> : null}
      {name === params.get('insertsIn') ? <Inserts /> : null}
      {params.has('bench') ? <Ticks /> : null}
    </>
  );
}

// The live query on `notes`, tied to room `board`; `page.showNotes(false)` unmounts it.
function Notes() {
  const notes = useRealtimeQuery(
    {
      queryKey: ['notes'],
      queryFn: async () => {
        page.fetches++;
        const { data, error } = await supabase.from('notes').select('body').order('id');
        page.fetchedAt.push(Date.now());
        if (error) throw error;
        return data as { body: string }[];
      },
    },
    { table: 'notes', room: 'board' },
  );
  useEffect(() => {
    page.notes = (notes.data ?? []).map((note) => note.body);
  });
  return null;
}

function Ticks() {
  useBroadcast<{ n: number }>('board', 'tick', {
    onMessage: ({ n }) => (page.ticks[n] = performance.timeOrigin + performance.now()),
  });
  return null;
}

function Inserts() {
  usePostgresChanges({
    table: 'notes',
    event: 'INSERT',
    room: 'board',
    onChange: () => page.inserts++,
  });
  return null;
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [queries] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } }),
  );
  useEffect(() => {
    if (thirdParty) {
      // The app's own view of its third-party session: the token's user, checked often.
      const check = () => {
        const id = tokenUser(currentToken());
        page.session = id ?? null;
        setSession((last) =>
          last?.user.id === id ? last : id ? ({ user: { id } } as Session) : null,
        );
      };
      check();
      const timer = setInterval(check, 100);
      return () => clearInterval(timer);
    }
    const { data } = supabase.auth.onAuthStateChange((_event, next) => {
      page.session = next?.user.id ?? null;
      setSession(next);
    });
    return () => data.subscription.unsubscribe();
  }, []);
  if (!session) return <p data-testid="signed-out">signed out</p>;
  return (
    <QueryClientProvider client={queries}>
      <RealtimeProvider
        client={supabase}
        shareConnection={params.get('share') === 'off' ? undefined : acrossTabs}
      >
        <Tab session={session} />
      </RealtimeProvider>
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
