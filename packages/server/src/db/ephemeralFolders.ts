import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../options';

const PREFIX = 'roomkit-db-';
/** Written into every ephemeral folder: the process id of the server that owns it. */
const OWNER_FILE = 'owner.pid';

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(file: string): Promise<number | null> {
  try {
    const first = (await readFile(file, 'utf8')).split('\n')[0] ?? '';
    const pid = Number(first.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Whether `pid` is a PostgreSQL server process; only Linux can tell (it reads /proc). */
async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('postgres');
  } catch {
    return false;
  }
}

/**
 * A throw-away folder for an embedded database under the OS temp folder, marked with this
 * process's id so a later start can tell it was left behind by a crash.
 */
export async function createEphemeralFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), PREFIX));
  // PostgreSQL refuses to run as root, so it runs as `postgres`, which must reach the folder.
  await chmod(folder, 0o755);
  await writeFile(join(folder, OWNER_FILE), `${process.pid}\n`);
  return folder;
}

/**
 * Removes ephemeral folders whose owning server is gone (killed before it could clean up),
 * stopping the PostgreSQL it left running in one first. Folders of running servers, and
 * folders without an owner file, are left alone.
 */
export async function removeStaleEphemeralFolders(logger: Logger): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(tmpdir())).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const folder = join(tmpdir(), name);
    const owner = await readPid(join(folder, OWNER_FILE));
    if (owner === null || isAlive(owner)) continue;
    const postmaster = await readPid(join(folder, 'data', 'postmaster.pid'));
    if (postmaster !== null && isAlive(postmaster)) {
      if (!(await isPostgres(postmaster))) continue;
      process.kill(postmaster, 'SIGINT');
      for (let waited = 0; waited < 10_000 && isAlive(postmaster); waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (isAlive(postmaster)) continue;
    }
    await rm(folder, { recursive: true, force: true });
    if (!existsSync(folder))
      logger.info('removed an ephemeral database left by a crash', { folder });
  }
}
