import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { client, joined, until } from './helpers';
import type { RoomkitServer } from '../startServer';
import { DEFAULT_PUBLISHABLE_KEY, DEFAULT_SECRET_KEY, opaqueKeys } from '../auth';

const BIN = fileURLToPath(new URL('../../bin/roomkit.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function run(args: string[], cwd?: string, env?: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: 'pipe',
    cwd,
    env: env ? { ...process.env, ...env } : undefined,
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve(buffer.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before printing`)));
  });
}

describe('roomkit CLI', () => {
  it('starts with --json, prints exactly one JSON line, serves the client, and stops on SIGTERM', async () => {
    const { child, exited, output } = run(['start', '--port', '0', '--json', '--db', 'none']);
    const ready = JSON.parse(await firstLine(child)) as Record<string, unknown>;
    expect(Object.keys(ready).sort()).toEqual([
      'anonKey',
      'dbUrl',
      'jwtSecret',
      'publishableKey',
      'secretKey',
      'serviceRoleKey',
      'url',
    ]);
    expect(ready.publishableKey).toBe(DEFAULT_PUBLISHABLE_KEY);
    expect(ready.secretKey).toBe(DEFAULT_SECRET_KEY);
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(decodeJwt(String(ready.anonKey)).role).toBe('anon');
    const server = { url: ready.url, anonKey: ready.anonKey } as RoomkitServer;
    const channel = await joined(client(server).channel('from-cli'));
    expect(channel.state).toBe('joined');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output().stdout.trim().split('\n')).toHaveLength(1);
  });

  it('prints keys derived from a custom --jwt-secret, never the well-known opaque keys', async () => {
    const secret = 'a-custom-secret-that-is-at-least-32-characters-long';
    const { child, exited } = run([
      'start',
      '--port',
      '0',
      '--json',
      '--db',
      'none',
      '--jwt-secret',
      secret,
    ]);
    const ready = JSON.parse(await firstLine(child)) as Record<string, unknown>;
    expect(ready.publishableKey).toBe(opaqueKeys(secret).publishableKey);
    expect(ready.secretKey).toBe(opaqueKeys(secret).secretKey);
    expect(ready.secretKey).not.toBe(DEFAULT_SECRET_KEY);
    const server = { url: ready.url, anonKey: ready.secretKey } as RoomkitServer;
    const channel = await joined(client(server).channel('derived', { config: { private: true } }));
    expect(channel.state).toBe('joined');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('prints a banner with the URL and both keys', async () => {
    const { child, exited, output } = run(['start', '--port', '0', '--db', 'none']);
    await firstLine(child);
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const { stdout } = output();
    expect(stdout).toMatch(/API URL\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/anon key\s+eyJ/);
    expect(stdout).toMatch(/service_role key\s+eyJ/);
  });

  it('says clearly when the port is taken, and exits non-zero', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { exited, output } = run(['start', '--port', String(port)]);
      expect(await exited).toBe(2);
      expect(output().stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('mints a dev token with the given sub, role and claims', async () => {
    const { exited, output } = run([
      'token',
      '--sub',
      'user-7',
      '--role',
      'authenticated',
      '--claims',
      '{"team":"blue"}',
    ]);
    expect(await exited).toBe(0);
    const claims = decodeJwt(output().stdout.trim());
    expect(claims).toMatchObject({ sub: 'user-7', role: 'authenticated', team: 'blue' });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses --claims that are not a JSON object', async () => {
    const { exited, output } = run(['token', '--sub', 'u', '--claims', '[1]']);
    expect(await exited).toBe(2);
    expect(output().stderr).toContain('--claims must be a JSON object');
  });

  it('sets the sign-in rate limit with --auth-rate-limit, 0 turning it off', async () => {
    const bad = run(['start', '--auth-rate-limit', 'many']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('--auth-rate-limit must be a whole number, got "many".');

    const { child, exited } = run([
      'start',
      '--port',
      '0',
      '--json',
      '--ephemeral',
      '--auth-rate-limit',
      '0',
    ]);
    const ready = JSON.parse(await firstLine(child)) as { url: string; anonKey: string };
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 35; attempt++) {
      const response = await fetch(`${ready.url}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { apikey: ready.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'guess' }),
      });
      statuses.push(response.status);
    }
    expect(new Set(statuses)).toEqual(new Set([400]));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('sets the presence and request body budgets with --max-presence-bytes and --max-total-request-body-bytes', async () => {
    const bad = run(['start', '--max-presence-bytes', '2.5']);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain(
      '--max-presence-bytes must be a whole number, got "2.5".',
    );

    const { child, exited } = run([
      'start',
      '--port',
      '0',
      '--json',
      '--db',
      'none',
      '--max-presence-bytes',
      '2000',
      '--max-total-request-body-bytes',
      '1000',
    ]);
    const ready = JSON.parse(await firstLine(child)) as { url: string; anonKey: string };
    const server = { url: ready.url, anonKey: ready.anonKey } as RoomkitServer;
    const channel = await joined(
      client(server).channel('budget', { config: { presence: { key: 'k' } } }),
    );
    expect(await channel.track({ note: 'x'.repeat(3000) })).toBe('error');
    expect(await channel.track({ note: 'small' })).toBe('ok');
    const response = await fetch(`${ready.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: ready.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: 'x'.repeat(2000) }] }),
    });
    expect(response.status).toBe(503);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('keeps the embedded data under .roomkit and starts again after being killed with SIGKILL', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'roomkit-cli-'));
    await chmod(cwd, 0o755);
    try {
      const first = run(['start', '--port', '0', '--json'], cwd);
      const ready = JSON.parse(await firstLine(first.child)) as { dbUrl: string };
      const db = new pg.Client({ connectionString: ready.dbUrl });
      await db.connect();
      await db.query("create table kept (note text); insert into kept values ('still here')");
      await db.end();
      first.child.kill('SIGKILL');
      await first.exited;

      const second = run(['start', '--port', '0', '--json'], cwd);
      const again = JSON.parse(await firstLine(second.child)) as { dbUrl: string };
      const check = new pg.Client({ connectionString: again.dbUrl });
      await check.connect();
      const { rows } = await check.query('select note from kept');
      await check.end();
      expect(rows).toEqual([{ note: 'still here' }]);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 30_000);

  it('removes an --ephemeral folder left by a server killed with SIGKILL on the next ephemeral start', async () => {
    // A temp folder of its own, so only this test's folders are looked at.
    const temp = await mkdtemp(join(tmpdir(), 'roomkit-temp-'));
    await chmod(temp, 0o755);
    const postmasters: number[] = [];
    const folders = async () =>
      (await readdir(temp)).filter((name) => name.startsWith('roomkit-db-'));
    try {
      const first = run(['start', '--port', '0', '--json', '--ephemeral'], undefined, {
        TMPDIR: temp,
      });
      await firstLine(first.child);
      const [left] = await folders();
      expect(left).toBeDefined();
      const postmaster = Number(
        (await readFile(join(temp, String(left), 'data', 'postmaster.pid'), 'utf8')).split('\n')[0],
      );
      postmasters.push(postmaster);
      first.child.kill('SIGKILL');
      await first.exited;
      // The crash left the folder, and its PostgreSQL still running.
      expect(await folders()).toEqual([left]);
      expect(alive(postmaster)).toBe(true);

      const second = run(['start', '--port', '0', '--json', '--ephemeral'], undefined, {
        TMPDIR: temp,
      });
      await firstLine(second.child);
      const now = await folders();
      expect(now).toHaveLength(1);
      expect(now).not.toContain(left);
      expect(alive(postmaster)).toBe(false);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(await folders()).toEqual([]);
    } finally {
      // Without the fix the killed server's PostgreSQL would outlive the test.
      for (const pid of postmasters) if (alive(pid)) process.kill(pid, 'SIGINT');
      await rm(temp, { recursive: true, force: true });
    }
  }, 60_000);

  it('serves the whole app flow from `roomkit start`: admin user, password sign-in, writes and live changes', async () => {
    const migrations = await mkdtemp(join(tmpdir(), 'roomkit-migrations-'));
    await chmod(migrations, 0o755);
    await writeFile(
      join(migrations, '001_notes.sql'),
      `create table notes (id bigint generated always as identity primary key, owner uuid default auth.uid(), body text);
       alter table notes enable row level security;
       create policy own on notes for all to authenticated using (owner = auth.uid()) with check (owner = auth.uid());
       alter publication supabase_realtime add table notes;`,
    );
    try {
      const { child, exited } = run([
        'start',
        '--port',
        '0',
        '--json',
        '--ephemeral',
        '--migrations',
        migrations,
      ]);
      const ready = JSON.parse(await firstLine(child)) as {
        url: string;
        anonKey: string;
        serviceRoleKey: string;
      };
      const options = {
        auth: { persistSession: false },
        realtime: { transport: WebSocket as never },
      };
      const admin = createClient(ready.url, ready.serviceRoleKey, options);
      await admin.auth.admin.createUser({
        email: 'cli@example.com',
        password: 'correct horse',
        email_confirm: true,
      });
      const user = createClient(ready.url, ready.anonKey, options);
      expect(
        (
          await user.auth.signInWithPassword({
            email: 'cli@example.com',
            password: 'correct horse',
          })
        ).error,
      ).toBeNull();
      const seen: string[] = [];
      const system: string[] = [];
      const channel = user
        .channel('cli-flow')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'notes' }, (change) =>
          seen.push(change.eventType),
        )
        .on('system', {}, (payload: { message: string }) => system.push(payload.message));
      channel.subscribe();
      await until(() => system.includes('Subscribed to PostgreSQL'), 10_000, 'subscription');
      // As on Supabase Realtime, row-level security is checked against the stored row when the
      // change is processed: a row deleted before then never arrives as inserted or updated. So
      // each write waits for its change before the next one can take its row away.
      const one = await user.from('notes').insert({ body: 'a' }).select('id').single();
      const two = await user.from('notes').insert({ body: 'b' }).select('id').single();
      await until(() => seen.length === 2, 20_000, 'two inserts');
      await user.from('notes').update({ body: 'a!' }).eq('id', one.data?.id);
      await until(() => seen.length === 3, 20_000, 'the update');
      await user.from('notes').delete().in('id', [one.data?.id, two.data?.id]);
      await until(() => seen.length === 5, 20_000, 'five changes');
      expect(seen).toEqual(['INSERT', 'INSERT', 'UPDATE', 'DELETE', 'DELETE']);
      await user.removeAllChannels();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await rm(migrations, { recursive: true, force: true });
    }
  }, 40_000);
});
