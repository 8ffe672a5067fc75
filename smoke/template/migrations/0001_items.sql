-- The smoke app's live query: a table everyone signed in reads and adds to, in supabase_realtime.
create table public.items (
  id bigint generated always as identity primary key,
  title text not null
);
alter table public.items enable row level security;
create policy "items: signed-in users read" on public.items for select to authenticated using (true);
create policy "items: signed-in users add" on public.items for insert to authenticated with check (true);
alter publication supabase_realtime add table public.items;
