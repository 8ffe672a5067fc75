import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { REST_CREDENTIALS, SOCKET_CREDENTIALS, USER_CREDENTIALS, requestCredential } from '../auth';

function request(headers: Record<string, string | string[]>, url = '/'): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.headers = headers;
  message.url = url;
  return message;
}

describe('requestCredential', () => {
  it('prefers a Bearer token to the apikey header on REST endpoints', () => {
    const both = request({ authorization: 'Bearer user-jwt', apikey: 'anon-key' });
    expect(requestCredential(both, REST_CREDENTIALS)).toBe('user-jwt');
    expect(requestCredential(request({ apikey: 'anon-key' }), REST_CREDENTIALS)).toBe('anon-key');
  });

  it('reads the Bearer scheme in any case and never the apikey query on REST endpoints', () => {
    expect(requestCredential(request({ authorization: 'bearer  t' }), REST_CREDENTIALS)).toBe('t');
    expect(requestCredential(request({}, '/rest/v1/x?apikey=k'), REST_CREDENTIALS)).toBeUndefined();
    expect(
      requestCredential(request({ authorization: 'Basic abc' }), REST_CREDENTIALS),
    ).toBeUndefined();
  });

  it('takes only a Bearer token on user endpoints', () => {
    expect(requestCredential(request({ apikey: 'anon-key' }), USER_CREDENTIALS)).toBeUndefined();
    expect(requestCredential(request({ authorization: 'Bearer s' }), USER_CREDENTIALS)).toBe('s');
  });

  it('takes x-api-key, else the apikey query parameter, on the socket handshake', () => {
    const url = '/realtime/v1/websocket?apikey=from-query&vsn=2.0.0';
    expect(
      requestCredential(request({ 'x-api-key': 'from-header' }, url), SOCKET_CREDENTIALS),
    ).toBe('from-header');
    expect(requestCredential(request({}, url), SOCKET_CREDENTIALS)).toBe('from-query');
    expect(
      requestCredential(request({ authorization: 'Bearer t' }, '/'), SOCKET_CREDENTIALS),
    ).toBeUndefined();
  });

  it('ignores a header sent twice', () => {
    const twice = request({ apikey: ['a', 'b'] }, '/?apikey=q');
    expect(requestCredential(twice, REST_CREDENTIALS)).toBeUndefined();
    expect(
      requestCredential(request({ 'x-api-key': ['a', 'b'] }, '/?apikey=q'), SOCKET_CREDENTIALS),
    ).toBe('q');
  });
});
