import type { IncomingMessage } from 'node:http';

/** A body that was read: null when it was over the request's limit. Its bytes stay counted until `release`. */
export interface ReadBody {
  body: Buffer | null;
  /** Gives the body's bytes back to the server-wide count; call it once the request is handled. */
  release(): void;
}

/**
 * The request bodies the server holds at once (being received, or read and being handled),
 * bounded server-wide so that many parallel uploads cannot exhaust memory.
 */
export class RequestBodies {
  /** The bytes of request bodies held now. */
  held = 0;

  constructor(
    /** The most the server holds at once (`Limits.maxTotalRequestBodyBytes`). */
    readonly limit: number,
  ) {}

  /**
   * Reads a request body, refusing one over `limit` bytes (its body is null). Resolves `busy`,
   * with nothing held, when the server-wide count cannot take it: at once when its
   * `content-length` does not fit, else on the first chunk that does not.
   */
  read(request: IncomingMessage, limit: number): Promise<ReadBody | 'busy'> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let held = 0;
      let settled = false;
      const release = () => {
        this.held -= held;
        held = 0;
      };
      const take = (bytes: number): boolean => {
        if (this.held + bytes > this.limit) return false;
        this.held += bytes;
        held += bytes;
        return true;
      };
      const settle = (result: ReadBody | 'busy' | Error) => {
        if (settled) return;
        settled = true;
        request.removeListener('data', onData);
        // Only a body that was read stays held, until its request is handled.
        if (result === 'busy' || result instanceof Error || result.body === null) {
          release();
          chunks.length = 0;
        }
        if (result instanceof Error) return reject(result);
        // What is left of a refused body is read and discarded, so the answer can be sent.
        if (result === 'busy' || result.body === null) request.resume();
        resolve(result);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return settle({ body: null, release });
        if (size > held && !take(size - held)) return settle('busy');
        chunks.push(chunk);
      };
      const declared = Number(request.headers['content-length']);
      if (Number.isSafeInteger(declared) && declared > limit) {
        return settle({ body: null, release });
      }
      // A declared length is held up front: a request that cannot fit is refused before it is read.
      if (!take(Number.isSafeInteger(declared) && declared > 0 ? declared : 0)) {
        return settle('busy');
      }
      request.on('data', onData);
      request.on('end', () => settle({ body: Buffer.concat(chunks), release }));
      request.on('error', (error) => settle(error));
      request.on('close', () => settle(new Error('the request closed before its body ended')));
    });
  }
}
