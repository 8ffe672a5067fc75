import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from '../../../../testing/chromium';
import { client, collect, joined, testServer, until } from './helpers';

const require = createRequire(import.meta.url);
const UMD = join(dirname(require.resolve('@supabase/supabase-js')), 'umd', 'supabase.js');

let browser: Browser;
let pageServer: Server;
let pageOrigin: string;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
  // The page comes from another origin than the realtime server, as an app's dev server would.
  const bundle = readFileSync(UMD);
  pageServer = createServer((request, response) => {
    if (request.url === '/supabase.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>roomkit</title><script src="/supabase.js"></script>');
    }
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
}, 600_000);

afterAll(async () => {
  await browser?.close();
  pageServer?.close();
});

describe('the official client in a browser page', () => {
  it('joins, receives from Node, and sends over the socket and over REST', async () => {
    const server = await testServer();
    const page = await browser.newPage();
    await page.goto(pageOrigin);
    const node = client(server).channel('browser-room');
    const fromBrowser = collect<{ payload: { via: string } }>(node, 'from-browser');
    await joined(node);

    await page.evaluate(
      async ({ url, key }) => {
        const w = window as unknown as {
          supabase: typeof import('@supabase/supabase-js');
          received: unknown[];
          channel: import('@supabase/supabase-js').RealtimeChannel;
        };
        w.received = [];
        const supabase = w.supabase.createClient(url, key);
        const channel = supabase.channel('browser-room');
        channel.on('broadcast', { event: 'from-node' }, (message) =>
          w.received.push(message.payload),
        );
        await new Promise<void>((resolve, reject) =>
          channel.subscribe((status, error) =>
            status === 'SUBSCRIBED'
              ? resolve()
              : status !== 'CLOSED' && reject(error ?? new Error(status)),
          ),
        );
        w.channel = channel;
        await channel.send({
          type: 'broadcast',
          event: 'from-browser',
          payload: { via: 'socket' },
        });
        await channel.httpSend('from-browser', { via: 'rest' });
      },
      { url: server.url, key: server.anonKey },
    );
    await until(() => fromBrowser.length === 2, 10_000, 'both browser messages');
    expect(fromBrowser.map((message) => message.payload.via).sort()).toEqual(['rest', 'socket']);

    await node.send({ type: 'broadcast', event: 'from-node', payload: { hello: 'browser' } });
    await page.waitForFunction(
      () => (window as unknown as { received: unknown[] }).received.length === 1,
    );
    expect(
      await page.evaluate(() => (window as unknown as { received: unknown[] }).received),
    ).toEqual([{ hello: 'browser' }]);
    await page.close();
  });
});
