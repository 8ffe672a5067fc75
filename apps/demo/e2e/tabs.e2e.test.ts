import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  avatarNames,
  boardSockets,
  chatBodies,
  connection,
  cursorAt,
  moveOnBoard,
  screenshots,
  sendChat,
  signIn,
  titles,
  userId,
} from './demoPage';
import { startStack, type DemoStack, type ServerInfo } from './stack';

// One person with five tabs of the demo in one browser (one context: one origin's storage), and
// another person in another browser. The demo shares its connection across tabs (`acrossTabs`):
// one tab, the leader, holds the socket and the others relay through it.

const TABS = 5;

let info: ServerInfo;
let stack: DemoStack | undefined;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let annTabs: Page[] = [];
let b: Page;
let annId: string | null = null;
let bobId: string | null = null;
let demoUrl = '';
let screenshot: Awaited<ReturnType<typeof screenshots>>;
/** The Realtime sockets each page holds open right now (Vite's own socket is not one). */
const openSockets = new Map<Page, number>();
/** Each page's GET requests for the board's tasks. */
const taskGets = new Map<Page, number>();

/** A new page of `context` whose Realtime sockets and board fetches are counted. */
async function watchedPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  openSockets.set(page, 0);
  taskGets.set(page, 0);
  page.on('websocket', (socket) => {
    if (!socket.url().includes('/realtime/v1/websocket')) return;
    openSockets.set(page, (openSockets.get(page) ?? 0) + 1);
    socket.on('close', () => openSockets.set(page, (openSockets.get(page) ?? 0) - 1));
  });
  page.on('request', (request) => {
    if (request.method() === 'GET' && request.url().includes('/rest/v1/tasks'))
      taskGets.set(page, (taskGets.get(page) ?? 0) + 1);
  });
  return page;
}

/** The pages among `pages` that hold a Realtime socket: with sharing, the leader alone. */
const holders = (pages: Page[]) => pages.filter((page) => (openSockets.get(page) ?? 0) > 0);

const annSockets = () => boardSockets(info.url, info.anonKey, annId);

beforeAll(async () => {
  // Screenshots of each step are kept (gitignored) for review; each run starts afresh.
  screenshot = await screenshots('e2e-tabs');
  stack = await startStack();
  ({ info, browser, url: demoUrl } = stack);
  contextA = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contextB = await browser.newContext({ viewport: { width: 960, height: 700 } });
  const first = await watchedPage(contextA);
  await signIn(first, demoUrl, 'Ann');
  annTabs = [first];
  // The other tabs share the first one's session and open signed in.
  for (let i = 2; i <= TABS; i++) {
    const page = await watchedPage(contextA);
    await page.goto(demoUrl);
    annTabs.push(page);
  }
  for (const page of annTabs) {
    await page.getByTestId('task').first().waitFor();
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
  }
  b = await watchedPage(contextB);
  await signIn(b, demoUrl, 'Bob');
  annId = await userId(first);
  bobId = await userId(b);
});

afterAll(async () => {
  await stack?.stop();
});

