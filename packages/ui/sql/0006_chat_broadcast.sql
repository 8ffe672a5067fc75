-- @roomkit/ui chat over Realtime: every stored change to a room's messages and reactions is
-- broadcast by the database to the private topic `chat:<room>`, so clients only ever see stored
-- rows. Clients may read that topic but never send on it; typing and presence use `chat-live:<room>`.

-- Security definer, as Supabase's guide does for realtime.broadcast_changes: the broadcast is
-- written by the function's owner whatever policies the writer has on realtime.messages.
create or replace function public.chat_messages_broadcast() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  topic text := 'chat:' || coalesce(new.room, old.room);
  gone public.chat_messages;
begin
  if tg_op = 'DELETE' then
    gone := old;
    gone.body := '';
    perform realtime.broadcast_changes(topic, tg_op, tg_op, tg_table_name, tg_table_schema, null, gone);
  else
    -- An edit or a delete never sends the previous text: the new row alone, old_record null.
    perform realtime.broadcast_changes(topic, tg_op, tg_op, tg_table_name, tg_table_schema, new, null);
  end if;
  return null;
end;
$$;

drop trigger if exists chat_messages_broadcast on public.chat_messages;
create trigger chat_messages_broadcast after insert or update or delete on public.chat_messages
  for each row execute function public.chat_messages_broadcast();

create or replace function public.chat_reactions_broadcast() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.broadcast_changes(
    'chat:' || coalesce(new.room, old.room), tg_op, tg_op, tg_table_name, tg_table_schema, new, old
  );
  return null;
end;
$$;

drop trigger if exists chat_reactions_broadcast on public.chat_reactions;
create trigger chat_reactions_broadcast after insert or delete on public.chat_reactions
  for each row execute function public.chat_reactions_broadcast();

-- Signed-in users join `chat:<room>` to receive it. No insert policy: a client broadcast there
-- could pass for a stored row.
drop policy if exists "chat: signed-in users receive stored changes" on realtime.messages;
create policy "chat: signed-in users receive stored changes" on realtime.messages
  for select to authenticated
  using (starts_with(realtime.topic(), 'chat:') and extension = 'broadcast');

-- `chat-live:<room>` carries what is never stored (typing, presence): read and write.
drop policy if exists "chat-live: signed-in users receive" on realtime.messages;
create policy "chat-live: signed-in users receive" on realtime.messages
  for select to authenticated
  using (starts_with(realtime.topic(), 'chat-live:') and extension in ('broadcast', 'presence'));

drop policy if exists "chat-live: signed-in users send" on realtime.messages;
create policy "chat-live: signed-in users send" on realtime.messages
  for insert to authenticated
  with check (starts_with(realtime.topic(), 'chat-live:') and extension in ('broadcast', 'presence'));
