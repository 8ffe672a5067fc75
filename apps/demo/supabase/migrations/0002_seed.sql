-- A few tasks so a new board is not empty. Applied once; a restarted playground keeps its data.
insert into public.tasks (title, done, created_by_name, created_at)
values
  ('Open this page in a second window', false, 'Roomkit', now() - interval '3 minutes'),
  ('Move the pointer over the board', false, 'Roomkit', now() - interval '2 minutes'),
  ('Say hello in the chat', false, 'Roomkit', now() - interval '1 minute'),
  ('Read the README', true, 'Roomkit', now());
