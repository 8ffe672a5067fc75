// The other end of bench/broadcast.tsx, in its own process so that neither the server's CPU nor
// the sender's is counted against the receiver being measured.
// eslint-disable-next-line no-restricted-imports -- a benchmark harness, like a test: it runs the server, the package never imports it.
import { silentLogger, startServer } from '@roomkit/server';
import { createClient, type RealtimeChannel } from '@supabase/supabase-js';
import WebSocket from 'ws';

type Command = { type: 'send'; room: string; event: string; count: number } | { type: 'stop' };

const server = await startServer({
  port: 0,
  db: 'none',
  logger: silentLogger,
  limits: { maxEventsPerSecond: 1_000_000_000 },
});
const sender = createClient(server.url, server.anonKey, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: WebSocket as never },
});
const channels = new Map<string, RealtimeChannel>();

async function joined(room: string): Promise<RealtimeChannel> {
  const known = channels.get(room);
  if (known) return known;
  const channel = sender.channel(room);
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status) =>
      status === 'SUBSCRIBED' ? resolve() : reject(new Error(`sender ${room}: ${status}`)),
    ),
  );
  channels.set(room, channel);
  return channel;
}

process.on('message', (command: Command) => {
  void (async () => {
    if (command.type === 'stop') {
      await sender.removeAllChannels();
      await server.stop();
      process.exit(0);
    }
    const channel = await joined(command.room);
    for (let i = 0; i < command.count; i++) {
      await channel.send({
        type: 'broadcast',
        event: command.event,
        payload: { i, x: i % 800, y: i % 600 },
      });
      // Let the socket drain now and then instead of queueing every frame at once.
      if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
    }
    process.send?.({ type: 'sent' });
  })();
});

process.send?.({ type: 'ready', url: server.url, anonKey: server.anonKey });
