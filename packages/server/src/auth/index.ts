// The auth subsystem: JWT and opaque-key checks, and the GoTrue-compatible `/auth/v1` API.
export { AuthApi } from './gotrueApi';
export { MAX_AUTH_BODY_BYTES } from './authInput';
export {
  TokenError,
  TokenVerifier,
  mintToken,
  projectKeys,
  type Claims,
  type Identity,
  type MintOptions,
} from './jwt';
export { opaqueKeys, type OpaqueKeys } from './opaqueKeys';
export { DEFAULT_JWT_SECRET, DEFAULT_PUBLISHABLE_KEY, DEFAULT_SECRET_KEY } from './wellKnownKeys';
export {
  REST_CREDENTIALS,
  SOCKET_CREDENTIALS,
  USER_CREDENTIALS,
  requestCredential,
  type CredentialSource,
} from './requestCredentials';
