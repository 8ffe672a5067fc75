-- @roomkit/ui chat history: one row per message, keyed by the client-made id so retries and
-- replays never duplicate. Apply with the Supabase CLI (supabase/migrations) or `roomkit start --migrations`.
create table if not exists public.chat_messages (
  id text primary key,
  room text not null,
  user_id uuid not null default auth.uid(),
  user_name text not null,
  avatar_url text,
  body text not null check (char_length(body) between 1 and 4000),
  created_at timestamptz not null default now()
);

create index if not exists chat_messages_room_created_at on public.chat_messages (room, created_at desc);

alter table public.chat_messages enable row level security;

-- Anyone signed in (anonymous sign-ins included) reads a room's history.
drop policy if exists "chat_messages: signed-in users read" on public.chat_messages;
create policy "chat_messages: signed-in users read" on public.chat_messages
  for select to authenticated using (true);

-- Users write only as themselves; nobody edits or deletes through the API.
drop policy if exists "chat_messages: users insert their own" on public.chat_messages;
create policy "chat_messages: users insert their own" on public.chat_messages
  for insert to authenticated with check (user_id = auth.uid());
