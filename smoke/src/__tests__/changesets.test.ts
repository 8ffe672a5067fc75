import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, run } from '../run';

const CHANGESET = join(REPO, 'node_modules/@changesets/cli/bin.js');
const MANIFESTS = [
  'package.json',
  'packages/server/package.json',
  'packages/react/package.json',
  'packages/ui/package.json',
  'packages/devtools/package.json',
  'packages/react/react18/package.json',
  'apps/demo/package.json',
];
// Past tense, as house style asks; irregular verbs a changelog line may start with.
const IRREGULAR = [
  'Made',
  'Built',
  'Kept',
  'Brought',
  'Sent',
  'Split',
  'Cut',
  'Set',
  'Let',
  'Put',
  'Shut',
  'Rewrote',
  'Gave',
  'Took',
  'Found',
];

let scratch: string | null = null;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = null;
});

/** The repository's workspace layout and changesets config, without the code, in a temp folder. */
async function scratchCopy(changesets: Record<string, string>): Promise<string> {
  scratch = await mkdtemp(join(tmpdir(), 'roomkit-changesets-'));
  for (const file of [...MANIFESTS, 'pnpm-workspace.yaml']) {
    await mkdir(join(scratch, dirname(file)), { recursive: true });
    await cp(join(REPO, file), join(scratch, file));
  }
  await mkdir(join(scratch, '.changeset'));
  await cp(join(REPO, '.changeset/config.json'), join(scratch, '.changeset/config.json'));
  for (const [name, text] of Object.entries(changesets)) {
    await writeFile(join(scratch, '.changeset', `${name}.md`), text);
  }
  return scratch;
}

const version = async (root: string, file: string) =>
  (JSON.parse(await readFile(join(root, file), 'utf8')) as { version: string }).version;

const patched = (current: string) => current.replace(/\d+$/, (patch) => String(Number(patch) + 1));

describe('the release flow (changesets)', () => {
  it('has pending changesets that name only published packages and say one past-tense sentence each', async () => {
    const files = (await readdir(join(REPO, '.changeset'))).filter(
      (file) => file.endsWith('.md') && file !== 'README.md',
    );
    for (const file of files) {
      const text = await readFile(join(REPO, '.changeset', file), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(text);
      expect(match, `${file} has a frontmatter and a summary`).not.toBeNull();
      const [, frontmatter = '', summary = ''] = match ?? [];
      for (const line of frontmatter.split('\n')) {
        expect(line, `${file}: a published package and a bump`).toMatch(
          /^'(@roomkit\/(server|react|ui|devtools))': (patch|minor|major)$/,
        );
      }
      const sentence = summary.trim();
      expect(sentence.split('\n'), `${file}: one line`).toHaveLength(1);
      expect(sentence, `${file}: one sentence`).toMatch(/^[A-Z][^]*\.$/);
      expect(sentence.slice(0, -1), `${file}: one sentence`).not.toMatch(/\. [A-Z]/);
      const verb = sentence.split(' ')[0] ?? '';
      expect(
        verb.endsWith('ed') || IRREGULAR.includes(verb),
        `${file} starts in the past tense: ${verb}`,
      ).toBe(true);
    }
  });

  it('writes CHANGELOG.md entries and gives @roomkit/react and @roomkit/ui one version when both change', async () => {
    const root = await scratchCopy({
      'hooks-fix': "---\n'@roomkit/react': patch\n---\n\nFixed a hook.\n",
      'chat-fix': "---\n'@roomkit/ui': patch\n'@roomkit/server': patch\n---\n\nFixed the chat.\n",
    });
    const before = {
      react: await version(root, 'packages/react/package.json'),
      ui: await version(root, 'packages/ui/package.json'),
      server: await version(root, 'packages/server/package.json'),
    };
    await run('pnpm changeset version', ['node', CHANGESET, 'version'], { cwd: root });
    const highest =
      [before.react, before.ui]
        .sort((x, y) => x.localeCompare(y, 'en', { numeric: true }))
        .at(-1) ?? '';
    expect(await version(root, 'packages/react/package.json')).toBe(patched(highest));
    expect(await version(root, 'packages/ui/package.json')).toBe(patched(highest));
    expect(await version(root, 'packages/server/package.json')).toBe(patched(before.server));
    const changelog = (folder: string) => readFile(join(root, folder, 'CHANGELOG.md'), 'utf8');
    expect(await changelog('packages/react')).toContain('- Fixed a hook.');
    expect(await changelog('packages/ui')).toContain('- Fixed the chat.');
    expect(await changelog('packages/server')).toContain('- Fixed the chat.');
    // The private packages (the demo, the React 18 test package) are never versioned.
    expect(await version(root, 'apps/demo/package.json')).toBe(
      await version(REPO, 'apps/demo/package.json'),
    );
    expect(await version(root, 'packages/react/react18/package.json')).toBe('0.0.0');
    await expect(readFile(join(root, 'apps/demo/CHANGELOG.md'))).rejects.toThrow(/ENOENT/);
  });

  it('leaves @roomkit/ui as it is when only @roomkit/react has a patch', async () => {
    const root = await scratchCopy({
      'hooks-fix': "---\n'@roomkit/react': patch\n---\n\nFixed a hook.\n",
    });
    const ui = await version(root, 'packages/ui/package.json');
    await run('pnpm changeset version', ['node', CHANGESET, 'version'], { cwd: root });
    expect(await version(root, 'packages/react/package.json')).not.toBe(
      await version(REPO, 'packages/react/package.json'),
    );
    expect(await version(root, 'packages/ui/package.json')).toBe(ui);
  });
});
