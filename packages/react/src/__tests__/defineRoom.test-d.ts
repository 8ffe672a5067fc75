import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { PresenceUser } from '../core/presenceUsers';
import { defineRoom } from '../defineRoom';
import { useBroadcast } from '../useBroadcast';
import { usePresence } from '../usePresence';
import { usePresenceSelector } from '../usePresenceSelector';
import { useSyncQueriesWithRealtime } from '../query';
import { usePostgresChanges } from '../usePostgresChanges';

type Msg = { text: string; at: number };
type Me = { name: string; color: string };
const chat = defineRoom<{ events: { message: Msg; typing: { on: boolean } }; presence: Me }>(
  'chat:lobby',
);

describe('defineRoom', () => {
  it('types a room’s broadcast payloads by event', () => {
    const { send } = useBroadcast(chat, 'message', {
      onMessage: (payload) => expectTypeOf(payload).toEqualTypeOf<Msg>(),
    });
    expectTypeOf(send).parameter(0).toEqualTypeOf<Msg>();
    expectTypeOf(send).returns.toEqualTypeOf<Promise<'ok' | 'error' | 'timed out'>>();
    expectTypeOf(useBroadcast(chat, 'typing').send).parameter(0).toEqualTypeOf<{ on: boolean }>();
    // @ts-expect-error: the room declares no such event
    useBroadcast(chat, 'nope');
    // @ts-expect-error: the payload does not match the event
    void send({ text: 1 });
  });

  it('types presence users and state from the room', () => {
    const { users, me, update } = usePresence(chat, {
      key: 'u1',
      state: { name: 'A', color: 'red' },
    });
    expectTypeOf(users).toEqualTypeOf<readonly PresenceUser<Me>[]>();
    expectTypeOf(me).toEqualTypeOf<PresenceUser<Me> | undefined>();
    expectTypeOf(update).parameter(0).toEqualTypeOf<Me>();
    // @ts-expect-error: state must be the room's presence shape
    usePresence(chat, { key: 'u1', state: { name: 1 } });
    const color = usePresenceSelector(chat, (list) => list[0]?.state.color);
    expectTypeOf(color).toEqualTypeOf<string | undefined>();
  });

  it('takes explicit types for plain room names', () => {
    expectTypeOf(useBroadcast<{ x: number }>('canvas', 'cursor').send)
      .parameter(0)
      .toEqualTypeOf<{ x: number }>();
    expectTypeOf(usePresence<Me>('doc', { key: 'k' }).others).toEqualTypeOf<
      readonly PresenceUser<Me>[]
    >();
    expectTypeOf(useBroadcast('canvas', 'cursor').send).parameter(0).toEqualTypeOf<unknown>();
  });

  it('accepts Standard Schema validators that match the declared types', () => {
    defineRoom<{ events: { message: Msg } }>('typed', {
      validate: { events: { message: z.object({ text: z.string(), at: z.number() }) } },
    });
    defineRoom<{ events: { message: Msg } }>('typed', {
      // @ts-expect-error: the schema's output is not a Msg
      validate: { events: { message: z.object({ text: z.number() }) } },
    });
    defineRoom<{ presence: Me }>('typed', {
      validate: { presence: z.object({ name: z.string(), color: z.string() }) },
    });
    defineRoom<{ presence: Me }>('typed', {
      // @ts-expect-error: the schema's output is not a Me
      validate: { presence: z.object({ name: z.string() }) },
    });
  });

  it('types postgres changes by row', () => {
    useSyncQueriesWithRealtime<{ id: number; title: string }>({
      table: 'todos',
      queryKey: ['todos'],
      primaryKey: 'id',
      order: { column: 'title' },
      onChange: (change) => {
        if (change.eventType === 'INSERT')
          expectTypeOf(change.new).toEqualTypeOf<{ id: number; title: string }>();
      },
    });
    useSyncQueriesWithRealtime<{ id: number }>({
      table: 't',
      queryKey: [],
      // @ts-expect-error: not a column of the row
      order: { column: 'nope' },
    });
    // @ts-expect-error: queries come with the hooks of `@roomkit/react/query`
    usePostgresChanges({ table: 'todos', queryKey: ['todos'] });
  });
});
