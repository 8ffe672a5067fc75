/**
 * Child processes for the orchestrator: spawned pinned to a core with `taskset`, talked to over
 * IPC, and always killed when the orchestrator exits, fails or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ParentMessage } from './ipc';

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** Kills every child on exit, Ctrl-C or SIGTERM; call once at start. */
export function installCleanup(): void {
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Whether the server and the load generator can each get a core of their own. */
export function checkPinning(): { pinned: boolean; note: string } {
  const cores = availableParallelism();
  if (cores < 2) return { pinned: false, note: `only ${cores} core available; ran unpinned` };
  const probe = spawnSync('taskset', ['-c', '1', 'true'], { encoding: 'utf8' });
  if (probe.error) return { pinned: false, note: 'taskset is not installed; ran unpinned' };
  if (probe.status !== 0) {
    return { pinned: false, note: `taskset -c 1 failed (${probe.stderr.trim()}); ran unpinned` };
  }
  return { pinned: true, note: 'server on CPU 0, load generator on CPU 1 (taskset)' };
}

interface Waiter<M> {
  accept(message: M): boolean;
  resolve(message: M): void;
  reject(error: Error): void;
}

/** One child process and the typed messages it sends. */
export class Child<M extends { type: string }> {
  private readonly inbox: M[] = [];
  private readonly waiters = new Set<Waiter<M>>();
  private exitNote: string | null = null;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    read: (value: unknown) => M | null,
    failure: (message: M) => string | null,
  ) {
    child.on('message', (raw) => {
      const message = read(raw);
      if (message === null) return this.failAll(new Error(`${name} sent an unreadable message`));
      const why = failure(message);
      if (why !== null) return this.failAll(new Error(`${name}: ${why}`));
      for (const waiter of this.waiters) {
        if (waiter.accept(message)) return waiter.resolve(message);
      }
      this.inbox.push(message);
    });
    child.on('error', (error) => this.failAll(error));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exitNote = `${name} exited (code ${String(code)}, signal ${String(signal)})`;
        this.failAll(new Error(this.exitNote));
        resolve();
      });
    });
  }

  /** The child's process id (the node process itself: `taskset` execs it). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The CPUs the kernel lets this process run on, e.g. "0"; read from /proc. */
  cpusAllowed(): string {
    try {
      const status = readFileSync(`/proc/${String(this.child.pid)}/status`, 'utf8');
      return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  send(message: ParentMessage): void {
    // The callback swallows a channel that closed in between; exit handling reports that.
    if (this.child.connected) this.child.send(message, () => {});
  }

  /** Resolves with the next message of a type (possibly one already received), or rejects. */
  next<T extends M['type']>(type: T, timeoutMs: number): Promise<Extract<M, { type: T }>> {
    const accept = (message: M): message is Extract<M, { type: T }> => message.type === type;
    const queued = this.inbox.find(accept);
    if (queued !== undefined) {
      this.inbox.splice(this.inbox.indexOf(queued), 1);
      return Promise.resolve(queued);
    }
    if (this.exitNote !== null) return Promise.reject(new Error(this.exitNote));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.name} sent no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter<M> = {
        accept,
        resolve: (message) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (accept(message)) resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Asks the child to stop, then kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exitNote !== null) return;
    this.send({ type: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    if (this.exitNote === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  private failAll(error: Error): void {
    for (const waiter of [...this.waiters]) waiter.reject(error);
  }
}

/** Starts `node <execArgv> <script> <args>` in a child, pinned to `core` unless it is null. */
export function spawnChild<M extends { type: string }>(options: {
  name: string;
  script: string;
  args?: string[];
  core: number | null;
  nodeArgs?: string[];
  read: (value: unknown) => M | null;
  failure?: (message: M) => string | null;
}): Child<M> {
  const scriptPath = fileURLToPath(new URL(options.script, import.meta.url));
  // execArgv carries `--conditions=source --import tsx`, so children load TypeScript sources too.
  const node = [
    ...process.execArgv,
    ...(options.nodeArgs ?? []),
    scriptPath,
    ...(options.args ?? []),
  ];
  const [command, argv] =
    options.core === null
      ? [process.execPath, node]
      : ['taskset', ['-c', String(options.core), process.execPath, ...node]];
  const child = spawn(command, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(child);
  return new Child(options.name, child, options.read, options.failure ?? (() => null));
}
