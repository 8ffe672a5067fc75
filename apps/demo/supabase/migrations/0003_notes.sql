-- Private notes: each signed-in user sees, adds and deletes only their own (RLS), live through
-- postgres changes, which the server filters by the same policy for each subscriber.
create table if not exists public.notes (
  id uuid primary key default gen_random_uuid(),
  owner uuid not null default auth.uid(),
  body text not null check (char_length(body) between 1 and 200),
  created_at timestamptz not null default now()
);

alter table public.notes replica identity full;
alter table public.notes enable row level security;

drop policy if exists "notes: owners read" on public.notes;
create policy "notes: owners read" on public.notes
  for select to authenticated using (owner = auth.uid());

drop policy if exists "notes: owners add" on public.notes;
create policy "notes: owners add" on public.notes
  for insert to authenticated with check (owner = auth.uid());

do $$
begin
  if not exists (
    select 1 from pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'notes'
  ) then
    alter publication supabase_realtime add table public.notes;
  end if;
end;
$$;
