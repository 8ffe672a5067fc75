import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFromDisk } from '../../../.storybook/disk/openFromDisk';
import { launchChromium } from '../../../testing/chromium';
import { freePort, ServerProcess, type ServerInfo } from './stack';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a root package.json script as `pnpm run NAME -- ...extra` would (its bins on PATH). */
async function script(name: string, extra: string[], env: Record<string, string> = {}) {
  const scripts = (
    JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const command = scripts[name];
  if (!command) throw new Error(`package.json has no "${name}" script`);
  // `exec`: the shell becomes the command, so stopping the child stops it.
  return spawn(`exec ${command} ${extra.join(' ')}`, {
    cwd: REPO,
    shell: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      PATH: `${join(REPO, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
    },
  });
}

async function finished(child: ChildProcess): Promise<string> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`exited with ${String(code)}:\n${output}`);
  return output;
}

async function answers(url: string): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 200) {
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within 30 s`);
}

let server: ServerProcess;
let info: ServerInfo;
let output: string;
let preview: ChildProcess | null = null;
let browser: Browser;

beforeAll(async () => {
  server = await ServerProcess.create();
  info = await server.start();
  output = await mkdtemp(join(tmpdir(), 'roomkit-storybook-'));
  // The server's URL and key are read when Storybook is built, from these two variables.
  await finished(
    await script('build-storybook', ['-o', output, '--quiet'], {
      STORYBOOK_ROOMKIT_URL: info.url,
      STORYBOOK_ROOMKIT_ANON_KEY: info.anonKey,
    }),
  );
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (preview && preview.exitCode === null) {
    preview.kill('SIGTERM');
    await once(preview, 'exit');
  }
  await server?.stop();
  if (output) await rm(output, { recursive: true, force: true });
});

describe('pnpm build-storybook', () => {
  it('opens from disk: the Introduction, then a live chat between two users on the server it was built for', async ({
    onTestFailed,
  }) => {
    // A double-click on index.html: Chromium with its default file:// rules (origin `null`).
    const page = await browser.newPage();
    const errors: string[] = [];
    // A page that never draws says why only in its console.
    onTestFailed(() => console.error(`Console errors of the page:\n${errors.join('\n')}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`file://${output}/index.html`);
    const preview = page.frameLocator('#storybook-preview-iframe');
    await preview.getByRole('heading', { name: 'Two users side by side' }).waitFor();
    // The sidebar is filled from the index: the manager read it too.
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByRole('link', { name: 'Multi User' }).click();
    const ann = preview.getByTestId('user-Ann');
    const bob = preview.getByTestId('user-Bob');
    // The story's play function runs first: Ann's "Hi Bob" reaches Bob, his 👍 reaches her.
    await ann
      .locator('[data-slot="chat-reaction"]', { hasText: '👍 1' })
      .waitFor({ timeout: 30_000 });
    // Then a message of this test's own, into Bob's chat that is already open: only the live
    // channel can bring it.
    const input = ann.getByPlaceholder('Write a message…');
    await input.fill('Sent from a page opened from disk');
    await input.press('Enter');
    await bob.getByText('Sent from a page opened from disk').waitFor({ timeout: 20_000 });
    expect(page.url()).toContain('?path=/story/ui-chat--multi-user');
    expect(
      sockets.some((url) =>
        url.startsWith(`${info.url.replace(/^http/, 'ws')}/realtime/v1/websocket`),
      ),
    ).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses to rewrite a folder that is not a fresh Storybook build, and says why', async () => {
    await expect(openFromDisk(output)).rejects.toThrow(
      'index.html has no module script: is this a fresh `storybook build` output?',
    );
    const empty = await mkdtemp(join(tmpdir(), 'roomkit-not-storybook-'));
    try {
      await expect(openFromDisk(empty)).rejects.toThrow(
        `${empty} has no index.json: run \`storybook build\` first.`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('has an entry for every page the Introduction links to', async () => {
    const index = JSON.parse(await readFile(join(output, 'index.json'), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    const intro = await readFile(join(REPO, '.storybook/docs/Introduction.mdx'), 'utf8');
    const linked = [...intro.matchAll(/\(\?path=\/(?:docs|story)\/([^)]+)\)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(linked.length).toBeGreaterThan(10);
    expect(linked.filter((id) => !(id in index.entries))).toEqual([]);
  });

  it('works served by `pnpm serve-storybook`, connected to the server it was built for', async () => {
    const port = await freePort();
    preview = await script('serve-storybook', ['--outDir', output, '--port', String(port)]);
    await answers(`http://127.0.0.1:${port}/index.json`);
    const page = await browser.newPage();
    // The Introduction page (MDX) is the first entry.
    await page.goto(`http://127.0.0.1:${port}/`);
    const docs = page.frameLocator('#storybook-preview-iframe');
    await docs.getByRole('heading', { name: 'Two users side by side' }).waitFor();
    // A live story: Ann's avatar comes from presence on the server the build was pointed at.
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`http://127.0.0.1:${port}/?path=/story/ui-avatarstack--default`);
    const story = page.frameLocator('#storybook-preview-iframe');
    await expect
      .poll(() => story.locator('[data-slot="avatar"]').count(), { timeout: 20_000 })
      .toBe(1);
    expect(
      sockets.some((url) =>
        url.startsWith(`${info.url.replace(/^http/, 'ws')}/realtime/v1/websocket`),
      ),
    ).toBe(true);
    await page.close();
  });
});
