// The bundled model's calibrated scorer through the public API, on real recordings
// (test/fixtures/speechocean762: six speakers the acoustic model never trained on; the shipped
// scorer did train on them, so these tests check what it does, not how well: the agreement
// figures on folds the scorer never saw come from npm run eval).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, type Engine } from '../lib/index.js';
import type { AssessmentResult } from '../lib/types.js';
import { strictnessFromEnv } from '../workers/shared/engine-from-env.js';
import { contractViolations } from './helpers/contract.js';

const ROOT = join(__dirname, '..');
const MODEL = join(ROOT, 'models', 'default');
const FIXTURE = join(__dirname, 'fixtures', 'speechocean762');
const ARPABET = JSON.parse(readFileSync(join(ROOT, 'tools', 'synth', 'inventory.json'), 'utf8')) as {
  arpabet_to_ipa: Record<string, string>;
  arpabet_stressed_to_ipa: Record<string, string>;
};

/** utterances.tsv's canonical phones as the engine's target (stress 1/2 picks the stressed variant). */
function targets(): { id: string; audio: string; target: string }[] {
  return readFileSync(join(FIXTURE, 'utterances.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [id, , phones] = line.split('\t');
      const ipa = phones.split(' ').map((token) => {
        const [, base, digit] = /^([A-Z]+)([012]?)_[BIES]$/.exec(token)!;
        return (digit === '1' || digit === '2') && ARPABET.arpabet_stressed_to_ipa[base] ? ARPABET.arpabet_stressed_to_ipa[base] : ARPABET.arpabet_to_ipa[base];
      });
      return { id, audio: join(FIXTURE, 'audio', `${id}.flac`), target: ipa.join(' ') };
    });
}

const nonCorrect = (r: AssessmentResult) => r.phones.filter((p) => p.status !== 'correct').length;

let engine: Engine;
const scorerJson = JSON.parse(readFileSync(join(MODEL, 'scorer.json'), 'utf8')) as {
  name: string;
  thresholds: Record<'lenient' | 'balanced' | 'strict', number>;
  training: { speakers: string[] };
};

beforeAll(async () => {
  engine = await load(MODEL);
});

