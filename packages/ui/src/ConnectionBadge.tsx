'use client';
import { useConnectionStatus, useLostConnectionListener, type SocketStatus } from '@roomkit/react';
import { forwardRef, useState, type HTMLAttributes } from 'react';
import { cx } from './cx';

/**
 * What {@link ConnectionBadge} shows: the socket's own status (`useConnectionStatus`), except that
 * a drop shows `reconnecting` only once it outlasts the delay.
 */
export type ConnectionBadgeState = SocketStatus;

/** Props of {@link ConnectionBadge}. */
export interface ConnectionBadgeProps extends Omit<HTMLAttributes<HTMLSpanElement>, 'children'> {
  /** Drops shorter than this show nothing, so a blip does not flash the badge. @default 2000 */
  delayMs?: number;
  /** Translated labels. */
  labels?: Partial<Record<ConnectionBadgeState, string>>;
  /** Show the heartbeat latency while open. @default true */
  showLatency?: boolean;
}

const LABELS: Record<ConnectionBadgeState, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  open: 'Connected',
  reconnecting: 'Reconnecting',
};

/**
 * A small badge for the realtime socket: idle, connecting, connected (with latency) or
 * reconnecting, driven by the debounced lost-connection signal.
 * @example
 * <ConnectionBadge delayMs={1500} />
 */
export const ConnectionBadge = forwardRef<HTMLSpanElement, ConnectionBadgeProps>(
  function ConnectionBadge(
    { delayMs = 2000, labels, showLatency = true, className, ...props },
    ref,
  ) {
    const { status, latencyMs } = useConnectionStatus();
    const [lost, setLost] = useState(false);
    useLostConnectionListener({
      delayMs,
      onLost: () => setLost(true),
      onRestored: () => setLost(false),
    });
    // A drop shorter than the delay keeps showing the socket as open.
    const state: ConnectionBadgeState = status === 'reconnecting' && !lost ? 'open' : status;
    const label = { ...LABELS, ...labels }[state];
    return (
      <span
        ref={ref}
        role="status"
        data-slot="connection-badge"
        data-state={state}
        className={cx('rk-root rk-connection-badge', className)}
        {...props}
      >
        {label}
        {showLatency && state === 'open' && latencyMs != null ? ` · ${latencyMs} ms` : null}
      </span>
    );
  },
);

/** @deprecated Renamed {@link ConnectionBadge}, so it no longer shares a name with the socket status type. */
export const ConnectionStatus = ConnectionBadge;

/** @deprecated Renamed {@link ConnectionBadgeProps}. */
export type ConnectionStatusProps = ConnectionBadgeProps;
