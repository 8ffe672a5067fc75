// `pnpm bench:ui`: measures each arm in the same run and writes BENCHMARKS.md. Not a timed test.
import { useBroadcast } from '@roomkit/react';
import { cleanup, render } from '@testing-library/react';
import { Profiler, useRef, useState } from 'react';
import { expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import '../styles.css';
import { Chat } from '../src/Chat';
import type { ChatEntry, ChatMessage } from '../src/chatTypes';
import { Cursors } from '../src/Cursors';
import {
  ChatOf,
  clientFor,
  closeClients,
  countedRenders,
  Side,
  tableOf,
  twoUsers,
  uuid,
} from '../src/__tests__/helpers';
import '../src/__tests__/commands';
import type {} from './commands';

const USERS = 50;
const HZ = 20;
const MS = 3000;
const lines: string[] = [];
const row = (...cells: Array<string | number>) => lines.push(`| ${cells.join(' | ')} |`);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The re-render-the-list implementation cursors are compared with. */
let naiveRenders = 0;
function NaiveCursors({ room }: { room: string }) {
  const [positions, setPositions] = useState<Record<string, { x: number; y: number }>>({});
  useBroadcast<{ id: string; x: number; y: number }>(`${room}:cursors`, 'cursor', {
    onMessage: (p) => setPositions((all) => ({ ...all, [p.id]: { x: p.x, y: p.y } })),
  });
  return (
    <div style={{ position: 'relative', width: 800, height: 600 }}>
      {Object.entries(positions).map(([id, p]) => (
        <NaiveCursor key={id} id={id} x={p.x} y={p.y} />
      ))}
    </div>
  );
}
function NaiveCursor({ id, x, y }: { id: string; x: number; y: number }) {
  naiveRenders++;
  return (
    <div style={{ position: 'absolute', transform: `translate(${x * 800}px, ${y * 600}px)` }}>
      {id}
    </div>
  );
}

function Board({ room, user }: { room: string; user: { id: string; name: string } }) {
  const box = useRef<HTMLDivElement>(null);
  return (
    <div ref={box} style={{ position: 'relative', width: 800, height: 600 }}>
      <Profiler id="cursors" onRender={() => void oursRenders++}>
        <Cursors room={room} user={user} container={box} />
      </Profiler>
    </div>
  );
}
let oursRenders = 0;

async function frames(ms: number) {
  let count = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      count++;
      if (performance.now() - start < ms) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  return count;
}

it('cursors: renders per event and script time per frame, 50 users at 20 Hz', async () => {
  const room = `bench-${uuid()}`;
  const me = { id: uuid(), name: 'Viewer' };
  await commands.benchJoinSenders(room, USERS);
  const client = await clientFor(me.id);
  const view = render(
    <Side client={client}>
      <Board room={room} user={me} />
    </Side>,
  );
  await expect
    .poll(() => document.querySelectorAll('[data-slot="cursor"]').length, { timeout: 20_000 })
    .toBe(USERS);
  await wait(500);
  oursRenders = 0;
  const script0 = await commands.benchScriptMs();
  const [sent, frameCount] = await Promise.all([
    commands.benchMoveSenders(room, HZ, MS),
    frames(MS),
  ]);
  const script1 = await commands.benchScriptMs();
  const oursPerEvent = oursRenders / sent;
  const scriptPerFrame = (script1 - script0) / frameCount;
  view.unmount();

  const naiveClient = await clientFor(uuid());
  const naive = render(
    <Side client={naiveClient}>
      <NaiveCursors room={room} />
    </Side>,
  );
  await wait(1000);
  naiveRenders = 0;
  const naiveScript0 = await commands.benchScriptMs();
  const [naiveSent, naiveFrames] = await Promise.all([
    commands.benchMoveSenders(room, HZ, MS),
    frames(MS),
  ]);
  const naiveScript1 = await commands.benchScriptMs();
  naive.unmount();
  await commands.benchStopSenders();
  cleanup();
  await closeClients();

  lines.push(
    `## Cursors: ${USERS} users moving at ${HZ} Hz for ${MS / 1000} s (events from Node clients)`,
    '',
  );
  row(
    'arm',
    'events sent',
    'React renders',
    'renders per event',
    'script ms per frame (page total)',
  );
  row('---', '---', '---', '---', '---');
  row(
    '`<Cursors>` (rAF, DOM writes)',
    sent,
    oursRenders,
    oursPerEvent.toFixed(4),
    scriptPerFrame.toFixed(2),
  );
  row(
    're-render-the-list',
    naiveSent,
    naiveRenders,
    (naiveRenders / naiveSent).toFixed(2),
    ((naiveScript1 - naiveScript0) / naiveFrames).toFixed(2),
  );
  lines.push(
    '',
    `Targets: renders per event at most 1/25 of the list's (measured: ${oursPerEvent === 0 ? '0, no render at all' : `1/${Math.round(naiveRenders / naiveSent / oursPerEvent)}`}); script time per frame at most 2 ms (measured: ${scriptPerFrame.toFixed(2)} ms, the whole page: supabase-js decoding 1,000 events/s, the registry, the renderer and Vitest's harness).`,
    '',
  );
});

/** The non-virtualized, non-memoized list chat is compared with. */
let naiveRows = 0;
function NaiveChat({ initial }: { initial: ChatMessage[] }) {
  const [list, setList] = useState(initial);
  const [draft, setDraft] = useState('');
  return (
    <div style={{ height: 400, overflow: 'auto' }}>
      {list.map((message) => (
        <NaiveRow key={message.id} message={message} />
      ))}
      <input
        aria-label="Naive"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter')
            setList((all) => [
              ...all,
              {
                id: uuid(),
                user: initial[0]?.user ?? { id: 'x', name: 'x' },
                body: draft,
                createdAt: Date.now(),
              },
            ]);
        }}
      />
    </div>
  );
}
function NaiveRow({ message }: { message: ChatMessage }) {
  naiveRows++;
  return (
    <div>
      {message.user.name}: {message.body}
    </div>
  );
}

