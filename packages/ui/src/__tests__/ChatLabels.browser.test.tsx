import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { chatLabels } from '../Chat';
import type { ChatLabels } from '../ChatRow';
import { ChatOf, closeClients, sendMessages, tableOf, twoUsers, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
  sessionStorage.clear();
});

// Every text marked with its key, so each one found on the page is known to come from `labels`.
const labels: ChatLabels = {
  log: '«log»',
  input: '«input»',
  placeholder: '«placeholder»',
  send: '«send»',
  mentions: '«mentions»',
  retry: '«retry»',
  pending: '«pending»',
  failed: '«failed»',
  newMessages: (count) => `«newMessages ${count}»`,
  typing: (names) => (names.length ? `«typing ${names.join(',')}»` : ''),
  unread: '«unread»',
  unavailable: '«unavailable»',
  seenBy: (names) => `«seenBy ${names.join(',')}»`,
  edited: '«edited»',
  deleted: '«deleted»',
  reply: '«reply»',
  replyingTo: (name) => `«replyingTo ${name}»`,
  edit: '«edit»',
  editing: '«editing»',
  editRefused: '«editRefused»',
  remove: '«remove»',
  cancel: '«cancel»',
  react: (emoji) => `«react ${emoji}»`,
  reactedBy: (emoji, names) => `«reactedBy ${emoji} ${names.join(',')}»`,
};

describe('Chat labels', () => {
  it('shows each of the 24 texts through labels', async () => {
    const { room, ann, bo } = await twoUsers('labels');
    const annRows = tableOf(ann.client).client;
    const boRows = tableOf(bo.client).client;
    // Before Ann opens the chat: a deleted message far back, Bo's fillers (read by Ann), her
    // message, then what she has not read: an edited message, a deleted one and a reply to the
    // one far back, on a page not loaded. Bo has read everything.
    const farBack = uuid();
    await boRows.send(room, { id: farBack, body: 'gone long ago' });
    await boRows.remove(farBack);
    const fillers = await sendMessages(boRows, room, 20);
    await annRows.send(room, { id: uuid(), body: 'Ann was here' });
    await annRows.markRead(room, fillers[19] as string);
    const edited = uuid();
    await boRows.send(room, { id: edited, body: 'typo' });
    await boRows.edit(edited, 'no typo');
    const deleted = uuid();
    await boRows.send(room, { id: deleted, body: 'gone soon' });
    await boRows.remove(deleted);
    const reply = uuid();
    await boRows.send(room, { id: reply, body: 'about that', replyTo: farBack });
    await boRows.markRead(room, reply);
    render(
      <>
        <ChatOf
          who={ann}
          room={room}
          labels={labels}
          pageSize={5}
          style={{ height: 300 }}
          data-testid="a"
        />
        <ChatOf who={bo} room={room} style={{ height: 300 }} data-testid="b" />
      </>,
    );
    const a = page.getByTestId('a');
    const reached = new Set<string>();
    const saw = async (key: keyof ChatLabels, locator: ReturnType<typeof a.getByText>) => {
      await expect.element(locator, { timeout: 10_000 }).toBeInTheDocument();
      reached.add(key);
    };
    // Every status text any row showed, as it showed (a pending one shows only briefly).
    const statuses = new Set<string>();
    const observer = new MutationObserver(() => {
      for (const el of a.element().querySelectorAll('[data-slot="chat-status"]'))
        statuses.add(el.textContent ?? '');
    });
    observer.observe(a.element(), { childList: true, subtree: true, characterData: true });

    await saw('log', a.getByRole('log', { name: '«log»' }));
    const input = a.getByRole('combobox', { name: '«input»' });
    await saw('input', input);
    await saw('placeholder', a.getByPlaceholder('«placeholder»'));
    await saw('unread', a.getByRole('separator').getByText('«unread»'));
    await saw('edited', a.getByText('«edited»'));
    await saw('deleted', a.getByText('«deleted»').first());
    await saw('seenBy', a.getByText(/^«seenBy \S+»/));
    // A quote of a deleted message not loaded reads it by its id and says so.
    await saw('unavailable', a.getByRole('button', { name: '«unavailable»' }));
    await saw('react', a.getByRole('button', { name: '«react 👍»' }).first());
    await a.getByRole('button', { name: '«react 👍»' }).last().click();
    await saw('reactedBy', a.getByRole('button', { name: '«reactedBy 👍 Ann»' }));
    await a.getByRole('button', { name: '«reply»' }).last().click();
    reached.add('reply');
    await saw('replyingTo', a.getByText('«replyingTo Bo»'));
    await a.getByRole('button', { name: '«cancel»' }).click();
    reached.add('cancel');
    await userEvent.fill(input, '@');
    await saw('mentions', a.getByRole('listbox', { name: '«mentions»' }));
    await userEvent.fill(input, 'sent by Ann');
    await a.getByRole('button', { name: '«send»' }).click();
    reached.add('send');
    await expect.poll(() => statuses.has('«pending»'), { timeout: 10_000 }).toBe(true);
    reached.add('pending');
    // An edit longer than the database's 4,000 characters: refused.
    await expect.element(a.getByRole('button', { name: '«remove»' }).last()).toBeInTheDocument();
    reached.add('remove');
    await a.getByRole('button', { name: '«edit»' }).last().click();
    await saw('editing', a.getByText('«editing»'));
    (input.element() as HTMLInputElement).maxLength = 5000;
    await userEvent.fill(input, 'x'.repeat(4001));
    await userEvent.keyboard('{Enter}');
    await saw('editRefused', a.getByRole('alert').getByText('«editRefused»'));
    reached.add('edit');
    // A message longer than the database allows: refused, so failed with Retry.
    await userEvent.fill(input, 'y'.repeat(4001));
    await userEvent.keyboard('{Enter}');
    await saw('failed', a.getByRole('button', { name: '«failed» · «retry»' }));
    reached.add('retry');
    // Bo types, then writes while Ann reads older messages.
    const b = page.getByTestId('b');
    await userEvent.fill(b.getByRole('combobox', { name: 'Message' }), 'typing…');
    await saw('typing', a.getByText('«typing Bo»'));
    const log = a.getByRole('log').element();
    log.scrollTop = 0;
    log.dispatchEvent(new Event('scroll'));
    await userEvent.keyboard('{Enter}');
    await saw('newMessages', a.getByRole('button', { name: /^«newMessages \d+»$/ }));
    observer.disconnect();
    expect([...reached].sort()).toEqual(Object.keys(chatLabels).sort());
  });
});
