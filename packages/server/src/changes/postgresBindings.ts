import { phash2 } from './phash2';

/** A postgres_changes binding as the client sends it in `phx_join`. */
export type PostgresBinding = Record<string, unknown>;

/**
 * Ids already computed, by binding object: the join reply and the subscription check both need
 * them, and a join may carry a hundred thousand bindings. Join payloads are never mutated.
 */
const hashed = new WeakMap<PostgresBinding, number>();

/**
 * A binding's id, as the real server computes it: `:erlang.phash2/1` of the params map the
 * client sent. The join reply echoes it and every matching change message carries it.
 */
export function bindingId(binding: PostgresBinding): number {
  let id = hashed.get(binding);
  if (id === undefined) {
    id = phash2(binding);
    hashed.set(binding, id);
  }
  return id;
}

/** How long hashing bindings may hold the event loop before it lets other work run. */
const SLICE_MS = 10;

/**
 * The join reply's `postgres_changes`: each binding echoed verbatim plus its id. Hashed in turns
 * of about 10 ms, so a join frame with a hundred thousand bindings never stalls other sockets.
 * @example const echoed = await bindingIds([{ event: '*', schema: 'public', table: 'todos' }]);
 */
export async function bindingIds(bindings: PostgresBinding[]): Promise<PostgresBinding[]> {
  const echoed: PostgresBinding[] = [];
  let sliceStart = performance.now();
  for (const binding of bindings) {
    echoed.push({ ...binding, id: bindingId(binding) });
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return echoed;
}
