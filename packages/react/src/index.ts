export { RealtimeProvider } from './RealtimeProvider';
export type { RealtimeProviderProps } from './RealtimeProvider';
export { useConnectionStatus } from './useConnectionStatus';
export { useLostConnectionListener } from './useLostConnectionListener';
export type { LostConnectionOptions } from './useLostConnectionListener';
export { useChannelStatus } from './useChannelStatus';
export { useBroadcast } from './useBroadcast';
export type { BroadcastOptions, Broadcaster } from './useBroadcast';
export { usePresence } from './usePresence';
export type { PresenceOptions, PresenceResult } from './usePresence';
export { usePresenceSelector } from './usePresenceSelector';
export type { PresenceSelectorOptions } from './usePresenceSelector';
export { usePostgresChanges, postgresRoom } from './usePostgresChanges';
export type { PostgresChangesOptions } from './usePostgresChanges';
export { useRealtime } from './useRealtime';
export type { RealtimeContextValue } from './RealtimeContext';
export { createRealtimeStore } from './createRealtimeStore';
export type { RealtimeState, RealtimeStore, RealtimeStoreOptions } from './createRealtimeStore';
export { createChannelRegistry } from './core/ChannelRegistry';
export type {
  BroadcastMessage,
  ChannelNeeds,
  ChannelRegistry,
  ChannelRegistryOptions,
  ChannelStatus,
  PostgresBinding,
  PostgresChange,
  PostgresEvent,
  RoomChannel,
  RoomEffect,
  RoomEvent,
  RoomPhase,
  RoomSnapshot,
  SendStatus,
} from './core/ChannelRegistry';
export type { ConnectionSnapshot, ConnectionStatus, SocketStatus } from './core/watchConnection';
export type { PresenceUser } from './core/presenceUsers';
export type { RateLimit } from './core/presenceTracker';
export { browserLifecycle } from './core/pageLifecycle';
export type { PageLifecycle } from './core/pageLifecycle';
export { jitteredBackoff } from './core/jitteredBackoff';
export type { BackoffOptions } from './core/jitteredBackoff';
export type { StandardSchemaV1 } from './core/standardSchema';
export { defineRoom } from './defineRoom';
export type {
  RoomDefinition,
  RoomEventName,
  RoomEventPayload,
  RoomInput,
  RoomPresenceState,
  RoomSchema,
  RoomValidators,
} from './defineRoom';
