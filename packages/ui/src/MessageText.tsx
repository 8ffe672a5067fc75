import type { ReactNode } from 'react';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;
const MENTION = '(?<![\\p{L}\\p{N}_])@[\\p{L}\\p{N}_.-]*[\\p{L}\\p{N}_]';

// `@self` in full first (a picked name may hold spaces: "Ann Lee"), then any other `@name`.
const mentionPattern = (self?: string) =>
  new RegExp(
    self
      ? `(?<![\\p{L}\\p{N}_])@${self.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')}(?![\\p{L}\\p{N}_])|${MENTION}`
      : MENTION,
    'giu',
  );

/** Whether `text` mentions `name` (`@name` in full, any case, not as part of a longer name). */
export function mentions(text: string, name: string): boolean {
  const self = `@${name}`.toLowerCase();
  return [...text.matchAll(mentionPattern(name))].some((match) => match[0].toLowerCase() === self);
}

function withMentions(text: string, key: number, self: string | undefined): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(mentionPattern(self))) {
    const index = match.index;
    if (index > last) parts.push(text.slice(last, index));
    const own = self !== undefined && match[0].toLowerCase() === `@${self}`.toLowerCase();
    parts.push(
      <mark key={`${key}-${index}`} data-slot="chat-mention" data-self={own ? '' : undefined}>
        {match[0]}
      </mark>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/**
 * Splits text into strings, safe links (http and https only) and `@mentions` (marked
 * `data-self` when they name `self`); never parses HTML.
 */
export function linkify(text: string, self?: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const index = match.index;
    if (index > last) parts.push(...withMentions(text.slice(last, index), last, self));
    parts.push(
      <a key={index} href={match[0]} target="_blank" rel="noopener noreferrer nofollow ugc">
        {match[0]}
      </a>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(...withMentions(text.slice(last), last, self));
  return parts;
}
