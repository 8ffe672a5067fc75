// The postgres_changes subsystem: the logical-replication stream and its fan-out to subscribers.
export { ChangeStream, type RowChange } from './ChangeStream';
export { PostgresChanges } from './PostgresChanges';
export { bindingIds } from './postgresBindings';
