export { defineRoom } from './defineRoom';
export type { RoomDefinition, RoomSchema } from './defineRoom';
