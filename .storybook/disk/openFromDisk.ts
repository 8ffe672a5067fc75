/**
 * Makes `storybook build`'s output open from disk: a double-click on `storybook-static/index.html`
 * in Chromium, no server. Storybook writes ES modules, which Chromium refuses to load from
 * `file://` (the page's origin is `null`), and both its pages fetch `./index.json`, which Chromium
 * refuses too. This rebundles the module scripts of `index.html` (the manager) and `iframe.html`
 * (the preview) into one classic script each with esbuild, whose lazy `import()`s become
 * in-bundle initializers, and answers both pages' fetch of `index.json` from the bundle. The
 * result still works from any static server (`pnpm serve-storybook`).
 *
 * Run by `pnpm build-storybook` (disk/build.ts) after `storybook build`.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const MODULE_SCRIPT = /<script\b([^>]*)\btype="module"([^>]*)>([\s\S]*?)<\/script>\s*/g;
const MODULE_PRELOAD = /<link\b[^>]*\brel="modulepreload"[^>]*>\s*/g;
const STATIC_IMPORT = /import\s*(['"])([^'"]+)\1\s*;?/g;
const INDEX_ANSWER = 'roomkit:answer-index-fetch';

/** A page's module scripts, in the order the browser runs them, and the page without them. */
interface ModuleScripts {
  /** What each script imports, relative to the page (`./assets/iframe-….js`). */
  specifiers: string[];
  /** The page without its module scripts and module preloads; {@link MARKER} stands where the first script was. */
  html: string;
}

const MARKER = '<!-- roomkit:classic-script -->';

/** Takes the module scripts out of `html`; says which page when it has none or one it cannot read. */
function takeModuleScripts(html: string, page: string): ModuleScripts {
  const specifiers: string[] = [];
  let scripts = 0;
  const stripped = html.replace(
    MODULE_SCRIPT,
    (_script, before: string, after: string, body: string) => {
      scripts++;
      const src = /\bsrc="([^"]+)"/.exec(before + after)?.[1];
      if (src !== undefined) {
        if (body.trim() !== '')
          throw new Error(`${page}: a module script has both src and a body.`);
        specifiers.push(src);
      } else {
        specifiers.push(...Array.from(body.matchAll(STATIC_IMPORT), (match) => match[2] ?? ''));
        if (body.replace(STATIC_IMPORT, '').trim() !== '') {
          throw new Error(
            `${page}: an inline module script holds more than imports:\n${body.trim()}`,
          );
        }
      }
      // Module scripts run after the document is parsed, in document order: one deferred classic
      // script (in place of the first) keeps that.
      return scripts === 1 ? MARKER : '';
    },
  );
  if (scripts === 0) {
    throw new Error(`${page} has no module script: is this a fresh \`storybook build\` output?`);
  }
  return { specifiers, html: stripped.replace(MODULE_PRELOAD, '') };
}

/** A module evaluated before everything else in a bundle: it answers the page's fetch of `./index.json`. */
function answerIndexFetch(outDir: string): Plugin {
  return {
    name: 'answer-index-fetch',
    setup(esbuild) {
      esbuild.onResolve({ filter: new RegExp(`^${INDEX_ANSWER}$`) }, () => ({
        path: INDEX_ANSWER,
        namespace: 'roomkit',
      }));
      esbuild.onLoad({ filter: /.*/, namespace: 'roomkit' }, () => ({
        contents: [
          `import { answerFetch } from ${JSON.stringify(join(here, 'answerFetch.ts'))};`,
          `import index from ${JSON.stringify(join(outDir, 'index.json'))};`,
          `answerFetch('./index.json', index);`,
        ].join('\n'),
        resolveDir: here,
        loader: 'ts',
      }));
    },
  };
}

/**
 * Bundles `specifiers` (relative to `outDir`) into one classic script at
 * `outDir/<folder>/<name>-<hash>.js`; returns its path relative to `outDir` and the module files
 * it absorbed.
 */
