import type { IncomingMessage } from 'node:http';

/**
 * Where a request may carry its credential: the `Authorization: Bearer` header, the `apikey`
 * header, the `x-api-key` header (a WebSocket handshake cannot set `Authorization` from a
 * browser) or the `apikey` query parameter.
 */
export type CredentialSource = 'bearer' | 'apikey header' | 'x-api-key header' | 'apikey param';

/** The Supabase REST endpoints (data API, broadcast, dev API): a Bearer token, else `apikey`. */
export const REST_CREDENTIALS: readonly CredentialSource[] = ['bearer', 'apikey header'];

/** The GoTrue user endpoints: a user's session is only ever a Bearer token. */
export const USER_CREDENTIALS: readonly CredentialSource[] = ['bearer'];

/** The realtime socket handshake, as `supabase-js` opens it: `x-api-key`, else `?apikey=`. */
export const SOCKET_CREDENTIALS: readonly CredentialSource[] = ['x-api-key header', 'apikey param'];

const BEARER = /^Bearer\s+(.+)$/i;

/**
 * The request's credential from the first of `sources` that carries one, or undefined; a header
 * sent twice carries none.
 * @example
 * const token = requestCredential(request, REST_CREDENTIALS);
 */
export function requestCredential(
  request: IncomingMessage,
  sources: readonly CredentialSource[],
): string | undefined {
  for (const source of sources) {
    const credential = fromSource(request, source);
    if (credential !== undefined) return credential;
  }
  return undefined;
}

function fromSource(request: IncomingMessage, source: CredentialSource): string | undefined {
  switch (source) {
    case 'bearer':
      return BEARER.exec(request.headers.authorization ?? '')?.[1];
    case 'apikey header':
      return single(request.headers.apikey);
    case 'x-api-key header':
      return single(request.headers['x-api-key']);
    case 'apikey param':
      return (
        new URL(request.url ?? '/', 'http://localhost').searchParams.get('apikey') ?? undefined
      );
    default:
      return source satisfies never;
  }
}

function single(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header : undefined;
}
