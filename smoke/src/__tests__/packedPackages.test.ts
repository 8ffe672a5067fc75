import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../testing/chromium';
import { checkTarball } from '../checkTarball';
import {
  packPublicPackages,
  PUBLIC_PACKAGES,
  type PublicPackage,
  type Tarballs,
} from '../packPackages';
import { startPreview, startRoomkit, type Running, type ServerInfo } from '../processes';
import { run } from '../run';
import {
  createThrowawayWorkspace,
  type AppName,
  type ThrowawayWorkspace,
} from '../throwawayWorkspace';

let scratch: string;
let tarballs: Tarballs;
let workspace: ThrowawayWorkspace;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'roomkit-pack-'));
  tarballs = await packPublicPackages(scratch);
  workspace = await createThrowawayWorkspace(tarballs, ['react19', 'react18', 'node']);
});

afterAll(async () => {
  await workspace?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// Each app is typechecked and built once; the browser tests reuse the build.
const builds = new Map<AppName, Promise<void>>();
function build(app: 'react19' | 'react18'): Promise<void> {
  const cwd = workspace.app(app);
  const built =
    builds.get(app) ??
    (async () => {
      await run(`Typechecking the ${app} app`, ['node_modules/.bin/tsc', '-p', '.'], { cwd });
      await run(`Building the ${app} app`, ['node_modules/.bin/vite', 'build'], { cwd });
    })();
  builds.set(app, built);
  return built;
}

describe('the packed packages', () => {
  it.each(Object.keys(PUBLIC_PACKAGES) as PublicPackage[])(
    '%s ships every file its package.json names, declares every import, and maps to shipped sources',
    async (name) => {
      await checkTarball(tarballs[name]);
    },
  );

  it('install into a Vite + React 19 app that typechecks (strict, bundler resolution, no skipLibCheck) and builds', async () => {
    await build('react19');
    const assets = await readdir(join(workspace.app('react19'), 'dist/assets'));
    const css = assets.find((file) => file.endsWith('.css'));
    expect(css, 'the build has a CSS file').toBeDefined();
    // sideEffects keeps `import '@roomkit/ui/styles.css'` in the production bundle.
    expect(
      await readFile(join(workspace.app('react19'), 'dist/assets', css ?? ''), 'utf8'),
    ).toContain('.rk-chat');
  });

  it("install into a Vite + React 18 app without react-query that typechecks (Vite's default tsconfig) and builds", async () => {
    await build('react18');
  });

  it('load in a Node ESM script importing @roomkit/server and @roomkit/react/testing, typechecked with NodeNext', async () => {
    const cwd = workspace.app('node');
    await run('Typechecking the Node ESM script', ['node_modules/.bin/tsc', '-p', '.'], { cwd });
    const { output } = await run('Running the Node ESM script', ['node', 'check.mjs'], { cwd });
    expect(output).toContain('node esm check passed');
  });
});

describe('the built apps in Chromium, against roomkit start --ephemeral from the packed server', () => {
  let server: Running<ServerInfo>;
  let previews: Running<{ url: string }>[] = [];
  let browser: Browser;
  let a: Page;
  let b: Page;
  let c: Page;

  async function open(url: string, name: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const query = new URLSearchParams({ url: server.info.url, key: server.info.anonKey, name });
    await page.goto(`${url}?${query.toString()}`);
    await page
      .locator('[data-slot="connection-badge"][data-state="open"]')
      .waitFor({ timeout: 30_000 })
      .catch((error: unknown) => {
        throw new Error(
          `${name}'s page never connected (page errors: ${errors.join('; ') || 'none'}): ${String(error)}`,
        );
      });
    return page;
  }

  beforeAll(async () => {
    await Promise.all([build('react19'), build('react18')]);
    const react19 = workspace.app('react19');
    server = await startRoomkit(react19, [
      join(react19, 'node_modules/@roomkit/ui/sql'),
      join(workspace.dir, 'migrations'),
    ]);
    previews = await Promise.all([startPreview(react19), startPreview(workspace.app('react18'))]);
    browser = await launchChromium();
    const [on19, on18] = previews.map((preview) => preview.info.url);
    [a, b, c] = await Promise.all([
      open(on19 ?? '', 'Ann'),
      open(on19 ?? '', 'Bob'),
      open(on18 ?? '', 'Cy'),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(previews.map((preview) => preview.stop()));
    await server?.stop();
  });

  const lastPing = (page: Page) => page.getByTestId('last-ping').textContent();
  const others = (page: Page) => page.getByTestId('others').locator('li').allTextContents();
  const avatars = (page: Page) =>
    page
      .locator('[data-slot="avatar-stack"] [data-slot="avatar"]')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')).sort());

  it('renders the React 19 app with React 19 and the React 18 app with React 18', async () => {
    const reactVersion = (page: Page) =>
      page.getByTestId('room').getAttribute('data-react-version');
    expect(await reactVersion(a)).toMatch(/^19\./);
    expect(await reactVersion(c)).toMatch(/^18\./);
  });

  it('B receives the broadcast A sends', async () => {
    await a.getByRole('button', { name: 'Ping' }).click();
    await expect.poll(() => lastPing(b), { timeout: 15_000 }).toBe('ping from Ann');
  });

  it('B sees A in presence, through usePresence and <AvatarStack>', async () => {
    await expect.poll(() => others(b), { timeout: 15_000 }).toContain('Ann');
    await expect
      .poll(() => avatars(b), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['Ann', 'Bob']));
  });

  it('B sees the row A adds, through the live query (useRealtimeQuery from @roomkit/react/query)', async () => {
    await expect
      .poll(() => b.getByTestId('items').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('success');
    await a.getByLabel('New item').fill('Packed and shipped');
    await a.getByRole('button', { name: 'Add item' }).click();
    await expect
      .poll(() => b.getByTestId('item').allTextContents(), { timeout: 15_000 })
      .toContain('Packed and shipped');
  });

  it('B sees the chat message A sends, and it is stored in the chat_messages table from @roomkit/ui/sql', async () => {
    const input = a.getByPlaceholder('Write a message…');
    await input.fill('Hello from a tarball');
    await input.press('Enter');
    const bodies = (page: Page) => page.locator('[data-slot="chat-body"]').allTextContents();
    await expect.poll(() => bodies(b), { timeout: 15_000 }).toContain('Hello from a tarball');
    await expect
      .poll(
        () => a.locator('[data-slot="chat-message"][data-own]').last().getAttribute('data-state'),
        { timeout: 15_000 },
      )
      .toBe('sent');
    const response = await fetch(`${server.info.url}/rest/v1/chat_messages?select=body`, {
      headers: {
        apikey: server.info.serviceRoleKey,
        authorization: `Bearer ${server.info.serviceRoleKey}`,
      },
    });
    expect(await response.json()).toContainEqual({ body: 'Hello from a tarball' });
  });

  it("applies @roomkit/ui's styles.css to the chat", async () => {
    const display = await a
      .locator('[data-slot="chat"]')
      .evaluate((node) => getComputedStyle(node).display);
    expect(display).toBe('flex');
  });

  it('a page of the React 18 app exchanges broadcasts with a React 19 page, sees it in presence and shows its chat history', async () => {
    await c.getByRole('button', { name: 'Ping' }).click();
    await expect.poll(() => lastPing(a), { timeout: 15_000 }).toBe('ping from Cy');
    await a.getByRole('button', { name: 'Ping' }).click();
    await expect.poll(() => lastPing(c), { timeout: 15_000 }).toBe('ping from Ann');
    await expect
      .poll(() => others(c), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['Ann', 'Bob']));
    await expect.poll(() => avatars(a), { timeout: 15_000 }).toContain('Cy');
    await expect
      .poll(() => c.locator('[data-slot="chat-body"]').allTextContents(), { timeout: 15_000 })
      .toContain('Hello from a tarball');
  });
});
