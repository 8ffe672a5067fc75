import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packBrokenCopy } from '../brokenCopy';
import { checkTarball } from '../checkTarball';
import { packPublicPackages, type Tarballs } from '../packPackages';
import { run } from '../run';
import { createThrowawayWorkspace, type ThrowawayWorkspace } from '../throwawayWorkspace';

let scratch: string;
let tarballs: Tarballs;
const workspaces: ThrowawayWorkspace[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'roomkit-broken-'));
  tarballs = await packPublicPackages(scratch);
});

afterAll(async () => {
  await Promise.all(workspaces.map((workspace) => workspace.remove()));
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function workspaceWith(replaced: Partial<Tarballs>, apps: ('react19' | 'node')[]) {
  const workspace = await createThrowawayWorkspace({ ...tarballs, ...replaced }, apps);
  workspaces.push(workspace);
  return workspace;
}

describe('the smoke check, given a deliberately broken package', () => {
  it('fails when "files" leaves out a file that "exports" names', async () => {
    const broken = await packBrokenCopy('@roomkit/ui', scratch, (manifest) => {
      manifest.files = manifest.files.filter((entry) => entry !== 'styles.css');
    });
    await expect(checkTarball(broken)).rejects.toThrow(
      '@roomkit/ui would not work for a registry user:\n  - exports["./styles.css"] points at ./styles.css, which is not in the tarball (is it in "files"?).',
    );
  });

  it('fails when "exports" points at a file the build does not make, in the tarball check and in Node', async () => {
    const broken = await packBrokenCopy('@roomkit/react', scratch, (manifest) => {
      const publishConfig = manifest.publishConfig as {
        exports: Record<string, Record<string, string>>;
      };
      const testing = publishConfig.exports['./testing'];
      if (testing) testing.import = './dist/testing.mjs';
    });
    await expect(checkTarball(broken)).rejects.toThrow(
      'exports["./testing"]["import"] points at ./dist/testing.mjs, which is not in the tarball',
    );
    const workspace = await workspaceWith({ '@roomkit/react': broken }, ['node']);
    await expect(
      run('Running the Node ESM script', ['node', 'check.mjs'], { cwd: workspace.app('node') }),
    ).rejects.toThrow(
      /Running the Node ESM script failed \(exit 1\)[\s\S]*Cannot find module .*dist\/testing\.mjs/,
    );
  });

  it('fails when the published exports keep the workspace-only source condition', async () => {
    const broken = await packBrokenCopy('@roomkit/react', scratch, (manifest) => {
      const publishConfig = manifest.publishConfig as Record<string, unknown>;
      delete publishConfig.exports;
    });
    await expect(checkTarball(broken)).rejects.toThrow(
      'exports["."]["source"] is the workspace-only "source" condition (publishConfig.exports must drop it).',
    );
  });

  it('fails when the build imports a package that is not declared', async () => {
    const broken = await packBrokenCopy('@roomkit/react', scratch, (manifest) => {
      delete manifest.dependencies?.zustand;
    });
    // The bundler may put the import in a chunk shared by several entries.
    await expect(checkTarball(broken)).rejects.toThrow(
      /dist\/[\w-]+\.js imports zustand\/vanilla, but zustand is not a dependency or peer\./,
    );
  });

  it('fails when the CSS is not marked as a side effect', async () => {
    const broken = await packBrokenCopy('@roomkit/ui', scratch, (manifest) => {
      manifest.sideEffects = false;
    });
    await expect(checkTarball(broken)).rejects.toThrow(
      'styles.css is not in "sideEffects": bundlers may drop its import.',
    );
  });

  it("fails the app's typecheck when declarations need React's types but do not declare them", async () => {
    // Inside the workspace @types/react is always reachable; an installed package sees only what it declares.
    const broken = await packBrokenCopy('@roomkit/ui', scratch, (manifest) => {
      delete manifest.peerDependencies?.['@types/react'];
      delete manifest.peerDependenciesMeta?.['@types/react'];
    });
    await checkTarball(broken);
    const workspace = await workspaceWith({ '@roomkit/ui': broken }, ['react19']);
    await expect(
      run('Typechecking the react19 app', ['node_modules/.bin/tsc', '-p', '.'], {
        cwd: workspace.app('react19'),
      }),
    ).rejects.toThrow(
      /Typechecking the react19 app failed \(exit 2\)[\s\S]*@roomkit\/ui\/dist\/index\.d\.ts.*Could not find a declaration file for module 'react'/,
    );
  });
});
