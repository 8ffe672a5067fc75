import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../../styles.css';
import { Chat } from '../Chat';
import { ConnectionStatus } from '../ConnectionStatus';
import { axeViolations, clientFor, closeClients, Side, uuid } from './helpers';

afterEach(async () => {
  cleanup();
  await closeClients();
});

describe('ConnectionStatus', () => {
  it('shows connected, then reconnecting only after a drop outlasts the delay', async () => {
    const ann = { id: uuid(), name: 'Ann' };
    const a = await clientFor(ann.id);
    render(
      <Side client={a}>
        {/* A joined channel opens the socket. */}
        <Chat room={`status-${uuid()}`} user={ann} />
        <ConnectionStatus delayMs={300} data-testid="status" />
      </Side>,
    );
    const status = page.getByTestId('status');
    await expect.element(status).toHaveAttribute('data-state', 'connected');
    expect(await axeViolations(status.element())).toEqual([]);
    await commands.realtimeStop();
    try {
      await expect.element(status, { timeout: 5000 }).toHaveAttribute('data-state', 'reconnecting');
    } finally {
      await commands.realtimeStart();
    }
    await expect.element(status, { timeout: 10_000 }).toHaveAttribute('data-state', 'connected');
  });

  it('says connecting, not offline, before any channel has opened the socket', async () => {
    const a = await clientFor(uuid());
    render(
      <Side client={a}>
        <ConnectionStatus delayMs={0} data-testid="idle-status" />
      </Side>,
    );
    const status = page.getByTestId('idle-status');
    await expect.element(status).toHaveAttribute('data-state', 'connecting');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(status.element().getAttribute('data-state')).toBe('connecting');
    expect(status.element().textContent).toBe('Connecting');
  });
});
