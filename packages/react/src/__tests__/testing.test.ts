// @vitest-environment node
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRealtime, type TestRealtime } from '../testing';

let realtime: TestRealtime;
let db: pg.Client;

beforeAll(async () => {
  realtime = await startTestRealtime({ db: 'embedded' });
  db = new pg.Client({ connectionString: realtime.server.dbUrl ?? '' });
  await db.connect();
  await db.query(`
    create function public.my_claims() returns jsonb language sql stable as
      $$ select jsonb_build_object('sub', auth.jwt() ->> 'sub', 'team', auth.jwt() ->> 'team') $$;
    grant execute on function public.my_claims() to anon, authenticated;
  `);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await realtime?.stop();
});

describe('startTestRealtime', () => {
  it('signs a user’s client in with the extra claims given, as the database reads them', async () => {
    const red = await realtime.user('alice', { claims: { team: 'red' } });
    const plain = await realtime.user('bob');
    expect((await red.rpc('my_claims')).data).toEqual({ sub: 'alice', team: 'red' });
    expect((await plain.rpc('my_claims')).data).toEqual({ sub: 'bob', team: null });
  });
});
