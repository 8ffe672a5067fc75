/**
 * Child process of the changes benchmark: @roomkit/server with an ephemeral embedded
 * PostgreSQL, pinned to CPU 0 by the parent (PostgreSQL inherits the pin). Prints one JSON line
 * with its URL, keys and database URL, then runs until stdin closes.
 */
import { silentLogger, startServer } from '@roomkit/server';

const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  db: 'embedded',
  ephemeral: true,
  logger: silentLogger,
  limits: {
    // Limits measure policy, not capacity; the real server's 100 msg/s would end the run.
    maxEventsPerSecond: Infinity,
    idleTimeoutMs: 10 * 60_000,
    joinErrorDelayMs: 0,
  },
});
process.stdout.write(
  `${JSON.stringify({ url: server.url, anonKey: server.anonKey, dbUrl: server.dbUrl, secret: server.jwtSecret })}\n`,
);
setInterval(() => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuUs: user + system })}\n`);
}, 500).unref();
process.stdin.resume();
process.stdin.on('end', () => {
  void server.stop().then(() => process.exit(0));
});
