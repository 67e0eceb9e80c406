// Pure helpers of bench/model.ts (argument parsing, clip selection, aggregation, the report
// text), kept apart so test/bench-model.test.ts checks them without a model.
import { median, percentile } from './stats.js';

export interface ModelBenchArgs {
  model: string;
  provider: 'cpu' | 'cuda';
  precision: 'fp32' | 'fp16';
  batches: number[];
  /** Sequential single-clip assess() calls for p50/p95 (after `warmup`). */
  runs: number;
  warmup: number;
  /** Distinct real clips used (cycled). */
  clips: number;
  /** Each throughput point submits rounds x B concurrent clips (after one warm-up round). */
  rounds: number;
  threads?: number;
  ioBinding?: boolean;
  maxWaitMs: number;
  python?: string;
  /** The PyTorch side's single-clip runs and batch sizes (default: as the engine's). */
  pythonRuns?: number;
  pythonBatches?: number[];
  /**
   * The real architecture the bundle was exported from (tools/export): the Python side is then
   * bench/library_eager.py, twice: the model in PyTorch eager through its own library, and the
   * bundle's model.onnx in ONNX Runtime's Python API behind the same Python pipeline.
   */
  library?: 'wav2vec2' | 'powsm_ctc';
  /** The model repository the bundle was exported from (random_snapshot.py's or the hub's); with `library`. */
  snapshot?: string;
  json?: string;
  /** Only single-clip latency and stages, no throughput sweep. */
  latencyOnly: boolean;
}

export const USAGE = `npm run bench:model -- --model DIR|MANIFEST.json [--provider cpu|cuda] [--precision fp32|fp16]
    [--batch 1,2,4,8,16,32] [--runs 20] [--warmup 3] [--clips 8] [--rounds 4] [--threads N]
    [--io-binding] [--max-wait-ms 5] [--python /usr/bin/python3] [--python-runs N] [--python-batch LIST|none]
    [--library wav2vec2|powsm_ctc --snapshot DIR] [--json out.json] [--latency-only]`;

export function parseBatchList(text: string): number[] {
  const values = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1 || v > 4096)) {
    throw new Error(`--batch takes a comma-separated list of positive integers, got "${text}"`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

function positive(name: string, text: string | undefined, allowZero = false): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`${name} takes a ${allowZero ? 'non-negative' : 'positive'} integer, got "${text}"`);
  }
  return value;
}

/** The batch sizes and rounds of each provider unless given. */
const defaultBatches = (provider: 'cpu' | 'cuda') => (provider === 'cuda' ? [1, 2, 4, 8, 16, 32] : [1, 2, 4]);
const defaultRounds = (provider: 'cpu' | 'cuda') => (provider === 'cuda' ? 4 : 1);

/** Parses argv (after the script name). `defaults` are the preset's (bench:gpu passes its own). */
export function parseModelBenchArgs(argv: string[], defaults: Partial<ModelBenchArgs> = {}): ModelBenchArgs {
  const provider = defaults.provider ?? 'cpu';
  const args: ModelBenchArgs = {
    model: '',
    provider,
    precision: 'fp32',
    batches: defaultBatches(provider),
    runs: 20,
    warmup: 3,
    clips: 8,
    rounds: defaultRounds(provider),
    maxWaitMs: 5,
    latencyOnly: false,
    ...defaults,
  };
  let batchesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    /** The value, which must be one of `choices`. */
    const oneOf = <T extends string>(...choices: T[]): T => {
      const v = value();
      if (!choices.includes(v as T)) throw new Error(`${flag} is ${choices.join(' or ')}, got "${v}"`);
      return v as T;
    };
    switch (flag) {
      case '--model': args.model = value(); break;
      case '--provider':
        args.provider = oneOf('cpu', 'cuda');
        if (!batchesGiven && defaults.batches === undefined) args.batches = defaultBatches(args.provider);
        if (defaults.rounds === undefined) args.rounds = defaultRounds(args.provider);
        break;
      case '--precision': args.precision = oneOf('fp32', 'fp16'); break;
      case '--batch': args.batches = parseBatchList(value()); batchesGiven = true; break;
      case '--runs': args.runs = positive(flag, value()); break;
      case '--warmup': args.warmup = positive(flag, value(), true); break;
      case '--clips': args.clips = positive(flag, value()); break;
      case '--rounds': args.rounds = positive(flag, value()); break;
      case '--threads': args.threads = positive(flag, value()); break;
      case '--max-wait-ms': args.maxWaitMs = positive(flag, value(), true); break;
      case '--io-binding': args.ioBinding = true; break;
      case '--python': args.python = value(); break;
      case '--python-runs': args.pythonRuns = positive(flag, value()); break;
      case '--python-batch': {
        const v = value();
        args.pythonBatches = v === 'none' ? [] : parseBatchList(v);
        break;
      }
      case '--library': args.library = oneOf('wav2vec2', 'powsm_ctc'); break;
      case '--snapshot': args.snapshot = value(); break;
      case '--json': args.json = value(); break;
      case '--latency-only': args.latencyOnly = true; break;
      case '--help': case '-h': throw new Error(USAGE);
      default: throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  }
  if (!args.model) throw new Error(`--model is required\n${USAGE}`);
  if (args.library && (!args.snapshot || !args.python)) {
    throw new Error(`--library needs --snapshot DIR (the model repository) and --python (the exporters' venv)\n${USAGE}`);
  }
  return args;
}

