// @ts-check
// A Node ESM script, as a user's test setup would be: the packed server and the testing helpers.
import { startTestRealtime } from '@roomkit/react/testing';
import { silentLogger, startServer } from '@roomkit/server';

const server = await startServer({ port: 0, db: 'none', logger: silentLogger });
const token = await server.mintToken({ sub: 'node-user' });
if (!server.url.startsWith('http://') || token.split('.').length !== 3) {
  throw new Error(`startServer gave url ${server.url} and token ${token}`);
}
await server.stop();

const realtime = await startTestRealtime();
const alice = await realtime.user('alice');
const bob = await realtime.user('bob');

/** @param {import('@supabase/supabase-js').RealtimeChannel} channel */
const joined = (channel) =>
  new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve(undefined);
      else if (status !== 'CLOSED') reject(new Error(`${status}: ${String(error)}`));
    });
  });

/** @type {Promise<unknown>} */
const received = new Promise((resolve) => {
  const channel = bob
    .channel('node-smoke')
    .on('broadcast', { event: 'hello' }, ({ payload }) => resolve(payload));
  void joined(channel).then(async () => {
    const sender = alice.channel('node-smoke');
    await joined(sender);
    await sender.send({ type: 'broadcast', event: 'hello', payload: { from: 'alice' } });
  });
});
const timeout = setTimeout(() => {
  console.error('Bob did not receive the broadcast within 15 s.');
  process.exit(1);
}, 15_000);
const payload = await received;
clearTimeout(timeout);
if (JSON.stringify(payload) !== JSON.stringify({ from: 'alice' })) {
  throw new Error(`Bob received ${JSON.stringify(payload)}`);
}
await realtime.stop();
console.log('node esm check passed');
