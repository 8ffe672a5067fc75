const warned = new Set<string>();

/**
 * Prints a development warning once per message. Callers guard it with
 * `process.env.NODE_ENV !== 'production'` in their own module, which bundlers fold away.
 */
export function devWarn(message: string, detail?: unknown): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`[roomkit] ${message}`, ...(detail === undefined ? [] : [detail]));
}
