/**
 * What every multi-user story needs: where the local server is, and one independent user per
 * column (own supabase client, own anonymous sign-in, own QueryClient, own RealtimeProvider).
 */
import { RoomkitDevtools, type RoomkitDevtoolsProps } from '@roomkit/devtools';
import { jitteredBackoff, RealtimeProvider } from '@roomkit/react';
import type { RoomUser } from '@roomkit/ui';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** The Supabase CLI's well-known local anon key, which `roomkit start` accepts by default. */
const LOCAL_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';

/** Set by the story tests' setup (their own server); otherwise the playground's server. */
declare global {
  var __ROOMKIT_STORY_SERVER__: { url: string; anonKey: string } | undefined;
}

export function storyServer(): { url: string; anonKey: string } {
  const env = import.meta.env as Partial<Record<string, string>>;
  return (
    globalThis.__ROOMKIT_STORY_SERVER__ ?? {
      url: env.STORYBOOK_ROOMKIT_URL ?? 'http://127.0.0.1:54321',
      anonKey: env.STORYBOOK_ROOMKIT_ANON_KEY ?? LOCAL_ANON_KEY,
    }
  );
}

/** Cuts this user's sockets at the server (a dev-only endpoint), as a lost network would. */
export async function dropConnection(sub: string): Promise<number> {
  const { url, anonKey } = storyServer();
  const response = await fetch(`${url}/roomkit/v1/connections/drop`, {
    method: 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ sub }),
  });
  const body = (await response.json()) as { dropped?: number; message?: string };
  if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
  return body.dropped ?? 0;
}

export const NAMES = ['Ann', 'Bob', 'Cleo'] as const;

/** Where each user's devtools button sits, by column, so two or three never overlap. */
const DEVTOOLS_CORNERS: NonNullable<RoomkitDevtoolsProps['position']>[] = [
  'bottom-right',
  'bottom-left',
  'top-right',
];

/**
 * Whether each {@link StoryUser} puts a `<RoomkitDevtools />` in its provider. The preview's
 * decorator turns it on for every story; a story opts out with `parameters.roomkitDevtools: false`.
 */
export const StoryDevtools = createContext(false);

let clients = 0;

/** A signed-in user of their own: everything a story column needs. */
export interface StoryUserContext {
  user: RoomUser;
  client: SupabaseClient;
  queryClient: QueryClient;
}

/**
 * One independent user: signs in anonymously as `name` on the local server, then renders
 * `children` inside that user's own providers. Says clearly when the server is not reachable.
 */
export function StoryUser(props: {
  name: string;
  presenceGraceMs?: number;
  /** The corner of this user's devtools button. @default 'bottom-right' */
  devtoolsPosition?: RoomkitDevtoolsProps['position'];
  children: (context: StoryUserContext) => ReactNode;
}) {
  const [state, setState] = useState<
    | { kind: 'signing-in' }
    | { kind: 'error'; message: string }
    | ({ kind: 'ready' } & StoryUserContext)
  >({ kind: 'signing-in' });
  const { name } = props;
  const devtools = useContext(StoryDevtools);
  useEffect(() => {
    let live = true;
    const { url, anonKey } = storyServer();
    const client = createClient(url, anonKey, {
      auth: { persistSession: false, autoRefreshToken: true, storageKey: `rk-story-${++clients}` },
      realtime: { reconnectAfterMs: jitteredBackoff({ initialMs: 300, maxMs: 3000 }) },
    });
    client.auth.signInAnonymously({ options: { data: { name } } }).then(
      ({ data, error }) => {
        if (!live) return;
        if (error || !data.user) {
          setState({ kind: 'error', message: error?.message ?? 'no user' });
          return;
        }
        setState({
          kind: 'ready',
          user: { id: data.user.id, name },
          client,
          queryClient: new QueryClient({ defaultOptions: { queries: { retry: false } } }),
        });
      },
      (error: unknown) => {
        if (live) setState({ kind: 'error', message: String(error) });
      },
    );
    return () => {
      live = false;
      void client.removeAllChannels();
    };
  }, [name]);
  if (state.kind === 'signing-in') return <p data-testid="story-status">Signing in as {name}…</p>;
  if (state.kind === 'error') {
    return (
      <p role="alert" data-testid="story-status">
        Cannot reach the Roomkit server at {storyServer().url} ({state.message}). Start the
        playground with <code>pnpm start</code>.
      </p>
    );
  }
  return (
    <QueryClientProvider client={state.queryClient}>
      <RealtimeProvider client={state.client} presenceGraceMs={props.presenceGraceMs}>
        {props.children(state)}
        {devtools && <RoomkitDevtools label={name} position={props.devtoolsPosition} />}
      </RealtimeProvider>
    </QueryClientProvider>
  );
}

/** `count` users side by side, each with a "Drop connection" button. */
export function Users(props: {
  count: number;
  presenceGraceMs?: number;
  children: (context: StoryUserContext) => ReactNode;
}) {
  return (
    <div
      className="rk-root"
      style={{
        display: 'grid',
        gap: 16,
        gridTemplateColumns: `repeat(${props.count}, minmax(0, 1fr))`,
      }}
    >
      {NAMES.slice(0, props.count).map((name, column) => (
        <section
          key={name}
          aria-label={name}
          data-testid={`user-${name}`}
          style={{ border: '1px solid #ddd', borderRadius: 8, padding: 12, minWidth: 0 }}
        >
          <StoryUser
            name={name}
            presenceGraceMs={props.presenceGraceMs}
            devtoolsPosition={DEVTOOLS_CORNERS[column]}
          >
            {(context) => (
              <>
                <header
                  style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 8 }}
                >
                  <strong>{name}</strong>
                  <button type="button" onClick={() => void dropConnection(context.user.id)}>
                    Drop connection
                  </button>
                </header>
                {props.children(context)}
              </>
            )}
          </StoryUser>
        </section>
      ))}
    </div>
  );
}

/** A room name of its own per story render, so stories never see each other's users. */
export function useStoryRoom(prefix: string): string {
  const [room] = useState(() => `${prefix}:${Math.random().toString(36).slice(2, 8)}`);
  return room;
}
