/**
 * `pnpm build-storybook`: runs `storybook build` with the arguments given, then makes its output
 * open from disk ({@link openFromDisk}). The output folder is the last `-o`/`--output-dir` given,
 * as for `storybook build` itself.
 *
 * @example tsx .storybook/disk/build.ts -c .storybook -o storybook-static
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openFromDisk } from './openFromDisk';

const args = process.argv.slice(2);
const { values } = parseArgs({
  args,
  options: { 'output-dir': { type: 'string', short: 'o', multiple: true } },
  strict: false,
  allowPositionals: true,
});
const outDir = values['output-dir'];
const output = Array.isArray(outDir) ? outDir.at(-1) : undefined;
if (typeof output !== 'string') {
  console.error('build-storybook: give the output folder with -o <folder>.');
  process.exit(1);
}
// `storybook` is on PATH in package.json scripts (pnpm puts node_modules/.bin there).
const built = spawnSync('storybook', ['build', ...args], { stdio: 'inherit' });
if (built.error) throw built.error;
if (built.status !== 0) process.exit(built.status ?? 1);
await openFromDisk(output);
