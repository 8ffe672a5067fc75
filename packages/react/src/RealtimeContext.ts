import { createContext, useContext } from './reactApi';
import type { RealtimeStore } from './createRealtimeStore';

/** What a provider shares with its hooks: its client, store and channel registry. */
export type RealtimeContextValue = RealtimeStore;

/** The provider's context; null outside a provider. */
export const RealtimeContext = createContext<RealtimeContextValue | null>(null);

/** Reads the provider, or throws one sentence naming the hook and the provider. */
export function useRealtimeContext(hook: string): RealtimeContextValue {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error(`\`${hook}\` must be used within \`<RealtimeProvider>\``);
  return value;
}
