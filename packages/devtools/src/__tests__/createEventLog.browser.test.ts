import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { classify, createEventLog } from '../core/createEventLog';

const realtime = () => createClient('http://127.0.0.1:9', 'anon').realtime;

describe('createEventLog', () => {
  it('refuses a limit that is not a positive integer, saying which', () => {
    expect(() => createEventLog(realtime(), 0)).toThrow(
      'The event limit must be a positive integer; got 0.',
    );
    expect(() => createEventLog(realtime(), 2.5)).toThrow('got 2.5');
  });

  it('sorts messages into broadcasts, presence, postgres changes and system, leaving heartbeats out', () => {
    const topic = 'realtime:room';
    expect(classify({ topic, event: 'broadcast', payload: { event: 'wave' } })).toMatchObject({
      kind: 'broadcast',
      event: 'wave',
    });
    expect(classify({ topic, event: 'presence_diff', payload: {} })?.kind).toBe('presence');
    expect(classify({ topic, event: 'presence_state', payload: {} })?.kind).toBe('presence');
    expect(classify({ topic, event: 'postgres_changes', payload: {} })?.kind).toBe('postgres');
    expect(classify({ topic, event: 'phx_reply', payload: {} })?.kind).toBe('system');
    expect(classify({ topic: 'phoenix', event: 'phx_reply', payload: {} })).toBeNull();
  });

  it('unhooks from the socket when stopped', () => {
    const socket = realtime();
    const log = createEventLog(socket, 10);
    const before = socket.stateChangeCallbacks.message.length;
    const stop = log.start();
    expect(socket.stateChangeCallbacks.message).toHaveLength(before + 1);
    stop();
    expect(socket.stateChangeCallbacks.message).toHaveLength(before);
  });
});
