import type { SupabaseClient } from '@supabase/supabase-js';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { cleanup } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach } from 'vitest';
import { RealtimeProvider, type RealtimeProviderProps } from '../RealtimeProvider';
import { startTestRealtime, type TestRealtime, type TestRealtimeOptions } from '../testing';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Unmount first, so hooks release their channels while the server still answers.
  cleanup();
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** An in-process server with clients per user; stopped after the test. */
export async function testRealtime(options: TestRealtimeOptions = {}): Promise<TestRealtime> {
  const realtime = await startTestRealtime(options);
  stops.push(() => realtime.stop());
  return realtime;
}

/** A render wrapper that puts a provider for `client` around the tree. */
export function provider(
  client: SupabaseClient,
  props: Omit<RealtimeProviderProps, 'client' | 'children'> = {},
) {
  return function Wrapper({ children }: { children?: ReactNode }) {
    return (
      <RealtimeProvider client={client} {...props}>
        {children}
      </RealtimeProvider>
    );
  };
}

/** A render wrapper with a query client around a provider for `client`. */
export function withQueries(
  client: SupabaseClient,
  queries: QueryClient,
  props: Omit<RealtimeProviderProps, 'client' | 'children'> = {},
) {
  const Realtime = provider(client, props);
  return function Wrapper({ children }: { children?: ReactNode }) {
    return (
      <QueryClientProvider client={queries}>
        <Realtime>{children}</Realtime>
      </QueryClientProvider>
    );
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
