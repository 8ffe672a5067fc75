export { Chat, chatLabels } from './Chat';
export { ChatComposer } from './ChatComposer';
export type { ChatComposerProps } from './ChatComposer';
export type { ChatProps } from './Chat';
export type { ChatLabels, ChatRowActions, ChatRowContext, ChatRowToolsProps } from './ChatRow';
export { useChat } from './useChat';
export type { UseChatOptions, UseChatResult } from './useChat';
export type {
  ChatConnection,
  ChatConnectOptions,
  ChatPresenceProps,
  ChatSnapshot,
  ChatSource,
  OutboxStorage,
} from './chatSource';
export type {
  ChatEntry,
  ChatReaction,
  ChatHistoryProps,
  ChatMessage,
  ChatMessageStatus,
  ChatPersistence,
} from './chatTypes';
export { supabaseChatPersistence } from './supabaseChatPersistence';
export type { SupabaseChatPersistenceOptions } from './supabaseChatPersistence';
export { AvatarStack } from './AvatarStack';
export type { AvatarStackProps } from './AvatarStack';
export { Avatar } from './Avatar';
export type { AvatarProps } from './Avatar';
export type { PresenceStatus } from './useActivity';
export { Cursors } from './Cursors';
export type { CursorsProps } from './Cursors';
export { ConnectionBadge, ConnectionStatus } from './ConnectionBadge';
export type {
  ConnectionBadgeProps,
  ConnectionBadgeState,
  ConnectionStatusProps,
} from './ConnectionBadge';
export { TypingIndicator, formatTyping } from './TypingIndicator';
export type { TypingIndicatorProps } from './TypingIndicator';
export { useTyping } from './useTyping';
export type { TypingOptions } from './useTyping';
export type { RoomUser } from './types';
export { userColor } from './userColor';