async function appendTime(text: string, input: ReturnType<typeof page.getByRole>) {
  await userEvent.fill(input, text);
  const seen = new Promise<number>((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.body.textContent?.includes(text)) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const start = performance.now();
  await userEvent.keyboard('{Enter}');
  return (await seen) - start;
}

it('chat: time and renders to append one message at 1,000 and 10,000', async () => {
  lines.push('## Chat: append one message', '');
  row('messages', 'arm', 'rows rendered', 'ms to show it (includes the input event)');
  row('---', '---', '---', '---');
  const ratios: string[] = [];
  for (const size of [1000, 10_000]) {
    const user = { id: uuid(), name: 'Ann' };
    const history = Array.from({ length: size }, (_, i) => ({
      id: `m${i}`,
      user,
      body: `message ${i}`,
      createdAt: 1_000_000 + i,
    }));
    const client = await clientFor(user.id);
    let rows = 0;
    const renderMessage = (entry: ChatEntry) => {
      rows++;
      return entry.body;
    };
    const ours = render(
      <Side client={client}>
        <Chat
          room={`bench-${uuid()}`}
          user={user}
          pageSize={size}
          persistence={{ load: async () => history, save: async () => {} }}
          renderMessage={renderMessage}
          style={{ height: 400 }}
        />
      </Side>,
    );
    await expect.element(page.getByText(`message ${size - 1}`)).toBeInTheDocument();
    await wait(300);
    rows = 0;
    const oursMs = await appendTime(
      `ours ${size}`,
      page.getByRole('combobox', { name: 'Message' }),
    );
    await wait(200);
    const oursRows = rows;
    ours.unmount();
    await closeClients();

    const naive = render(<NaiveChat initial={history} />);
    await wait(300);
    naiveRows = 0;
    const naiveMs = await appendTime(`naive ${size}`, page.getByRole('textbox', { name: 'Naive' }));
    await wait(200);
    const naiveCount = naiveRows;
    naive.unmount();
    row(size, '`<Chat>` (virtualized, memoized)', oursRows, oursMs.toFixed(1));
    row(size, 'plain list', naiveCount, naiveMs.toFixed(1));
    ratios.push(`${size}: 1/${Math.round(naiveCount / Math.max(1, oursRows))}`);
  }
  lines.push(
    '',
    `Target: at most 1/100 of the plain list's renders (measured ${ratios.join(', ')}).`,
    '',
  );
});

it('table chat: opening, a reaction and an edit in a 10,000-message room', async () => {
  const { room, ann, bo } = await twoUsers('bench-table');
  const prefix = uuid();
  const size = 10_000;
  // One statement per 1,000 rows shares one database time: the padded ids keep their order.
  const ids = Array.from({ length: size }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < size; i += 1000) {
    const { error } = await ann.client
      .from('chat_messages')
      .insert(ids.slice(i, i + 1000).map((id, j) => ({ id, room, body: `message ${i + j}` })));
    if (error) throw new Error(error.message);
  }
  const { error } = await bo.client
    .from('chat_reactions')
    .insert(ids.filter((_, i) => i % 10 === 0).map((id) => ({ message_id: id, emoji: '👍' })));
  if (error) throw new Error(error.message);

  const { renders: rendered, renderMessage } = countedRenders();
  const scriptBefore = await commands.benchScriptMs();
  const opened = performance.now();
  render(
    <ChatOf
      who={ann}
      room={room}
      pageSize={200}
      renderMessage={renderMessage}
      style={{ height: 400 }}
    />,
  );
  await expect.element(page.getByText(/^message 9999 /), { timeout: 30_000 }).toBeInTheDocument();
  const openMs = performance.now() - opened;
  const openScriptMs = (await commands.benchScriptMs()) - scriptBefore;

  // Scroll to the top until every page is loaded.
  const log = page.getByRole('log').element() as HTMLElement;
  const started = performance.now();
  while (!page.getByText(/^message 0 /).query()) {
    if (performance.now() - started > 100_000) throw new Error('history did not load');
    log.scrollTop = 0;
    await wait(50);
  }
  const loaded = log.querySelectorAll('[data-slot="chat-message"]').length;
  log.scrollTop = log.scrollHeight;
  await wait(500);

  rendered.clear();
  const reactedAt = performance.now();
  await bo.client.from('chat_reactions').insert({ message_id: ids[size - 1], emoji: '🎉' });
  await expect
    .element(page.getByText(/^message 9999 .*🎉1/), { timeout: 10_000 })
    .toBeInTheDocument();
  const reactionMs = performance.now() - reactedAt;
  await wait(200);
  const reactionRows = [...rendered.values()].reduce((a, b) => a + b, 0);

  rendered.clear();
  const editedAt = performance.now();
  await tableOf(ann.client).client.edit(ids[size - 2] as string, 'message 9998, edited');
  await expect
    .element(page.getByText(/^message 9998, edited \(edited\)/), { timeout: 10_000 })
    .toBeInTheDocument();
  const editMs = performance.now() - editedAt;
  await wait(200);
  const editRows = [...rendered.values()].reduce((a, b) => a + b, 0);
  cleanup();
  await closeClients();

  lines.push(
    '## Chat with a table: 10,000 messages, 1,000 reactions',
    '',
    `Seeded through the data API; the chat loads pages of 200 (${loaded} rows in the DOM once all 10,000 are loaded).`,
    '',
  );
  row('step', 'rows rendered', 'ms (wall, includes the database and the network)', 'script ms');
  row('---', '---', '---', '---');
  row('open: newest page shown', '—', openMs.toFixed(1), openScriptMs.toFixed(1));
  row('another user reacts to the newest message', reactionRows, reactionMs.toFixed(1), '—');
  row('its author edits a message', editRows, editMs.toFixed(1), '—');
  lines.push(
    '',
    'Targets (issue 14): a reaction re-renders at most 2 rows, an edit 1 row; opening shows the last page in at most 100 ms of script (measured here from mount, so it includes the first page request and its reactions).',
    '',
  );
});

it('writes BENCHMARKS.md', async () => {
  const header = [
    '# @roomkit/ui benchmarks',
    '',
    `Run with \`pnpm bench:ui\` (Vitest browser mode, Debian Chromium, headless, development React). Each arm is measured in the same run. Last run: ${new Date().toISOString()}.`,
    '',
  ];
  await commands.benchWrite([...header, ...lines].join('\n'));
});
