import { defineRoom, useBroadcast } from '@roomkit/react';
import type { RoomUser } from '@roomkit/ui';
import { useState } from 'react';

/** One declaration types the room's events end to end: `send` takes only `{ from, at }`. */
export const lobby = defineRoom<{ events: { wave: { from: string; at: number } } }>('lobby');

/** A wave button: others see each wave; `send` resolves to the server's answer. */
export function WaveButton({ user }: { user: RoomUser }) {
  const [waves, setWaves] = useState<string[]>([]);
  const [result, setResult] = useState('');
  const { send } = useBroadcast(lobby, 'wave', {
    onMessage: (payload) => setWaves((list) => [...list.slice(-4), `${payload.from} waved`]),
  });
  const wave = async () => setResult(await send({ from: user.name, at: Date.now() }));
  return (
    <div>
      <button type="button" onClick={() => void wave()}>
        Wave
      </button>{' '}
      <output data-testid="send-result">{result}</output>
      <ul data-testid="waves">
        {waves.map((text, index) => (
          <li key={index}>{text}</li>
        ))}
      </ul>
    </div>
  );
}
