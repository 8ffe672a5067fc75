/**
 * Child process for one step's server (pinned to its own core by the orchestrator):
 * `raw` starts the baseline relay, `roomkit` starts @roomkit/server. It reports its port, answers
 * CPU probes with `process.cpuUsage()` and exits on `stop` or when the orchestrator goes away.
 */
import { silentLogger, startServer } from '@roomkit/server';
import { readParentMessage, tellParent } from './ipc';
import { startRelay } from './relay';

const HOST = '127.0.0.1';

interface Running {
  port: number;
  apiKey: string;
  stop(): Promise<void>;
}

async function start(kind: string | undefined): Promise<Running> {
  if (kind === 'raw') {
    const relay = await startRelay(HOST);
    return { port: relay.port, apiKey: '', stop: relay.close };
  }
  if (kind === 'roomkit') {
    const server = await startServer({
      host: HOST,
      port: 0,
      // Broadcast fan-out needs no database; an embedded Postgres would share the server's core.
      db: 'none',
      logger: silentLogger,
      limits: {
        // Rate limits measure policy, not capacity; the real server's 100 msg/s would end the run.
        maxEventsPerSecond: Infinity,
        // The generator sends no heartbeats, so idling out must not end a long step.
        idleTimeoutMs: 10 * 60_000,
        connectErrorDelayMs: 0,
        joinErrorDelayMs: 0,
      },
    });
    return { port: server.port, apiKey: server.anonKey, stop: () => server.stop() };
  }
  throw new Error(`serverProcess: unknown server kind "${String(kind)}" (use raw or roomkit)`);
}

async function main(): Promise<void> {
  const running = await start(process.argv[2]);
  let stopping = false;
  const exit = async () => {
    if (stopping) return;
    stopping = true;
    await running.stop();
    // process.exit (not a natural end) so --cpu-prof still writes its profile.
    process.exit(0);
  };
  process.on('message', (raw) => {
    const message = readParentMessage(raw);
    if (message?.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      tellParent({ type: 'cpu', userUs: user, systemUs: system });
    } else if (message?.type === 'stop') {
      void exit();
    }
  });
  process.on('disconnect', () => void exit());
  tellParent({ type: 'ready', port: running.port, apiKey: running.apiKey });
}

main().catch((error: unknown) => {
  console.error('serverProcess failed:', error);
  process.exit(1);
});
