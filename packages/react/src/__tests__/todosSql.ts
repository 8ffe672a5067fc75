// SQL of the todos tables the mutation tests write to, in Node (pg) and in the browser (querySql).

/**
 * Makes `table`: todos (list 7 unless given) that refuse empty titles and deleting a row titled
 * 'locked', in the realtime publication.
 */
export const todosTableSql = (table: string) => `
  create table public.${table} (id serial primary key, list_id int not null default 7,
    title text not null check (title <> ''));
  create function public.${table}_keep() returns trigger language plpgsql as $$
    begin if old.title = 'locked' then raise exception 'locked rows stay'; end if; return old; end $$;
  create trigger keep before delete on public.${table}
    for each row execute function public.${table}_keep();
  alter publication supabase_realtime add table public.${table};
`;

/** Makes `<table>_log`, where every row write the database applies to `table` lands, in commit order. */
export const todosLogSql = (table: string) => `
  create table public.${table}_log (seq serial primary key, op text, title text);
  create function public.${table}_logged() returns trigger language plpgsql as $$
    begin
      insert into public.${table}_log (op, title)
        values (tg_op, case when tg_op = 'DELETE' then old.title else new.title end);
      return null;
    end $$;
  create trigger logged after insert or update or delete on public.${table}
    for each row execute function public.${table}_logged();
`;
