// Per-stage timings of the assessment pipeline on one 5 s recording, each stage timed by
// itself through the addon (median of repeated runs), plus the whole assess() call.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../lib/index.js';
import { SubstitutionCosts } from '../lib/assessment/edit-costs.js';
import { parseTargetIpa } from '../lib/phonetics/ipa.js';
import { native } from '../lib/native.js';
import { SAMPLE_RATE } from '../lib/types.js';
import { median, timeAsync } from './stats.js';
import { disputedRegions, verifyRegions } from '../lib/assessment/verify.js';
import { LogProbs } from '../lib/gateway.js';

export interface PipelineFigures {
  model: string;
  audioSec: number;
  stagesMs: Record<string, number>;
  assessMs: number;
  realTimeFactor: number;
}

export async function benchPipeline(modelDir: string, recording: string, targetIpa: string): Promise<PipelineFigures> {
  const addon = native();
  const engine = await load(modelDir, { threads: 1 });
  const { manifest } = engine;
  const decodeOptions = { maxDurationSec: 60, ffmpegPath: 'ffmpeg' };

  // A 48 kHz stereo copy of the recording, so decoding includes a real downmix and resample.
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const wav48k = join(dir, 'rec48k.wav');
  execFileSync('sox', [recording, '-r', '48000', '-c', '2', '-b', '16', wav48k]);

  const decoded = await addon.decodeFile(recording, decodeOptions);
  const samples = decoded.samples;
  const samples48k = await addon.resample(samples, SAMPLE_RATE, 48000);
  const model = await addon.loadModel({ ...manifest.nativeConfig, provider: 'cpu', intraOpThreads: 1 });
  // The log-probabilities stay native, as in assess(): each CTC stage reads them in place.
  const { logProbs } = await model.infer(samples);
  const { vocabulary } = manifest;
  const target = Int32Array.from(parseTargetIpa(targetIpa, new Set(vocabulary.idByPhone.keys())).phones, (p) => vocabulary.idByPhone.get(p)!);
  const greedy = await logProbs.greedyDecode(vocabulary.blankId);
  const actual = Int32Array.from([...greedy.tokens].filter((t) => vocabulary.phoneById[t] !== null));
  const substitutionCosts = new SubstitutionCosts(vocabulary.phoneById);
  const firstComparison = substitutionCosts.compare(target, actual);
  const regions = disputedRegions((await addon.editDistance(firstComparison.target, firstComparison.actual, firstComparison.costs)).types);

  // infer() runs features then the model; its own timings give the model part alone.
  const inferenceMs: number[] = [];
  await timeAsync(async () => {
    inferenceMs.push((await model.infer(samples)).timings.inferenceMs);
  });
  const stagesMs: Record<string, number> = {
    'decode FLAC 16 kHz': await timeAsync(() => addon.decodeFile(recording, decodeOptions)),
    'decode WAV 48 kHz stereo (+downmix, resample)': await timeAsync(() => addon.decodeFile(wav48k, decodeOptions)),
    'resample 48 kHz -> 16 kHz': await timeAsync(() => addon.resample(samples48k, 48000, SAMPLE_RATE)),
    [`features (${manifest.nativeConfig.frontend.type})`]: await timeAsync(() => addon.computeFeatures(samples, manifest.nativeConfig.frontend)),
    'inference (ONNX Runtime CPU, 1 thread)': median(inferenceMs.slice(3)),
    'CTC greedy decode': await timeAsync(() => logProbs.greedyDecode(vocabulary.blankId)),
    'CTC forced alignment': await timeAsync(() => logProbs.forcedAlign(vocabulary.blankId, target)),
    // As assess() does it: articulatory costs over the symbols present, then the DP.
    'edit-distance DP (with cost matrix)': await timeAsync(() => {
      const { target: t, actual: a, costs } = substitutionCosts.compare(target, actual);
      return addon.editDistance(t, a, costs);
    }),
    // As assess() does it: the recognised sequence and each disputed region's target version.
    [`verification (CTC forward, ${regions.length} disputed regions)`]: await timeAsync(() =>
      verifyRegions({ logProbs: new LogProbs(logProbs, vocabulary.blankId), targetIds: target, actualIds: actual, regions }),
    ),
    // The scorer's alternatives: every target phone against every phone of the vocabulary, and deleted.
    [`CTC alternatives (${target.length} phones x ${vocabulary.idByPhone.size} candidates + deletions)`]: await timeAsync(() =>
      logProbs.alternatives(vocabulary.blankId, target, Int32Array.from(vocabulary.idByPhone.values())),
    ),
  };
  const assessMs = await timeAsync(() => engine.assess({ audio: recording, targetIpa }));
  const audioSec = samples.length / SAMPLE_RATE;
  return { model: manifest.name, audioSec, stagesMs, assessMs, realTimeFactor: assessMs / 1000 / audioSec };
}
