-- @roomkit/ui "seen by" names: a reader without a profile is named as their own newest message in
-- that room names them, before 'Anonymous'. That name is already shown to whoever reads the room's
-- messages, and only members of the room read its pointers (0007), so no new name comes out. Sign-up
-- metadata is still never read here: a reader who has posted nothing in the room stays 'Anonymous'.
-- Replaces 0007's function; the trigger calling it stays.
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
