// The postgres_changes subsystem: the logical-replication stream and its fan-out to subscribers.
export { ChangeStream, type RowChange } from './ChangeStream';
export { PostgresChanges, type ChangeSubscriber } from './PostgresChanges';
export { bindingIds, type PostgresBinding } from './postgresBindings';
