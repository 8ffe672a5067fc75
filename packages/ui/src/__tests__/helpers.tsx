import { jitteredBackoff, RealtimeProvider, useChannelStatus } from '@roomkit/react';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import axe from 'axe-core';
import { useState, type ReactNode } from 'react';
import { expect, onTestFailed, onTestFinished, vi } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import { Chat, type ChatProps } from '../Chat';
import { chatTable, type ChatTableSource } from '../chatTable';
import type { ChatEntry } from '../chatTypes';
import type { ChatTable } from '../createChatTable';
import './commands';

const clients: SupabaseClient[] = [];
let count = 0;

/** A real supabase-js client signed in as `id` on the test server (native WebSocket). */
export async function clientFor(
  id: string,
  server: 'realtime' | 'database' = 'realtime',
): Promise<SupabaseClient> {
  const { url: realtimeUrl, anonKey, databaseUrl } = await commands.realtimeInfo();
  const url = server === 'realtime' ? realtimeUrl : databaseUrl;
  const token = await commands.realtimeToken(id);
  const client = createClient(url, anonKey, {
    accessToken: async () => token,
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `rk-ui-${++count}` },
    realtime: { reconnectAfterMs: jitteredBackoff({ initialMs: 100, maxMs: 500 }) },
  });
  clients.push(client);
  return client;
}

/**
 * A real user: signed in anonymously through the server's auth API with `name` in their user
 * metadata (what the chat tables show as their name), on their own client.
 */
export async function signedIn(
  name: string,
  options: { fetch?: typeof fetch } = {},
): Promise<{ client: SupabaseClient; user: { id: string; name: string } }> {
  const { url, anonKey } = await commands.realtimeInfo();
  const client = createClient(url, anonKey, {
    global: { fetch: options.fetch },
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `rk-ui-${++count}` },
    realtime: { reconnectAfterMs: jitteredBackoff({ initialMs: 100, maxMs: 500 }) },
  });
  clients.push(client);
  const { data, error } = await client.auth.signInAnonymously({ options: { data: { name } } });
  if (error || !data.session || !data.user) throw new Error(`sign-in failed: ${error?.message}`);
  await client.realtime.setAuth(data.session.access_token);
  return { client, user: { id: data.user.id, name } };
}

/** A user signed in by {@link signedIn}: their client and who they are. */
export type SignedInUser = Awaited<ReturnType<typeof signedIn>>;

/** Ann and Bo, signed in (in that order) on clients of their own, and a new room `prefix-<uuid>`. */
export async function twoUsers(
  prefix: string,
): Promise<{ room: string; ann: SignedInUser; bo: SignedInUser }> {
  const room = `${prefix}-${uuid()}`;
  const ann = await signedIn('Ann');
  const bo = await signedIn('Bo');
  return { room, ann, bo };
}

/**
 * Sends `count` messages, `message 0` to `message <count - 1>`, one after the other as the owner
 * of `table`, and returns their ids in that order.
 */
export async function sendMessages(
  table: ChatTable,
  room: string,
  count: number,
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uuid());
  for (const [i, id] of ids.entries()) await table.send(room, { id, body: `message ${i}` });
  return ids;
}

/**
 * A `renderMessage` that counts its calls per message id in `renders` and shows a row as text:
 * its body, “(edited)” when edited, and each reaction's emoji with its count.
 */
export function countedRenders() {
  const renders = new Map<string, number>();
  const renderMessage = (entry: ChatEntry) => {
    renders.set(entry.id, (renders.get(entry.id) ?? 0) + 1);
    const reactions = (entry.reactions ?? []).map((r) => `${r.emoji}${r.users.length}`);
    return `${entry.body}${entry.editedAt ? ' (edited)' : ''} ${reactions.join(' ')}`;
  };
  return { renders, renderMessage };
}

/** Whether a `fetch` call is a `method` request to `path`. */
function isRequest(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
  method: string,
  path: string,
) {
  const url = input instanceof Request ? input.url : String(input);
  const verb = init?.method ?? (input instanceof Request ? input.method : 'GET');
  return verb === method && new URL(url).pathname === path;
}

/**
 * A `fetch` whose first `times` requests matching `method` and `path` fail as a dropped
 * connection does (a `TypeError`); `failed()` says how many it failed.
 */
export function failingFirst(method: string, path: string, times = 1) {
  let failed = 0;
  const fetchOnce: typeof fetch = (input, init) => {
    if (failed < times && isRequest(input, init, method, path)) {
      failed++;
      return Promise.reject(new TypeError('Failed to fetch'));
    }
    return fetch(input, init);
  };
  return { fetch: fetchOnce, failed: () => failed };
}

