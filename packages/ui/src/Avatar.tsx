'use client';
import { forwardRef, useState, type HTMLAttributes, type Ref } from 'react';
import { cx } from './cx';
import { initials } from './initials';
import type { RoomUser } from './types';
import type { PresenceStatus } from './useActivity';
import { userColor } from './userColor';

/** Props of {@link Avatar}. */
export interface AvatarProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** Who to show. */
  user: RoomUser;
  /** Their activity, exposed as `data-state`. @default 'online' */
  status?: PresenceStatus;
}

/**
 * One person's avatar: their image, or their initials on their colour when there is none or it
 * fails to load. Renders one element (`img` or `span`).
 * @example
 * <Avatar user={{ id: 'u1', name: 'Ann Lee' }} status="idle" />
 */
export const Avatar = forwardRef<HTMLElement, AvatarProps>(function Avatar(
  // `children` is dropped even from an untyped caller: on an `img` React throws.
  {
    user,
    status = 'online',
    className,
    style,
    children: _children,
    ...props
  }: AvatarProps & {
    children?: unknown;
  },
  ref,
) {
  const [failed, setFailed] = useState<string | null>(null);
  const shared = {
    'data-slot': 'avatar',
    'data-state': status,
    title: user.name,
    className: cx('rk-avatar', className),
    style: { '--rk-user-color': userColor(user.id), ...style },
  };
  if (user.avatarUrl && failed !== user.avatarUrl)
    return (
      <img
        ref={ref as Ref<HTMLImageElement>}
        src={user.avatarUrl}
        alt={user.name}
        onError={() => setFailed(user.avatarUrl ?? null)}
        {...shared}
        {...props}
      />
    );
  return (
    <span
      ref={ref as Ref<HTMLSpanElement>}
      role="img"
      aria-label={user.name}
      {...shared}
      {...props}
    >
      {initials(user.name)}
    </span>
  );
});
