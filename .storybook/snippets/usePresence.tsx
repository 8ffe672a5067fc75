import { usePresence } from '@roomkit/react';
import type { RoomUser } from '@roomkit/ui';
import { useState } from 'react';

/** Who is here with their mood: one entry per person however many tabs, updates coalesced. */
export function MoodList({ room, user }: { room: string; user: RoomUser }) {
  const [mood, setMood] = useState('👋');
  const { users, update } = usePresence<{ name: string; mood: string }>(room, {
    key: user.id,
    state: { name: user.name, mood },
  });
  return (
    <div>
      <label>
        Mood{' '}
        <input
          aria-label={`${user.name}'s mood`}
          value={mood}
          onChange={(event) => {
            setMood(event.target.value);
            update({ name: user.name, mood: event.target.value });
          }}
        />
      </label>
      <ul data-testid="presence">
        {users.map((person) => (
          <li key={person.key}>
            {person.state.name} {person.state.mood} ({person.connections} connection
            {person.connections === 1 ? '' : 's'})
          </li>
        ))}
      </ul>
    </div>
  );
}
