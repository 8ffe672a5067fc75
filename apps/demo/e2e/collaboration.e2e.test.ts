import pg from 'pg';
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
import { alive, startStack, type DemoStack, type ServerInfo, type ServerProcess } from './stack';

let server: ServerProcess;
let info: ServerInfo;
let stack: DemoStack | undefined;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let a: Page;
let b: Page;
let a2: Page | null = null;
let demoUrl = '';
let screenshot: Awaited<ReturnType<typeof screenshots>>;

/** Rows as the database has them, read with the service role (RLS does not hide any). */
async function rows(table: string, select: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${info.url}/rest/v1/${table}?select=${select}&order=created_at`, {
    headers: { apikey: info.serviceRoleKey, authorization: `Bearer ${info.serviceRoleKey}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>[];
}

beforeAll(async () => {
  // Screenshots of each step are kept (gitignored) for review; each run starts afresh.
  screenshot = await screenshots('e2e');
  stack = await startStack();
  ({ server, info, browser, url: demoUrl } = stack);
  // Two people: separate browser contexts (own storage, own session), different window sizes;
  // B's system is in dark mode, so the screenshots show both themes.
  contextA = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contextB = await browser.newContext({
    viewport: { width: 960, height: 700 },
    colorScheme: 'dark',
  });
  a = await contextA.newPage();
  b = await contextB.newPage();
  await signIn(a, demoUrl, 'Ann');
  await signIn(b, demoUrl, 'Bob');
});

afterAll(async () => {
  await stack?.stop();
});

