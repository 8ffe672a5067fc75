import { RealtimeProvider } from '@roomkit/react';
import type { ReactNode } from 'react';
import { supabase } from './supabase';

/** The realtime provider alone: this app has no react-query installed. */
export function Providers({ children }: { children: ReactNode }) {
  return <RealtimeProvider client={supabase}>{children}</RealtimeProvider>;
}
