/**
 * A stable colour for a user id, the same in every window, for avatars, cursors and labels.
 * @example
 * <span style={{ color: userColor(user.id) }}>{user.name}</span>
 */
export function userColor(id: string): string {
  // FNV-1a: cheap, well spread, identical in every browser.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const hue = (hash >>> 0) % 360;
  // Fixed OKLCH lightness: every hue keeps white text above 4.5:1 contrast.
  return `oklch(50% 0.16 ${hue})`;
}
