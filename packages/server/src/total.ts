import type { Logger } from './options';

/** A readable one-line description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'an unprintable error';
  }
}

/** Logs without letting a throwing logger turn a handled failure into an unhandled one. */
function safely(log: () => void): void {
  try {
    log();
  } catch {
    // A logger that throws has nowhere else to report to; the failure stays handled.
  }
}

/**
 * Wraps a handler at a boundary of the server (a socket message, an HTTP request, a database
 * notification, a timer) so that nothing it throws or rejects reaches the process. A failure is
 * logged as `<what> failed` and handed to `recover`, which answers or closes cleanly; a failure
 * of `recover` itself is logged and dropped.
 * @example
 * socket.on('message', total(logger, 'socket message', (data) => handle(data)));
 */
export function total<Args extends unknown[]>(
  logger: Logger,
  what: string,
  handler: (...args: Args) => unknown,
  recover?: (error: unknown, ...args: Args) => void,
): (...args: Args) => void {
  return (...args: Args) => {
    const fail = (error: unknown) => {
      safely(() => logger.error(`${what} failed`, { error: describeError(error) }));
      if (!recover) return;
      try {
        recover(error, ...args);
      } catch (again) {
        safely(() => logger.error(`${what} recovery failed`, { error: describeError(again) }));
      }
    };
    try {
      const result = handler(...args);
      if (result instanceof Promise) result.then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  };
}
