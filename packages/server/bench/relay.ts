import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A running baseline relay. */
export interface Relay {
  port: number;
  close(): Promise<void>;
}

/**
 * Arm A: the smallest useful fan-out server. Every frame a client sends goes to every other
 * open client as is, with no protocol, no parsing and no per-room bookkeeping.
 */
export async function startRelay(host: string): Promise<Relay> {
  const wss = new WebSocketServer({ host, port: 0, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      for (const client of wss.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) {
          client.send(data, { binary: isBinary });
        }
      }
    });
  });
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
