/**
 * The small grammar PostgREST-style filters share, in the data API's query strings and in
 * postgres_changes bindings: comma lists, quoting, and `[not.]op.value` expressions.
 */

/**
 * Splits on commas outside parentheses and double quotes. A quote opens only at the start of an
 * element or of a value (after `(`, `,` or `.`, as the real server's `split_top_level`); elsewhere
 * it is a plain character, and `\` escapes inside quotes. Returns null when parentheses or quotes
 * are unbalanced. Linear in the text's length.
 */
export function splitTopLevel(text: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted && char === '\\') {
      i++;
      continue;
    }
    // Only the previous character decides: the scan stays linear in the text's length.
    const previous = i === start ? '' : text.charAt(i - 1);
    if (
      char === '"' &&
      (quoted || previous === '' || previous === '(' || previous === ',' || previous === '.')
    )
      quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') depth--;
    if (depth < 0) return null;
    if (char === ',' && depth === 0 && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || quoted) return null;
  parts.push(text.slice(start));
  return parts;
}

/** `"a,b"` → `a,b`, with `\` escapes; an unquoted value is returned as it is. */
export function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).replace(/\\(.)/g, '$1')
    : value;
}

/** `not.eq.5` → `{ negate: true, op: 'eq', value: '5' }`; null when there is no operator. */
export function splitExpression(
  expression: string,
): { negate: boolean; op: string; value: string } | null {
  const negate = expression.startsWith('not.');
  const rest = negate ? expression.slice(4) : expression;
  const dot = rest.indexOf('.');
  if (dot <= 0) return null;
  return { negate, op: rest.slice(0, dot), value: rest.slice(dot + 1) };
}
