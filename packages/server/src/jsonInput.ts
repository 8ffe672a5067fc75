/**
 * Checks on JSON request bodies before they are parsed or reach PostgreSQL, each in one linear
 * pass without recursion, so a hostile body costs its length and never the call stack.
 */

/**
 * The deepest nesting a request body may have. Deeper JSON could not be serialized back for
 * PostgreSQL (`JSON.stringify` recurses), so it is refused up front.
 */
export const MAX_JSON_DEPTH = 1000;

/** Whether JSON text nests arrays and objects deeper than `max` (strings are skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > max) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/**
 * Whether a parsed JSON value holds a NUL character in any string or key, which PostgreSQL text
 * and jsonb cannot store. `skip` names top-level keys whose values are not checked.
 */
export function containsNul(value: unknown, skip: readonly string[] = []): boolean {
  const stack: unknown[] = [];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\0')) return true;
      if (!skip.includes(key)) stack.push(inner);
    }
  } else stack.push(value);
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\0')) return true;
    } else if (Array.isArray(item)) {
      // A loop, not a spread: a long array would overflow the argument limit.
      for (const inner of item) stack.push(inner);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, inner] of Object.entries(item)) {
        if (key.includes('\0')) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}
