/** A database that cannot be used, with what to do about it; the CLI prints it and exits 1. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}
