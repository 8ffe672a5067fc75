import { parse as parseArray } from 'postgres-array';

const NUMBERS = new Set(['int2', 'int4', 'int8', 'oid', 'float4', 'float8', 'numeric']);

function toNumber(text: string): number | string {
  const value = Number(text);
  // to_jsonb keeps NaN and Infinity as strings, since JSON has no such numbers.
  return Number.isFinite(value) ? value : text;
}

/** `2026-01-02 03:04:05.6+00` → `2026-01-02T03:04:05.6+00:00`, the form `to_jsonb` writes. */
function isoTimestamp(text: string, withZone: boolean): string {
  if (text === 'infinity' || text === '-infinity') return text;
  const iso = text.replace(' ', 'T');
  if (!withZone) return iso;
  return iso.replace(
    /([+-]\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/,
    (_match, hours: string, minutes = '00', seconds?: string) =>
      seconds ? `${hours}:${minutes}:${seconds}` : `${hours}:${minutes}`,
  );
}

/**
 * Converts a column value from PostgreSQL's text output to the JSON value `to_jsonb` gives it,
 * which is how the real server types `record` values: numbers, booleans, parsed json, arrays,
 * ISO timestamps, and strings for everything else.
 */
export function textToJson(text: string | null, typname: string): unknown {
  if (text === null) return null;
  if (typname.startsWith('_')) {
    const element = typname.slice(1);
    return parseArray(text, (item) => textToJson(item, element));
  }
  if (NUMBERS.has(typname)) return toNumber(text);
  switch (typname) {
    case 'bool':
      return text === 't';
    case 'json':
    case 'jsonb':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    case 'timestamptz':
      return isoTimestamp(text, true);
    case 'timestamp':
      return isoTimestamp(text, false);
    default:
      return text;
  }
}
