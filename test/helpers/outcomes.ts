// Small assertions shared by the tests: the error a call fails with, the errors nothing caught
// (each would kill a worker), and the largest element-wise difference of two arrays.
import { expect } from 'vitest';

export type CodedError = Error & { code?: string; details?: Record<string, unknown> };

/** The error the promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<CodedError> {
  try {
    await promise;
  } catch (error) {
    return error as CodedError;
  }
  throw new Error('expected a rejection');
}

/** The error fn throws; fails the test when it returns. */
export function syncThrow(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (error) {
    return error as CodedError;
  }
  throw new Error('expected a throw');
}

/** Runs fn, then waits a moment: the errors nothing caught meanwhile. */
export async function uncaughtDuring(fn: () => Promise<void>, settleMs = 100): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  return uncaught;
}

/** max |a[i] - b[i]|, after checking the lengths agree. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
