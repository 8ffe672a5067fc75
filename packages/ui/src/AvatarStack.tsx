'use client';
import { usePresence } from '@roomkit/react';
import { forwardRef, useId, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { Avatar } from './Avatar';
import { cx } from './cx';
import type { RoomUser } from './types';
import { useActivity, type PresenceStatus } from './useActivity';

/** Props of {@link AvatarStack}. */
export interface AvatarStackProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The room whose presence to show and join. */
  room: string;
  /** This user; their tabs share one avatar. */
  user: RoomUser;
  /** Places in the stack, the `+N` button included: past `max` people, `max - 1` avatars show. @default 5 */
  max?: number;
  /** Avatar size, exposed as `data-size`. @default 'md' */
  size?: 'sm' | 'md' | 'lg';
  /** Stack direction. @default 'horizontal' */
  orientation?: 'horizontal' | 'vertical';
  /** After this long without input the user shows as idle. @default 60000 */
  idleMs?: number;
  /** Translated texts. */
  labels?: { group?: string; more?: (count: number) => string; list?: string };
}

interface AvatarState extends Record<string, unknown> {
  name: string;
  avatarUrl?: string;
  status: PresenceStatus;
}

const asStatus = (value: unknown): PresenceStatus =>
  value === 'idle' || value === 'away' ? value : 'online';

/**
 * Who is in a room, one avatar per person however many tabs they have, with a `+N` button that
 * opens a list of everyone. Users who drop stay for the provider's grace period.
 * @example
 * <AvatarStack room="doc:1" user={{ id: 'u1', name: 'Ann' }} max={3} />
 */
export const AvatarStack = forwardRef<HTMLDivElement, AvatarStackProps>(function AvatarStack(
  {
    room,
    user,
    max = 5,
    size = 'md',
    orientation = 'horizontal',
    idleMs = 60_000,
    labels,
    className,
    onKeyDown,
    ...props
  },
  ref,
) {
  const status = useActivity(idleMs);
  const state = useMemo<AvatarState>(
    () => ({ name: user.name, status, ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}) }),
    [user.name, user.avatarUrl, status],
  );
  const { users } = usePresence<AvatarState>(room, { key: user.id, state });
  const people = useMemo(
    () =>
      users.map((entry) => ({
        status: asStatus(entry.state.status),
        user: {
          id: entry.key,
          name: typeof entry.state.name === 'string' ? entry.state.name : entry.key,
          ...(typeof entry.state.avatarUrl === 'string'
            ? { avatarUrl: entry.state.avatarUrl }
            : {}),
        },
      })),
    [users],
  );
  const [open, setOpen] = useState(false);
  const listId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const shown = people.length > max ? people.slice(0, Math.max(0, max - 1)) : people;
  const hidden = people.length - shown.length;
  return (
    <div
      ref={ref}
      role="group"
      aria-label={labels?.group ?? 'People here'}
      data-slot="avatar-stack"
      data-size={size}
      data-orientation={orientation}
      data-state={open ? 'open' : 'closed'}
      onKeyDown={(event) => {
        onKeyDown?.(event);
        if (event.defaultPrevented || event.key !== 'Escape' || !open) return;
        setOpen(false);
        button.current?.focus();
      }}
      className={cx('rk-root rk-avatar-stack', className)}
      {...props}
    >
      {shown.map((person) => (
        <Avatar key={person.user.id} user={person.user} status={person.status} />
      ))}
      {hidden > 0 ? (
        <button
          ref={button}
          type="button"
          data-slot="avatar-more"
          aria-expanded={open}
          aria-controls={listId}
          aria-label={labels?.more?.(hidden) ?? `${hidden} more, show everyone`}
          onClick={() => setOpen((value) => !value)}
        >
          +{hidden}
        </button>
      ) : null}
      {open ? (
        <ul id={listId} aria-label={labels?.list ?? 'Everyone here'} data-slot="avatar-list">
          {people.map((person) => (
            <li key={person.user.id} data-state={person.status} tabIndex={-1}>
              {person.user.name}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
});
