// The database subsystem: the connection pool, the embedded PostgreSQL and its bootstrap schema.
export { Database, redact, type DatabaseMode } from './Database';
export { DatabaseError, type DatabaseErrorCode } from './DatabaseError';
export { databaseFailure, describeSqlError } from './databaseFailure';
