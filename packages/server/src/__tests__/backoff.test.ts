import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../backoff';

describe('backoffDelay', () => {
  it('waits firstMs after the first failure, doubling each time, never more than maxMs', () => {
    const subscribe = { firstMs: 1000, maxMs: 10_000 };
    expect([0, 1, 2, 3, 4, 10].map((failures) => backoffDelay(subscribe, failures))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    const dispatch = { firstMs: 100, maxMs: 2000 };
    expect([0, 1, 4, 5, 9].map((failures) => backoffDelay(dispatch, failures))).toEqual([
      100, 200, 1600, 2000, 2000,
    ]);
  });
});
