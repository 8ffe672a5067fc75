'use client';
import { useConnectionStatus, useLostConnectionListener } from '@roomkit/react';
import { forwardRef, useState, type HTMLAttributes } from 'react';
import { cx } from './cx';

/** What {@link ConnectionStatus} shows: `reconnecting` only once a drop outlasts the delay. */
export type ConnectionBadgeState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** Props of {@link ConnectionStatus}. */
export interface ConnectionStatusProps extends HTMLAttributes<HTMLSpanElement> {
  /** Drops shorter than this show nothing, so a blip does not flash the badge. @default 2000 */
  delayMs?: number;
  /** Translated labels. */
  labels?: Partial<Record<ConnectionBadgeState, string>>;
  /** Show the heartbeat latency while connected. @default true */
  showLatency?: boolean;
}

const LABELS: Record<ConnectionBadgeState, string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};

/**
 * A small badge: connected (with latency), reconnecting or offline, driven by the debounced
 * lost-connection signal.
 * @example
 * <ConnectionStatus delayMs={1500} />
 */
export const ConnectionStatus = forwardRef<HTMLSpanElement, ConnectionStatusProps>(
  function ConnectionStatus(
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
    // Before its first open the socket is not offline, only not needed yet (no channel joined).
    const [everOpen, setEverOpen] = useState(false);
    if (status === 'open' && !everOpen) setEverOpen(true);
    const state: ConnectionBadgeState =
      status === 'closed'
        ? everOpen
          ? 'offline'
          : 'connecting'
        : lost && status !== 'open'
          ? 'reconnecting'
          : status === 'connecting'
            ? 'connecting'
            : 'connected';
    const label = { ...LABELS, ...labels }[state];
    return (
      <span
        ref={ref}
        role="status"
        data-slot="connection-status"
        data-state={state}
        className={cx('rk-root rk-connection-status', className)}
        {...props}
      >
        {label}
        {showLatency && state === 'connected' && latencyMs != null ? ` · ${latencyMs} ms` : null}
      </span>
    );
  },
);
