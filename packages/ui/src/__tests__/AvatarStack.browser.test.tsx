import { cleanup, render } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../styles.css';
import { AvatarStack } from '../AvatarStack';
import { axeViolations, clientFor, closeClients, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

describe('AvatarStack', () => {
  it('shows one avatar per person across tabs and drops them after the grace period', async () => {
    const room = `avatars-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann Lee' };
    const bo = { id: uuid(), name: 'Bo' };
    const [tab1, tab2, b] = await Promise.all([
      clientFor(ann.id),
      clientFor(ann.id),
      clientFor(bo.id),
    ]);
    const annTabs = render(
      <>
        <Side client={tab1}>
          <AvatarStack room={room} user={ann} />
        </Side>
        <Side client={tab2}>
          <AvatarStack room={room} user={ann} />
        </Side>
      </>,
    );
    render(
      <Side client={b} presenceGraceMs={300}>
        <AvatarStack room={room} user={bo} data-testid="b" />
      </Side>,
    );
    const bSide = page.getByTestId('b');
    await expect.element(bSide.getByRole('img', { name: 'Ann Lee' })).toBeInTheDocument();
    await expect.element(bSide.getByRole('img', { name: 'Bo' })).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bSide.getByRole('img').elements()).toHaveLength(2);
    expect(bSide.getByRole('img', { name: 'Ann Lee' }).element().textContent).toBe('AL');

    annTabs.unmount();
    // Still there within the grace period, gone after it.
    expect(bSide.getByRole('img').elements()).toHaveLength(2);
    await expect.poll(() => bSide.getByRole('img').elements().length, { timeout: 8000 }).toBe(1);
  });

  it('opens a list of everyone from the +N button', async () => {
    const room = `avatars-${uuid()}`;
    const people = [
      { id: uuid(), name: 'Ann' },
      { id: uuid(), name: 'Bo' },
      { id: uuid(), name: 'Cy' },
    ];
    const clients = await Promise.all(people.map((person) => clientFor(person.id)));
    const b0 = await clientFor(uuid());
    render(
      <>
        {people.map((person, i) => (
          <Side key={person.id} client={clients[i] ?? b0}>
            <AvatarStack room={room} user={person} max={2} data-testid={person.name} />
          </Side>
        ))}
      </>,
    );
    const stack = page.getByTestId('Cy');
    const more = stack.getByRole('button', { name: /2 more/ });
    await expect.element(more).toBeInTheDocument();
    await expect.element(more).toHaveAttribute('aria-expanded', 'false');
    await more.click();
    await expect.element(more).toHaveAttribute('aria-expanded', 'true');
    const list = stack.getByRole('list', { name: 'Everyone here' });
    await expect.element(list).toBeInTheDocument();
    expect(list.getByRole('listitem').elements()).toHaveLength(3);
    expect(await axeViolations(stack.element())).toEqual([]);
    await userEvent.keyboard('{Escape}');
    await expect.element(more).toHaveAttribute('aria-expanded', 'false');
  });

  it('closes the list on Escape after the app’s own onKeyDown, unless the app prevents it', async () => {
    const room = `avatars-${uuid()}`;
    const people = [
      { id: uuid(), name: 'Ann' },
      { id: uuid(), name: 'Bo' },
      { id: uuid(), name: 'Cy' },
    ];
    const sides = await Promise.all(
      people.map(async (person) => ({ person, client: await clientFor(person.id) })),
    );
    const keys: string[] = [];
    let prevent = false;
    render(
      <>
        {sides.map(({ person, client }) => (
          <Side key={person.id} client={client}>
            <AvatarStack
              room={room}
              user={person}
              max={2}
              data-testid={person.name}
              onKeyDown={(event) => {
                keys.push(event.key);
                if (prevent) event.preventDefault();
              }}
            />
          </Side>
        ))}
      </>,
    );
    const stack = page.getByTestId('Cy');
    const more = stack.getByRole('button', { name: /2 more/ });
    await more.click();
    await expect.element(more).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('{Escape}');
    expect(keys).toEqual(['Escape']);
    await expect.element(more).toHaveAttribute('aria-expanded', 'false');
    await expect.element(more).toHaveFocus();

    prevent = true;
    await more.click();
    await expect.element(more).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('{Escape}');
    expect(keys).toEqual(['Escape', 'Escape']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect.element(more).toHaveAttribute('aria-expanded', 'true');
  });

  it('shows A as idle once A stops using the page for idleMs, and online again on input', async () => {
    const room = `avatars-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    render(
      <>
        <Side client={a}>
          {/* Long enough that B sees A online before A rests, on a loaded machine too. */}
          <AvatarStack room={room} user={ann} idleMs={2000} />
        </Side>
        <Side client={b}>
          <AvatarStack room={room} user={bo} data-testid="b" />
        </Side>
      </>,
    );
    const annOnB = page.getByTestId('b').getByRole('img', { name: 'Ann' });
    await expect.element(annOnB).toHaveAttribute('data-state', 'online');
    await expect.element(annOnB, { timeout: 10_000 }).toHaveAttribute('data-state', 'idle');
    // A third presence update in 30 s waits for the rate limit's next token (about 10 s), so A
    // keeps using the page meanwhile.
    await expect
      .poll(
        () => {
          document.dispatchEvent(new PointerEvent('pointermove', { bubbles: true }));
          return annOnB.element().getAttribute('data-state');
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe('online');
  });

  it('shows A as away while A’s tab is hidden', async () => {
    const room = `avatars-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    render(
      <>
        <Side client={a}>
          <AvatarStack room={room} user={ann} />
        </Side>
        <Side client={b}>
          <AvatarStack room={room} user={bo} data-testid="b" />
        </Side>
      </>,
    );
    const annOnB = page.getByTestId('b').getByRole('img', { name: 'Ann' });
    await expect.element(annOnB).toHaveAttribute('data-state', 'online');
    // Headless Chromium never hides a page, so the tab's visibility is set by hand; the event
    // and everything after it (presence through the server to B) are real.
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      await expect.element(annOnB, { timeout: 10_000 }).toHaveAttribute('data-state', 'away');
    } finally {
      Reflect.deleteProperty(document, 'visibilityState');
      document.dispatchEvent(new Event('visibilitychange'));
    }
  });

  it('reads each person’s status from their presence state', async () => {
    const room = `avatars-${uuid()}`;
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    render(
      <Side client={b}>
        <AvatarStack room={room} user={bo} data-testid="b" />
      </Side>,
    );
    // Other apps on the same room, tracking presence straight through supabase-js.
    const people = [
      { id: uuid(), name: 'Cy', status: 'away' },
      { id: uuid(), name: 'Di', status: 'idle' },
      { id: uuid(), name: 'Ed', status: 'napping' },
    ];
    for (const person of people) {
      const client = await clientFor(person.id);
      const channel = client.channel(room, { config: { presence: { key: person.id } } });
      await new Promise<void>((resolve, reject) =>
        channel.subscribe((status) => {
          if (status === 'SUBSCRIBED') resolve();
          else if (status !== 'CLOSED') reject(new Error(status));
        }),
      );
      await channel.track({ name: person.name, status: person.status });
    }
    const stack = page.getByTestId('b');
    await expect
      .element(stack.getByRole('img', { name: 'Cy' }))
      .toHaveAttribute('data-state', 'away');
    await expect
      .element(stack.getByRole('img', { name: 'Di' }))
      .toHaveAttribute('data-state', 'idle');
    // A status it does not know shows as online.
    await expect
      .element(stack.getByRole('img', { name: 'Ed' }))
      .toHaveAttribute('data-state', 'online');
  });

  it('sizes its avatars by size and stacks them by orientation', async () => {
    const room = `avatars-${uuid()}`;
    const ann = { id: uuid(), name: 'Ann' };
    const bo = { id: uuid(), name: 'Bo' };
    const [a, b] = await Promise.all([clientFor(ann.id), clientFor(bo.id)]);
    render(
      <>
        <Side client={a}>
          <AvatarStack room={room} user={ann} />
        </Side>
        <Side client={b}>
          {(['sm', 'md', 'lg'] as const).map((size) => (
            <AvatarStack key={size} room={room} user={bo} size={size} data-testid={size} />
          ))}
          <AvatarStack room={room} user={bo} orientation="vertical" data-testid="vertical" />
        </Side>
      </>,
    );
    const avatars = (testId: string) =>
      page.getByTestId(testId).getByRole('img').elements() as HTMLElement[];
    for (const testId of ['sm', 'md', 'lg', 'vertical'])
      await expect.poll(() => avatars(testId).length).toBe(2);
    const width = (testId: string) => avatars(testId)[0]?.getBoundingClientRect().width;
    // styles.css: 1.5rem, 2rem and 2.75rem.
    expect([width('sm'), width('md'), width('lg')]).toEqual([24, 32, 44]);
    expect(page.getByTestId('lg').element().getAttribute('data-size')).toBe('lg');
    expect(page.getByTestId('md').element().getAttribute('data-orientation')).toBe('horizontal');

    const [first, second] = avatars('md').map((el) => el.getBoundingClientRect());
    expect(second?.left).toBeGreaterThan(first?.left ?? Infinity);
    expect(second?.top).toBe(first?.top);
    const [top, below] = avatars('vertical').map((el) => el.getBoundingClientRect());
    expect(page.getByTestId('vertical').element().getAttribute('data-orientation')).toBe(
      'vertical',
    );
    expect(below?.top).toBeGreaterThan(top?.top ?? Infinity);
    expect(below?.left).toBe(top?.left);
  });

  it('names its group, +N button and list in the words labels gives', async () => {
    const room = `avatars-${uuid()}`;
    const people = [
      { id: uuid(), name: 'Ann' },
      { id: uuid(), name: 'Bo' },
      { id: uuid(), name: 'Cy' },
    ];
    const sides = await Promise.all(
      people.map(async (person) => ({ person, client: await clientFor(person.id) })),
    );
    const labels = {
      group: 'Hier sind',
      more: (count: number) => `${count} weitere, alle zeigen`,
      list: 'Alle hier',
    };
    render(
      <>
        {sides.map(({ person, client }) => (
          <Side key={person.id} client={client}>
            <AvatarStack
              room={room}
              user={person}
              max={2}
              labels={labels}
              data-testid={person.name}
            />
          </Side>
        ))}
      </>,
    );
    const stack = page.getByTestId('Cy');
    await expect.element(stack).toHaveAttribute('aria-label', 'Hier sind');
    await expect.element(stack).toHaveAttribute('role', 'group');
    const more = stack.getByRole('button', { name: '2 weitere, alle zeigen' });
    await expect.element(more).toBeInTheDocument();
    await more.click();
    await expect.element(stack.getByRole('list', { name: 'Alle hier' })).toBeInTheDocument();
  });

  it('merges className last and forwards its ref to the element', async () => {
    const bo = { id: uuid(), name: 'Bo' };
    const b = await clientFor(bo.id);
    const ref = createRef<HTMLDivElement>();
    render(
      <Side client={b}>
        <AvatarStack ref={ref} room={`avatars-${uuid()}`} user={bo} className="mine" />
      </Side>,
    );
    await expect.poll(() => ref.current?.dataset.slot).toBe('avatar-stack');
    expect(ref.current?.className).toBe('rk-root rk-avatar-stack mine');
  });
});
