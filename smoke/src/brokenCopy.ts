import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packFolder, PUBLIC_PACKAGES, type PublicPackage } from './packPackages';
import { REPO } from './run';

/** A package.json as the breakages edit it. */
export type EditableManifest = Record<string, unknown> & {
  exports: Record<string, Record<string, string> | string>;
  files: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  publishConfig?: Record<string, unknown>;
};

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'devDependencies'] as const;

/**
 * Copies a public package (built) into `destination`, outside the workspace, lets `breakage` edit its package.json,
 * and packs the copy with `pnpm pack`, as a release with that mistake would be packed. The
 * copy's `workspace:` ranges become the versions pnpm would have written.
 */
export async function packBrokenCopy(
  name: PublicPackage,
  destination: string,
  breakage: (manifest: EditableManifest) => void,
): Promise<string> {
  const source = join(REPO, PUBLIC_PACKAGES[name]);
  const copy = join(await mkdtemp(join(destination, 'copy-')), 'package');
  await cp(source, copy, { recursive: true, filter: (path) => !path.includes('node_modules') });
  const manifest = JSON.parse(
    await readFile(join(copy, 'package.json'), 'utf8'),
  ) as EditableManifest;
  for (const field of DEPENDENCY_FIELDS) {
    const ranges = manifest[field] as Record<string, string> | undefined;
    if (!ranges) continue;
    for (const [dependency, range] of Object.entries(ranges)) {
      if (!range.startsWith('workspace:')) continue;
      const folder = PUBLIC_PACKAGES[dependency as PublicPackage];
      const { version } = JSON.parse(
        await readFile(join(REPO, folder, 'package.json'), 'utf8'),
      ) as { version: string };
      ranges[dependency] = range === 'workspace:^' ? `^${version}` : version;
    }
  }
  breakage(manifest);
  await writeFile(join(copy, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return packFolder(copy, destination);
}