/**
 * A `fetch` that logs the requests matching `method` and `path` as they go out (`asked` and
 * their body) and as their answers come back (`answered`), in order.
 */
export function loggedRequests(method: string, path: string) {
  const log: string[] = [];
  const logging: typeof fetch = async (input, init) => {
    if (!isRequest(input, init, method, path)) return fetch(input, init);
    log.push(`asked ${String(init?.body)}`);
    try {
      return await fetch(input, init);
    } finally {
      log.push('answered');
    }
  };
  return { fetch: logging, log };
}

/**
 * Keeps what the page logs during the current test and prints it if the test fails, so an
 * intermittent failure in a full run shows what the page said.
 */
export function consoleOnFailure() {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(
        `[${level}] ${args.map((arg) => (arg instanceof Error ? arg.stack : String(arg))).join(' ')}`,
      );
    }),
  );
  onTestFinished(() => spies.forEach((spy) => spy.mockRestore()));
  onTestFailed(({ task }) => {
    spies.forEach((spy) => spy.mockRestore());
    console.error(`Page console of "${task.name}":\n${lines.join('\n') || '(nothing)'}`);
  });
}

const tables = new WeakMap<SupabaseClient, ChatTableSource>();
/** One chat source per client, as an app makes it once. */
export const tableOf = (client: SupabaseClient): ChatTableSource => {
  const table = tables.get(client) ?? chatTable(client);
  tables.set(client, table);
  return table;
};

/** Closes every client made by {@link clientFor}. */
export async function closeClients() {
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
}

/** One user's app: their own client, provider and (unless `withoutQuery`) query client. */
export function Side(props: {
  client: SupabaseClient;
  children: ReactNode;
  presenceGraceMs?: number;
  /** An app without react-query: no `QueryClientProvider`. */
  withoutQuery?: boolean;
}) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false } } }),
  );
  const app = (
    <RealtimeProvider
      client={props.client}
      lingerMs={0}
      presenceGraceMs={props.presenceGraceMs ?? 300}
    >
      {props.children}
    </RealtimeProvider>
  );
  if (props.withoutQuery) return app;
  return <QueryClientProvider client={queryClient}>{app}</QueryClientProvider>;
}

/** One user's app showing a table chat: their client, their user, and (unless given) their table. */
export function ChatOf({
  who,
  phase,
  ...props
}: { who: SignedInUser; phase?: string } & Omit<ChatProps, 'user' | 'table'> & {
    table?: ChatProps['table'];
  }) {
  return (
    <Side client={who.client}>
      <Chat user={who.user} table={tableOf(who.client)} {...props} />
      {/* The phase of the room the table's changes arrive on, for a test that waits on the join. */}
      {phase ? (
        <RoomPhase room={tableOf(who.client).topic(props.room)} private testId={phase} />
      ) : null}
    </Side>
  );
}

/** Runs axe on an element and returns the violations' ids. */
export async function axeViolations(element: Element): Promise<string[]> {
  const result = await axe.run(element, { resultTypes: ['violations'] });
  return result.violations.map((violation) => `${violation.id}: ${violation.help}`);
}

/** A uuid, for user ids that the chat table's `auth.uid()` accepts. */
export const uuid = () => crypto.randomUUID();

/** A room's phase as one user's app sees it (it joins nothing), for a test to wait on. */
export function RoomPhase(props: { room: string; private?: boolean; testId: string }) {
  const { phase } = useChannelStatus(props.room, { private: props.private ?? false });
  return <output data-testid={props.testId}>{phase}</output>;
}

/** Waits until every {@link RoomPhase} named shows its room joined. */
export async function untilJoined(...testIds: string[]) {
  for (const testId of testIds) {
    await expect
      .element(page.getByTestId(testId), { timeout: 10_000 })
      .toHaveTextContent(/^joined$/);
  }
}

/** The element of one side of a test, by its `data-testid`. */
export const side = (id: string) => page.getByTestId(id);

/** The texts of the messages one side shows, in order. */
export const bodies = (id: string) =>
  [...side(id).element().querySelectorAll('[data-slot="chat-body"]')].map((el) => el.textContent);

/** Types `text` in one side's composer and sends it with Enter. */
export async function write(id: string, text: string) {
  await userEvent.fill(side(id).getByRole('combobox', { name: 'Message' }), text);
  await userEvent.keyboard('{Enter}');
}
