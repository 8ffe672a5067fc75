// A child process that owns the embedded PostgreSQL of a browser test project (see
// browserServers.ts). Its one argument is the JSON list of migration folders.
import { silentLogger, startServer } from '@roomkit/server';

const migrations = JSON.parse(process.argv[2] ?? '[]') as string[];
const owner = await startServer({
  port: 0,
  db: 'embedded',
  ephemeral: true,
  logger: silentLogger,
  migrations,
});
process.stdout.write(`${JSON.stringify({ dbUrl: owner.dbUrl, url: owner.url })}\n`);
const stop = () => void owner.stop().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
