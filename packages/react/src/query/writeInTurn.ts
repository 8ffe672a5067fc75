import type { QueryClient } from '@tanstack/react-query';
import type { StoreApi } from 'zustand/vanilla';
import type { RealtimeState } from '../createRealtimeStore';

/** A supabase-js answer; `status` is 0 when no answer came (offline, server down). */
interface Answer {
  data: unknown;
  error: unknown;
  status: number;
}

// Each query client's last write: the next one starts once it has settled.
const turns = new WeakMap<QueryClient, Promise<unknown>>();

/** Resolves once the provider's socket is not down: open again, or needed by no channel. */
function connected(store: StoreApi<RealtimeState>): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (store.getState().connection.status === 'reconnecting') return;
      stop();
      resolve();
    };
    const stop = store.subscribe(check);
    check();
  });
}

/**
 * Sends a write once every earlier write of `queryClient` has settled, so writes reach the
 * database in the order they were made. While the socket is down the write waits for it. A
 * request that got no answer at all (status 0: it may never have reached the server, or its
 * answer was lost after the database applied it) is sent again after a backoff, and after the
 * socket is back if it dropped meanwhile, when sending it twice changes nothing (`idempotent`);
 * otherwise it fails with an error that says the row may have been stored. `send` is told when
 * it sends again after no answer. Resolves with the row, or rejects with the PostgREST error.
 */
export function writeInTurn(
  queryClient: QueryClient,
  store: StoreApi<RealtimeState>,
  idempotent: boolean,
  send: (again: boolean) => PromiseLike<Answer>,
): Promise<unknown> {
  const turn = (turns.get(queryClient) ?? Promise.resolve()).then(async () => {
    for (let tries = 1; ; tries++) {
      await connected(store);
      const { data, error, status } = await send(tries > 1);
      if (status) {
        if (error) throw error;
        return data;
      }
      // A second insert without its key would store a second row: the row's echo, or the
      // refetch after the socket returns, shows it if the first one was stored.
      if (!idempotent)
        throw { ...(error as object), message: 'No answer from the server: the row may be stored' };
      await new Promise((resolve) => setTimeout(resolve, 125 << Math.min(tries, 5)));
    }
  });
  // A refused write does not stop the ones after it.
  turns.set(
    queryClient,
    turn.catch(() => undefined),
  );
  return turn;
}
