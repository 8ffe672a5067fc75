/** Why a database cannot be used, for callers that word their own advice (the playground does). */
export type DatabaseErrorCode = 'data-dir-in-use' | 'unusable';

/** A database that cannot be used, with what to do about it; the CLI prints it and exits 1. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';

  /**
   * @param code `data-dir-in-use` when another PostgreSQL holds the data folder (`holderPid`).
   * @example throw new DatabaseError('The folder is in use.', { code: 'data-dir-in-use', holderPid: 42 });
   */
  constructor(
    message: string,
    readonly details: { code?: DatabaseErrorCode; holderPid?: number } = {},
  ) {
    super(message);
  }

  /** What kind of failure this is. @default 'unusable' */
  get code(): DatabaseErrorCode {
    return this.details.code ?? 'unusable';
  }
}
