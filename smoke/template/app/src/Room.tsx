import { useBroadcast, usePresence } from '@roomkit/react';
import { AvatarStack, Chat, ConnectionBadge, type RoomUser } from '@roomkit/ui';
import { useState, version } from 'react';
import { LiveItems } from './LiveItems';
import { persistence } from './supabase';

/** Everything the smoke test drives: a broadcast, presence (hook and component), a chat and a live query. */
export function Room({ user }: { user: RoomUser }) {
  const [lastPing, setLastPing] = useState('');
  const { send } = useBroadcast<{ text: string }>('smoke:pings', 'ping', {
    onMessage: ({ text }) => setLastPing(text),
  });
  const { others } = usePresence<{ name: string }>('smoke:hooks', {
    key: user.id,
    state: { name: user.name },
  });
  return (
    <main data-testid="room" data-user={user.name} data-react-version={version}>
      <ConnectionBadge />
      <AvatarStack room="smoke:ui" user={user} />
      <button type="button" onClick={() => void send({ text: `ping from ${user.name}` })}>
        Ping
      </button>
      <output data-testid="last-ping">{lastPing}</output>
      <ul data-testid="others">
        {others.map((other) => (
          <li key={other.key}>{other.state.name}</li>
        ))}
      </ul>
      <LiveItems />
      <Chat room="smoke:chat" user={user} persistence={persistence} />
    </main>
  );
}
