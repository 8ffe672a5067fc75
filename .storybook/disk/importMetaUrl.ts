/**
 * What `import.meta.url` becomes in a classic-script bundle (esbuild's `inject` + `define`): the
 * bundle's own URL, read while it first runs.
 *
 * @example build({ inject: ['importMetaUrl.ts'], define: { 'import.meta.url': 'importMetaUrl' } });
 */
export const importMetaUrl =
  document.currentScript instanceof HTMLScriptElement
    ? document.currentScript.src
    : document.baseURI;
