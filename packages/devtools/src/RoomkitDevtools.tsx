'use client';
import { useConnectionStatus, useRealtime } from '@roomkit/react';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ChannelsTab } from './ChannelsTab';
import { ConnectionTab } from './ConnectionTab';
import { createEventLog } from './core/createEventLog';
import { createRealtimeHistory } from './core/createRealtimeHistory';
import { EventsTab } from './EventsTab';
import { PresenceTab } from './PresenceTab';
import { QueriesTab } from './QueriesTab';
import { ShadowHost } from './ShadowHost';

/** Props of {@link RoomkitDevtools}. */
export interface RoomkitDevtoolsProps {
  /** Which corner the button and panel sit in. @default 'bottom-right' */
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
  /** Whether the panel starts open (it does not take focus then). @default false */
  initialIsOpen?: boolean;
  /** The colours; `system` follows `prefers-color-scheme`. @default 'system' */
  theme?: 'light' | 'dark' | 'system';
  /** How many events the log keeps before letting the oldest go. @default 500 */
  eventLimit?: number;
  /**
   * The button's text and the panel's name (`<label> devtools`): tells apart the panels of
   * several providers on one page. @default 'Roomkit'
   */
  label?: string;
}

const TABS = ['Connection', 'Channels', 'Presence', 'Events', 'Queries'] as const;
type Tab = (typeof TABS)[number];

function useTheme(theme: 'light' | 'dark' | 'system'): 'light' | 'dark' {
  const [dark, setDark] = useState(
    () => typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches,
  );
  useEffect(() => {
    const query = matchMedia('(prefers-color-scheme: dark)');
    const change = () => setDark(query.matches);
    query.addEventListener('change', change);
    return () => query.removeEventListener('change', change);
  }, []);
  return theme === 'system' ? (dark ? 'dark' : 'light') : theme;
}

/**
 * A floating button that opens a panel showing the provider's connection, rooms, presence, a
 * live event log and the queries tied to rooms, with actions to drop or stall the connection
 * and to leave or rejoin a room. Place it inside
 * `<RealtimeProvider>`; its styles live in a shadow root.
 * @example
 * <RealtimeProvider client={supabase}>
 *   <App />
 *   <RoomkitDevtools initialIsOpen={false} position="bottom-left" />
 * </RealtimeProvider>
 */
export function RoomkitDevtools(props: RoomkitDevtoolsProps) {
  const { position = 'bottom-right', initialIsOpen = false, theme = 'system' } = props;
  const label = props.label ?? 'Roomkit';
  const limit = props.eventLimit ?? 500;
  const realtime = useRealtime();
  const { status } = useConnectionStatus();
  const log = useMemo(() => createEventLog(realtime.client.realtime, limit), [realtime, limit]);
  const history = useMemo(() => createRealtimeHistory(realtime.store), [realtime]);
  useEffect(() => log.start(), [log]);
  useEffect(() => history.start(), [history]);

  const [open, setOpen] = useState(initialIsOpen);
  const [tab, setTab] = useState<Tab>('Connection');
  const toggle = useRef<HTMLButtonElement>(null);
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());
  // Focus moves into the panel only when the user opened it, never on an open-by-default mount.
  const focusOnOpen = useRef(false);
  const id = useId();
  const colours = useTheme(theme);

  useEffect(() => {
    if (open && focusOnOpen.current) tabRefs.current.get(tab)?.focus();
    focusOnOpen.current = false;
    // Only an opening moves focus, not a tab change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const close = (): void => {
    setOpen(false);
    toggle.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  };
  const onTabKey = (event: KeyboardEvent): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length] ?? 'Connection';
    setTab(next);
    tabRefs.current.get(next)?.focus();
  };

  return (
    <ShadowHost>
      <div className="rkd" data-theme={colours}>
        <button
          ref={toggle}
          type="button"
          className="rkd-toggle"
          data-position={position}
          aria-expanded={open}
          aria-controls={open ? `${id}-panel` : undefined}
          onClick={() => {
            focusOnOpen.current = !open;
            setOpen(!open);
          }}
        >
          <span className="rkd-dot" data-state={status} aria-hidden="true" />
          {label}
        </button>
        {open && (
          <div
            id={`${id}-panel`}
            role="dialog"
            aria-label={`${label} devtools`}
            className="rkd-panel"
            data-position={position}
            data-state="open"
            onKeyDown={onKeyDown}
          >
            <div className="rkd-head">
              <span className="rkd-title">{label}</span>
              <div role="tablist" aria-label="Views" className="rkd-tabs" onKeyDown={onTabKey}>
                {TABS.map((each) => (
                  <button
                    key={each}
                    ref={(node) => {
                      if (node) tabRefs.current.set(each, node);
                      else tabRefs.current.delete(each);
                    }}
                    type="button"
                    role="tab"
                    id={`${id}-tab-${each}`}
                    aria-selected={tab === each}
                    aria-controls={`${id}-tabpanel`}
                    tabIndex={tab === each ? 0 : -1}
                    className="rkd-tab"
                    onClick={() => setTab(each)}
                  >
                    {each}
                  </button>
                ))}
              </div>
              <button
                type="button"
                className="rkd-close"
                aria-label="Close devtools"
                onClick={close}
              >
                ×
              </button>
            </div>
            <div
              id={`${id}-tabpanel`}
              role="tabpanel"
              aria-labelledby={`${id}-tab-${tab}`}
              className="rkd-body"
              tabIndex={0}
            >
              {tab === 'Connection' && <ConnectionTab history={history} />}
              {tab === 'Channels' && <ChannelsTab history={history} />}
              {tab === 'Presence' && <PresenceTab />}
              {tab === 'Events' && <EventsTab log={log} />}
              {tab === 'Queries' && <QueriesTab />}
            </div>
          </div>
        )}
      </div>
    </ShadowHost>
  );
}
