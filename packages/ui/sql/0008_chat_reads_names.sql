-- @roomkit/ui "seen by" names: a reader without a profile is named as their own newest message in
-- that room names them, before 'Anonymous'. That name is already shown to whoever reads the room's
-- messages, and only members of the room read its pointers (0007), so no new name comes out. Sign-up
-- metadata is still never read here: a reader who has posted nothing in the room stays 'Anonymous'.
-- A profile made or renamed renames its user's pointers at once, and members hear of it.
create or replace function public.chat_reads_name() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  new.user_name := coalesce(
    (select p.display_name from public.chat_profiles p where p.id = new.user_id),
    (select m.user_name from public.chat_messages m
      where m.room = new.room and m.user_id = new.user_id and m.deleted_at is null
      order by m.created_at desc, m.id desc
      limit 1),
    'Anonymous'
  );
  return new;
end;
$$;

-- Finds a reader's newest message in a room without walking the room's history.
create index if not exists chat_messages_room_author
  on public.chat_messages (room, user_id, created_at desc, id desc);

-- A new or changed display name renames the user's pointers (their trigger chat_reads_name reads
-- the profile). A pointer whose message the service role hard-deleted keeps its name until the
-- user reads that room again: chat_reads_stamp would refuse it for the missing message.
create or replace function public.chat_profiles_rename_reads() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.chat_reads r set user_name = new.display_name
   where r.user_id = new.id
     and r.user_name is distinct from new.display_name
     and exists (select 1 from public.chat_messages m where m.id = r.last_read_id and m.room = r.room);
  return null;
end;
$$;

drop trigger if exists chat_profiles_rename_reads on public.chat_profiles;
create trigger chat_profiles_rename_reads after insert or update of display_name on public.chat_profiles
  for each row execute function public.chat_profiles_rename_reads();

-- As 0007's, and a renamed pointer is announced too, so "seen by" shows the new name.
create or replace function public.chat_reads_broadcast() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT'
    or (new.last_read_at, new.last_read_id, new.user_name)
      is distinct from (old.last_read_at, old.last_read_id, old.user_name)
  then
    perform realtime.send(jsonb_build_object('room', new.room), 'READ', 'chat:' || new.room, true);
  end if;
  return null;
end;
$$;
