/** Who is using a component: the same shape for Chat, AvatarStack and Cursors. */
export interface RoomUser {
  /** A stable id (the auth user id); presence and message authorship key on it. */
  id: string;
  /** The name shown to others. */
  name: string;
  /** An avatar image; initials show when it is missing or fails to load. */
  avatarUrl?: string;
}
