import type { ChatEntry, ChatReaction } from './chatTypes';

/** No reactions: one shared array, so entries without any compare equal. */
export const NO_REACTIONS: readonly ChatReaction[] = [];

/**
 * The entry with `user`'s `emoji` added (`on`) or taken back; the same entry when that changes
 * nothing, so a replayed or echoed reaction re-renders no row.
 */
export function withReaction(entry: ChatEntry, emoji: string, user: string, on: boolean) {
  const reactions = entry.reactions ?? NO_REACTIONS;
  const found = reactions.find((reaction) => reaction.emoji === emoji);
  const has = found?.users.includes(user) ?? false;
  if (has === on) return entry;
  const next = on
    ? found
      ? reactions.map((r) => (r === found ? { emoji, users: [...r.users, user] } : r))
      : [...reactions, { emoji, users: [user] }]
    : reactions
        .map((r) => (r === found ? { emoji, users: r.users.filter((id) => id !== user) } : r))
        .filter((r) => r.users.length > 0);
  return { ...entry, reactions: next.length ? next : NO_REACTIONS };
}

/** Groups stored reactions (oldest first) by message: emoji in the order first given. */
export function groupReactions(
  rows: readonly { messageId: string; userId: string; emoji: string }[],
): Map<string, readonly ChatReaction[]> {
  const byMessage = new Map<string, ChatReaction[]>();
  for (const { messageId, userId, emoji } of rows) {
    const list = byMessage.get(messageId) ?? [];
    const found = list.find((reaction) => reaction.emoji === emoji);
    if (found) (found.users as string[]).push(userId);
    else list.push({ emoji, users: [userId] });
    byMessage.set(messageId, list);
  }
  return byMessage;
}
