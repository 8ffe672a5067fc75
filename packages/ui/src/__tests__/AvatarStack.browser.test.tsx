import { cleanup, render } from '@testing-library/react';
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
});
