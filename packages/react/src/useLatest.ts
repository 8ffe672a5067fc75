import { useInsertionEffect, useRef } from './reactApi';

/**
 * Keeps the latest value in a ref so callbacks never become effect dependencies. Insertion
 * effects run before any layout or passive effect and, unlike layout effects, stay silent on the server.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useInsertionEffect(() => {
    ref.current = value;
  });
  return ref;
}
