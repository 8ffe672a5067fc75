export { startServer } from './startServer';
export type { RoomkitServer, ServerOptions } from './startServer';
export {
  DEFAULT_JWT_SECRET,
  DEFAULT_PUBLISHABLE_KEY,
  DEFAULT_SECRET_KEY,
  mintToken,
  opaqueKeys,
} from './auth';
export type { MintOptions, OpaqueKeys } from './auth';
export { DEFAULT_LIMITS, consoleLogger, silentLogger } from './options';
export type { Limits, Logger } from './options';
export type { ServerStats } from './realtime';
export type { ConnectionInfo } from './devApi';
export { DatabaseError } from './db';
export type { DatabaseErrorCode } from './db';
