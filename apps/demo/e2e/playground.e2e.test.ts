import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from './stack';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(REPO, 'apps/demo/scripts/playground.ts');

/** Runs `pnpm start`'s script as pnpm does, and waits for it to end on its own. */
async function playground(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', SCRIPT, ...args],
    {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

async function listen(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

async function ipv6Loopback(): Promise<boolean> {
  try {
    const { server } = await listen('::1');
    server.close();
    return true;
  } catch {
    return false;
  }
}

const hasIpv6Loopback = await ipv6Loopback();

describe('pnpm start (the playground) before it starts anything', () => {
  it.skipIf(!hasIpv6Loopback)(
    'names a port that is taken on ::1 only, and the flag that picks another',
    async () => {
      const { server, port } = await listen('::1');
      try {
        const { code, stderr } = await playground([
          '--server-port',
          String(port),
          '--no-storybook',
        ]);
        expect(code).toBe(2);
        expect(stderr).toContain(`port ${port} (the Roomkit server) is already in use`);
        expect(stderr).toContain('--server-port <port>');
      } finally {
        server.close();
      }
    },
  );

  describe('when its database folder is held by a running server', () => {
    let holder: ServerProcess;
    beforeAll(async () => {
      holder = await ServerProcess.create();
      await holder.start();
    });
    afterAll(async () => {
      await holder.stop();
    });

    it("says so in the playground's own words (pnpm start, --data-dir), not the server CLI's", async () => {
      const [{ server: a, port: serverPort }, { server: b, port: demoPort }] = await Promise.all([
        listen('127.0.0.1'),
        listen('127.0.0.1'),
      ]);
      a.close();
      b.close();
      const { code, stderr } = await playground([
        '--server-port',
        String(serverPort),
        '--demo-port',
        String(demoPort),
        '--no-storybook',
        '--data-dir',
        join(holder.cwd, '.roomkit/db'),
      ]);
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /database folder .*\.roomkit\/db is in use by another PostgreSQL \(PID \d+\)/,
      );
      expect(stderr).toContain('Is another `pnpm start` running?');
      expect(stderr).toContain('--data-dir <folder>');
      expect(stderr).not.toContain('roomkit start');
      expect(stderr).not.toContain('--ephemeral');
    });
  });
});
