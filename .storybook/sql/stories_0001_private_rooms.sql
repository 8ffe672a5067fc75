-- For Storybook's "Private channels with RLS" recipe: a private room's Realtime channel is
-- joined (read) and sent to (write) only by its members, decided by RLS on realtime.messages.
create table if not exists public.private_rooms (
  topic text primary key check (topic like 'private-room:%'),
  owner uuid not null default auth.uid(),
  created_at timestamptz not null default now()
);

create table if not exists public.private_room_members (
  topic text not null references public.private_rooms (topic) on delete cascade,
  user_id uuid not null,
  primary key (topic, user_id)
);

alter table public.private_rooms enable row level security;
alter table public.private_room_members enable row level security;

-- Anyone signed in creates a room, as its owner; owners see their rooms.
drop policy if exists "private_rooms: users create their own" on public.private_rooms;
create policy "private_rooms: users create their own" on public.private_rooms
  for insert to authenticated with check (owner = auth.uid());

drop policy if exists "private_rooms: owners read" on public.private_rooms;
create policy "private_rooms: owners read" on public.private_rooms
  for select to authenticated using (owner = auth.uid());

-- Only a room's owner adds members; members see their own memberships, owners their rooms'.
drop policy if exists "private_room_members: owners add" on public.private_room_members;
create policy "private_room_members: owners add" on public.private_room_members
  for insert to authenticated with check (
    exists (
      select 1 from public.private_rooms r
      where r.topic = private_room_members.topic and r.owner = auth.uid()
    )
  );

drop policy if exists "private_room_members: members and owners read" on public.private_room_members;
create policy "private_room_members: members and owners read" on public.private_room_members
  for select to authenticated using (
    user_id = auth.uid()
    or exists (
      select 1 from public.private_rooms r
      where r.topic = private_room_members.topic and r.owner = auth.uid()
    )
  );

-- The channel itself: members of the room named by the topic may join it and send on it.
drop policy if exists "private rooms: members read" on realtime.messages;
create policy "private rooms: members read" on realtime.messages
  for select to authenticated using (
    realtime.topic() like 'private-room:%'
    and exists (
      select 1 from public.private_room_members m
      where m.topic = realtime.topic() and m.user_id = auth.uid()
    )
  );

drop policy if exists "private rooms: members write" on realtime.messages;
create policy "private rooms: members write" on realtime.messages
  for insert to authenticated with check (
    realtime.topic() like 'private-room:%'
    and exists (
      select 1 from public.private_room_members m
      where m.topic = realtime.topic() and m.user_id = auth.uid()
    )
  );
