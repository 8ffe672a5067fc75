// A child process that owns the embedded PostgreSQL of the react browser tests.
import { silentLogger, startServer } from '@roomkit/server';

const owner = await startServer({ port: 0, db: 'embedded', ephemeral: true, logger: silentLogger });
process.stdout.write(`${JSON.stringify({ dbUrl: owner.dbUrl })}\n`);
const stop = () => void owner.stop().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
