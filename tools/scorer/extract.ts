// Records what the calibrated scorer is trained on: the engine's own scoring inputs
// (lib/engine.ts assessDetailed with scoringInputs: the phone features, word ranges and fluency
// features the engine computes at run time) beside the labels:
// - every utterance of the held-out speakers of speechocean762 with the experts' scores;
// - synthetic utterances of the generator's training split (never the eval's held-out split),
//   each target phone labelled 2 (said as the target) or 0 (substituted or deleted by the
//   generator), so the scorer also learns what a clear error sounds like.
// The engine runs without a scorer: the inputs do not depend on one.
//
//   node --import tsx tools/scorer/extract.ts --model models/default --out /tmp/scorer-data.jsonl
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { load } from '../../lib/engine.js';
import { EngineError } from '../../lib/errors.js';
import { mapPool } from '../../eval/evaluate.js';
import { foldUtterance, makeFolder, readFoldMap } from '../../eval/fold-phones.js';
import { readHumanSet, targetIpaOf } from '../../eval/human-labels.js';
import { correctlyPronounced } from '../../eval/metrics.js';
import { SHARED_DATA_DIR } from '../../eval/real.js';
import { DEFAULT_CACHE, ensureSyntheticSet } from '../../eval/synthetic.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/default' },
    out: { type: 'string' },
    data: { type: 'string', default: SHARED_DATA_DIR },
    limit: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    synthetic: { type: 'string', default: '1500' },
    'synthetic-seed': { type: 'string', default: '11' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
  strict: true,
});
if (!values.out) throw new Error('--out FILE is required');

const set = readHumanSet({ dataDir: values.data!, limit: values.limit ? Number(values.limit) : undefined });
const engine = await load(values.model, { scorer: null, threads: 1 });
const out = createWriteStream(values.out);
out.write(JSON.stringify({ kind: 'header', model: engine.manifest.name, speakers: set.speakers, fold_of: set.foldOf, speaker_rule: set.speakerRule }) + '\n');
let featureNames: string[] | undefined;
let refused = 0;
await mapPool(set.items, Number(values.concurrency), async (item, index) => {
  try {
    const { scoringInputs } = await engine.assessDetailed({ audio: item.audioPath, targetIpa: targetIpaOf(item) }, { scoringInputs: true });
    const { features, fluency, words } = scoringInputs!;
    if (!featureNames) {
      featureNames = features.names;
      out.write(JSON.stringify({ kind: 'features', names: featureNames }) + '\n');
    }
    out.write(
      JSON.stringify({
        kind: 'utterance',
        id: item.id,
        speaker: item.speaker,
        fold: item.fold,
        features: Array.from(features.values),
        words,
        fluency,
        human: {
          phone_scores: item.words.flatMap((w) => w.phoneScores),
          word_accuracy: item.words.map((w) => w.accuracy),
          accuracy: item.accuracy,
          completeness: item.completeness,
          fluency: item.fluency,
        },
      }) + '\n',
    );
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    refused++;
    console.error(`${item.id}: refused (${error.code}: ${error.message})`);
  }
  if ((index + 1) % 100 === 0) console.error(`${index + 1}/${set.items.length}`);
});

const syntheticN = Number(values.synthetic);
if (syntheticN > 0) {
  const synthetic = await ensureSyntheticSet({ n: syntheticN, seed: Number(values['synthetic-seed']), split: 'train', python: values.python!, cacheRoot: DEFAULT_CACHE, log: console.error });
  const fold = makeFolder(readFoldMap(), new Set(engine.phones));
  await mapPool(synthetic.items, Number(values.concurrency), async (item) => {
    const folded = foldUtterance(item.label, fold);
    try {
      const { scoringInputs } = await engine.assessDetailed({ audio: item.audioPath, targetIpa: folded.target.join(' ') }, { scoringInputs: true });
      const { features, fluency, words } = scoringInputs!;
      const correct = correctlyPronounced(folded.target.length, folded.errors);
      out.write(
        JSON.stringify({
          kind: 'utterance',
          domain: 'synthetic',
          id: `synthetic-${item.id}`,
          speaker: item.voice,
          fold: -1,
          features: Array.from(features.values),
          words,
          fluency,
          human: { phone_scores: correct.map((c) => (c ? 2 : 0)) },
        }) + '\n',
      );
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      refused++;
      console.error(`${item.id}: refused (${error.code}: ${error.message})`);
    }
  });
  console.error(`synthetic: ${synthetic.items.length} utterances from ${synthetic.command}`);
}
out.end();
console.error(`wrote ${values.out}: ${set.items.length} real + ${syntheticN} synthetic utterances, ${refused} refused by the engine`);
