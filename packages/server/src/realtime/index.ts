// The realtime subsystem: sockets, channels, rooms, the hub and the Phoenix wire encoding.
export { Connection } from './Connection';
export { RealtimeHub, type ServerStats } from './RealtimeHub';
export { authorize, batchBroadcast, singleBroadcast } from './restBroadcast';
export { negotiateVersion, type Frame } from './phoenixWire';
