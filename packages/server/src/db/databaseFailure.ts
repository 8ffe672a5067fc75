/**
 * How a failed query reads, as the real server sorts Postgrex errors: an error raised by SQL (a
 * policy that throws, a bad cast, a value PostgreSQL refuses) is the query's own fault; a
 * cancelled statement is its own case; anything else means the database is unreachable.
 */
export function databaseFailure(error: unknown): 'policy' | 'canceled' | 'unavailable' {
  // PostgreSQL's own errors carry a severity and a SQLSTATE; socket errors (EPIPE…) do not.
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof severity !== 'string' || typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) {
    return 'unavailable';
  }
  if (code === '57014') return 'canceled';
  // Connection exceptions, resources, operator intervention (shutdown), system and internal errors.
  if (/^(08|53|57|58|XX)/.test(code)) return 'unavailable';
  return 'policy';
}

/** Postgrex's names of the SQLSTATEs a client's input can raise, for the real server's messages. */
const CONDITION_NAMES: Readonly<Record<string, string>> = {
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow',
  '22021': 'character_not_in_repertoire',
  '22023': 'invalid_parameter_value',
  '22P02': 'invalid_text_representation',
  '2201B': 'invalid_regular_expression',
  '42703': 'undefined_column',
  '42704': 'undefined_object',
  '54000': 'program_limit_exceeded',
  '54001': 'statement_too_complex',
  P0001: 'raise_exception',
};

/**
 * A PostgreSQL error as the real server prints it in messages:
 * `ERROR 22021 (character_not_in_repertoire) invalid byte sequence …`.
 */
export function describeSqlError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const sqlstate = typeof code === 'string' ? code : 'XX000';
  const name = CONDITION_NAMES[sqlstate];
  return `ERROR ${sqlstate}${name ? ` (${name})` : ''} ${String(message)}`;
}
