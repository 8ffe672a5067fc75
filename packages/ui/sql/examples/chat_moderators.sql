-- Example, not applied by the migrations folder: moderators who soft-delete any message in their
-- rooms. Grant moderation with the service role (dashboard, server code); `room = '*'` is every room.
create table if not exists public.chat_moderators (
  user_id uuid not null references auth.users (id) on delete cascade,
  room text not null,
  primary key (user_id, room)
);

alter table public.chat_moderators enable row level security;

-- A user sees only their own grants: enough for the policy below, which runs as them.
drop policy if exists "chat_moderators: users read their own" on public.chat_moderators;
create policy "chat_moderators: users read their own" on public.chat_moderators
  for select to authenticated using (user_id = (select auth.uid()));

-- Policies add up: moderators may update any message of their rooms, and the update guard
-- (0003) lets someone other than the author only set deleted_at.
drop policy if exists "chat_messages: moderators delete in their rooms" on public.chat_messages;
create policy "chat_messages: moderators delete in their rooms" on public.chat_messages
  for update to authenticated
  using (exists (
    select 1 from public.chat_moderators m
     where m.user_id = (select auth.uid()) and m.room in (chat_messages.room, '*')
  ))
  with check (exists (
    select 1 from public.chat_moderators m
     where m.user_id = (select auth.uid()) and m.room in (chat_messages.room, '*')
  ));
