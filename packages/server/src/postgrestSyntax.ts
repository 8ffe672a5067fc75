/**
 * The small grammar PostgREST-style filters share, in the data API's query strings and in
 * postgres_changes bindings: comma lists, quoting, and `[not.]op.value` expressions.
 */

/**
 * Splits on commas outside parentheses and double quotes. A quote opens only at the start of an
 * element (elsewhere it is a plain character) and `\` escapes inside quotes. Returns null when
 * parentheses or quotes are unbalanced.
 */
export function splitTopLevel(text: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted && char === '\\') {
      current += char + text.charAt(i + 1);
      i++;
      continue;
    }
    if (char === '"' && (quoted || current === '' || /[(,]$/.test(current))) quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') depth--;
    if (depth < 0) return null;
    if (char === ',' && depth === 0 && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0 || quoted) return null;
  parts.push(current);
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
