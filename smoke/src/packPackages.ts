import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PNPM, REPO, run } from './run';

/** The packages published to npm, by folder under packages/. */
export const PUBLIC_PACKAGES = {
  '@roomkit/server': 'packages/server',
  '@roomkit/react': 'packages/react',
  '@roomkit/ui': 'packages/ui',
  '@roomkit/devtools': 'packages/devtools',
} as const;

/** A published package's name. */
export type PublicPackage = keyof typeof PUBLIC_PACKAGES;

/** Where `pnpm pack` put each public package's tarball. */
export type Tarballs = Record<PublicPackage, string>;

async function newestMtime(dir: string, skip: (name: string) => boolean): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || skip(entry.name)) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function oldestMtime(dir: string): Promise<number | null> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => null);
  if (!entries || entries.length === 0) return null;
  let oldest = Infinity;
  for (const entry of entries) {
    if (entry.isFile())
      oldest = Math.min(oldest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return oldest;
}

/**
 * Builds a package unless its dist/ is newer than everything it is built from (`pnpm test`
 * has just built it), so packing never ships a stale build.
 */
export async function ensureBuilt(folder: string): Promise<void> {
  const root = join(REPO, folder);
  const built = await oldestMtime(join(root, 'dist'));
  const sources = Math.max(
    await newestMtime(join(root, 'src'), () => false),
    (await stat(join(root, 'package.json'))).mtimeMs,
    (await stat(join(root, 'tsup.config.ts'))).mtimeMs,
  );
  if (built !== null && built > sources) return;
  await run(`Building ${folder}`, [...PNPM, 'run', 'build'], { cwd: root });
}

/** Packs one package folder with `pnpm pack` and returns the tarball's path. */
export async function packFolder(folder: string, destination: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  await run(`pnpm pack of ${manifest.name}`, [...PNPM, 'pack', '--pack-destination', destination], {
    cwd: folder,
  });
  return join(
    destination,
    `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`,
  );
}

/** Packs every public package into `destination` (the global setup has built them). */
export async function packPublicPackages(destination: string): Promise<Tarballs> {
  const entries = Object.entries(PUBLIC_PACKAGES) as [PublicPackage, string][];
  const packed = await Promise.all(
    entries.map(async ([name, folder]) => [
      name,
      await packFolder(join(REPO, folder), destination),
    ]),
  );
  return Object.fromEntries(packed) as Tarballs;
}
