-- @roomkit/ui chat messages, server-authoritative: the database stamps the time and the author,
-- authors edit and soft-delete their own messages, and a message may reply to another in its room.
-- `id` stays the sender's client-made id: the primary key is the idempotency key, so a retried
-- insert of the same message is refused (23505) or skipped (upsert ignoring duplicates).

alter table public.chat_messages
  add column if not exists edited_at timestamptz,
  add column if not exists deleted_at timestamptz,
  add column if not exists reply_to text references public.chat_messages (id) on delete set null;

-- A deleted message keeps no text.
alter table public.chat_messages drop constraint if exists chat_messages_body_check;
alter table public.chat_messages drop constraint if exists chat_messages_body_length;
alter table public.chat_messages add constraint chat_messages_body_length check (
  case when deleted_at is null then char_length(body) between 1 and 4000 else body = '' end
);

-- `not valid`: enforced for new rows without rejecting the migration over rows stored before it.
alter table public.chat_messages drop constraint if exists chat_messages_id_length;
alter table public.chat_messages add constraint chat_messages_id_length
  check (char_length(id) between 1 and 128) not valid;
alter table public.chat_messages drop constraint if exists chat_messages_room_length;
alter table public.chat_messages add constraint chat_messages_room_length
  check (char_length(room) between 1 and 128) not valid;

-- History pages read a room newest first, ties broken by id: `order by created_at desc, id desc`.
drop index if exists public.chat_messages_room_created_at;
create index if not exists chat_messages_room_page
  on public.chat_messages (room, created_at desc, id desc);
create index if not exists chat_messages_reply_to
  on public.chat_messages (reply_to) where reply_to is not null;

-- Whatever the client sent, the stored time is the database's and the author fields come from
-- the author's profile (else their sign-up metadata). Security definer: auth.users is not
-- readable by API roles.
create or replace function public.chat_messages_stamp() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  metadata jsonb;
  profile_name text;
  profile_avatar text;
begin
  new.created_at := now();
  new.edited_at := null;
  new.deleted_at := null;
  select p.display_name, p.avatar_url into profile_name, profile_avatar
    from public.chat_profiles p where p.id = new.user_id;
  select u.raw_user_meta_data into metadata from auth.users u where u.id = new.user_id;
  new.user_name := left(coalesce(
    profile_name,
    nullif(btrim(metadata ->> 'name'), ''),
    nullif(btrim(metadata ->> 'full_name'), ''),
    'Anonymous'
  ), 64);
  new.avatar_url := coalesce(
    profile_avatar,
    case when metadata ->> 'avatar_url' ~ '^https?://' then left(metadata ->> 'avatar_url', 2048) end
  );
  if new.reply_to is not null and not exists (
    select 1 from public.chat_messages m where m.id = new.reply_to and m.room = new.room
  ) then
    raise exception 'chat_messages: the message replied to (%) is not in room %', new.reply_to, new.room
      using errcode = 'foreign_key_violation';
  end if;
  return new;
end;
$$;

drop trigger if exists chat_messages_stamp on public.chat_messages;
create trigger chat_messages_stamp before insert on public.chat_messages
  for each row execute function public.chat_messages_stamp();

-- An update is an edit (a new body, by its author) or a soft delete (any non-null deleted_at, by
-- whoever a policy lets update the row); nothing else about a message changes.
create or replace function public.chat_messages_guard() returns trigger
language plpgsql set search_path = '' as $$
begin
  -- The foreign key unlinking replies from a message the service role hard-deleted.
  if new.reply_to is null and old.reply_to is not null
    and (new.id, new.room, new.user_id, new.user_name, new.avatar_url, new.body, new.created_at,
         new.edited_at, new.deleted_at)
      is not distinct from
      (old.id, old.room, old.user_id, old.user_name, old.avatar_url, old.body, old.created_at,
       old.edited_at, old.deleted_at)
    and not exists (select 1 from public.chat_messages m where m.id = old.reply_to)
  then
    return new;
  end if;
  if old.deleted_at is not null then
    raise exception 'chat_messages: message % is deleted', old.id
      using errcode = 'insufficient_privilege';
  end if;
  if (new.id, new.room, new.user_id, new.user_name, new.avatar_url, new.created_at, new.edited_at, new.reply_to)
    is distinct from
    (old.id, old.room, old.user_id, old.user_name, old.avatar_url, old.created_at, old.edited_at, old.reply_to)
  then
    raise exception 'chat_messages: only body and deleted_at can change'
      using errcode = 'insufficient_privilege';
  end if;
  if new.deleted_at is not null then
    new.deleted_at := now();
    new.body := '';
  elsif new.body is distinct from old.body then
    if auth.uid() is distinct from old.user_id and auth.uid() is not null then
      raise exception 'chat_messages: only its author edits message %', old.id
        using errcode = 'insufficient_privilege';
    end if;
    new.edited_at := now();
  end if;
  return new;
end;
$$;

drop trigger if exists chat_messages_guard on public.chat_messages;
create trigger chat_messages_guard before update on public.chat_messages
  for each row execute function public.chat_messages_guard();

-- Authors edit and soft-delete their own messages. Hard deletes stay with the service role.
drop policy if exists "chat_messages: authors update their own" on public.chat_messages;
create policy "chat_messages: authors update their own" on public.chat_messages
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
