// Times the native DP stages (sync calls) against the straightforward TypeScript references in
// bench/reference-ts.ts, on the same inputs, and checks that both give the same answer.
import { native } from '../lib/native.js';
import { seededRandom } from './seeded-random.js';
import { ctcForcedAlignReference, editDistanceReference } from './reference-ts.js';

/** Median over batches of the mean time per call, in microseconds; `a` and `b` alternate. */
function timePair(a: () => unknown, b: () => unknown, callsPerBatch: number, batches: number): [number, number] {
  for (let i = 0; i < callsPerBatch * 5; i++) {
    a();
    b();
  }
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    for (const [fn, times] of [
      [a, timesA],
      [b, timesB],
    ] as const) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < callsPerBatch; i++) fn();
      times.push(Number(process.hrtime.bigint() - start) / 1000 / callsPerBatch);
    }
  }
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return [median(timesA), median(timesB)];
}

async function timeAsync(fn: () => Promise<unknown>, calls: number): Promise<number> {
  for (let i = 0; i < calls / 4; i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1000 / calls;
}

const round = (value: number) => Math.round(value * 100) / 100;

export async function benchCtcAndDp(): Promise<Record<string, number | string>> {
  const random = seededRandom(1234);
  const randomInt = (below: number) => Math.floor(random() * below);

  // Edit distance: 100 target phones from a 40-phone inventory; the actual sequence has about
  // 15% of them substituted, deleted or followed by an insertion.
  const numSymbols = 40;
  const substitution = Float32Array.from({ length: numSymbols * numSymbols }, () => 0.2 + random() * 1.3);
  const substitutionRows = Array.from({ length: numSymbols }, (_, t) =>
    Array.from(substitution.subarray(t * numSymbols, (t + 1) * numSymbols)),
  );
  const target = Int32Array.from({ length: 100 }, () => randomInt(numSymbols));
  const actualList: number[] = [];
  for (const phone of target) {
    const roll = random();
    if (roll < 0.05) continue;
    actualList.push(roll < 0.1 ? randomInt(numSymbols) : phone);
    if (roll > 0.95) actualList.push(randomInt(numSymbols));
  }
  const actual = Int32Array.from(actualList);
  const costs = { numSymbols, substitution, insertion: 1, deletion: 1 };
  const addon = native();
  const nativeEdit = addon.editDistanceSync(target, actual, costs);
  const referenceEdit = editDistanceReference(target, actual, substitutionRows, 1, 1);
  const editMatches =
    Math.abs(nativeEdit.distance - referenceEdit.distance) < 1e-9 &&
    Array.from(nativeEdit.types).join() === referenceEdit.types.join();
  const [dpNative, dpReference] = timePair(
    () => addon.editDistanceSync(target, actual, costs),
    () => editDistanceReference(target, actual, substitutionRows, 1, 1),
    500,
    31,
  );
  const dpNativeAsync = await timeAsync(() => addon.editDistance(target, actual, costs), 5000);

  // Forced alignment: 250 frames x 50 labels (blank 0), 60 target phones.
  const numFrames = 250;
  const vocabSize = 50;
  const targets = Int32Array.from({ length: 60 }, () => 1 + randomInt(vocabSize - 1));
  const logProbs = new Float32Array(numFrames * vocabSize);
  for (let t = 0; t < numFrames; t++) {
    let sum = 0;
    for (let v = 0; v < vocabSize; v++) sum += (logProbs[t * vocabSize + v] = Math.exp(4 * random()));
    for (let v = 0; v < vocabSize; v++) logProbs[t * vocabSize + v] = Math.log(logProbs[t * vocabSize + v] / sum);
  }
  const nativeAlign = addon.ctcForcedAlignSync(logProbs, numFrames, vocabSize, 0, targets);
  const referenceAlign = ctcForcedAlignReference(logProbs, numFrames, vocabSize, 0, targets);
  const alignMatches =
    Array.from(nativeAlign.startFrames).join() === referenceAlign.startFrames.join() &&
    Array.from(nativeAlign.endFrames).join() === referenceAlign.endFrames.join();
  const [alignNative, alignReference] = timePair(
    () => addon.ctcForcedAlignSync(logProbs, numFrames, vocabSize, 0, targets),
    () => ctcForcedAlignReference(logProbs, numFrames, vocabSize, 0, targets),
    40,
    31,
  );

  return {
    dpCase: `${target.length} x ${actual.length} phones, ${numSymbols}-symbol substitution matrix`,
    dpNativeSyncUs: round(dpNative),
    dpNativeAsyncUs: round(dpNativeAsync),
    dpReferenceTsUs: round(dpReference),
    dpSpeedup: round(dpReference / dpNative),
    dpResultsMatch: editMatches ? 'yes' : 'NO',
    alignCase: `${numFrames} frames x ${vocabSize} labels x ${targets.length} targets`,
    alignNativeSyncUs: round(alignNative),
    alignReferenceTsUs: round(alignReference),
    alignSpeedup: round(alignReference / alignNative),
    alignResultsMatch: alignMatches ? 'yes' : 'NO',
  };
}
