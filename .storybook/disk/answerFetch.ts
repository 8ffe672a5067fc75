/**
 * Answers `fetch(path)` (a URL relative to the page) with `body` as JSON, as a server would, and
 * leaves every other request to the network. A page opened from disk cannot fetch its own files:
 * Chromium refuses `file://` requests from an origin of `null`.
 *
 * @example answerFetch('./index.json', index);
 */
export function answerFetch(path: string, body: unknown): void {
  const answered = new URL(path, document.baseURI).href;
  const fetchFromNetwork = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (input, init) => {
    const requested = input instanceof Request ? input.url : String(input);
    return new URL(requested, document.baseURI).href === answered
      ? Promise.resolve(Response.json(body))
      : fetchFromNetwork(input, init);
  };
}