describe('the demo, one user in five tabs of one browser and another user', () => {
  it("holds one socket for Ann's five tabs, and Bob has his own", async () => {
    expect(annId).not.toBeNull();
    expect(bobId).not.toBe(annId);
    await expect.poll(annSockets, { timeout: 10_000 }).toBe(1);
    expect(await boardSockets(info.url, info.anonKey, bobId)).toBe(1);
    // In the browser too: one of Ann's tabs holds a Realtime socket, the leader.
    await expect.poll(() => holders(annTabs).length, { timeout: 10_000 }).toBe(1);
    expect(holders([b])).toEqual([b]);
  });

  it('shows Ann once in the avatar stack of Bob and of each of her tabs', async () => {
    await expect.poll(() => avatarNames(b), { timeout: 10_000 }).toEqual(['Ann', 'Bob']);
    for (const page of annTabs) {
      await expect.poll(() => avatarNames(page), { timeout: 10_000 }).toEqual(['Ann', 'Bob']);
    }
    await screenshot(b, 'avatars-b');
  });

  it("delivers Bob's chat message once to each tab, and a follower tab's once to Bob", async () => {
    await sendChat(b, 'Hello, all of your tabs');
    for (const page of annTabs) {
      await expect
        .poll(() => chatBodies(page), { timeout: 10_000 })
        .toEqual(['Hello, all of your tabs']);
    }
    const follower = annTabs.find((page) => !holders(annTabs).includes(page)) as Page;
    await sendChat(follower, 'Hi Bob, from a follower tab');
    await expect
      .poll(() => chatBodies(b), { timeout: 10_000 })
      .toEqual(['Hello, all of your tabs', 'Hi Bob, from a follower tab']);
    for (const page of annTabs) {
      await expect
        .poll(() => chatBodies(page), { timeout: 10_000 })
        .toEqual(['Hello, all of your tabs', 'Hi Bob, from a follower tab']);
    }
    await screenshot(follower, 'chat-follower');
  });

  it("shows a follower tab's cursor on Bob's board", async () => {
    const follower = annTabs.filter((page) => !holders(annTabs).includes(page)).at(-1) as Page;
    await follower.bringToFront();
    await moveOnBoard(follower, { x: 0.6, y: 0.3 });
    await expect
      .poll(
        async () => {
          const at = await cursorAt(b, 'Ann');
          return at !== null && Math.abs(at.x - 0.6) < 0.01 && Math.abs(at.y - 0.3) < 0.01;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    await screenshot(b, 'cursor-from-follower-b');
  });

  it("puts a task Bob adds on the board of each of Ann's tabs", async () => {
    await b.getByTestId('new-task').fill('Seen in five tabs');
    await b.getByTestId('add-task').click();
    for (const page of annTabs) {
      await expect.poll(() => titles(page), { timeout: 10_000 }).toContain('Seen in five tabs');
    }
    await screenshot(annTabs[0] as Page, 'task-from-bob');
  });

  it('hands over within 2 s when the leader tab closes: one socket again, each tab refetching once, no chat message lost or doubled', async () => {
    const [leader] = holders(annTabs);
    expect(leader).toBeDefined();
    const rest = annTabs.filter((page) => page !== leader);
    const before = rest.map((page) => taskGets.get(page) ?? 0);
    const started = Date.now();
    await (leader as Page).close();
    // Bob writes during the handover: each remaining tab must show it once.
    await sendChat(b, 'Written during the handover');
    await expect.poll(() => holders(rest).length, { timeout: 5000, interval: 20 }).toBe(1);
    for (const [i, page] of rest.entries()) {
      await expect
        .poll(() => taskGets.get(page), { timeout: 5000, interval: 20 })
        .toBe((before[i] ?? 0) + 1);
      await expect.poll(() => connection(page), { timeout: 5000, interval: 20 }).toBe('open');
    }
    await expect.poll(annSockets, { timeout: 5000, interval: 20 }).toBe(1);
    const handover = Date.now() - started;
    console.info(`handover when the leader tab closes, in the demo: ${handover} ms`);
    expect(handover).toBeLessThan(2000);
    annTabs = rest;

    await sendChat(b, 'Written after the handover');
    const expected = [
      'Hello, all of your tabs',
      'Hi Bob, from a follower tab',
      'Written during the handover',
      'Written after the handover',
    ];
    for (const page of rest) {
      await expect.poll(() => chatBodies(page), { timeout: 10_000 }).toEqual(expected);
    }
    // Still one board fetch per tab for the one gap, and one socket for the four tabs.
    rest.forEach((page, i) => expect(taskGets.get(page)).toBe((before[i] ?? 0) + 1));
    expect(await annSockets()).toBe(1);
    expect(await avatarNames(b)).toEqual(['Ann', 'Bob']);
    await screenshot(rest[0] as Page, 'after-handover');
  });
});
