-- @roomkit/ui "seen by": members of a room read each other's read pointers in that room, and
-- nobody else's; each pointer carries its reader's display name; a moved pointer is announced on
-- `chat:<room>` without saying whose it is, so members read the pointers again through RLS.

-- A room's member: a user with a message or a read pointer in it. The shipped rooms are open, so
-- this is no real membership: anyone signed in reads every room's messages (0001) and may mark any
-- of them read, which makes them a member who reads the room's pointers (who read how far, under
-- their display names). Closed rooms replace this function with their membership check, and also
-- narrow the policies the ui README lists under "Closed rooms".
create or replace function public.chat_room_member(room text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
      select 1 from public.chat_reads r
       where r.room = chat_room_member.room and r.user_id = (select auth.uid())
    ) or exists (
      select 1 from public.chat_messages m
       where m.room = chat_room_member.room and m.user_id = (select auth.uid())
    );
$$;

drop policy if exists "chat_reads: signed-in users read" on public.chat_reads;
drop policy if exists "chat_reads: room members read" on public.chat_reads;
create policy "chat_reads: room members read" on public.chat_reads
  for select to authenticated
  using (user_id = (select auth.uid()) or public.chat_room_member(room));

-- The reader's name: their profile's display name, else 'Anonymous'. Never sign-up metadata (as
-- messages fall back to): a reader has posted nothing, and metadata often holds a real name.
alter table public.chat_reads add column if not exists user_name text not null default 'Anonymous';

create or replace function public.chat_reads_name() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  new.user_name := coalesce(
    (select p.display_name from public.chat_profiles p where p.id = new.user_id),
    'Anonymous'
  );
  return new;
end;
$$;

drop trigger if exists chat_reads_name on public.chat_reads;
create trigger chat_reads_name before insert or update on public.chat_reads
  for each row execute function public.chat_reads_name();

-- Only the room: who moved their pointer, and to where, is for members to read.
create or replace function public.chat_reads_broadcast() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' or (new.last_read_at, new.last_read_id) is distinct from (old.last_read_at, old.last_read_id) then
    perform realtime.send(jsonb_build_object('room', new.room), 'READ', 'chat:' || new.room, true);
  end if;
  return null;
end;
$$;

drop trigger if exists chat_reads_broadcast on public.chat_reads;
create trigger chat_reads_broadcast after insert or update on public.chat_reads
  for each row execute function public.chat_reads_broadcast();
