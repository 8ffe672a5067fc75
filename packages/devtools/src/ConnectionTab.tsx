import { useConnectionStatus, useRealtime } from '@roomkit/react';
import { useState, useSyncExternalStore } from 'react';
import { actOnServer, type ServerAction } from './core/actOnServer';
import type { RealtimeHistory } from './core/createRealtimeHistory';
import { readToken } from './core/readToken';
import { clock, duration } from './time';
import { useNow } from './useNow';

/** The socket: status, latency, token claims, outages, and the drop and stall actions. */
export function ConnectionTab(props: { history: RealtimeHistory }) {
  const { client } = useRealtime();
  const { status, latencyMs, error } = useConnectionStatus();
  const { outages } = useSyncExternalStore(props.history.subscribe, props.history.getSnapshot);
  const [outcome, setOutcome] = useState<string | null>(null);
  const now = useNow(1000);
  const [offlineSeconds, setOfflineSeconds] = useState(5);
  const token = readToken(client.realtime.accessTokenValue);
  const sub = 'error' in token ? null : token.sub;

  const dropHere = (): void => {
    // Closing and opening again is what a lost network does to realtime-js, minus the wait.
    void client.realtime.disconnect().then(() => {
      client.realtime.connect();
      setOutcome('The client closed its socket and opened it again.');
    });
  };
  const goOffline = (): void => {
    const ms = Math.round(offlineSeconds * 1000);
    void client.realtime.disconnect().then(() => {
      setOutcome(`Offline for ${duration(ms)}…`);
      // Not cleared when the tab unmounts: switching tabs must not leave the app offline.
      setTimeout(() => {
        client.realtime.connect();
        setOutcome(`Back online after ${duration(ms)}.`);
      }, ms);
    });
  };
  const onServer = (action: ServerAction): void => {
    actOnServer(client, action, sub).then(setOutcome, (reason: Error) =>
      setOutcome(`The server could not be reached: ${reason.message}`),
    );
  };

  return (
    <div data-slot="connection">
      <dl>
        <dt>Status</dt>
        <dd data-testid="rkd-status" data-state={status}>
          {status}
        </dd>
        <dt>Latency</dt>
        <dd>{latencyMs === null ? '–' : `${latencyMs} ms`}</dd>
        {error && (
          <>
            <dt>Last error</dt>
            <dd>{error.message}</dd>
          </>
        )}
        <dt>Endpoint</dt>
        <dd>
          <code>{client.realtime.endPoint}</code>
        </dd>
        {'error' in token ? (
          <>
            <dt>Token</dt>
            <dd>{token.error}</dd>
          </>
        ) : (
          <>
            <dt>Role</dt>
            <dd>{token.role ?? '–'}</dd>
            <dt>Subject</dt>
            <dd>
              <code>{token.sub ?? '–'}</code>
            </dd>
            <dt>Expires</dt>
            <dd>
              {token.expiresAt === null
                ? 'never'
                : `${new Date(token.expiresAt).toISOString()} (${
                    token.expiresAt > now ? `in ${duration(token.expiresAt - now)}` : 'expired'
                  })`}
            </dd>
          </>
        )}
      </dl>
      <div className="rkd-tools">
        <button type="button" className="rkd-btn" onClick={dropHere}>
          Drop connection
        </button>
        <label>
          Offline for{' '}
          <input
            type="number"
            min={1}
            max={600}
            step={1}
            size={3}
            value={offlineSeconds}
            onChange={(event) =>
              setOfflineSeconds(Math.min(600, Math.max(1, event.target.valueAsNumber || 1)))
            }
          />{' '}
          s
        </label>
        <button type="button" className="rkd-btn" onClick={goOffline}>
          Go offline
        </button>
        <button type="button" className="rkd-btn" onClick={() => onServer('drop')}>
          Drop on server (--dev)
        </button>
        <button type="button" className="rkd-btn" onClick={() => onServer('stall')}>
          Stall on server (--dev)
        </button>
      </div>
      {outcome && <p role="status">{outcome}</p>}
      <h3>Reconnects</h3>
      {outages.length === 0 ? (
        <p className="rkd-muted">No drops since the devtools opened.</p>
      ) : (
        <table aria-label="Reconnects">
          <thead>
            <tr>
              <th>Dropped</th>
              <th>Reason</th>
              <th>Down for</th>
            </tr>
          </thead>
          <tbody>
            {[...outages].reverse().map((outage) => (
              <tr key={outage.droppedAt}>
                <td>{clock(outage.droppedAt)}</td>
                <td>{outage.reason ?? '–'}</td>
                <td>
                  {outage.reopenedAt === null
                    ? 'still down'
                    : duration(outage.reopenedAt - outage.droppedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