/** Total samples / sample rate from a FLAC file's STREAMINFO block (null if not FLAC). */
export function flacDurationSec(head: Uint8Array): number | null {
  if (head.length < 26 || String.fromCharCode(...head.subarray(0, 4)) !== 'fLaC') return null;
  const s = head.subarray(8); // STREAMINFO body after the 4-byte block header
  const sampleRate = (s[10] << 12) | (s[11] << 4) | (s[12] >> 4);
  const total = (s[13] & 0x0f) * 2 ** 32 + ((s[14] << 24) >>> 0) + (s[15] << 16) + (s[16] << 8) + s[17];
  return sampleRate > 0 ? total / sampleRate : null;
}

export interface LatencySummary {
  n: number;
  /** The median. */
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export function summarize(values: number[]): LatencySummary {
  if (values.length === 0) throw new Error('summarize: no values');
  return {
    n: values.length,
    p50Ms: median(values),
    p95Ms: percentile(values, 95),
    meanMs: values.reduce((a, b) => a + b, 0) / values.length,
    minMs: Math.min(...values),
    maxMs: Math.max(...values),
  };
}

/** Median of each key over a list of per-run records (keys of the first record). */
export function stageMedians(records: Record<string, number>[]): Record<string, number> {
  if (records.length === 0) return {};
  return Object.fromEntries(Object.keys(records[0]).map((k) => [k, median(records.map((r) => r[k]))]));
}

export interface ThroughputPoint {
  batch: number;
  clips: number;
  audioSec: number;
  wallSec: number;
  /** Seconds of audio assessed per second of wall time. */
  audioSecPerSec: number;
}

export function throughputPoint(batch: number, clipSeconds: number[], wallSec: number): ThroughputPoint {
  const audioSec = clipSeconds.reduce((a, b) => a + b, 0);
  return { batch, clips: clipSeconds.length, audioSec, wallSec, audioSecPerSec: audioSec / wallSec };
}

/** The Python side's JSON (bench/pytorch_eager.py). */
export interface EagerResult {
  impl: string;
  loader: string;
  device: string;
  dtype: string;
  torch: string;
  single: LatencySummary & { stagesMs: Record<string, number> };
  throughput: { batch: number; clips: number; audioSec: number; wallSec: number; audioSecPerSec: number }[];
}

export interface SpeedRow {
  what: string;
  engine: number;
  pytorch: number;
  /** > 1: the engine is faster. */
  speedup: number;
}

/** engine vs PyTorch eager: latency (lower is better) and throughput (higher is better) per batch size. */
export function speedRatios(latencyP50Ms: number, throughput: ThroughputPoint[], eager: EagerResult): SpeedRow[] {
  const rows: SpeedRow[] = [
    { what: 'single 5 s clip, p50 ms', engine: latencyP50Ms, pytorch: eager.single.p50Ms, speedup: eager.single.p50Ms / latencyP50Ms },
  ];
  for (const point of throughput) {
    const other = eager.throughput.find((t) => t.batch === point.batch);
    if (!other) continue;
    rows.push({
      what: `throughput at batch ${point.batch}, audio-s/s`,
      engine: point.audioSecPerSec,
      pytorch: other.audioSecPerSec,
      speedup: point.audioSecPerSec / other.audioSecPerSec,
    });
  }
  return rows;
}

/** Last line of a child's stdout that parses as a JSON object. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      return JSON.parse(trimmed) as T;
    } catch {
      // keep looking
    }
  }
  throw new Error('no JSON object line in the output');
}

/** GPU goals of issue 7, checked against measured figures; null = not measured. */
export function gpuGoals(p50Ms: number | null, throughput: ThroughputPoint[], speedup: number | null): [string, string][] {
  const big = throughput.filter((t) => t.batch >= 16);
  const best = big.length ? Math.max(...big.map((t) => t.audioSecPerSec)) : null;
  const judge = (value: number | null, ok: (v: number) => boolean, fmt: (v: number) => string) =>
    value === null ? 'not measured' : `${fmt(value)} (${ok(value) ? 'met' : 'NOT met'})`;
  return [
    ['p50 <= 20 ms for a 5 s clip', judge(p50Ms, (v) => v <= 20, (v) => `${v.toFixed(1)} ms`)],
    ['>= 2000 audio-s/s at batch >= 16', judge(best, (v) => v >= 2000, (v) => `${v.toFixed(0)} audio-s/s`)],
    ['>= 5x PyTorch eager (single clip)', judge(speedup, (v) => v >= 5, (v) => `${v.toFixed(2)}x`)],
  ];
}
