// @vitest-environment node
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRealtime, type TestRealtime } from '../testing';
import { launchChromium } from '../../../../testing/chromium';
import { serveTabsPage } from './tabsPage/serve';

// Tabs of a real Chromium (one browser context = one origin's storage, as a user's browser has
// it) on a real @roomkit/server with PostgreSQL: the page in ./tabsPage shares its connection
// with `acrossTabs` unless opened with `?share=off`.

let realtime: TestRealtime;
let db: pg.Client;
let vite: ViteDevServer;
let browser: Browser;
let pageUrl = '';
let users = 0;

/** What `window.page` reports (see tabsPage/main.tsx). */
interface Report {
  session: string | null | undefined;
  leader: string;
  connection: string;
  room: string;
  connections: string[];
  phases: string[];
  inserts: number;
  chat: string[];
  users: { key: string; state: Record<string, unknown>; connections: number }[];
  fetches: number;
  fetchedAt: number[];
  notes: string[];
}

const report = (page: Page): Promise<Report> =>
  page.evaluate(() => {
    const { page } = window as unknown as { page: Record<string, unknown> };
    // Only the data: the page also holds functions and the client, which cannot be cloned.
    return structuredClone(
      Object.fromEntries(
        Object.entries(page).filter(
          ([key, value]) => typeof value !== 'function' && key !== 'supabase',
        ),
      ),
    ) as unknown as Report;
  });

/** The server's open sockets signed in as `sub` (its development endpoint). */
async function sockets(sub: string): Promise<{ channels: string[] }[]> {
  const response = await fetch(`${realtime.server.url}/roomkit/v1/connections`, {
    headers: { apikey: realtime.server.anonKey },
  });
  const all = (await response.json()) as { sub: string | null; channels: string[] }[];
  return all.filter((socket) => socket.sub === sub);
}

/** Opens a tab of the page in `context`, named `tab`, with more of the page's `params`. */
async function openTab(
  context: BrowserContext,
  tab: string,
  share = true,
  insertsIn = '',
  params: Record<string, string> = {},
): Promise<Page> {
  const page = await context.newPage();
  const query = new URLSearchParams({
    url: realtime.server.url,
    key: realtime.server.anonKey,
    tab,
    insertsIn,
    ...(share ? {} : { share: 'off' }),
    ...params,
  });
  await page.goto(`${pageUrl}?${query.toString()}`);
  await page.waitForFunction(() => (window as unknown as { page?: unknown }).page !== undefined);
  return page;
}

/** A new user signed up in the context's first tab; the session is shared by its other tabs. */
async function signUp(page: Page): Promise<string> {
  const email = `tabs-${++users}@example.com`;
  const id = await page.evaluate(async (email) => {
    const { supabase } = (
      window as unknown as { page: { supabase: import('@supabase/supabase-js').SupabaseClient } }
    ).page;
    const { data, error } = await supabase.auth.signUp({ email, password: 'tabs-password-1' });
    if (error) throw error;
    return data.user?.id ?? '';
  }, email);
  expect(id).not.toBe('');
  return id;
}

/** Waits until every page reports its room joined and the query loaded. */
async function allJoined(pages: Page[]): Promise<void> {
  for (const page of pages) {
    await page.waitForFunction(
      () => {
        const { room, fetches } = (window as unknown as { page: Report }).page;
        return room === 'joined' && fetches > 0;
      },
      undefined,
      { timeout: 20_000 },
    );
  }
}

/** A context of one user with `count` tabs, all joined; the first tab signed the user up. */
async function userWithTabs(count: number, share = true, insertsIn = '') {
  const context = await browser.newContext();
  const first = await openTab(context, 'tab1', share, insertsIn);
  const id = await signUp(first);
  const pages = [first];
  for (let i = 2; i <= count; i++) pages.push(await openTab(context, `tab${i}`, share, insertsIn));
  await allJoined(pages);
  return { context, id, pages };
}

