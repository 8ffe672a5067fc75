/** A message waiting in the outbox: what is needed to insert it again, exactly once. */
export interface OutboxItem {
  id: string;
  body: string;
  replyTo: string | null;
  /** When it was written, in ms: its place among local messages after a reload. */
  createdAt: number;
}

/**
 * The outbox's phase: `idle` with nothing to send, `sending` its first message, or `waiting`
 * for the server to be reachable again before sending it again.
 */
export type OutboxPhase = 'idle' | 'sending' | 'waiting';

/** The outbox's state: its phase, its queue (oldest first), and failed attempts in a row. */
export interface OutboxState {
  phase: OutboxPhase;
  queue: readonly OutboxItem[];
  attempts: number;
}

/** What happens to the outbox. */
export type OutboxEvent =
  | { type: 'enqueue'; item: OutboxItem }
  | { type: 'stored'; id: string }
  | { type: 'refused'; id: string }
  /** A send that did not reach the server; `offline`: the browser said it was offline. */
  | { type: 'unreachable'; id: string; offline?: boolean }
  | { type: 'wake' }
  | { type: 'cancel'; id: string };

/** What the driver does after a transition. */
export type OutboxEffect =
  | { type: 'send'; item: OutboxItem }
  | { type: 'wait'; ms: number }
  | { type: 'failed'; id: string };

/** The empty outbox. */
export const IDLE_OUTBOX: OutboxState = { phase: 'idle', queue: [], attempts: 0 };

const next = (
  queue: readonly OutboxItem[],
  effects: OutboxEffect[] = [],
): [OutboxState, OutboxEffect[]] => {
  const [head] = queue;
  return head
    ? [{ phase: 'sending', queue, attempts: 0 }, [...effects, { type: 'send', item: head }]]
    : [IDLE_OUTBOX, effects];
};

/** The wait before the next attempt: 1 s, doubling, at most 30 s. */
export const backoffMs = (attempts: number) => Math.min(30_000, 1000 * 2 ** (attempts - 1));

// Offline, the browser's `online` event wakes the outbox: until then, one send in this long.
const OFFLINE_WAIT_MS = 30_000;

/**
 * Attempts at the first message of the outbox before it gives up, by default: 10 sends with
 * 1, 2, 4, 8, 16, then 30 s between them, about two and a half minutes of an unreachable server.
 * Sends made while the browser is offline do not count: they wait for it to be online.
 */
export const MAX_ATTEMPTS = 10;

/**
 * The outbox machine: messages go out one at a time, oldest first, so they are stored in the
 * order they were written; one the server refused fails and the next goes out; one that could not
 * reach the server waits and goes out again, with the same id, so it is stored exactly once.
 * After `maxAttempts` unreachable sends in a row while online, the whole queue fails (each message
 * keeps its Retry): what waited behind the first message could not have been stored before it.
 */
export function transition(
  state: OutboxState,
  event: OutboxEvent,
  maxAttempts = MAX_ATTEMPTS,
): [OutboxState, OutboxEffect[]] {
  switch (event.type) {
    case 'enqueue':
      if (state.queue.some((item) => item.id === event.item.id)) return [state, []];
      return state.phase === 'idle'
        ? next([event.item])
        : [{ ...state, queue: [...state.queue, event.item] }, []];
    case 'stored':
    case 'refused': {
      if (state.phase !== 'sending' || state.queue[0]?.id !== event.id) return [state, []];
      const failed: OutboxEffect[] =
        event.type === 'refused' ? [{ type: 'failed', id: event.id }] : [];
      return next(state.queue.slice(1), failed);
    }
    case 'unreachable': {
      if (state.phase !== 'sending' || state.queue[0]?.id !== event.id) return [state, []];
      if (event.offline)
        return [{ ...state, phase: 'waiting' }, [{ type: 'wait', ms: OFFLINE_WAIT_MS }]];
      const attempts = state.attempts + 1;
      if (attempts >= maxAttempts)
        return [IDLE_OUTBOX, state.queue.map((item) => ({ type: 'failed', id: item.id }))];
      return [
        { phase: 'waiting', queue: state.queue, attempts },
        [{ type: 'wait', ms: backoffMs(attempts) }],
      ];
    }
    case 'wake': {
      const [head] = state.queue;
      if (state.phase !== 'waiting' || !head) return [state, []];
      return [{ ...state, phase: 'sending' }, [{ type: 'send', item: head }]];
    }
    case 'cancel':
      // The message in flight may be stored already: it cannot be taken back.
      if (state.phase === 'sending' && state.queue[0]?.id === event.id) return [state, []];
      if (!state.queue.some((item) => item.id === event.id)) return [state, []];
      return state.queue.length === 1
        ? [IDLE_OUTBOX, []]
        : [{ ...state, queue: state.queue.filter((item) => item.id !== event.id) }, []];
    default:
      return event satisfies never;
  }
}
