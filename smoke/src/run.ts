import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

const rootManifest = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as {
  packageManager: string;
};

/** The pnpm the repository pins (`packageManager`), run through npx as the README does. */
export const PNPM = ['npx', '-y', rootManifest.packageManager] as const;

/**
 * The environment a user's shell would give a command: no `npm_*` settings, NODE_ENV or Vitest
 * variables inherited from the test run (pnpm reads `npm_config_*`, Vite reads NODE_ENV).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'CI', 'CHROMIUM_PATH'];
  const env: NodeJS.ProcessEnv = { FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...extra };
}

/** What a finished command printed. */
export interface RunResult {
  output: string;
}

/**
 * Runs one step of the smoke check. A failure names the step, the command and its folder, and
 * ends with the last lines it printed, so the test output says what broke without a rerun.
 */
export function run(
  step: string,
  command: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<RunResult> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error(`${step}: no command given.`);
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env: userEnv(options.env) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) =>
      reject(new Error(`${step}: could not run ${program}: ${error.message}`)),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return resolve({ output });
      const tail = output.trimEnd().split('\n').slice(-60).join('\n');
      reject(
        new Error(
          `${step} failed (${signal ?? `exit ${String(code)}`}): ${command.join(' ')}\n` +
            `  in ${options.cwd}\n${tail}`,
        ),
      );
    });
  });
}