describe('calibrated scoring with the bundled scorer', () => {
  it('was trained only on speakers the acoustic model never trained on', () => {
    const heldout = readFileSync(join(ROOT, 'tools', 'train', 'heldout_speakers.txt'), 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean)
      .sort();
    expect([...scorerJson.training.speakers].sort()).toEqual(heldout);
  });

  it.each(targets().map((t) => [t.id, t] as const))('%s: contract-valid, calibrated, errors exactly where the decision puts them', async (_id, t) => {
    const r = await engine.assess({ audio: t.audio, targetIpa: t.target });
    expect(contractViolations(r)).toEqual([]);
    expect(r.scoring).toEqual({ method: 'calibrated', scorer: scorerJson.name, strictness: 'balanced', error_threshold: scorerJson.thresholds.balanced });
    // A phone the network judges likely enough wrong is never reported correct.
    for (const p of r.phones) if (p.mispronounced_probability! >= scorerJson.thresholds.balanced) expect(p.status).not.toBe('correct');
    // Scores are the experts' scales mapped to [0, 1].
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
    for (const w of r.words ?? []) expect(w.score).toBeLessThanOrEqual(1);
  });

  it('stricter levels report at least as many errors, and flag more of these recordings overall', async () => {
    const levels = ['lenient', 'balanced', 'strict'] as const;
    expect(scorerJson.thresholds.lenient).toBeGreaterThanOrEqual(scorerJson.thresholds.balanced);
    expect(scorerJson.thresholds.balanced).toBeGreaterThanOrEqual(scorerJson.thresholds.strict);
    const engines = await Promise.all(levels.map((strictness) => load(MODEL, { strictness })));
    const totals = [0, 0, 0];
    for (const t of targets()) {
      const results = await Promise.all(engines.map((e) => e.assess({ audio: t.audio, targetIpa: t.target })));
      results.forEach((r, k) => {
        expect(r.scoring.strictness).toBe(levels[k]);
        totals[k] += nonCorrect(r);
      });
      // The probabilities do not depend on the level, only the decisions do.
      expect(results[0].phones.map((p) => p.mispronounced_probability)).toEqual(results[2].phones.map((p) => p.mispronounced_probability));
    }
    expect(totals[0]).toBeLessThanOrEqual(totals[1]);
    expect(totals[1]).toBeLessThanOrEqual(totals[2]);
    expect(totals[2]).toBeGreaterThan(totals[0]);
  });

  it('a recording read against another utterance\'s target is flagged, and its sentence and word scores stay at or under 0.2', async () => {
    const all = targets();
    let flagged = 0;
    let lowered = 0;
    for (const [k, t] of all.entries()) {
      const other = all.find((o, j) => j > k && o.target !== t.target) ?? all.find((o) => o.target !== t.target)!;
      const r = await engine.assess({ audio: t.audio, targetIpa: other.target });
      if (!r.flags.includes('DIFFERENT_SENTENCE')) continue;
      flagged++;
      expect(r.scoring.method).toBe('calibrated');
      expect(r.score).toBeLessThanOrEqual(0.2);
      // A lowered score keeps the prediction it replaced; an unlowered one has none.
      if (r.scoring.score_before_ceiling !== undefined) expect(r.score === 0.2 && r.scoring.score_before_ceiling > 0.2).toBe(true);
      for (const w of r.words ?? []) {
        expect(w.score).toBeLessThanOrEqual(0.2);
        if (w.score_before_ceiling !== undefined) expect(w.score === 0.2 && w.score_before_ceiling > 0.2).toBe(true);
      }
      lowered += r.scoring.score_before_ceiling === undefined ? 0 : 1;
    }
    expect(flagged).toBeGreaterThanOrEqual(all.length - 1);
    expect(lowered).toBeGreaterThan(0);
  });

  it('errorThreshold replaces the level; scorer: null scores as before (goodness and edit distance)', async () => {
    const [t] = targets();
    const custom = await (await load(MODEL, { errorThreshold: 0.99 })).assess({ audio: t.audio, targetIpa: t.target });
    expect(custom.scoring).toMatchObject({ method: 'calibrated', strictness: 'custom', error_threshold: 0.99 });
    const plain = await (await load(MODEL, { scorer: null })).assess({ audio: t.audio, targetIpa: t.target });
    expect(contractViolations(plain)).toEqual([]);
    expect(plain.scoring).toEqual({ method: 'edit_distance' });
    expect(plain.score).toBe(plain.edit_score);
    for (const p of plain.phones) {
      expect(p.score).toBe(p.goodness);
      expect(p.mispronounced_probability).toBeUndefined();
    }
    // The same recording, calibrated: the goodness is the same measurement.
    const calibrated = await engine.assess({ audio: t.audio, targetIpa: t.target });
    expect(calibrated.phones.map((p) => p.goodness)).toEqual(plain.phones.map((p) => p.goodness));
  });

  it('rejects a bad strictness or threshold with INVALID_INPUT naming the option', async () => {
    await expect(load(MODEL, { strictness: 'harsh' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/strictness/) });
    await expect(load(MODEL, { errorThreshold: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/errorThreshold/) });
    await expect(load(MODEL, { scorer: '/nonexistent/scorer.json' })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(/nonexistent/) });
  });
});

describe('strictness from the workers\' environment (SCORING_STRICTNESS)', () => {
  it('reads a level, defaults when unset, and refuses anything else with INVALID_INPUT', () => {
    expect(strictnessFromEnv({ SCORING_STRICTNESS: ' Strict ' })).toBe('strict');
    expect(strictnessFromEnv({})).toBeUndefined();
    expect(() => strictnessFromEnv({ SCORING_STRICTNESS: 'harsh' })).toThrow(/SCORING_STRICTNESS must be lenient, balanced or strict/);
  });
});