describe('the demo, two users in two windows', () => {
  it('A sends a chat message and B sees it', async () => {
    await sendChat(a, 'Hello from Ann');
    await expect.poll(() => chatBodies(b), { timeout: 10_000 }).toContain('Hello from Ann');
    await expect
      .poll(() =>
        a.locator('[data-slot="chat-message"][data-own]').last().getAttribute('data-state'),
      )
      .toBe('sent');
    // B read it: A's message says so by B's chat profile name, written at sign-in.
    await expect
      .poll(
        () =>
          a
            .locator('[data-slot="chat-message"][data-own]')
            .last()
            .locator('[data-slot="chat-seen"]')
            .getAttribute('title', { timeout: 1_000 })
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe('Bob');
    await screenshot(a, 'chat-a');
    await screenshot(b, 'chat-b');
  });

  it("A's cursor shows on B's board at the same relative spot, in a window of another size", async () => {
    const boxA = await a.getByTestId('board').boundingBox();
    if (!boxA) throw new Error('A has no board');
    const cursor = b.getByTestId('board').locator('[data-slot="cursor"]', { hasText: 'Ann' });
    const spot = { x: 0.3, y: 0.4 };
    await a.mouse.move(boxA.x + 5, boxA.y + 5);
    await a.mouse.move(boxA.x + boxA.width * spot.x, boxA.y + boxA.height * spot.y, { steps: 8 });
    await expect.poll(() => cursor.getAttribute('data-state'), { timeout: 10_000 }).toBe('active');
    const relative = () => cursorAt(b, 'Ann');
    // Interpolation glides there; once settled, it is the same fraction of B's (smaller) board.
    await expect
      .poll(
        async () => {
          const at = await relative();
          return at !== null && Math.abs(at.x - spot.x) < 0.01 && Math.abs(at.y - spot.y) < 0.01;
        },
        { timeout: 5000 },
      )
      .toBe(true);
    const boxB = await b.getByTestId('board').boundingBox();
    expect(boxB?.width).not.toBe(boxA.width);
    await screenshot(a, 'cursor-a');
    await screenshot(b, 'cursor-b');
  });

  it("A adds, completes and deletes a task and B's board follows", async () => {
    await a.getByTestId('new-task').fill('Ship the demo');
    await a.getByTestId('add-task').click();
    const onB = b.getByTestId('task').filter({ hasText: 'Ship the demo' });
    await expect.poll(() => onB.count(), { timeout: 10_000 }).toBe(1);
    expect(await onB.getAttribute('data-done')).toBe('false');
    const onA = a.getByTestId('task').filter({ hasText: 'Ship the demo' });
    expect(await onA.count()).toBe(1);
    await onA.getByRole('checkbox').check();
    await expect.poll(() => onB.getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
    expect(await onB.getByRole('checkbox').isChecked()).toBe(true);
    await screenshot(b, 'task-done-b');

    await a.getByTestId('new-task').fill('A task to delete');
    await a.getByTestId('add-task').click();
    const doomedOnB = b.getByTestId('task').filter({ hasText: 'A task to delete' });
    await expect.poll(() => doomedOnB.count(), { timeout: 10_000 }).toBe(1);
    await a
      .getByTestId('task')
      .filter({ hasText: 'A task to delete' })
      .getByRole('button', { name: 'Delete "A task to delete"' })
      .click();
    await expect.poll(() => doomedOnB.count(), { timeout: 10_000 }).toBe(0);
    expect(await titles(a)).not.toContain('A task to delete');
    expect(await titles(b)).toContain('Ship the demo');
  });

  it("B's avatar stack shows A once even when A opens a second tab", async () => {
    await expect.poll(() => avatarNames(b)).toEqual(['Ann', 'Bob']);
    a2 = await contextA.newPage();
    await a2.goto(demoUrl);
    await a2.getByTestId('task').first().waitFor();
    // The demo shares its connection across tabs: A's two tabs are one socket, one join.
    const annId = await userId(a);
    const sockets = () => boardSockets(info.url, info.anonKey, annId);
    await expect.poll(() => connection(a2 as Page)).toBe('open');
    expect(await sockets()).toBe(1);
    // The second tab's presence slice joins A's one tracked state (coalesced under the presence
    // limit); once B shows the cursor the second tab moves, B's stack still shows Ann once.
    // (Chat messages come from the database on their own topic, so they would say nothing
    // about it.)
    await moveOnBoard(a2, { x: 0.7, y: 0.7 });
    await expect
      .poll(
        async () => {
          const at = await cursorAt(b, 'Ann');
          return at !== null && Math.abs(at.x - 0.7) < 0.01;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(await avatarNames(b)).toEqual(['Ann', 'Bob']);
    await sendChat(a2, 'Ann again, from a second tab');
    await expect
      .poll(() => chatBodies(b), { timeout: 10_000 })
      .toContain('Ann again, from a second tab');
    await screenshot(b, 'avatars-b');
  });

  it('B reloads the page: still signed in, with the chat history from the table', async () => {
    await b.reload();
    await b.getByTestId('task').first().waitFor();
    expect(await b.getByTestId('sign-in-name').count()).toBe(0);
    expect(await b.getByTestId('me').textContent()).toBe('Bob');
    await expect
      .poll(() => chatBodies(b), { timeout: 10_000 })
      .toEqual(['Hello from Ann', 'Ann again, from a second tab']);
    await expect.poll(() => connection(b), { timeout: 10_000 }).toBe('open');
    await expect.poll(() => avatarNames(b), { timeout: 10_000 }).toEqual(['Ann', 'Bob']);
    await screenshot(b, 'reloaded-b');
  });

  it('the server is killed and restarted: both reconnect, the board is refetched, nothing is lost or duplicated', async () => {
    const taskGets: string[] = [];
    b.on('request', (request) => {
      if (request.method() === 'GET' && request.url().includes('/rest/v1/tasks'))
        taskGets.push(request.url());
    });
    const postmaster = await server.postmasterPid();
    await server.kill();
    // A crash leaves the embedded PostgreSQL running: write to it while Realtime is down, so
    // only a refetch can bring this row to the boards.
    expect(alive(postmaster)).toBe(true);
    const db = new pg.Client({ connectionString: info.dbUrl });
    await db.connect();
    await db.query(
      "insert into public.tasks (title, created_by_name) values ('Added while the server was down', 'SQL')",
    );
    await db.end();
    await expect.poll(() => connection(a), { timeout: 15_000 }).not.toBe('open');
    await expect.poll(() => connection(b), { timeout: 15_000 }).not.toBe('open');
    await screenshot(b, 'server-down-b');

    // Edits made while the server is unreachable wait, shown as pending, and are sent once it is
    // back, in order and once each: none fails.
    await a.getByTestId('new-task').fill('Written while offline');
    await a.getByTestId('add-task').click();
    await expect.poll(() => a.getByTestId('pending-task').count(), { timeout: 10_000 }).toBe(1);
    const hello = a.getByTestId('task').filter({ hasText: 'Say hello in the chat' });
    await hello.getByRole('checkbox').click();
    await expect.poll(() => hello.getAttribute('data-state'), { timeout: 10_000 }).toBe('saving');
    expect(await hello.getByRole('checkbox').isChecked()).toBe(true);
    const errors = () => a.getByTestId('board-error').allTextContents();
    expect(await errors()).toEqual([]);
    await screenshot(a, 'offline-pending-a');

    // Chat messages written meanwhile wait in the outbox, pending, and go out by themselves.
    await sendChat(a, 'Written in the chat while down');
    await sendChat(a, 'And a second one');
    const ownStates = () =>
      a
        .locator('[data-slot="chat-message"][data-own]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-state')));
    await expect
      .poll(ownStates, { timeout: 10_000 })
      .toEqual(['sent', 'sent', 'pending', 'pending']);

    info = await server.start();
    // The next start stopped the orphaned postmaster and runs its own on the same data.
    expect(alive(postmaster)).toBe(false);
    expect(await server.postmasterPid()).not.toBe(postmaster);

    for (const page of [a, a2 as Page, b]) {
      await expect.poll(() => connection(page), { timeout: 30_000 }).toBe('open');
      await expect
        .poll(() => titles(page), { timeout: 15_000 })
        .toContain('Added while the server was down');
    }
    // One refetch of the board for the one gap.
    expect(taskGets).toHaveLength(1);

    // The writes made while it was down landed, each once, on every board.
    for (const page of [a, a2 as Page, b]) {
      await expect.poll(() => titles(page), { timeout: 15_000 }).toContain('Written while offline');
      const said = page.getByTestId('task').filter({ hasText: 'Say hello in the chat' });
      await expect.poll(() => said.getAttribute('data-done'), { timeout: 15_000 }).toBe('true');
    }
    expect(await a.getByTestId('pending-task').count()).toBe(0);
    expect(await errors()).toEqual([]);

    // Live again: a new task and a new message travel both ways.
    await b.getByTestId('new-task').fill('Back online');
    await b.getByTestId('add-task').click();
    await expect.poll(() => titles(a), { timeout: 10_000 }).toContain('Back online');
    await expect.poll(() => chatBodies(b), { timeout: 30_000 }).toContain('And a second one');
    await sendChat(b, 'Bob is back');
    await expect.poll(() => chatBodies(a), { timeout: 10_000 }).toContain('Bob is back');

    // Nothing lost, nothing twice: each board is exactly the table, each chat exactly its rows.
    const tasks = (await rows('tasks', 'title')).map((row) => row.title);
    // The other tab may still be a message behind the one polled above: each page is waited for.
    for (const page of [a, a2 as Page, b]) {
      await expect.poll(() => titles(page), { timeout: 10_000 }).toEqual(tasks);
    }
    const messages = (await rows('chat_messages', 'body')).map((row) => row.body);
    expect(messages).toEqual([
      'Hello from Ann',
      'Ann again, from a second tab',
      'Written in the chat while down',
      'And a second one',
      'Bob is back',
    ]);
    for (const page of [a, a2 as Page, b]) {
      await expect.poll(() => chatBodies(page), { timeout: 10_000 }).toEqual(messages);
    }
    await screenshot(a, 'after-restart-a');
    await screenshot(b, 'after-restart-b');
  });

  it('B signs out: the sign-in screen stays after a reload, and A sees B leave', async () => {
    await b.getByTestId('sign-out').click();
    await b.getByTestId('sign-in-name').waitFor();
    await b.reload();
    await b.getByTestId('sign-in-name').waitFor();
    expect(await b.getByTestId('board').count()).toBe(0);
    await expect.poll(() => avatarNames(a), { timeout: 15_000 }).toEqual(['Ann']);
    await screenshot(b, 'signed-out-b');
  });

  it('a user signs out and in as someone else without a reload, and sees only their own notes', async () => {
    const notes = (page: Page) => page.getByTestId('note').allTextContents();
    const addNote = async (page: Page, text: string) => {
      await page.getByTestId('new-note').fill(text);
      await page.getByTestId('add-note').click();
    };
    await a.locator('[data-testid="notes"][data-state="loaded"]').waitFor({ state: 'attached' });
    await addNote(a, "Ann's private note");
    await expect.poll(() => notes(a), { timeout: 10_000 }).toEqual(["Ann's private note"]);
    // A marker on the window: it survives everything but a reload.
    await a.evaluate(() => Object.assign(window, { demoMarker: 'same page' }));
    await a.getByTestId('sign-out').click();
    await a.getByTestId('sign-in-name').fill('Cy');
    await a.getByTestId('sign-in-submit').click();
    await a.locator('[data-testid="notes"][data-state="loaded"]').waitFor({ state: 'attached' });
    await expect.poll(() => a.getByTestId('me').textContent()).toBe('Cy');
    expect(await notes(a)).toEqual([]);
    await addNote(a, "Cy's note");
    await expect.poll(() => notes(a), { timeout: 10_000 }).toEqual(["Cy's note"]);
    // No reload happened, and the table holds both users' notes: RLS kept Ann's from Cy.
    expect(await a.evaluate(() => (window as { demoMarker?: string }).demoMarker)).toBe(
      'same page',
    );
    const stored = (await rows('notes', 'body')).map((row) => row.body);
    expect(stored).toEqual(["Ann's private note", "Cy's note"]);
    await screenshot(a, 'signed-in-again-as-cy');
  });
});
