-- @roomkit/ui chat profiles: the name and avatar shown with a user's messages, one row per auth
-- user (anonymous sign-ins included), written only by that user. Messages copy them when stored
-- (0003), so a client never supplies an author's name.
create table if not exists public.chat_profiles (
  id uuid primary key default auth.uid() references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 64),
  -- Only web addresses: the avatar becomes an <img src>.
  avatar_url text check (char_length(avatar_url) <= 2048 and avatar_url ~ '^https?://')
);

alter table public.chat_profiles enable row level security;

-- Anyone signed in sees the names and avatars of the people they chat with.
drop policy if exists "chat_profiles: signed-in users read" on public.chat_profiles;
create policy "chat_profiles: signed-in users read" on public.chat_profiles
  for select to authenticated using (true);

-- Each user creates and changes only their own profile (an upsert needs both).
drop policy if exists "chat_profiles: users insert their own" on public.chat_profiles;
create policy "chat_profiles: users insert their own" on public.chat_profiles
  for insert to authenticated with check (id = (select auth.uid()));

drop policy if exists "chat_profiles: users update their own" on public.chat_profiles;
create policy "chat_profiles: users update their own" on public.chat_profiles
  for update to authenticated using (id = (select auth.uid())) with check (id = (select auth.uid()));
