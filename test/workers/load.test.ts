// 200 concurrent /runsync requests from the runpod-sdk client against the local server all complete.
import { describe, expect, it } from 'vitest';
import { printLoadTest, runLoadTest } from '../../bench/load.js';
import { PLUMBING_MODEL } from './spawn-worker.js';

describe('local server under load', () => {
  it('completes 200 concurrent runsync requests', { timeout: 180_000 }, async () => {
    const result = await runLoadTest({ requests: 200, concurrency: 4, modelDir: PLUMBING_MODEL });
    printLoadTest(result);
    expect(result).toMatchObject({ requests: 200, completed: 200, failed: 0 });
    expect(result.p50Ms).toBeLessThanOrEqual(result.p95Ms);
  });
});
