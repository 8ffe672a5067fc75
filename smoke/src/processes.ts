import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { userEnv } from './run';

/** What `roomkit start --json` prints. */
export interface ServerInfo {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
}

/** A long-running command the smoke test started, stopped as Ctrl-C would. */
export interface Running<T> {
  readonly info: T;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * `roomkit start --ephemeral` from an app's installed @roomkit/server, through the bin link
 * pnpm made (node_modules/.bin/roomkit), with the migrations shipped in @roomkit/ui/sql.
 */
export async function startRoomkit(
  app: string,
  migrations: string[],
): Promise<Running<ServerInfo>> {
  const args = ['start', '--port', '0', '--json', '--ephemeral'];
  for (const folder of migrations) args.push('--migrations', folder);
  const child = spawn(join(app, 'node_modules/.bin/roomkit'), args, {
    cwd: app,
    env: userEnv(),
    stdio: 'pipe',
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`roomkit start (packed @roomkit/server) exited with ${String(code)}:\n${log}`);
  });
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    exited,
  ])) as [string];
  exited.catch(() => undefined);
  return { info: JSON.parse(line) as ServerInfo, stop: () => stopChild(child) };
}

/** `vite preview` of an app's build, from its own installed Vite, on a free port it picks. */
export async function startPreview(app: string): Promise<Running<{ url: string }>> {
  const child = spawn(
    join(app, 'node_modules/.bin/vite'),
    ['preview', '--host', '127.0.0.1', '--port', '0'],
    { cwd: app, env: userEnv(), stdio: 'pipe' },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  // Read stdout to the end (a full pipe would stall Vite), watching for the URL it prints.
  const listening = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const url = /Local:\s+(http:\/\/\S+)/.exec(log)?.[1];
      if (url) resolve(url);
    });
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`vite preview exited with ${String(code)}:\n${log}`);
  });
  const url = await Promise.race([listening, exited]);
  exited.catch(() => undefined);
  return { info: { url }, stop: () => stopChild(child) };
}