async function bundleClassic(
  outDir: string,
  specifiers: string[],
  folder: string,
  name: string,
  plugins: Plugin[],
): Promise<{ bundle: string; absorbed: string[] }> {
  const entryFile = `${name}-entry.js`;
  const result = await build({
    absWorkingDir: outDir,
    stdin: {
      contents: specifiers.map((specifier) => `import ${JSON.stringify(specifier)};`).join('\n'),
      resolveDir: outDir,
      sourcefile: entryFile,
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    legalComments: 'none',
    outdir: join(outDir, folder),
    entryNames: `${name}-[hash]`,
    inject: [join(here, 'importMetaUrl.ts')],
    // Vite's preload helper prefers `import.meta.resolve` and falls back to `import.meta.url`.
    define: { 'import.meta.url': 'importMetaUrl', 'import.meta.resolve': 'undefined' },
    metafile: true,
    write: true,
    logLevel: 'warning',
    plugins,
  });
  const [bundle] = Object.keys(result.metafile.outputs);
  if (bundle === undefined) throw new Error(`esbuild wrote no ${name} bundle.`);
  const absorbed = Object.keys(result.metafile.inputs)
    .filter((input) => input !== entryFile && !input.includes(':'))
    .map((input) => resolve(outDir, input))
    .filter((input) => input.endsWith('.js') && !relative(outDir, input).startsWith('..'));
  return { bundle: relative(outDir, resolve(outDir, bundle)), absorbed };
}

/** Removes the folders under `dir` that the absorbed modules left empty. */
async function removeEmptyFolders(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true });
  let empty = true;
  for (const entry of entries) {
    if (entry.isDirectory() && (await removeEmptyFolders(join(dir, entry.name)))) continue;
    empty = false;
  }
  if (empty) await rmdir(dir);
  return empty;
}

/**
 * Rewrites one page of the build: its module scripts become one deferred classic script, which
 * first runs the modules of `first`. Returns the module files the bundle absorbed.
 */
async function rewritePage(
  outDir: string,
  page: string,
  folder: string,
  name: string,
  first: { specifiers: string[]; plugins: Plugin[] },
): Promise<string[]> {
  const file = join(outDir, page);
  const { specifiers, html } = takeModuleScripts(await readFile(file, 'utf8'), page);
  const entry = [...first.specifiers, ...specifiers];
  const { bundle, absorbed } = await bundleClassic(outDir, entry, folder, name, first.plugins);
  const script = `<script defer src="./${bundle.split('\\').join('/')}"></script>\n`;
  // A stylesheet marked `crossorigin` is a CORS request, which `file://` cannot answer.
  const rewritten = html
    .replace(MARKER, script)
    .replace(/(<link\b[^>]*?)\s+crossorigin(?:="[^"]*")?/g, '$1');
  await writeFile(file, rewritten);
  return absorbed;
}

/**
 * Makes the Storybook build in `outDir` open from disk (see the file's comment).
 *
 * @example await openFromDisk('storybook-static');
 */
export async function openFromDisk(outDir: string): Promise<void> {
  const root = resolve(outDir);
  if (!existsSync(join(root, 'index.json'))) {
    throw new Error(`${root} has no index.json: run \`storybook build\` first.`);
  }
  // Both pages fetch the index; the preview reads `fetch` once while it loads, so the answer is
  // in place before anything else runs.
  const first = { specifiers: [INDEX_ANSWER], plugins: [answerIndexFetch(root)] };
  const absorbed = [
    ...(await rewritePage(root, 'index.html', 'sb-manager', 'manager', first)),
    ...(await rewritePage(root, 'iframe.html', 'assets', 'preview', first)),
  ];
  await Promise.all([...new Set(absorbed)].map((file) => rm(file)));
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeEmptyFolders(join(root, entry.name));
  }
}
