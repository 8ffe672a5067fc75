-- @roomkit/ui read receipts: each user's last-read message per room, and their unread count.
create table if not exists public.chat_reads (
  room text not null,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- The last message read, and its stored time (copied by the database: the pointer's position).
  last_read_id text not null,
  last_read_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (room, user_id)
);

alter table public.chat_reads enable row level security;

-- Room members see who read how far ("seen by"); drop this policy to keep read state private
-- and add one with `using (user_id = (select auth.uid()))`.
drop policy if exists "chat_reads: signed-in users read" on public.chat_reads;
create policy "chat_reads: signed-in users read" on public.chat_reads
  for select to authenticated using (true);

drop policy if exists "chat_reads: users insert their own" on public.chat_reads;
create policy "chat_reads: users insert their own" on public.chat_reads
  for insert to authenticated with check (user_id = (select auth.uid()));

drop policy if exists "chat_reads: users update their own" on public.chat_reads;
create policy "chat_reads: users update their own" on public.chat_reads
  for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- The pointer names a message of its room and only moves forward, so two tabs marking read out
-- of order never bring old messages back as unread.
create or replace function public.chat_reads_stamp() returns trigger
language plpgsql set search_path = '' as $$
declare
  read_at timestamptz;
begin
  if tg_op = 'UPDATE' and (new.room, new.user_id) is distinct from (old.room, old.user_id) then
    raise exception 'chat_reads: only last_read_id can change'
      using errcode = 'insufficient_privilege';
  end if;
  select m.created_at into read_at from public.chat_messages m
    where m.id = new.last_read_id and m.room = new.room;
  if not found then
    raise exception 'chat_reads: message % is not in room %', new.last_read_id, new.room
      using errcode = 'foreign_key_violation';
  end if;
  new.last_read_at := read_at;
  if tg_op = 'UPDATE' and (old.last_read_at, old.last_read_id) > (new.last_read_at, new.last_read_id) then
    new.last_read_at := old.last_read_at;
    new.last_read_id := old.last_read_id;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

drop trigger if exists chat_reads_stamp on public.chat_reads;
create trigger chat_reads_stamp before insert or update on public.chat_reads
  for each row execute function public.chat_reads_stamp();

-- Messages in `room` after the caller's pointer (all of them before their first read), not
-- counting their own or deleted ones. Security invoker: RLS decides what the caller can count.
-- supabase.rpc('chat_unread_count', { room: 'lobby' })
create or replace function public.chat_unread_count(room text) returns integer
language sql stable security invoker set search_path = '' as $$
  select count(*)::integer
    from public.chat_messages m
    left join public.chat_reads r
      on r.room = chat_unread_count.room and r.user_id = (select auth.uid())
   where m.room = chat_unread_count.room
     and m.deleted_at is null
     and m.user_id is distinct from (select auth.uid())
     and (r.user_id is null or (m.created_at, m.id) > (r.last_read_at, r.last_read_id));
$$;
