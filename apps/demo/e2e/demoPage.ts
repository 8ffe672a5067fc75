import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/**
 * Empties `apps/demo/test-artifacts/<folder>/` (gitignored, kept for review) and returns a
 * function that saves a page's screenshot there, numbered in the order taken.
 */
export async function screenshots(folder: string) {
  const path = fileURLToPath(new URL(`../test-artifacts/${folder}/`, import.meta.url));
  await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive: true });
  let shot = 0;
  return async (page: Page, name: string) => {
    await page.screenshot({ path: `${path}${String(++shot).padStart(2, '0')}-${name}.png` });
  };
}

/** The connection badge's state: `open`, `connecting`, `reconnecting`, … */
export const connection = (page: Page) => page.getByTestId('connection').getAttribute('data-state');

/** The task titles on the board, in order. */
export const titles = (page: Page) => page.getByTestId('task-title').allTextContents();

/** The names in the avatar stack, sorted. */
export const avatarNames = (page: Page) =>
  page
    .locator('[data-slot="avatar-stack"] [data-slot="avatar"]')
    .evaluateAll((avatars) => avatars.map((avatar) => avatar.getAttribute('aria-label')))
    .then((names) => names.sort());

/** The chat's message bodies, in order. */
export const chatBodies = (page: Page) => page.locator('[data-slot="chat-body"]').allTextContents();

/** Types `text` into the chat and sends it with Enter. */
export async function sendChat(page: Page, text: string) {
  const input = page.getByPlaceholder('Write a message…');
  await input.fill(text);
  await input.press('Enter');
}

/** Opens the demo and signs in as `name`; resolves once the board is loaded and connected. */
export async function signIn(page: Page, url: string, name: string) {
  await page.goto(url);
  await page.getByTestId('sign-in-name').fill(name);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('task').first().waitFor();
  await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
}

/** The signed-in user's id, from the demo's stored session. */
export const userId = (page: Page) =>
  page.evaluate(() => {
    const raw = localStorage.getItem('roomkit-demo-auth');
    return raw ? (JSON.parse(raw) as { user: { id: string } }).user.id : null;
  });

/** Where `name`'s cursor is on `page`'s board, as fractions of the board, or null. */
export const cursorAt = (page: Page, name: string) =>
  page
    .getByTestId('board')
    .locator('[data-slot="cursor"]', { hasText: name })
    .evaluate((element) => {
      const board = element.closest<HTMLElement>('[data-testid="board"]');
      const match = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(element.style.transform);
      if (!board || !match) return null;
      return { x: Number(match[1]) / board.scrollWidth, y: Number(match[2]) / board.scrollHeight };
    });

/** Moves the mouse onto `page`'s board, to the fraction `spot` of it. */
export async function moveOnBoard(page: Page, spot: { x: number; y: number }) {
  const box = await page.getByTestId('board').boundingBox();
  if (!box) throw new Error('The page has no board');
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.mouse.move(box.x + box.width * spot.x, box.y + box.height * spot.y, { steps: 8 });
}

/** The sockets the server has open for `sub` on the demo's board room (its development endpoint). */
export async function boardSockets(serverUrl: string, anonKey: string, sub: string | null) {
  const response = await fetch(`${serverUrl}/roomkit/v1/connections`, {
    headers: { apikey: anonKey },
  });
  const list = (await response.json()) as { sub: string | null; channels: string[] }[];
  return list.filter((entry) => entry.sub === sub && entry.channels.includes('realtime:demo:board'))
    .length;
}
