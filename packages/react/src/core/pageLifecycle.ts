/**
 * How the provider learns that the app is going away, so presence is left at once instead of
 * after the server's idle timeout. Pass your own where there is no browser page (React Native).
 * @example
 * import { AppState } from 'react-native';
 * const appLifecycle: PageLifecycle = {
 *   onHide(listener) {
 *     const subscription = AppState.addEventListener('change', (state) => state === 'background' && listener());
 *     return () => subscription.remove();
 *   },
 * };
 */
export interface PageLifecycle {
  /** Calls `listener` when the page (or app) is about to go away; returns the unsubscribe. */
  onHide(listener: () => void): () => void;
}

/**
 * The browser's page lifecycle: `pagehide`, listened to in the capture phase so the leave goes
 * out before realtime-js's own handler closes the socket. Does nothing where there is no `window`
 * (server rendering, workers, React Native).
 * @example
 * <RealtimeProvider client={supabase} lifecycle={browserLifecycle}>…</RealtimeProvider>
 */
export const browserLifecycle: PageLifecycle = {
  onHide(listener) {
    // Read at call time, never at import: the module loads anywhere.
    const target = globalThis.window as Window | undefined;
    // `true` is the capture flag (the short form of `{ capture: true }`).
    target?.addEventListener('pagehide', listener, true);
    return () => target?.removeEventListener('pagehide', listener, true);
  },
};
