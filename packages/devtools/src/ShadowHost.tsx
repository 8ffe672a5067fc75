import { useCallback, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { devtoolsStyles } from './devtoolsStyles';

/**
 * Renders its children in an open shadow root on a host element, with the panel's styles, so
 * neither the app's CSS nor the panel's leaks into the other.
 */
export function ShadowHost(props: { children: ReactNode }) {
  const [root, setRoot] = useState<ShadowRoot | null>(null);
  const attach = useCallback((host: HTMLDivElement | null) => {
    // StrictMode and remounts find the root already attached: reuse it.
    if (host) setRoot(host.shadowRoot ?? host.attachShadow({ mode: 'open' }));
  }, []);
  return (
    <div ref={attach} data-roomkit-devtools="">
      {root &&
        createPortal(
          <>
            <style>{devtoolsStyles}</style>
            {props.children}
          </>,
          root,
        )}
    </div>
  );
}
