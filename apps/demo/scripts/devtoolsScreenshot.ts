/**
 * Takes the root README's picture of the devtools (docs/devtools.png): the demo with Ann and Bob
 * signed in, Bob chatting, and Ann's panel open on the Events tab.
 * Run: `node --conditions=source --import tsx apps/demo/scripts/devtoolsScreenshot.ts`
 */
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../../testing/chromium';
import { sendChat, signIn } from '../e2e/demoPage';
import { ServerProcess, startDemo } from '../e2e/stack';

const OUT = fileURLToPath(new URL('../../../docs/devtools.png', import.meta.url));
const MESSAGE = 'Hi Ann, the board is up to date';

const server = await ServerProcess.create();
const info = await server.start();
const vite = await startDemo(info);
const browser = await launchChromium();
try {
  const url = vite.resolvedUrls?.local[0] ?? '';
  const ann = await (
    await browser.newContext({ viewport: { width: 1280, height: 820 } })
  ).newPage();
  const bob = await (
    await browser.newContext({ viewport: { width: 1280, height: 820 } })
  ).newPage();
  await signIn(ann, url, 'Ann');
  await signIn(bob, url, 'Bob');
  await ann.getByRole('button', { name: 'Roomkit' }).click();
  await ann.getByRole('tab', { name: 'Events' }).click();
  await sendChat(bob, MESSAGE);
  await bob.mouse.move(300, 300);
  await bob.mouse.move(420, 360, { steps: 5 });
  // Open the newest event that carries Bob's message, whatever the chat calls it on the wire.
  const carrying = ann
    .getByRole('list', { name: 'Events' })
    .getByRole('listitem')
    .filter({ hasText: MESSAGE })
    .first();
  await carrying.locator('summary').click();
  await ann.screenshot({ path: OUT });
  console.info(`Wrote ${OUT}`);
} finally {
  await browser.close();
  await vite.close();
  await server.stop();
}
