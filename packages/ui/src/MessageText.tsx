import type { ReactNode } from 'react';

// A link ends before the punctuation of a sentence (a closing `)` too), but keeps a `(…)` it holds.
const URL_PATTERN = /\bhttps?:\/\/(?:[^\s<>"'()]|\([^\s<>"'()]*\))+(?<![.,;:!?\]])/gi;
const WORD = '[\\p{L}\\p{N}_]';

// `@` and a known name in full, the longest first ("Ann Lee" before "Ann"), where no more of a
// name follows; else `@` and a run of letters, digits, `_`, `.` and `-`. Never after a letter
// (an e-mail address).
const mentionPattern = (names: readonly string[]) =>
  new RegExp(
    `(?<!${WORD})@(?:${names
      .filter((name) => name.trim())
      .sort((a, b) => b.length - a.length)
      .map((name) => `${name.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')}(?![.-]*${WORD})|`)
      .join('')}[\\p{L}\\p{N}_.-]*${WORD})`,
    'giu',
  );

/**
 * Whether `text` mentions `name`: `@name` in full, any case, and not the start of a longer name,
 * known (in `names`: `@Ann Lee` does not mention Ann) or not (`@Annabel`).
 */
export function mentions(text: string, name: string, names: readonly string[] = []): boolean {
  const self = `@${name}`.toLowerCase();
  return [...text.matchAll(mentionPattern([name, ...names]))].some(
    (match) => match[0].toLowerCase() === self,
  );
}

function withMentions(text: string, key: number, self: string, pattern: RegExp): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(
      <mark
        key={`${key}-${index}`}
        data-slot="chat-mention"
        data-self={match[0].toLowerCase() === self ? '' : undefined}
      >
        {match[0]}
      </mark>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/**
 * Splits text into strings, safe links (http and https only) and `@mentions`, each known name
 * (`self` and `names`) marked whole and `self` marked `data-self`; never parses HTML.
 */
export function linkify(text: string, self = '', names: readonly string[] = []): ReactNode[] {
  const parts: ReactNode[] = [];
  const pattern = mentionPattern([self, ...names]);
  const own = `@${self}`.toLowerCase();
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const index = match.index;
    if (index > last) parts.push(...withMentions(text.slice(last, index), last, own, pattern));
    parts.push(
      <a key={index} href={match[0]} target="_blank" rel="noopener noreferrer nofollow ugc">
        {match[0]}
      </a>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(...withMentions(text.slice(last), last, own, pattern));
  return parts;
}
