import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { REPO, run } from './run';

/** The fields of a packed package.json that the checks read. */
interface Manifest {
  name: string;
  license?: string;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { url?: string; directory?: string };
  engines?: { node?: string };
  publishConfig?: { access?: string };
  exports?: unknown;
  bin?: Record<string, string>;
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** `*.css`-style patterns (as `files`, `sideEffects` and exports use them) as a test on a path. */
function matcher(pattern: string): (path: string) => boolean {
  const body = normalize(pattern.replace(/^\.\//, ''))
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  // A pattern without a slash matches a file name in any folder (webpack's sideEffects rule).
  const regex = pattern.includes('/') ? new RegExp(`^${body}$`) : new RegExp(`(^|/)${body}$`);
  return (path) => regex.test(path);
}

/** Every string an `exports` field points at, with the path of conditions leading to it. */
function exportTargets(value: unknown, at: string[] = []): { at: string[]; target: string }[] {
  if (typeof value === 'string') return [{ at, target: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => exportTargets(inner, [...at, key]));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * What a registry user would find wrong with a packed package, as sentences: files its
 * package.json points at that are not in the tarball (`exports`, `bin`, CSS in `sideEffects`),
 * `workspace:` ranges, the workspace-only `source` condition, entries without types, imports
 * of undeclared packages or of files outside the tarball, source maps whose sources are not
 * shipped, a missing LICENSE, and missing registry metadata.
 */
export async function tarballProblems(
  tarball: string,
): Promise<{ name: string; problems: string[] }> {
  const scratch = await mkdtemp(join(tmpdir(), 'roomkit-tarball-'));
  try {
    await run(`Unpacking ${tarball}`, ['tar', 'xzf', tarball, '-C', scratch], { cwd: scratch });
    const root = join(scratch, 'package');
    const files = new Set(
      (await readdir(root, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => relative(root, join(entry.parentPath, entry.name))),
    );
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
    const problems: string[] = [];
    const shipped = (path: string) => files.has(normalize(path.replace(/^\.\//, '')));

    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (/^(workspace|link|file):/.test(range)) {
          problems.push(`${field}["${name}"] is "${range}", which a registry user cannot install.`);
        }
      }
    }

    for (const { at, target } of exportTargets(manifest.exports)) {
      const where = `exports${at.map((key) => `["${key}"]`).join('')}`;
      if (at.includes('source')) {
        problems.push(
          `${where} is the workspace-only "source" condition (publishConfig.exports must drop it).`,
        );
      }
      const found = target.includes('*') ? [...files].some(matcher(target)) : shipped(target);
      if (!found)
        problems.push(
          `${where} points at ${target}, which is not in the tarball (is it in "files"?).`,
        );
    }
    if (manifest.exports && typeof manifest.exports === 'object') {
      for (const [subpath, conditions] of Object.entries(manifest.exports)) {
        if (typeof conditions !== 'object' || conditions === null) continue;
        if ('import' in conditions && !('types' in conditions)) {
          problems.push(`exports["${subpath}"] has no "types" condition.`);
        }
      }
    }

    for (const [command, target] of Object.entries(manifest.bin ?? {})) {
      if (!shipped(target))
        problems.push(`bin "${command}" points at ${target}, which is not in the tarball.`);
      else if (!(await readFile(join(root, target), 'utf8')).startsWith('#!')) {
        problems.push(`bin "${command}" (${target}) has no #! line.`);
      }
    }

    const css = [...files].filter((file) => file.endsWith('.css'));
    const keeps = (file: string) =>
      manifest.sideEffects === undefined ||
      manifest.sideEffects === true ||
      (Array.isArray(manifest.sideEffects) && manifest.sideEffects.some((p) => matcher(p)(file)));
    for (const file of css) {
      if (!keeps(file))
        problems.push(`${file} is not in "sideEffects": bundlers may drop its import.`);
    }

    for (const file of files) {
      const isCode = /\.(m?js|d\.m?ts)$/.test(file) && !file.startsWith('src/');
      if (!isCode) continue;
      const text = await readFile(join(root, file), 'utf8');
      // TypeScript's own import scanner: static, dynamic and type imports, never strings or comments.
      const scanned = ts.preProcessFile(text, true, true);
      const specifiers = [
        ...scanned.importedFiles.map((reference) => reference.fileName),
        ...scanned.typeReferenceDirectives.map((reference) => `@types/${reference.fileName}`),
      ];
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) {
          const target = normalize(join(dirname(file), specifier));
          const candidates = file.endsWith('.ts')
            ? [target.replace(/\.js$/, '.d.ts'), `${target}.d.ts`, join(target, 'index.d.ts')]
            : [target];
          if (!candidates.some((candidate) => files.has(candidate))) {
            problems.push(`${file} imports ${specifier}, which is not in the tarball.`);
          }
          continue;
        }
        const name = packageName(specifier);
        if (
          specifier.startsWith('node:') ||
          builtinModules.includes(name) ||
          name === manifest.name
        )
          continue;
        const declared = DEPENDENCY_FIELDS.some((field) => manifest[field]?.[name] !== undefined);
        if (!declared)
          problems.push(`${file} imports ${specifier}, but ${name} is not a dependency or peer.`);
      }
      const mapUrl = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
      if (mapUrl && !mapUrl.startsWith('data:')) {
        const mapFile = normalize(join(dirname(file), mapUrl));
        if (!files.has(mapFile))
          problems.push(`${file} names the source map ${mapUrl}, which is not in the tarball.`);
      }
    }
    for (const file of [...files].filter((path) => path.endsWith('.map'))) {
      const map = JSON.parse(await readFile(join(root, file), 'utf8')) as { sources?: string[] };
      const missing = (map.sources ?? []).filter(
        (source) => !files.has(normalize(join(dirname(file), source))),
      );
      if (missing.length > 0) {
        problems.push(
          `${file} maps to sources that are not in the tarball: ${missing.slice(0, 5).join(', ')}.`,
        );
      }
    }

    const license = await readFile(join(REPO, 'LICENSE'), 'utf8');
    if (!files.has('LICENSE')) problems.push('there is no LICENSE file.');
    else if ((await readFile(join(root, 'LICENSE'), 'utf8')) !== license) {
      problems.push("its LICENSE differs from the repository's.");
    }
    if (manifest.license !== 'MIT')
      problems.push(`license is ${String(manifest.license)}, not MIT.`);
    if (!manifest.repository?.url || !manifest.repository.directory) {
      problems.push('repository needs a url and a directory.');
    }
    if (!manifest.homepage) problems.push('there is no homepage.');
    if (!manifest.bugs?.url) problems.push('there is no bugs url.');
    if (!manifest.engines?.node) problems.push('engines.node is missing.');
    if (manifest.publishConfig?.access !== 'public')
      problems.push('publishConfig.access is not "public".');
    return { name: manifest.name, problems };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Throws one readable error listing everything `tarballProblems` found. */
export async function checkTarball(tarball: string): Promise<void> {
  const { name, problems } = await tarballProblems(tarball);
  if (problems.length === 0) return;
  throw new Error(`${name} would not work for a registry user:\n  - ${problems.join('\n  - ')}`);
}
