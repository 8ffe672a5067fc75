import { cleanup, render } from '@testing-library/react';
import { createRef, type ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import '../../styles.css';
import { Avatar, type AvatarProps } from '../Avatar';
import { userColor } from '../userColor';

afterEach(() => cleanup());

const IMAGE =
  'data:image/svg+xml;utf8,<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="red"/></svg>';

describe('Avatar', () => {
  it('shows the user’s image, named by their name', async () => {
    render(<Avatar user={{ id: 'ann', name: 'Ann Lee', avatarUrl: IMAGE }} />);
    const avatar = page.getByRole('img', { name: 'Ann Lee' });
    await expect.element(avatar).toBeInTheDocument();
    expect(avatar.element().tagName).toBe('IMG');
    await expect.poll(() => (avatar.element() as HTMLImageElement).naturalWidth).toBe(40);
  });

  it('falls back to the initials on the user’s colour when the image fails to load', async () => {
    render(
      <Avatar user={{ id: 'ann', name: 'Ann Lee', avatarUrl: 'data:image/png;base64,AAAA' }} />,
    );
    const avatar = page.getByRole('img', { name: 'Ann Lee' });
    await expect.poll(() => avatar.element().tagName).toBe('SPAN');
    expect(avatar.element().textContent).toBe('AL');
    expect((avatar.element() as HTMLElement).style.getPropertyValue('--rk-user-color')).toBe(
      userColor('ann'),
    );
  });

  it('shows the initials when there is no image', async () => {
    render(<Avatar user={{ id: 'cy', name: '  cy   de  la  rosa ' }} status="away" />);
    const avatar = page.getByRole('img', { name: '  cy   de  la  rosa ' });
    await expect.element(avatar).toHaveTextContent('CR');
    await expect.element(avatar).toHaveAttribute('data-state', 'away');
  });

  it('renders with an image even when an untyped caller passes children', async () => {
    // A JavaScript caller, or props spread from elsewhere, is not stopped by the types.
    const untyped = { children: 'ignored' } as unknown as Partial<AvatarProps> & {
      children: ReactNode;
    };
    render(<Avatar user={{ id: 'ann', name: 'Ann Lee', avatarUrl: IMAGE }} {...untyped} />);
    const avatar = page.getByRole('img', { name: 'Ann Lee' });
    await expect.element(avatar).toBeInTheDocument();
    expect(avatar.element().tagName).toBe('IMG');
    expect(avatar.element().textContent).toBe('');
  });

  it('merges className last and forwards its ref to the element, image or initials', async () => {
    const image = createRef<HTMLElement>();
    const initials = createRef<HTMLElement>();
    render(
      <>
        <Avatar ref={image} user={{ id: 'a', name: 'Ann', avatarUrl: IMAGE }} className="mine" />
        <Avatar ref={initials} user={{ id: 'b', name: 'Bo' }} className="mine" />
      </>,
    );
    await expect.element(page.getByRole('img', { name: 'Ann' })).toBeInTheDocument();
    expect(image.current).toBe(page.getByRole('img', { name: 'Ann' }).element());
    expect(initials.current).toBe(page.getByRole('img', { name: 'Bo' }).element());
    expect(image.current?.className).toBe('rk-avatar mine');
    expect(initials.current?.className).toBe('rk-avatar mine');
    expect(initials.current?.dataset.slot).toBe('avatar');
  });
});
