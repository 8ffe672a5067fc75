-- @roomkit/ui chat reactions: one row per user, message and emoji. Reacting inserts the row,
-- taking the reaction back deletes it; each user adds and removes only their own.
create table if not exists public.chat_reactions (
  message_id text not null references public.chat_messages (id) on delete cascade,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  emoji text not null check (char_length(emoji) between 1 and 32),
  -- The message's room, copied when stored: the room's channel announces the reaction.
  room text not null default '',
  created_at timestamptz not null default now(),
  primary key (message_id, user_id, emoji)
);

alter table public.chat_reactions enable row level security;

drop policy if exists "chat_reactions: signed-in users read" on public.chat_reactions;
create policy "chat_reactions: signed-in users read" on public.chat_reactions
  for select to authenticated using (true);

drop policy if exists "chat_reactions: users add their own" on public.chat_reactions;
create policy "chat_reactions: users add their own" on public.chat_reactions
  for insert to authenticated with check (user_id = (select auth.uid()));

drop policy if exists "chat_reactions: users remove their own" on public.chat_reactions;
create policy "chat_reactions: users remove their own" on public.chat_reactions
  for delete to authenticated using (user_id = (select auth.uid()));

-- The room and time come from the database; a deleted message takes no new reactions.
create or replace function public.chat_reactions_stamp() returns trigger
language plpgsql set search_path = '' as $$
declare
  message record;
begin
  select m.room, m.deleted_at into message from public.chat_messages m where m.id = new.message_id;
  if not found then
    raise exception 'chat_reactions: message % does not exist', new.message_id
      using errcode = 'foreign_key_violation';
  end if;
  if message.deleted_at is not null then
    raise exception 'chat_reactions: message % is deleted', new.message_id
      using errcode = 'check_violation';
  end if;
  new.room := message.room;
  new.created_at := now();
  return new;
end;
$$;

drop trigger if exists chat_reactions_stamp on public.chat_reactions;
create trigger chat_reactions_stamp before insert on public.chat_reactions
  for each row execute function public.chat_reactions_stamp();
