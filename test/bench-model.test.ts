// The pure helpers of bench/model.ts: argument parsing, FLAC duration, aggregation, ratios, goals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  flacDurationSec,
  gpuGoals,
  lastJsonLine,
  parseBatchList,
  parseModelBenchArgs,
  speedRatios,
  stageMedians,
  summarize,
  throughputPoint,
  type EagerResult,
} from '../bench/model-report.js';

describe('bench:model arguments', () => {
  it('parses batch lists, sorted and deduplicated, and rejects bad ones', () => {
    expect(parseBatchList('16, 1,4,4')).toEqual([1, 4, 16]);
    for (const bad of ['', '0', '1,x', '2.5', '-1']) expect(() => parseBatchList(bad)).toThrow(/--batch/);
  });

  it('takes the provider defaults and lets flags override them', () => {
    const cpu = parseModelBenchArgs(['--model', 'm']);
    expect(cpu).toMatchObject({ model: 'm', provider: 'cpu', precision: 'fp32', batches: [1, 2, 4], rounds: 1 });
    const cuda = parseModelBenchArgs(['--model', 'm', '--provider', 'cuda']);
    expect(cuda.batches).toEqual([1, 2, 4, 8, 16, 32]);
    expect(cuda.rounds).toBe(4);
    expect(parseModelBenchArgs(['--model', 'm', '--python-batch', 'none', '--python-runs', '2'])).toMatchObject({ pythonBatches: [], pythonRuns: 2 });
    expect(parseModelBenchArgs(['--model', 'm', '--library', 'powsm_ctc', '--snapshot', 's', '--python', 'p'])).toMatchObject({ library: 'powsm_ctc', snapshot: 's' });
    expect(() => parseModelBenchArgs(['--model', 'm', '--library', 'zipa'])).toThrow(/--library is wav2vec2 or powsm_ctc/);
    expect(() => parseModelBenchArgs(['--model', 'm', '--library', 'wav2vec2', '--python', 'p'])).toThrow(/--library needs --snapshot/);
    const given = parseModelBenchArgs(['--batch', '3', '--provider', 'cuda', '--model', 'm', '--json', 'o.json', '--threads', '2']);
    expect(given).toMatchObject({ batches: [3], json: 'o.json', threads: 2 });
    const gpuPreset = parseModelBenchArgs(['--runs', '7'], { provider: 'cuda', precision: 'fp16', model: '/x' });
    expect(gpuPreset).toMatchObject({ provider: 'cuda', precision: 'fp16', model: '/x', runs: 7, batches: [1, 2, 4, 8, 16, 32] });
  });

  it('rejects missing or malformed values', () => {
    expect(() => parseModelBenchArgs([])).toThrow(/--model is required/);
    expect(() => parseModelBenchArgs(['--model'])).toThrow(/needs a value/);
    expect(() => parseModelBenchArgs(['--model', 'm', '--provider', 'tpu'])).toThrow(/cpu or cuda/);
    expect(() => parseModelBenchArgs(['--model', 'm', '--runs', '0'])).toThrow(/positive/);
    expect(() => parseModelBenchArgs(['--model', 'm', '--bogus'])).toThrow(/unknown option/);
  });
});

describe('bench:model figures', () => {
  it('reads the duration of a FLAC file from STREAMINFO', () => {
    const head = readFileSync(join(__dirname, '..', 'examples', '001040067.flac')).subarray(0, 64);
    expect(flacDurationSec(head)).toBeCloseTo(80000 / 16000, 6);
    expect(flacDurationSec(new Uint8Array(64))).toBeNull();
  });

  it('summarises latencies: median as p50, nearest-rank p95', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(summarize(values)).toMatchObject({ n: 100, p50Ms: 50.5, p95Ms: 95, minMs: 1, maxMs: 100, meanMs: 50.5 });
    expect(summarize([7])).toMatchObject({ p50Ms: 7, p95Ms: 7 });
    expect(() => summarize([])).toThrow();
  });

  it('takes per-stage medians and throughput in audio-seconds per second', () => {
    expect(stageMedians([{ a: 1, b: 10 }, { a: 3, b: 30 }, { a: 2, b: 20 }])).toEqual({ a: 2, b: 20 });
    expect(stageMedians([])).toEqual({});
    expect(throughputPoint(4, [5, 5, 4, 6], 2)).toEqual({ batch: 4, clips: 4, audioSec: 20, wallSec: 2, audioSecPerSec: 10 });
  });

  it('pairs engine and PyTorch figures by batch size (speed-up > 1 = engine faster)', () => {
    const eager = {
      single: { p50Ms: 100 },
      throughput: [{ batch: 1, audioSecPerSec: 10 }, { batch: 8, audioSecPerSec: 40 }],
    } as unknown as EagerResult;
    const rows = speedRatios(20, [throughputPoint(1, [5], 0.1), throughputPoint(8, Array(8).fill(5), 0.5), throughputPoint(16, [5], 1)], eager);
    expect(rows.map((r) => [r.what, r.speedup])).toEqual([
      ['single 5 s clip, p50 ms', 5],
      ['throughput at batch 1, audio-s/s', 5],
      ['throughput at batch 8, audio-s/s', 2],
    ]);
  });

  it('judges the GPU goals, or says not measured', () => {
    expect(gpuGoals(null, [], null).every(([, v]) => v === 'not measured')).toBe(true);
    const goals = Object.fromEntries(gpuGoals(15, [throughputPoint(8, [5], 0.001), throughputPoint(16, [5], 0.01)], 4));
    expect(goals['p50 <= 20 ms for a 5 s clip']).toMatch(/met/);
    expect(goals['p50 <= 20 ms for a 5 s clip']).not.toMatch(/NOT/);
    expect(goals['>= 2000 audio-s/s at batch >= 16']).toMatch(/^500 audio-s\/s \(NOT met\)/);
    expect(goals['>= 5x PyTorch eager (single clip)']).toMatch(/NOT met/);
  });

  it('finds the JSON line at the end of a child process output', () => {
    expect(lastJsonLine<{ a: number }>('log line\n{"a": 1}\n{broken\n')).toEqual({ a: 1 });
    expect(() => lastJsonLine('nothing here')).toThrow();
  });
});
