import { useState, useSyncExternalStore } from 'react';
import type { EventKind, EventLog } from './core/createEventLog';
import { clock } from './time';

const KINDS = ['all', 'broadcast', 'presence', 'postgres', 'system'] as const;

/** The live log: filter by kind and text, pause, clear, open a payload. */
export function EventsTab(props: { log: EventLog }) {
  const { log } = props;
  const { events, paused, evicted } = useSyncExternalStore(log.subscribe, log.getSnapshot);
  const [kind, setKind] = useState<EventKind | 'all'>('all');
  const [text, setText] = useState('');
  const needle = text.trim().toLowerCase();
  const shown = events.filter(
    (event) =>
      (kind === 'all' || event.kind === kind) &&
      (needle === '' || `${event.topic} ${event.event}`.toLowerCase().includes(needle)),
  );

  return (
    <div data-slot="events">
      <div className="rkd-tools">
        <select
          aria-label="Kind"
          value={kind}
          onChange={(event) => setKind(event.target.value as EventKind | 'all')}
        >
          {KINDS.map((each) => (
            <option key={each} value={each}>
              {each}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Filter by topic or event"
          placeholder="Filter"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button
          type="button"
          className="rkd-btn"
          aria-pressed={paused}
          onClick={() => log.setPaused(!paused)}
        >
          Pause
        </button>
        <button type="button" className="rkd-btn" onClick={() => log.clear()}>
          Clear
        </button>
        <span className="rkd-muted" data-testid="rkd-event-count">
          {shown.length} of {events.length}
          {evicted > 0 ? ` (${evicted} older let go)` : ''}
        </span>
      </div>
      <ul aria-label="Events" aria-live="off">
        {[...shown].reverse().map((event) => (
          <li key={event.id} data-kind={event.kind}>
            <details>
              <summary>
                <span className="rkd-muted">{clock(event.at)}</span>{' '}
                <span className="rkd-kind">{event.kind}</span> <code>{event.event}</code>{' '}
                <span className="rkd-muted">{event.topic.replace(/^realtime:/, '')}</span>
              </summary>
              <pre>{JSON.stringify(event.payload, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}
