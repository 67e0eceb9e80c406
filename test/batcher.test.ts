// The Batcher in front of the real addon: the masked tiny graph (batchable) runs the batches,
// and each request's reference is the same samples inferred alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { Batcher } from '../lib/model/batcher.js';
import type { InferenceResult } from '../lib/native.js';
import { loadJsModel, type JsModel } from './helpers/js-model.js';
import { maskedModelConfig, seededSignal, tinyModels } from './helpers/tiny-models.js';
import { maxAbsDiff } from './helpers/outcomes.js';

/** Max abs difference allowed between a batched and an unbatched result (log-probabilities). */
const BATCH_TOLERANCE = 1e-4;

let model: JsModel;

beforeAll(async () => {
  model = await loadJsModel(maskedModelConfig(tinyModels(), { maxBatch: 8 }));
});

const signal = seededSignal;

/** A batcher over the model that records the size of every batch run it sends. */
function batcherFor(maxBatch: number, maxWaitMs: number) {
  const sizes: number[] = [];
  const batcher = new Batcher<Float32Array, InferenceResult>(
    { maxBatch, maxWaitMs },
    (items) => {
      sizes.push(items.length);
      return model.inferBatch(items);
    },
    (item) => {
      sizes.push(1);
      return model.infer(item);
    },
  );
  return { batcher, sizes };
}

describe('Batcher', () => {
  it('sends a lone request after maxWaitMs', async () => {
    const { batcher, sizes } = batcherFor(8, 30);
    const start = performance.now();
    const pending = batcher.submit(signal(8000, 1));
    expect(batcher.waiting).toBe(1);
    const result = await pending;
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
    expect(sizes).toEqual([1]);
    expect(result.timings.batchSize).toBe(1);
    expect(Array.from(result.logProbs)).toEqual(Array.from((await model.infer(signal(8000, 1))).logProbs));
  });

  it('sends a full batch at once, without waiting for maxWaitMs', async () => {
    const { batcher, sizes } = batcherFor(4, 60_000);
    const items = [6000, 9000, 3000, 12000].map((n, seed) => signal(n, seed + 1));
    const results = await Promise.all(items.map((item) => batcher.submit(item)));
    expect(sizes).toEqual([4]);
    for (const [i, result] of results.entries()) {
      expect(result.timings.batchSize).toBe(4);
      expect(maxAbsDiff(result.logProbs, (await model.infer(items[i])).logProbs)).toBeLessThanOrEqual(BATCH_TOLERANCE);
    }
  });

  it('drains 50 concurrent requests, each resolved once with its own result', async () => {
    const { batcher, sizes } = batcherFor(8, 5);
    const items = Array.from({ length: 50 }, (_, k) => signal(2000 + 397 * k, k + 1));
    const alone = await Promise.all(items.map((item) => model.infer(item)));
    let settled = 0;
    const results = await Promise.all(
      items.map((item) =>
        batcher.submit(item).then((result) => {
          settled++;
          return result;
        }),
      ),
    );
    expect(settled).toBe(50);
    expect(batcher.waiting).toBe(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(50);
    expect(Math.max(...sizes)).toBe(8);
    let worst = 0;
    results.forEach((result, k) => {
      // Every item has its own length, so a result given to the wrong request shows in numFrames.
      expect(result.numFrames).toBe(alone[k].numFrames);
      worst = Math.max(worst, maxAbsDiff(result.logProbs, alone[k].logProbs));
    });
    expect(new Set(results.map((r) => r.numFrames)).size).toBeGreaterThan(40);
    expect(worst).toBeLessThanOrEqual(BATCH_TOLERANCE);
  });

  it('rejects only the request whose item is bad', async () => {
    const { batcher, sizes } = batcherFor(3, 60_000);
    const outcomes = await Promise.allSettled([batcher.submit(signal(7000, 1)), batcher.submit(signal(120, 2)), batcher.submit(signal(5000, 3))]);
    expect(sizes).toEqual([3]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as { code?: string }).code).toBe('AUDIO_TOO_SHORT');
  });

  it('runs every item alone when the batch run itself fails, so none is lost', async () => {
    // The batch run fails as a whole (as an out-of-memory run would); items then run one by one
    // on the real model: good ones resolve, the bad one rejects with its own error.
    const sizes: number[] = [];
    const batcher = new Batcher<Float32Array, InferenceResult>(
      { maxBatch: 3, maxWaitMs: 60_000 },
      () => Promise.reject(new Error('batch run failed')),
      (item) => {
        sizes.push(1);
        return model.infer(item);
      },
    );
    const items = [signal(7000, 1), new Float32Array(0), signal(5000, 3)];
    const outcomes = await Promise.allSettled(items.map((item) => batcher.submit(item)));
    expect(sizes).toEqual([1, 1, 1]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as { code?: string }).code).toBe('INVALID_INPUT');
    const first = (outcomes[0] as PromiseFulfilledResult<InferenceResult>).value;
    expect(Array.from(first.logProbs)).toEqual(Array.from((await model.infer(items[0])).logProbs));
  });

  it('refuses nonsensical options', () => {
    const run = () => Promise.resolve([]);
    expect(() => new Batcher({ maxBatch: 0, maxWaitMs: 1 }, run, () => Promise.reject(new Error('x')))).toThrow(RangeError);
    expect(() => new Batcher({ maxBatch: 2, maxWaitMs: Number.NaN }, run, () => Promise.reject(new Error('x')))).toThrow(RangeError);
  });
});
