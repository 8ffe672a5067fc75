-- @roomkit/ui reaction guards: a reaction is emoji, not a message, and one user puts at most 20
-- distinct reactions on one message.

-- Emoji-like: built only from emoji characters (pictographs, symbols, arrows, regional-indicator
-- flags, the enclosed emoji letters 🅰 🅱 🅾 🅿 🆎 🆑-🆚 and ideographs 🈁 🈂 🈚 🈯 🈲-🈺 🉐 🉑) and
-- their components (ZWJ, variation selectors, tag sequences); skin tones are pictographs. The only
-- ASCII allowed is a keycap's base (#, * or a digit, then U+20E3), so no word, URL or markup, and no
-- whitespace, fits; a component never starts one. Immutable: checks only its argument.
create or replace function public.chat_reaction_emoji_valid(emoji text) returns boolean
language sql immutable strict parallel safe set search_path = '' as $$
  select emoji ~ (
    '^(?:' || keycap || '|' || base || ')(?:' || keycap || '|' || base || '|' || component || ')*$'
  )
  from (values (
    '[#*0-9]\uFE0F?\u20E3',
    '[\u00A9\u00AE\u203C\u2049\u2122\u2139\u2190-\u21FF\u2300-\u23FF\u24C2\u25A0-\u27BF'
      || '\u2900-\u297F\u2B00-\u2BFF\u3030\u303D\u3297\u3299\U0001F000-\U0001F0FF'
      || '\U0001F170\U0001F171\U0001F17E\U0001F17F\U0001F18E\U0001F191-\U0001F19A'
      || '\U0001F1E6-\U0001F1FF\U0001F201\U0001F202\U0001F21A\U0001F22F\U0001F232-\U0001F23A'
      || '\U0001F250\U0001F251\U0001F300-\U0001FAFF]',
    '[\u200D\uFE0E\uFE0F\U000E0020-\U000E007F]'
  )) as parts (keycap, base, component);
$$;

-- `not valid`: enforced for new reactions without failing the migration over stored ones. The ui
-- README shows how to find (and remove) stored reactions that fail it.
alter table public.chat_reactions drop constraint if exists chat_reactions_emoji_shape;
alter table public.chat_reactions add constraint chat_reactions_emoji_shape
  check (public.chat_reaction_emoji_valid(emoji)) not valid;

-- At most 20 distinct reactions by one user on one message; the 21st is refused with 23514
-- (check_violation, as a violated check) and a message saying so. The lock
-- serializes one user's concurrent reactions to one message, so two at once cannot both be the
-- 20th. A reaction the user already has passes here and is refused as the duplicate it is
-- (23505). Security definer: counts the user's own rows whatever a narrowed select policy shows.
create or replace function public.chat_reactions_limit() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('chat_reactions:' || new.message_id || ':' || new.user_id::text, 0)
  );
  if (select count(*) from public.chat_reactions r
       where r.message_id = new.message_id and r.user_id = new.user_id
         and r.emoji is distinct from new.emoji) >= 20 then
    raise exception 'chat_reactions: at most 20 reactions per user on message %', new.message_id
      using errcode = 'check_violation', constraint = 'chat_reactions_limit',
            hint = 'Take back one of your reactions to this message first.';
  end if;
  return new;
end;
$$;

drop trigger if exists chat_reactions_limit on public.chat_reactions;
create trigger chat_reactions_limit before insert on public.chat_reactions
  for each row execute function public.chat_reactions_limit();
