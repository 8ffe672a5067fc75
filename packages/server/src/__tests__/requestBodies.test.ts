import { createClient } from '@supabase/supabase-js';
import { request, type ClientRequest } from 'node:http';
import WebSocket from 'ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseServer, failOnProcessErrors, until } from './helpers';

failOnProcessErrors();

const LIMIT = 1_000_000;
const shared = databaseServer({ maxTotalRequestBodyBytes: LIMIT });

beforeAll(async () => {
  await shared.db.query(`
    create table public.uploads (id bigint generated always as identity primary key, note text not null);
    grant all on public.uploads to anon, authenticated, service_role;
  `);
});

function supabase() {
  const { server } = shared;
  return createClient(server.url, server.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
      );
    });
    req.on('error', reject);
  });
}

/**
 * A data API insert whose body is sent in part and held open, as a slow upload: its declared
 * length counts against the budget until it is answered.
 */
function heldInsert(note: string) {
  const body = Buffer.from(JSON.stringify({ note }));
  const { server } = shared;
  const req = request(`${server.url}/rest/v1/uploads`, {
    method: 'POST',
    headers: {
      apikey: server.anonKey,
      'content-type': 'application/json',
      'content-length': body.length,
    },
  });
  const answer = answerOf(req);
  req.write(body.subarray(0, body.length / 2));
  return {
    bytes: body.length,
    answer,
    req,
    finish() {
      req.end(body.subarray(body.length / 2));
      return answer;
    },
  };
}

describe('the server-wide request body budget', () => {
  it('answers 503 while other uploads hold the budget, and takes the same request once they finish', async () => {
    const { server } = shared;
    const held = heldInsert('h'.repeat(700_000));
    await until(() => server.stats.requestBodyBytes === held.bytes, 10_000, 'the held upload');

    const client = supabase();
    const insert = () => client.from('uploads').insert({ note: 'y'.repeat(400_000) });
    const refused = await insert();
    expect(refused.status).toBe(503);
    expect(refused.error?.message).toBe(
      'The server is receiving too many request bodies at once (maxTotalRequestBodyBytes); retry shortly',
    );
    const signUp = await client.auth.signUp({
      email: 'busy@example.com',
      password: 'correct horse',
      options: { data: { bio: 'z'.repeat(400_000) } },
    });
    expect(signUp.error?.status).toBe(503);
    expect(signUp.error?.name).toBe('AuthRetryableFetchError');
    const broadcast = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: server.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [{ topic: 't', event: 'e', payload: 'b'.repeat(400_000) }],
      }),
    });
    expect(broadcast.status).toBe(503);
    expect(broadcast.headers.get('retry-after')).toBe('1');
    // Small bodies still fit beside the held one.
    expect((await client.from('uploads').insert({ note: 'small' })).status).toBe(201);

    expect((await held.finish()).status).toBe(201);
    await until(() => server.stats.requestBodyBytes === 0, 10_000, 'the budget to be given back');
    const accepted = await insert();
    expect(accepted.error).toBeNull();
    expect(accepted.status).toBe(201);
    const { rows } = await shared.db.query<{ length: number }>(
      'select length(note) from public.uploads order by id',
    );
    expect(rows.map((row) => row.length)).toEqual([5, 700_000, 400_000]);
  });

  it('refuses a chunked upload on the chunk that passes the budget, and gives back what it held', async () => {
    const { server } = shared;
    const held = heldInsert('h'.repeat(700_000));
    await until(() => server.stats.requestBodyBytes === held.bytes, 10_000, 'the held upload');
    const chunked = request(`${server.url}/rest/v1/uploads`, {
      method: 'POST',
      headers: { apikey: server.anonKey, 'content-type': 'application/json' },
    });
    const answer = answerOf(chunked);
    chunked.write(`{"note":"${'c'.repeat(200_000)}`);
    await until(
      () => server.stats.requestBodyBytes > held.bytes,
      10_000,
      'the first chunk to be held',
    );
    chunked.write('c'.repeat(200_000));
    const refused = await answer;
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    chunked.destroy();
    expect(server.stats.requestBodyBytes).toBe(held.bytes);
    expect((await held.finish()).status).toBe(201);
    await until(() => server.stats.requestBodyBytes === 0, 10_000, 'the budget to be given back');
  });

  it('gives back what an upload held when its client goes away mid-body', async () => {
    const { server } = shared;
    const held = heldInsert('h'.repeat(900_000));
    held.answer.catch(() => {});
    await until(() => server.stats.requestBodyBytes === held.bytes, 10_000, 'the held upload');
    held.req.destroy();
    await until(() => server.stats.requestBodyBytes === 0, 10_000, 'the budget to be given back');
    expect((await supabase().from('uploads').insert({ note: 'after' })).status).toBe(201);
  });
});
