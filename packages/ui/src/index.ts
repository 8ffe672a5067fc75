export { userColor } from './userColor';
