// npm run eval: runs the engine (lib/engine.ts load + assess) over the held-out synthetic set
// and the held-out real speakers, runs the IPA generation (lib/g2p/generate-ipa.ts) against the corpus
// lexicon, and writes report.json and report.md. See eval/README.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { load } from '../lib/engine.js';
import { STRICTNESS_LEVELS, type Strictness } from '../lib/types.js';
import { evaluateMismatched } from './mismatched.js';
import { compareWithMfa } from './mfa-compare.js';
import { evaluateReal, evaluateSynthetic, type EvaluateOptions } from './evaluate.js';
import { evaluateHuman, foldEngines } from './human.js';
import { readHumanSet } from './human-labels.js';
import { makeFolder, readFoldMap } from './fold-phones.js';
import { readRealSet, SHARED_DATA_DIR } from './real.js';
import { evaluateG2p, findLexicon, G2P_DATA_DIRS, readG2pSet, readLexicon } from './g2p.js';
import { G2P_FOLDING_RULES, makeG2pFold } from './g2p-fold.js';
import { PLUMBING_WARNING, renderMarkdown, renderSummary, type EvalReport } from './report.js';
import { DEFAULT_CACHE, ensureSyntheticSet, REPO_ROOT } from './synthetic.js';

const HELP = `npm run eval -- [options]

  --model DIR          model bundle (default: models/default if it exists, else models/plumbing)
  --out DIR            where report.json and report.md go (default: eval/results/<model name>/)
  --synthetic-n N      held-out synthetic utterances (default 200)
  --seed S             generator seed (default 1)
  --real-limit N       at most N real utterances, round-robin over held-out speakers (default: all)
  --skip-synthetic     only the real set
  --skip-real          no real-speech PER and mismatched pairs (held-out speakers, canonical phones)
  --skip-human         no agreement with the experts' labels (held-out speakers)
  --strictness LEVEL   the calibrated scorer's error threshold: lenient, balanced (default), strict
  --skip-g2p           no G2P section (IPA generation against the corpus lexicon)
  --skip-g2p-audio     G2P text only (no audio-guided run)
  --g2p-limit N        at most N transcripts, evenly spaced (default: all)
  --g2p-data DIRS      comma-separated corpus folders (default ${G2P_DATA_DIRS.join(',')})
  --concurrency N      utterances in flight (default 2)
  --threads N          ONNX Runtime intra-op threads per inference (default 1)
  --top N              confusions listed (default 20)
  --verify-margin X    the engine's verification margin in nats per phone, or "off" (default: the engine's)
  --skip-mfa           no MFA comparison (by default it runs on the synthetic set when MFA is
                       installed: MFA_PYTHON / MFA_COMMAND, see README "MFA"; else one line says it was skipped)
  --python PATH        Python with numpy for tools/synth (default /usr/bin/python3)
  --data DIR           folder holding speechocean762-dev, -more and -scores (default ${SHARED_DATA_DIR})
  --cache DIR          synthetic cache (default eval/.cache)`;

/** undefined: the engine's default; null: verification off. */
function parseVerifyMargin(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'off') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--verify-margin needs a number >= 0 or "off", not "${value}"`);
  return n;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer, not "${value}"`);
  return n;
}

function nonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer, not "${value}"`);
  return n;
}

const rel = (p: string) => {
  const r = relative(REPO_ROOT, p);
  return r.startsWith('..') || isAbsolute(r) ? p : r;
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      'synthetic-n': { type: 'string' },
      seed: { type: 'string' },
      'real-limit': { type: 'string' },
      'skip-synthetic': { type: 'boolean', default: false },
      'skip-real': { type: 'boolean', default: false },
      'skip-human': { type: 'boolean', default: false },
      strictness: { type: 'string' },
      'skip-g2p': { type: 'boolean', default: false },
      'skip-g2p-audio': { type: 'boolean', default: false },
      'g2p-limit': { type: 'string' },
      'g2p-data': { type: 'string' },
      concurrency: { type: 'string' },
      threads: { type: 'string' },
      top: { type: 'string' },
      'verify-margin': { type: 'string' },
      'skip-mfa': { type: 'boolean', default: false },
      python: { type: 'string', default: '/usr/bin/python3' },
      data: { type: 'string', default: SHARED_DATA_DIR },
      cache: { type: 'string', default: DEFAULT_CACHE },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const syntheticN = positiveInt('synthetic-n', values['synthetic-n'], 200);
  const seed = nonNegativeInt('seed', values.seed, 1);
  const realLimit = values['real-limit'] === undefined ? null : positiveInt('real-limit', values['real-limit'], 0);
  const concurrency = positiveInt('concurrency', values.concurrency, 2);
  const threads = positiveInt('threads', values.threads, 1);
  const top = positiveInt('top', values.top, 20);
  const verifyMargin = parseVerifyMargin(values['verify-margin']);
  const g2pLimit = values['g2p-limit'] === undefined ? null : positiveInt('g2p-limit', values['g2p-limit'], 0);
  const g2pDataDirs = values['g2p-data'] === undefined ? G2P_DATA_DIRS : values['g2p-data'].split(',').map((d) => resolve(d.trim()));
  if (values['skip-synthetic'] && values['skip-real'] && values['skip-human'] && values['skip-g2p']) {
    throw new Error('--skip-synthetic, --skip-real, --skip-human and --skip-g2p leave nothing to evaluate');
  }
  const strictness = values.strictness;
  if (strictness !== undefined && !STRICTNESS_LEVELS.includes(strictness as Strictness)) throw new Error(`--strictness needs lenient, balanced or strict, not "${strictness}"`);
  const loadOptions = {
    threads,
    ...(verifyMargin === undefined ? {} : { verifyMarginNatsPerPhone: verifyMargin }),
    ...(strictness ? { strictness: strictness as Strictness } : {}),
  };

  const defaultModel = join(REPO_ROOT, 'models', 'default');
  const modelDir = values.model ? resolve(values.model) : existsSync(join(defaultModel, 'manifest.json')) ? defaultModel : join(REPO_ROOT, 'models', 'plumbing');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const t0 = Date.now();
  const engine = await load(modelDir, loadOptions);
  const plumbing = engine.manifest.name === 'plumbing';
  if (plumbing) log(`\n!!! ${PLUMBING_WARNING}\n`);
  const inventory = new Set(engine.phones);
  const fold = makeFolder(readFoldMap(), inventory);
  const outDir = resolve(values.out ?? join(REPO_ROOT, 'eval', 'results', engine.manifest.name.replace(/[^\w.-]+/g, '_')));

  const command = [
    'npm run eval --',
    `--model ${rel(modelDir)}`,
    values['skip-synthetic'] ? '--skip-synthetic' : `--synthetic-n ${syntheticN} --seed ${seed}`,
    values['skip-real'] ? '--skip-real' : '',
    values['skip-human'] ? '--skip-human' : '',
    realLimit !== null && !(values['skip-real'] && values['skip-human']) ? `--real-limit ${realLimit}` : '',
    values.data !== SHARED_DATA_DIR ? `--data ${values.data}` : '',
    strictness ? `--strictness ${strictness}` : '',
    verifyMargin !== undefined ? `--verify-margin ${verifyMargin === null ? 'off' : verifyMargin}` : '',
    values['skip-g2p'] ? '--skip-g2p' : [values['skip-g2p-audio'] ? '--skip-g2p-audio' : '', g2pLimit !== null ? `--g2p-limit ${g2pLimit}` : '', values['g2p-data'] !== undefined ? `--g2p-data ${values['g2p-data']}` : ''].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(' ');

  const progress = (label: string) => (done: number, total: number) => {
    if (done === total || done % 10 === 0) log(`  ${label}: ${done} / ${total}`);
  };
  const base: Omit<EvaluateOptions, 'progress'> = { engine, fold, concurrency, topConfusions: top };

  let synthetic: EvalReport['synthetic'] = null;
  let mfaComparison: EvalReport['mfa_comparison'] = null;
  if (!values['skip-synthetic']) {
    const set = await ensureSyntheticSet({ n: syntheticN, seed, python: values.python!, cacheRoot: resolve(values.cache!), log });
    log(`synthetic: ${set.items.length} utterances in ${rel(set.dir)}${set.reused ? ' (cached)' : ''}`);
    const report = await evaluateSynthetic(set.items, { ...base, progress: progress('synthetic') });
    synthetic = { source: { dir: rel(set.dir), generator_command: set.command, n: syntheticN, seed, reused_cache: set.reused }, ...report };
    if (!values['skip-mfa']) {
      mfaComparison = await compareWithMfa(set.items, { modelDir, fold, threads, log });
      if (mfaComparison.status === 'skipped') log(mfaComparison.detail);
    }
  }

  let real: EvalReport['real'] = null;
  let mismatched: EvalReport['mismatched'] = null;
  if (!values['skip-real']) {
    const set = readRealSet({ dataDir: values.data, limit: realLimit ?? undefined });
    log(`real: ${set.items.length} of ${set.available} utterances of ${set.speakers.length} held-out speakers (${set.speakerRule})`);
    const report = await evaluateReal(set.items, { ...base, progress: progress('real') });
    real = { source: { data_dir: set.dataDir, speaker_rule: set.speakerRule, speakers: set.speakers, available: set.available, limit: realLimit }, ...report };
    log('mismatched pairs (DIFFERENT_SENTENCE calibration)');
    const folds = await foldEngines(engine, modelDir, loadOptions, set.speakers);
    mismatched = await evaluateMismatched(set.items, { engineOf: folds.engineOf, fold, concurrency });
    await folds.dispose();
  }

  let human: EvalReport['human'] = null;
  if (!values['skip-human']) {
    const set = readHumanSet({ dataDir: values.data!, limit: realLimit ?? undefined });
    log(`experts' labels: ${set.items.length} utterances of ${set.speakers.length} held-out speakers in ${new Set(Object.values(set.foldOf)).size} speaker folds`);
    human = await evaluateHuman({ modelDir, set, loadOptions, concurrency, progress: progress("experts' labels") });
  }

  let g2p: EvalReport['g2p'] = null;
  if (!values['skip-g2p']) {
    const lexiconPath = findLexicon(g2pDataDirs);
    const available = readG2pSet(g2pDataDirs).length;
    const items = readG2pSet(g2pDataDirs, g2pLimit ?? undefined);
    log(`g2p: ${items.length} of ${available} transcripts, lexicon ${rel(lexiconPath)}`);
    const result = await evaluateG2p(items, {
      lexicon: readLexicon(lexiconPath),
      fold: makeG2pFold(),
      concurrency,
      engine: values['skip-g2p-audio'] ? undefined : engine,
      progress: (label, done, total) => {
        if (done === total || done % 100 === 0) log(`  ${label}: ${done} / ${total}`);
      },
    });
    g2p = { source: { data_dirs: g2pDataDirs.map(rel), lexicon: rel(lexiconPath), utterances_available: available, limit: g2pLimit }, folding: G2P_FOLDING_RULES, ...result };
  }

  const report: EvalReport = {
    tool: 'pronunciation-engine eval',
    generated_at: new Date().toISOString(),
    command,
    model: { dir: rel(modelDir), name: engine.manifest.name, description: engine.manifest.description, plumbing, phones: inventory.size },
    folding:
      "espeak phones the model lacks are folded with tools/synth/inventory.json's espeak_to_arpabet_ipa (phones the model has are kept); ARPAbet canonical phones are mapped with its arpabet_to_ipa / arpabet_stressed_to_ipa. Details in eval/README.md.",
    run: { node: process.version, concurrency, threads_per_inference: threads, verify_margin: verifyMargin ?? 'engine default', wall_seconds: (Date.now() - t0) / 1000 },
    synthetic,
    real,
    mismatched,
    human,
    g2p,
    mfa_comparison: mfaComparison,
  };
  mkdirSync(outDir, { recursive: true });
  const paths = { json: join(outDir, 'report.json'), markdown: join(outDir, 'report.md') };
  writeFileSync(paths.json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(paths.markdown, renderMarkdown(report));
  console.log(renderSummary(report, { json: rel(paths.json), markdown: rel(paths.markdown) }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`eval: ${error.message}\n`);
    process.exit(1);
  },
);
