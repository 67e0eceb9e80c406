// The LogProbs handle (native/src/binding/log_probs_binding.cc): an inference's log-probabilities
// kept in native memory, whose CTC operations must give exactly what the module functions give
// on a JavaScript copy of the same matrix (those are checked against brute force in ctc.test.ts,
// scoring.test.ts and verify.test.ts), and whose memory must outlive every operation started on
// it, whatever JavaScript does with the handle. Then the gateway (lib/gateway.ts): the one place
// lib calls the addon, where every native failure becomes an EngineError.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../lib/errors.js';
import * as gateway from '../lib/gateway.js';
import { native, type NativeLogProbs } from '../lib/native.js';
import { seededRandom } from '../bench/seeded-random.js';
import { rejection, syncThrow } from './helpers/outcomes.js';
import { randomLogProbs } from './helpers/brute-force.js';

/** Random frame posteriors (log-softmax of uniform logits), row-major frames x vocab. */
/** Typed arrays as plain arrays, so that results compare with toEqual. */
const plain = (value: object) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v]));

describe('LogProbs handle', () => {
  const addon = native();

  it('gives the module functions’ results on 200 random matrices: greedy decode, forced alignment, likelihoods, alternatives', async () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const V = 3 + Math.floor(random() * 6);
      const T = 1 + Math.floor(random() * 30);
      const blank = Math.floor(random() * V);
      const label = () => {
        const l = Math.floor(random() * (V - 1));
        return l >= blank ? l + 1 : l;
      };
      const values = randomLogProbs(random, T, V);
      const targets = Int32Array.from({ length: 1 + Math.floor(random() * 5) }, label);
      const candidates = Int32Array.from({ length: V }, (_, v) => v).filter((v) => v !== blank);
      const sequences = [targets, Int32Array.from({ length: Math.floor(random() * 6) }, label), new Int32Array(0)];
      const handle = addon.logProbsFromArray(values, T, V);
      expect([handle.numFrames, handle.vocabSize]).toEqual([T, V]);

      expect(plain(await handle.greedyDecode(blank))).toEqual(plain(await addon.ctcGreedyDecode(values, T, V, blank)));
      expect(Array.from(await handle.logLikelihoods(blank, sequences))).toEqual(Array.from(addon.ctcLogLikelihoodsSync(values, T, V, blank, sequences)));
      if (T >= targets.length * 2) {
        // (a target longer than the frames can hold is AUDIO_TOO_SHORT; checked below)
        expect(plain(await handle.forcedAlign(blank, targets))).toEqual(plain(addon.ctcForcedAlignSync(values, T, V, blank, targets)));
        expect(plain(await handle.alternatives(blank, targets, candidates))).toEqual(plain(addon.ctcAlternativesSync(values, T, V, blank, targets, candidates)));
      }
      handle.release();
    }
  });

  it('holds a copy: toFloat32Array gives the matrix it was made from, and neither side sees the other’s writes', () => {
    const values = randomLogProbs(seededRandom(1), 4, 3);
    const expected = Array.from(values);
    const handle = addon.logProbsFromArray(values, 4, 3);
    values.fill(0);
    const copy = handle.toFloat32Array();
    expect(Array.from(copy)).toEqual(expected);
    copy.fill(1);
    expect(Array.from(handle.toFloat32Array())).toEqual(expected);
  });

  it('lets operations started before release() finish on the matrix; later calls are INVALID_INPUT', async () => {
    const random = seededRandom(2);
    const values = randomLogProbs(random, 400, 50);
    const targets = Int32Array.from({ length: 40 }, () => 1 + Math.floor(random() * 49));
    const expected = plain(addon.ctcForcedAlignSync(values, 400, 50, 0, targets));
    const handle = addon.logProbsFromArray(values, 400, 50);
    const running = [handle.forcedAlign(0, targets), handle.forcedAlign(0, targets), handle.greedyDecode(0)];
    handle.release();
    handle.release(); // twice is harmless
    const [a, b] = await Promise.all(running);
    expect(plain(a)).toEqual(expected);
    expect(plain(b)).toEqual(expected);
    expect([handle.numFrames, handle.vocabSize]).toEqual([400, 50]);
    for (const call of [() => handle.greedyDecode(0), () => handle.forcedAlign(0, targets), () => handle.toFloat32Array()]) {
      expect(syncThrow(call)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^LogProbs\.\w+: the log-probabilities were released$/) });
    }
  });

  it('checks its arguments with the bindings’ messages, and cannot be made from JavaScript', async () => {
    const handle = addon.logProbsFromArray(new Float32Array(12), 4, 3);
    expect(syncThrow(() => handle.forcedAlign(3, Int32Array.of(1))).message).toBe('LogProbs.forcedAlign: blankId must be an integer in [0, 2]');
    expect(syncThrow(() => handle.forcedAlign(0, [1] as never)).message).toBe('LogProbs.forcedAlign: targets must be an Int32Array');
    expect(syncThrow(() => handle.logLikelihoods(0, [Int32Array.of(1), 2] as never)).message).toBe('LogProbs.logLikelihoods: sequences[1] must be an Int32Array');
    expect(syncThrow(() => handle.alternatives(0, Int32Array.of(1), null as never)).message).toBe('LogProbs.alternatives: candidates must be an Int32Array');
    expect(await rejection(handle.alternatives(0, Int32Array.of(1), Int32Array.of(0)))).toMatchObject({ code: 'INVALID_INPUT' });
    expect(syncThrow(() => addon.logProbsFromArray(new Float32Array(5), 2, 3)).message).toBe('logProbsFromArray: logProbs must be numFrames * vocabSize = 2 * 3 values long, not 5');
    const LogProbsClass = (handle as unknown as { constructor: new (value: unknown) => NativeLogProbs }).constructor;
    expect(syncThrow(() => new LogProbsClass({})).code).toBe('INVALID_INPUT');
  });

  it('tells the garbage collector about its native memory: 120 unreleased 8 MB handles do not pile up', async () => {
    const values = new Float32Array(2_000_000); // 8 MB
    const before = process.memoryUsage().rss;
    let peak = before;
    for (let i = 0; i < 120; i++) {
      addon.logProbsFromArray(values, 2000, 1000); // dropped at once, never released
      await new Promise((resolve) => setImmediate(resolve)); // finalizers run between turns
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    // Without the accounting V8 sees only small objects and collects none of them: ~960 MB.
    expect(peak - before).toBeLessThan(400e6);
  });
});

