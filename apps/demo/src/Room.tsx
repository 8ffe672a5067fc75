import { RoomkitDevtools } from '@roomkit/devtools';
import { RealtimeProvider } from '@roomkit/react';
import { acrossTabs } from '@roomkit/react/tabs';
import { AvatarStack, Chat, ConnectionBadge, Cursors, type RoomUser } from '@roomkit/ui';
import { chatTable } from '@roomkit/ui/table';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Board } from './Board';
import { MyNotes } from './MyNotes';
import { supabase } from './supabase';

/** Everyone who opens the page is in this one room. */
const ROOM = 'demo:board';

// Server-authoritative chat on the tables of @roomkit/ui/sql: stored first, edits, deletes,
// reactions, replies and an offline outbox.
const table = chatTable(supabase);

/** The signed-in page: one provider (one socket for all the user's tabs), the board with cursors, the chat. */
export default function Room({ user }: { user: RoomUser }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000 } } }),
  );
  const board = useRef<HTMLDivElement>(null);
  return (
    <QueryClientProvider client={queryClient}>
      {/* One connection for all of a user's tabs: one leader tab holds it, the others relay. */}
      <RealtimeProvider client={supabase} shareConnection={acrossTabs}>
        <div className="demo-page">
          <header className="demo-header">
            <h1>Task board</h1>
            <AvatarStack room={ROOM} user={user} max={5} data-testid="avatars" />
            <ConnectionBadge data-testid="connection" />
            <span className="demo-me">
              <span data-testid="me">{user.name}</span>
              <button
                type="button"
                className="demo-button"
                data-testid="sign-out"
                onClick={() => void supabase.auth.signOut()}
              >
                Sign out
              </button>
            </span>
          </header>
          <main className="demo-main">
            <section className="demo-board" ref={board} data-testid="board" aria-label="Board">
              <Board user={user} />
              <MyNotes user={user} />
              <Cursors room={ROOM} user={user} container={board} />
            </section>
            <aside className="demo-chat" aria-label="Chat">
              <Chat room={ROOM} user={user} table={table} />
            </aside>
          </main>
        </div>
        {/* Renders nothing, and adds no code, in the production build. */}
        <RoomkitDevtools position="bottom-left" />
      </RealtimeProvider>
    </QueryClientProvider>
  );
}
