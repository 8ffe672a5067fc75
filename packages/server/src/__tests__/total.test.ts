import { describe, expect, it } from 'vitest';
import { total } from '../total';
import { failOnProcessErrors, recordingLogger, until } from './helpers';

failOnProcessErrors();

describe('total', () => {
  it('logs a handler that throws and hands the error and the arguments to recover', () => {
    const logger = recordingLogger();
    const recovered: unknown[][] = [];
    const handler = total(
      logger,
      'socket message',
      (_text: string) => {
        throw new RangeError('Maximum call stack size exceeded');
      },
      (error, text) => recovered.push([error, text]),
    );
    expect(() => handler('frame')).not.toThrow();
    expect(logger.lines).toEqual([
      'socket message failed {"error":"RangeError: Maximum call stack size exceeded"}',
    ]);
    expect(recovered).toEqual([[expect.any(RangeError), 'frame']]);
  });

  it('logs a handler whose promise rejects and recovers from it', async () => {
    const logger = recordingLogger();
    let recovered = 0;
    const handler = total(
      logger,
      'request',
      () => Promise.reject(new Error('database gone')),
      () => recovered++,
    );
    handler();
    await until(() => recovered === 1, 10_000, 'recover to run');
    expect(logger.lines).toEqual(['request failed {"error":"Error: database gone"}']);
  });

  it('logs a recover that throws too, and still throws nothing', () => {
    const logger = recordingLogger();
    const handler = total(
      logger,
      'timer',
      () => {
        throw new Error('first');
      },
      () => {
        throw new Error('second');
      },
    );
    expect(() => handler()).not.toThrow();
    expect(logger.lines).toEqual([
      'timer failed {"error":"Error: first"}',
      'timer recovery failed {"error":"Error: second"}',
    ]);
  });

  it('throws nothing when the logger itself throws', () => {
    const throwing = {
      info() {},
      warn() {},
      error() {
        throw new Error('log sink closed');
      },
    };
    const handler = total(throwing, 'timer', () => {
      throw new Error('boom');
    });
    expect(() => handler()).not.toThrow();
  });

  it('passes a value through unchanged and calls no recover when the handler succeeds', () => {
    const logger = recordingLogger();
    const seen: number[] = [];
    total(
      logger,
      'timer',
      (value: number) => seen.push(value),
      () => seen.push(-1),
    )(7);
    expect(seen).toEqual([7]);
    expect(logger.lines).toEqual([]);
  });
});
