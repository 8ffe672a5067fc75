import { phash2 } from './phash2';

/** A postgres_changes binding as the client sends it in `phx_join`. */
export type PostgresBinding = Record<string, unknown>;

/**
 * A binding's id, as the real server computes it: `:erlang.phash2/1` of the params map the
 * client sent. The join reply echoes it and every matching change message carries it.
 */
export function bindingId(binding: PostgresBinding): number {
  return phash2(binding);
}

/** The join reply's `postgres_changes`: each binding echoed verbatim plus its id. */
export function bindingIds(bindings: PostgresBinding[]): PostgresBinding[] {
  return bindings.map((binding) => ({ ...binding, id: bindingId(binding) }));
}