const leaderOf = async (pages: Page[]): Promise<Page[]> => {
  const roles = await Promise.all(pages.map(async (page) => (await report(page)).leader));
  return pages.filter((_, i) => roles[i] === 'leading');
};

const send = (page: Page, text: string): Promise<string> =>
  page.evaluate(
    (text) => (window as unknown as { page: { send(t: string): Promise<string> } }).page.send(text),
    text,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Each page's fetch count once no more are coming: a live query reads once more when its table
 * first streams changes, a little after the join.
 */
async function settledFetches(pages: Page[]): Promise<number[]> {
  let last: number[] = [];
  for (;;) {
    const now = await Promise.all(pages.map(async (page) => (await report(page)).fetches));
    if (now.join() === last.join()) return now;
    last = now;
    await sleep(700);
  }
}

beforeAll(async () => {
  realtime = await startTestRealtime({ db: 'embedded', dev: true });
  db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create table public.notes (id serial primary key, body text not null);
    grant all on public.notes to anon, authenticated;
    grant usage on sequence public.notes_id_seq to anon, authenticated;
    alter publication supabase_realtime add table public.notes;
  `);
  ({ vite, url: pageUrl } = await serveTabsPage());
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  await db?.end();
  await realtime?.stop();
});

describe('acrossTabs', () => {
  it('gives five tabs of one user one socket, one join, one leader and the person once', async () => {
    const { context, id, pages } = await userWithTabs(5);
    await expect.poll(() => leaderOf(pages).then((l) => l.length)).toBe(1);
    const leaders = await leaderOf(pages);
    const mine = await sockets(id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.channels.filter((topic) => topic === 'realtime:board')).toHaveLength(1);
    for (const page of pages) {
      const { connection, leader } = await report(page);
      expect(connection).toBe('open');
      expect(['leading', 'following']).toContain(leader);
    }
    // Every tab's slice is merged into the one tracked state: tab1 … tab5 under one key. The
    // merged state is re-tracked as tabs arrive, within the server's presence limit (5 per 30 s,
    // a trailing send at most ~10 s later).
    const merged = { tab1: true, tab2: true, tab3: true, tab4: true, tab5: true };
    for (const page of pages) {
      await expect
        .poll(async () => (await report(page)).users, { timeout: 15_000 })
        .toEqual([{ key: id, state: merged, connections: 1 }]);
    }
    // A follower closing (it says goodbye on pagehide) takes only its own slice with it; so does
    // one crashing (its lock is freed, and that is the leader's notice).
    const tabName = async (page: Page) => new URL(page.url()).searchParams.get('tab') ?? '';
    const followers = pages.filter((page) => !leaders.includes(page));
    const rest: Record<string, boolean> = { ...merged };
    for (const how of ['close', 'crash'] as const) {
      const gone = followers.shift() as Page;
      delete rest[await tabName(gone)];
      if (how === 'close') await gone.close();
      else void (await context.newCDPSession(gone)).send('Page.crash').catch(() => {});
      pages.splice(pages.indexOf(gone), 1);
      for (const page of pages) {
        await expect
          .poll(async () => (await report(page)).users, { timeout: 15_000 })
          .toEqual([{ key: id, state: rest, connections: 1 }]);
      }
    }
    expect(await sockets(id)).toHaveLength(1);
    await context.close();
  }, 60_000);

  it('hears a chat message sent in a follower once in every tab and in another user’s tab', async () => {
    const ann = await userWithTabs(3);
    const bob = await userWithTabs(1);
    const follower = (await Promise.all(ann.pages.map(report))).findIndex(
      (r) => r.leader === 'following',
    );
    expect(follower).toBeGreaterThanOrEqual(0);
    expect(await send(ann.pages[follower] as Page, 'hello from a follower')).toBe('ok');
    for (const page of [...ann.pages, ...bob.pages]) {
      await expect.poll(async () => (await report(page)).chat).toEqual(['hello from a follower']);
    }
    // Two users in two contexts never share: one socket each.
    expect(await sockets(ann.id)).toHaveLength(1);
    expect(await sockets(bob.id)).toHaveLength(1);
    await sleep(300);
    for (const page of [...ann.pages, ...bob.pages]) {
      expect((await report(page)).chat).toEqual(['hello from a follower']);
    }
    await ann.context.close();
    await bob.context.close();
  });

  it('posts nothing to other tabs while a tab is alone in its group, and relays once a second one opens', async () => {
    const context = await browser.newContext();
    // Counts what each page posts on its BroadcastChannels.
    await context.addInitScript(() => {
      const counted = window as unknown as { posts: number };
      counted.posts = 0;
      const post = BroadcastChannel.prototype.postMessage;
      BroadcastChannel.prototype.postMessage = function (message: unknown) {
        counted.posts++;
        post.call(this, message);
      };
    });
    const first = await openTab(context, 'tab1');
    await signUp(first);
    await allJoined([first]);
    const other = (await realtime.user('poster')).channel('board');
    await new Promise<void>((resolve) =>
      other.subscribe((status) => status === 'SUBSCRIBED' && resolve()),
    );
    const posts = (page: Page) =>
      page.evaluate(() => (window as unknown as { posts: number }).posts);
    const before = await posts(first);
    for (let n = 0; n < 20; n++) {
      await other.send({ type: 'broadcast', event: 'chat', payload: { text: `alone ${n}` } });
    }
    await expect.poll(async () => (await report(first)).chat).toHaveLength(20);
    expect(await posts(first)).toBe(before);
    // A second tab: from its hello on, the leader relays to it.
    const second = await openTab(context, 'tab2');
    await allJoined([second]);
    await other.send({ type: 'broadcast', event: 'chat', payload: { text: 'two tabs' } });
    for (const page of [first, second]) {
      await expect.poll(async () => (await report(page)).chat.at(-1)).toBe('two tabs');
    }
    expect((await report(second)).chat).toEqual(['two tabs']);
    await other.unsubscribe();
    await context.close();
  });

  it('shows a new row in every tab through the one join, with every tab’s bindings', async () => {
    const { context, id, pages } = await userWithTabs(3, true, 'tab2');
    await db.query(`insert into public.notes (body) values ('from the database')`);
    for (const page of pages) {
      await expect
        .poll(async () => (await report(page)).notes, { timeout: 10_000 })
        .toContain('from the database');
    }
    // tab2 alone binds INSERT too: merged into the one join, it hears the row once.
    await expect.poll(async () => (await report(pages[1] as Page)).inserts).toBe(1);
    expect((await report(pages[0] as Page)).inserts).toBe(0);
    const mine = await sockets(id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.channels.filter((topic) => topic === 'realtime:board')).toHaveLength(1);
    await context.close();
  });

  // Headless Chromium does not freeze a visible page (CDP's Page.setWebLifecycleState leaves it
  // running), so `is frozen` sends the page the `freeze` event the browser sends before it
  // freezes one; `hangs` blocks the leader's main thread, as a page frozen without warning is.
  for (const how of ['closes', 'crashes', 'is frozen', 'hangs'] as const) {
    it(`hands over within 2 s when the leader tab ${how}, each tab refetching once`, async () => {
      const { context, id, pages } = await userWithTabs(4);
      const [leader] = await leaderOf(pages);
      expect(leader).toBeDefined();
      const followers = pages.filter((page) => page !== leader);
      const before = await settledFetches(followers);
      const started = Date.now();
      if (how === 'closes') await (leader as Page).close();
      else if (how === 'crashes') {
        const cdp = await context.newCDPSession(leader as Page);
        void cdp.send('Page.crash').catch(() => {});
      } else if (how === 'is frozen') {
        await (leader as Page).evaluate(() => document.dispatchEvent(new Event('freeze')));
      } else {
        await (leader as Page).evaluate(() => {
          setTimeout(() => {
            const end = Date.now() + 5000;
            while (Date.now() < end);
          });
        });
      }
      // Handed over: one follower leads, every follower's room is joined again and refetched.
      await expect
        .poll(() => leaderOf(followers).then((l) => l.length), { timeout: 5000, interval: 20 })
        .toBe(1);
      for (const [i, page] of followers.entries()) {
        await expect
          .poll(async () => (await report(page)).fetches, { timeout: 5000, interval: 20 })
          .toBe((before[i] ?? 0) + 1);
      }
      const seen = Date.now() - started;
      // Timed on the pages' own clock (this machine's, as `started` is): when the last tab had its
      // rows again, not when this test got round to asking.
      const refetched = await Promise.all(
        followers.map(async (page) => {
          await expect
            .poll(async () => {
              const { fetches, fetchedAt } = await report(page);
              return fetchedAt.length === fetches;
            })
            .toBe(true);
          return (await report(page)).fetchedAt.at(-1) ?? Infinity;
        }),
      );
      const handover = Math.max(...refetched) - started;
      console.info(
        `handover when the leader ${how}: ${handover} ms (seen by the test at ${seen} ms)`,
      );
      expect(handover).toBeLessThan(2000);
      await sleep(1000);
      for (const [i, page] of followers.entries()) {
        const now = await report(page);
        expect(now.fetches).toBe((before[i] ?? 0) + 1);
        // Each tab showed the handover as a gap of its room and its connection.
        expect(now.phases.slice(-3)).toEqual(['gap', 'rejoining', 'joined']);
        expect(now.connections.slice(-2)).toEqual(['reconnecting', 'open']);
      }
      await expect.poll(async () => (await sockets(id)).length, { timeout: 10_000 }).toBe(1);
      // Nothing is lost or doubled after the handover.
      expect(await send(followers[0] as Page, `after the leader ${how}`)).toBe('ok');
      for (const page of followers) {
        await expect
          .poll(async () =>
            (await report(page)).chat.filter((t) => t === `after the leader ${how}`),
          )
          .toHaveLength(1);
      }
      if (how === 'is frozen' || how === 'hangs') {
        // Resumed, the old leader follows the new one.
        if (how === 'is frozen') {
          await (leader as Page).evaluate(() => document.dispatchEvent(new Event('resume')));
        }
        await expect
          .poll(async () => (await report(leader as Page)).leader, { timeout: 10_000 })
          .toBe('following');
        await expect.poll(async () => (await report(leader as Page)).leader).toBe('following');
        await expect.poll(async () => (await report(leader as Page)).room).toBe('joined');
        expect(await sockets(id)).toHaveLength(1);
      }
      await context.close();
    });
  }

  it('keeps a leader whose main thread is busy for 0.8 s, under the 1 s a ping may go unanswered', async () => {
    const { context, id, pages } = await userWithTabs(3);
    const [leader] = await leaderOf(pages);
    expect(leader).toBeDefined();
    const followers = pages.filter((page) => page !== leader);
    const before = await settledFetches(followers);
    const phases = await Promise.all(followers.map(async (page) => (await report(page)).phases));
    // Followers ping every 300 ms while the leader is silent: a long task this size meets pings.
    await (leader as Page).evaluate(() => {
      const end = Date.now() + 800;
      while (Date.now() < end);
    });
    // Past the deadline of any ping sent while it was busy.
    await sleep(1500);
    expect((await report(leader as Page)).leader).toBe('leading');
    for (const [i, page] of followers.entries()) {
      const now = await report(page);
      expect(now.leader).toBe('following');
      expect(now.fetches).toBe(before[i]);
      expect(now.phases).toEqual(phases[i]);
    }
    expect(await sockets(id)).toHaveLength(1);
    await context.close();
  });

  it('reads a query tied later in another tab once, and once more when its binding was relayed to no tab', async () => {
    const context = await browser.newContext();
    const open = (tab: string, notes: 'on' | 'off') => openTab(context, tab, true, '', { notes });
    const showNotes = (page: Page, shown: boolean) =>
      page.evaluate(
        (shown) =>
          (window as unknown as { page: { showNotes(s: boolean): void } }).page.showNotes(shown),
        shown,
      );
    const first = await open('tab1', 'on');
    await signUp(first);
    const second = await open('tab2', 'off');
    const third = await open('tab3', 'off');
    await allJoined([first]);
    for (const page of [second, third]) {
      await expect.poll(async () => (await report(page)).room, { timeout: 20_000 }).toBe('joined');
    }
    // tab1's query streams the table through the shared join. tab2 ties the same query later: the
    // relay to every tab is there already, so its first read (started as it tied) misses nothing
    // and is its only one.
    await settledFetches([first]);
    await showNotes(second, true);
    expect(await settledFetches([second])).toEqual([1]);
    // No tab listens to the table any more, but the join still streams it (bindings stay until the
    // room closes). tab3's tie makes the leader relay it again, a moment after tab3's first read
    // went out: a change streamed in between reached no tab, so tab3 reads once more.
    await showNotes(first, false);
    await showNotes(second, false);
    await sleep(500);
    await showNotes(third, true);
    // The second read waits on the relay, which may take longer than a settle interval under load.
    await expect.poll(async () => (await report(third)).fetches, { timeout: 10_000 }).toBe(2);
    expect(await settledFetches([third])).toEqual([2]);
    await db.query(`insert into public.notes (body) values ('tied later')`);
    await expect
      .poll(async () => (await report(third)).notes, { timeout: 10_000 })
      .toContain('tied later');
    await context.close();
  }, 60_000);

  it('leaves and rejoins the shared room for every tab when a follower’s devtools ask', async () => {
    const { context, pages } = await userWithTabs(2);
    const reports = await Promise.all(pages.map(report));
    const follower = pages[reports.findIndex((r) => r.leader === 'following')] as Page;
    const act = (what: 'leave' | 'rejoin') =>
      follower.evaluate(
        (what) => (window as unknown as { page: Record<string, () => boolean> }).page[what]?.(),
        what,
      );
    expect(await act('leave')).toBe(true);
    for (const page of pages) {
      await expect.poll(async () => (await report(page)).room).toBe('errored');
    }
    expect(await act('rejoin')).toBe(true);
    for (const page of pages) {
      await expect.poll(async () => (await report(page)).room).toBe('joined');
    }
    await context.close();
  });

  it('counts each tab’s own consumers of the shared room for its devtools, leader or follower', async () => {
    const { context, pages } = await userWithTabs(2);
    const alone = await browser.newContext();
    const unshared = await openTab(alone, 'alone', false);
    await signUp(unshared);
    await allJoined([unshared]);
    const reports = await Promise.all(pages.map(report));
    const leader = pages[reports.findIndex((r) => r.leader === 'leading')] as Page;
    const follower = pages[reports.findIndex((r) => r.leader === 'following')] as Page;
    const consumers = (page: Page) =>
      page.evaluate(() =>
        (window as unknown as { page: { consumers(): number | undefined } }).page.consumers(),
      );
    const showNotes = (page: Page, shown: boolean) =>
      page.evaluate(
        (shown) =>
          (window as unknown as { page: { showNotes(s: boolean): void } }).page.showNotes(shown),
        shown,
      );
    // The same page holds `board` through the same hooks in each tab: a chat listener, presence
    // and the live query. Shared or not, a tab counts the consumers its own components hold.
    const own = await consumers(unshared);
    expect(own).toBe(3);
    expect(await consumers(leader)).toBe(own);
    expect(await consumers(follower)).toBe(own);
    // The follower unmounts its live query: its count drops, the leader's stays.
    await showNotes(follower, false);
    await expect.poll(() => consumers(follower)).toBe(2);
    expect(await consumers(leader)).toBe(3);
    await showNotes(follower, true);
    await expect.poll(() => consumers(follower)).toBe(3);
    await context.close();
    await alone.close();
  });

  it('signs every tab out when one signs out, and the socket goes', async () => {
    const { context, id, pages } = await userWithTabs(3);
    const follower = (await Promise.all(pages.map(report))).findIndex(
      (r) => r.leader === 'following',
    );
    await (pages[follower] as Page).evaluate(async () => {
      const { supabase } = (
        window as unknown as { page: { supabase: import('@supabase/supabase-js').SupabaseClient } }
      ).page;
      await supabase.auth.signOut();
    });
    for (const page of pages) {
      await expect.poll(async () => (await report(page)).session, { timeout: 10_000 }).toBeNull();
    }
    await expect.poll(async () => (await sockets(id)).length, { timeout: 10_000 }).toBe(0);
    await context.close();
  });

  it('shares the connection with third-party auth, under the token’s user, and follows a new token', async () => {
    // `accessToken` instead of Supabase Auth: the context's tabs read the token from localStorage
    // (`?auth=token`), where the app's auth SDK keeps it; a tab with its own `?token=` is another
    // user in the same browser.
    const context = await browser.newContext();
    const ann = crypto.randomUUID();
    const bob = crypto.randomUUID();
    const cid = crypto.randomUUID();
    const token = (sub: string) => realtime.server.mintToken({ sub, role: 'authenticated' });
    const open = (tab: string, own?: string) =>
      openTab(context, tab, true, '', { auth: 'token', ...(own ? { token: own } : {}) });
    const annToken = await token(ann);
    const first = await open('tab1');
    await first.evaluate((t) => localStorage.setItem('tabs-token', t), annToken);
    const pages = [first, await open('tab2'), await open('tab3')];
    const other = await open('other', await token(bob));
    await allJoined([...pages, other]);
    // Ann's three tabs: one socket, carrying her token (the server names its user by it), one
    // leader, and Ann once in presence with every tab's slice; Bob's tab in the same browser
    // shares nothing with them.
    await expect.poll(async () => (await sockets(ann)).length).toBe(1);
    await expect.poll(() => leaderOf(pages).then((l) => l.length)).toBe(1);
    expect(await sockets(bob)).toHaveLength(1);
    expect((await report(other)).leader).toBe('leading');
    for (const page of pages) {
      await expect
        .poll(async () => (await report(page)).users.find((u) => u.key === ann), {
          timeout: 15_000,
        })
        .toEqual({ key: ann, state: { tab1: true, tab2: true, tab3: true }, connections: 1 });
    }
    // The auth SDK switches to another user: every tab of the context follows within a heartbeat
    // or two, on one socket carrying the new token; Ann's socket goes.
    await first.evaluate((t) => localStorage.setItem('tabs-token', t), await token(cid));
    await expect.poll(async () => (await sockets(cid)).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => (await sockets(ann)).length, { timeout: 15_000 }).toBe(0);
    await allJoined(pages);
    await expect.poll(() => leaderOf(pages).then((l) => l.length)).toBe(1);
    for (const page of pages) {
      await expect
        .poll(async () => (await report(page)).users.find((u) => u.key === cid), {
          timeout: 15_000,
        })
        .toEqual({ key: cid, state: { tab1: true, tab2: true, tab3: true }, connections: 1 });
    }
    expect(await sockets(bob)).toHaveLength(1);
    // Signed out (no token): Cid's socket goes too.
    await first.evaluate(() => localStorage.removeItem('tabs-token'));
    for (const page of pages) {
      await expect.poll(async () => (await report(page)).session, { timeout: 10_000 }).toBeNull();
    }
    await expect.poll(async () => (await sockets(cid)).length, { timeout: 15_000 }).toBe(0);
    expect(await sockets(bob)).toHaveLength(1);
    await context.close();
  }, 90_000);

  it('keeps a socket per tab with shareConnection off', async () => {
    const { context, id, pages } = await userWithTabs(2, false);
    expect(await sockets(id)).toHaveLength(2);
    for (const page of pages) expect((await report(page)).leader).toBe('unshared');
    await context.close();
  });
});
