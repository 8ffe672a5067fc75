import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chromiumPath, ensureChromium } from '../../../../testing/chromium';

// Every absolute path the lookups ask about is looked up under a scratch root instead, so each
// case builds the machine it needs (no Chromium, no apt-get, …) without touching this one.
const fake = vi.hoisted(() => ({ root: undefined as string | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const existsSync = (path: string) =>
    fs.existsSync(fake.root && path.startsWith('/') ? `${fake.root}${path}` : path);
  return { ...fs, existsSync, default: { ...fs, existsSync } };
});

const INSTALL = "sudo sh -c 'apt-get update && apt-get install -y chromium'";
let scratch = '';
let log = '';
const saved = { path: process.env.PATH, chromium: process.env.CHROMIUM_PATH };

/** Makes `path` exist on the fake machine. */
function touch(path: string) {
  const file = join(fake.root ?? '', path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
}

/**
 * Puts an `apt-get` first on PATH that logs its arguments and, if `installs`, creates
 * /usr/bin/chromium on the fake machine; it exits with `code`.
 */
function fakeAptGet({ installs, code = 0 }: { installs: boolean; code?: number }) {
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  const chromium = join(fake.root ?? '', 'usr/bin/chromium');
  writeFileSync(
    join(bin, 'apt-get'),
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      installs ? `[ "$1" = install ] && mkdir -p '${dirname(chromium)}' && : > '${chromium}'` : '',
      `exit ${code}`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'apt-get'), 0o755);
  process.env.PATH = `${bin}:${saved.path ?? ''}`;
  touch('/usr/bin/apt-get');
}

const aptCalls = () => {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rk-chromium-'));
  fake.root = join(scratch, 'machine');
  mkdirSync(fake.root);
  log = join(scratch, 'apt-get.log');
  delete process.env.CHROMIUM_PATH;
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
  fake.root = undefined;
  process.env.PATH = saved.path;
  if (saved.chromium === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved.chromium;
  rmSync(scratch, { recursive: true, force: true });
});

describe('ensureChromium', () => {
  it('uses CHROMIUM_PATH when it names an existing binary, and the browser launches the same one', () => {
    touch('/usr/bin/chromium');
    touch('/opt/chrome/chrome');
    process.env.CHROMIUM_PATH = '/opt/chrome/chrome';
    expect(ensureChromium()).toBe('/opt/chrome/chrome');
    expect(chromiumPath()).toBe('/opt/chrome/chrome');
  });

  it('stops on a CHROMIUM_PATH that names nothing, saying so, rather than testing another browser', () => {
    touch('/usr/bin/chromium');
    fakeAptGet({ installs: true });
    process.env.CHROMIUM_PATH = '/opt/nothing/chrome';
    expect(() => ensureChromium()).toThrow(
      'CHROMIUM_PATH is set to /opt/nothing/chrome, which does not exist.',
    );
    expect(aptCalls()).toEqual([]);
  });

  it('takes the first system Chromium it finds, in order', () => {
    touch('/usr/bin/google-chrome');
    expect(ensureChromium()).toBe('/usr/bin/google-chrome');
    expect(chromiumPath()).toBe('/usr/bin/google-chrome');
    touch('/usr/bin/chromium-browser');
    expect(ensureChromium()).toBe('/usr/bin/chromium-browser');
    expect(chromiumPath()).toBe('/usr/bin/chromium-browser');
  });

  it('finds a Chromium without calling apt-get', () => {
    touch('/usr/bin/chromium');
    fakeAptGet({ installs: true });
    expect(ensureChromium()).toBe('/usr/bin/chromium');
    expect(aptCalls()).toEqual([]);
  });

  it('installs Debian’s chromium with apt-get when none is found and it runs as root', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    fakeAptGet({ installs: true });
    expect(chromiumPath()).toBe('/usr/bin/chromium');
    expect(ensureChromium()).toBe('/usr/bin/chromium');
    expect(aptCalls()).toEqual(['update', 'install -y chromium']);
    expect(process.stderr.write).toHaveBeenCalledWith(
      expect.stringContaining("installing Debian's chromium"),
    );
  });

  it('stops with the exact command when none is found and it does not run as root', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    fakeAptGet({ installs: true });
    expect(() => ensureChromium()).toThrow(INSTALL);
    expect(aptCalls()).toEqual([]);
  });

  it('stops with the exact command on a machine without apt-get, even as root', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    expect(() => ensureChromium()).toThrow(INSTALL);
    expect(() => ensureChromium()).toThrow(/CHROMIUM_PATH/);
  });

  it('fails when apt-get fails', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    fakeAptGet({ installs: false, code: 100 });
    expect(() => ensureChromium()).toThrow();
    expect(aptCalls()).toEqual(['update']);
  });

  it('fails when apt-get succeeds without installing /usr/bin/chromium', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    fakeAptGet({ installs: false });
    expect(() => ensureChromium()).toThrow('did not install /usr/bin/chromium');
    expect(aptCalls()).toEqual(['update', 'install -y chromium']);
  });
});
