'use client';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { ReactNode } from 'react';
import { createElement, useEffect, useState } from './reactApi';
import type { PageLifecycle } from './core/pageLifecycle';
import type { RateLimit } from './core/presenceTracker';
import {
  createRealtimeStore,
  type RealtimeStore,
  type RealtimeStoreOptions,
} from './createRealtimeStore';
import { RealtimeContext } from './RealtimeContext';

/** Props of {@link RealtimeProvider}. */
export interface RealtimeProviderProps {
  /** The Supabase client; its one realtime socket carries every channel. A new one moves them all. */
  client: SupabaseClient;
  /** How long a channel stays joined after its last consumer unmounts. @default 1000 */
  lingerMs?: number;
  /** How long a user who dropped is still listed by presence hooks. @default 5000 */
  presenceGraceMs?: number;
  /** The server's per-channel presence limit. @default { maxCalls: 5, windowMs: 30000 } */
  presenceLimit?: RateLimit;
  /**
   * How the provider learns that the app goes away, to leave presence at once; pass one built on
   * React Native's `AppState` there. With `acrossTabs` it takes only this tab's presence out of
   * the group's, leader or follower. Read when the provider mounts. @default browserLifecycle
   */
  lifecycle?: PageLifecycle;
  /**
   * Shares the realtime connection beyond this provider: pass `acrossTabs` from
   * `@roomkit/react/tabs` for one connection per browser, however many tabs. Read when the
   * provider (or its client) changes. @default one connection per provider
   * @example
   * <RealtimeProvider client={supabase} shareConnection={acrossTabs}>…</RealtimeProvider>
   */
  shareConnection?: (options: RealtimeStoreOptions) => RealtimeStore;
  /** The app. */
  children?: ReactNode;
}

/**
 * Shares one realtime connection, one store and one channel registry with every hook below it.
 * @example
 * <RealtimeProvider client={supabase}>
 *   <App />
 * </RealtimeProvider>
 */
export function RealtimeProvider(props: RealtimeProviderProps) {
  const { client, children, shareConnection = createRealtimeStore } = props;
  // Created once per client; the registry joins nothing until a hook subscribes.
  // eslint-disable-next-line prefer-const -- one `let` for the pair keeps the main entry within its size budget; only `realtime` is reassigned.
  let [realtime, setRealtime] = useState(() => shareConnection(props));
  if (realtime.client !== client) {
    // A new client (an account switch that recreates it): every hook's effect sees a new
    // registry and moves to it; the old registry leaves its channels when its attach stops.
    setRealtime((realtime = shareConnection(props)));
  }
  useEffect(() => realtime.attach(), [realtime]);
  // createElement rather than JSX: the jsx-runtime import would be one more statement in the bundle.
  return createElement(RealtimeContext.Provider, { value: realtime }, children);
}
