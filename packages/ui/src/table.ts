// `@roomkit/ui/table`: server-authoritative chat over the tables of `@roomkit/ui/sql`, kept out of
// the main entry so broadcast-only apps do not carry it.
export { chatTable } from './chatTable';
export type { ChatTableOptions, ChatTableSource } from './chatTable';
export { createChatTable, ChatTableError } from './createChatTable';
export type { ChatReadPointer, ChatTable } from './createChatTable';
export type { StoredChatMessage, StoredChatReaction } from './chatRows';
export { useUnreadCount } from './useUnreadCount';
export { chatQuote, ChatRowTools } from './ChatRowTools';
export { ChatPresence } from './ChatPresence';
export type { UnreadCountOptions } from './useUnreadCount';
