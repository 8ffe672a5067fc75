import type { PostgresBinding } from './joinConfig';

/**
 * A stable non-negative integer id for a binding's params, echoed in the join reply and
 * carried by every change message that matches the binding.
 */
export function bindingId(binding: PostgresBinding): number {
  const text = JSON.stringify(binding, Object.keys(binding).sort());
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // phash2's range: 0 .. 2^27 - 1.
  return (hash >>> 0) % 2 ** 27;
}

/** The join reply's `postgres_changes`: each binding echoed verbatim plus its id. */
export function bindingIds(bindings: PostgresBinding[]): PostgresBinding[] {
  return bindings.map((binding) => ({ ...binding, id: bindingId(binding) }));
}
