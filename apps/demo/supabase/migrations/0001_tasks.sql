-- The demo's shared task board. Everyone signed in (anonymous sign-ins included) sees and edits
-- every task; the board stays live through postgres changes (the table is in supabase_realtime).
create table if not exists public.tasks (
  id uuid primary key default gen_random_uuid(),
  title text not null check (char_length(title) between 1 and 200),
  done boolean not null default false,
  created_by uuid default auth.uid(),
  created_by_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index if not exists tasks_created_at on public.tasks (created_at);

-- old_record carries every column on UPDATE and DELETE, so clients can merge without refetching.
alter table public.tasks replica identity full;

create or replace function public.tasks_touch() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

drop trigger if exists tasks_touch on public.tasks;
create trigger tasks_touch before update on public.tasks
  for each row execute function public.tasks_touch();

alter table public.tasks enable row level security;

drop policy if exists "tasks: signed-in users read" on public.tasks;
create policy "tasks: signed-in users read" on public.tasks
  for select to authenticated using (true);

drop policy if exists "tasks: signed-in users add" on public.tasks;
create policy "tasks: signed-in users add" on public.tasks
  for insert to authenticated with check (created_by = auth.uid());

drop policy if exists "tasks: signed-in users update" on public.tasks;
create policy "tasks: signed-in users update" on public.tasks
  for update to authenticated using (true) with check (true);

drop policy if exists "tasks: signed-in users delete" on public.tasks;
create policy "tasks: signed-in users delete" on public.tasks
  for delete to authenticated using (true);

do $$
begin
  if not exists (
    select 1 from pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'tasks'
  ) then
    alter publication supabase_realtime add table public.tasks;
  end if;
end;
$$;