describe('the gateway (lib/gateway.ts)', () => {
  it('is the only module of lib that calls the addon', () => {
    const callers: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && /\bnative\(\)/.test(readFileSync(path, 'utf8'))) callers.push(relative('lib', path));
      }
    };
    walk('lib');
    expect(callers.sort()).toEqual(['gateway.ts', 'native.ts']);
  });

  it('turns every native failure into an EngineError with the addon’s code', async () => {
    const failures: [string, () => unknown, string][] = [
      ['decode', () => gateway.decodeBuffer(Uint8Array.of(1, 2, 3, 4), { maxDurationSec: 60, ffmpegPath: '' }), 'AUDIO_UNDECODABLE'],
      ['decode arguments', () => gateway.decodeFile(5 as never, { maxDurationSec: 60 }), 'INVALID_INPUT'],
      ['load', () => gateway.ModelSession.load({ onnxPath: '/nonexistent.onnx' } as never, 0), 'INVALID_INPUT'],
      ['alignment too long for the frames', () => gateway.LogProbs.fromArray(new Float32Array(6), 2, 3, 0).forcedAlign(Int32Array.of(1, 2, 1)), 'AUDIO_TOO_SHORT'],
      ['released', () => { const lp = gateway.LogProbs.fromArray(new Float32Array(6), 2, 3, 0); lp.release(); return lp.greedyDecode(); }, 'INVALID_INPUT'],
      ['matrix', () => gateway.LogProbs.fromArray(new Float32Array(5), 2, 3, 0), 'INVALID_INPUT'],
      ['edit distance', () => gateway.editDistanceSync(Int32Array.of(5), Int32Array.of(0), { numSymbols: 2, insertion: 1, deletion: 1 }), 'INVALID_INPUT'],
      ['sentencepiece', () => gateway.sentencepieceLoad('/nonexistent/bpe.model'), 'MODEL_UNAVAILABLE'],
      ['espeak-ng', () => gateway.g2pTextToIpa('hello', 'xx-nonexistent'), 'UNSUPPORTED_LANGUAGE'],
    ];
    for (const [what, call, code] of failures) {
      let error: unknown;
      try {
        await call();
      } catch (caught) {
        error = caught;
      }
      expect(error, what).toBeInstanceOf(EngineError);
      expect((error as EngineError).code, what).toBe(code);
    }
  });
});
