export { RoomkitDevtools } from './RoomkitDevtools';
export type { RoomkitDevtoolsProps } from './RoomkitDevtools';
