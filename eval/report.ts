// The evaluation report: its JSON shape, its Markdown rendering and the short stdout summary.
import { renderMfaComparison, type MfaComparison } from './mfa-compare.js';
import { renderMismatched, type MismatchedReport } from './mismatched.js';
import type { Failure, SetReport } from './evaluate.js';
import type { HumanMetrics, HumanReport } from './human.js';
import type { G2pModeReport, G2pReport } from './g2p.js';
import { MISMATCH_CLASSES } from './g2p-mismatch.js';

export interface EvalReport {
  tool: 'pronunciation-engine eval';
  generated_at: string;
  /** Reproduces this report (from the repository root). */
  command: string;
  model: { dir: string; name: string; description: string; plumbing: boolean; phones: number };
  folding: string;
  run: { node: string; concurrency: number; threads_per_inference: number; verify_margin?: number | null | string; wall_seconds: number };
  synthetic: null | (SetReport & { source: { dir: string; generator_command: string; n: number; seed: number; reused_cache: boolean } });
  real: null | (SetReport & { source: { data_dir: string; speaker_rule: string; speakers: string[]; available: number; limit: number | null } });
  /** DIFFERENT_SENTENCE calibration on the real set (absent in reports written before it existed). */
  mismatched?: MismatchedReport | null;
  /** Agreement with the experts' scores on held-out speakers (absent in reports written before it existed). */
  human?: HumanReport | null;
  /** G2P against the corpus lexicon (absent in reports written before it existed). */
  g2p?: G2pReport | null;
  /** MFA against CTC boundaries on the synthetic set, or why that was skipped (eval/mfa-compare.ts). */
  mfa_comparison?: MfaComparison | null;
}

export const PLUMBING_WARNING =
  'MODEL "plumbing" IS NOT A PHONE RECOGNISER: fixed random weights that exercise the pipeline. Every number below is meaningless; only the machinery is real.';

const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(digits)} %`);
const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

function summaryRows(r: EvalReport): [string, string, string][] {
  const s = r.synthetic;
  const q = r.real;
  const cell = <T,>(set: T | null, f: (x: T) => string) => (set ? f(set) : 'skipped');
  const na = (x: SetReport | null, f: (x: SetReport) => string) => cell(x, f);
  return [
    ['utterances assessed', na(s, (x) => `${x.utterances.assessed} / ${x.utterances.total}`), na(q, (x) => `${x.utterances.assessed} / ${x.utterances.total}`)],
    ['engine errors / skipped', na(s, (x) => `${x.utterances.engine_errors.length} / ${x.utterances.skipped.length}`), na(q, (x) => `${x.utterances.engine_errors.length} / ${x.utterances.skipped.length}`)],
    ['phone error rate', na(s, (x) => `${pct(x.per.rate)} (${x.per.edits} / ${x.per.reference_phones})`), na(q, (x) => `${pct(x.per.rate)} (${x.per.edits} / ${x.per.reference_phones})`)],
    [
      'error detection P / R / F1',
      na(s, (x) => (x.detection ? `${pct(x.detection.overall.precision)} / ${pct(x.detection.overall.recall)} / ${pct(x.detection.overall.f1)}` : 'n/a')),
      'n/a (no error labels)',
    ],
    [
      'false rejections',
      na(s, (x) => `${pct(x.false_rejections.rate)} (${x.false_rejections.flagged} / ${x.false_rejections.correct_phones})`),
      na(q, (x) => `${pct(x.false_rejections.rate)} (${x.false_rejections.flagged} / ${x.false_rejections.correct_phones}), upper bound`),
    ],
    [
      'boundaries within 20 / 40 ms',
      na(s, (x) => (x.timestamps ? `${pct(x.timestamps.within_ms['20'])} / ${pct(x.timestamps.within_ms['40'])} (${x.timestamps.boundaries} boundaries)` : 'n/a')),
      'n/a (no time labels)',
    ],
    ['mean abs boundary error', na(s, (x) => (x.timestamps ? `${num(x.timestamps.mean_abs_ms, 1)} ms (median ${num(x.timestamps.median_abs_ms, 1)} ms)` : 'n/a')), 'n/a'],
    [
      'mean score: no errors / errors',
      na(s, (x) => `${num(x.scores.mean_without_errors, 3)} / ${num(x.scores.mean_with_errors, 3)}`),
      na(q, (x) => `${num(x.scores.mean_all, 3)} (all)`),
    ],
    ['audio / wall time', na(s, (x) => `${num(x.audio_seconds, 1)} s / ${num(x.wall_seconds, 1)} s`), na(q, (x) => `${num(x.audio_seconds, 1)} s / ${num(x.wall_seconds, 1)} s`)],
  ];
}

function table(head: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function confusionTable(top: SetReport['confusions']['top'], operations: number): string {
  if (top.length === 0) return '_No confusions._';
  return (
    `${operations} operations (target phone -> recognised phone; ∅ = deleted / inserted):\n\n` +
    table(
      ['expected', 'recognised', 'count', 'share of expected'],
      top.map((c) => [c.expected, c.actual, String(c.count), c.share_of_expected === null ? '' : pct(c.share_of_expected)]),
    )
  );
}

/** A set's top confusions, then the utterances it refused or skipped. */
function confusionsAndFailures(title: string, note: string[], set: SetReport): string[] {
  return [
    `### Top confusions (${title})`,
    '',
    ...note,
    confusionTable(set.confusions.top, set.confusions.operations),
    failures('Utterances the engine refused', set.utterances.engine_errors),
    failures('Utterances skipped by the evaluation', set.utterances.skipped),
    '',
  ];
}

function failures(title: string, list: Failure[]): string {
  if (list.length === 0) return '';
  const shown = list.slice(0, 30).map((f) => `- \`${f.id}\` ${f.code}: ${f.message}`);
  if (list.length > 30) shown.push(`- ... ${list.length - 30} more in report.json`);
  return `\n${title} (${list.length}):\n\n${shown.join('\n')}\n`;
}

export function renderMarkdown(r: EvalReport): string {
  const out: string[] = [];
  out.push(`# Evaluation of model \`${r.model.name}\``, '');
  if (r.model.plumbing) out.push(`> **${PLUMBING_WARNING}**`, '');
  out.push(
    `- Model: \`${r.model.dir}\` (${r.model.phones} phones)${r.model.description ? `: ${r.model.description}` : ''}`,
    `- Reproduce: \`${r.command}\``,
    `- Generated ${r.generated_at} with Node ${r.run.node}; ${r.run.concurrency} utterances in flight, ${r.run.threads_per_inference} ONNX Runtime thread(s) each.`,
    `- Target phones: ${r.folding}`,
    '',
  );
  if (r.synthetic || r.real) {
    out.push('## Summary', '', table(['', 'synthetic (held-out voices and sentences)', 'real (speechocean762, held-out speakers)'], summaryRows(r)), '');
  }
  const s = r.synthetic;
  if (s) {
    out.push(
      '## Synthetic held-out set',
      '',
      `${s.source.n} utterances from \`${s.source.generator_command}\` (${s.source.reused_cache ? 'cached' : 'generated in this run'}): espeak-ng voices and sentences never used in training, with injected mispronunciations at known positions.`,
      '',
      `- Phone error rate: reference = ${s.per.reference}; hypothesis = the recogniser's own phones (\`recognized_ipa\`, greedy CTC before verification; \`actual_ipa\`, the phones judged spoken, is what errors and scores compare).`,
    );
    if (s.detection) {
      out.push(
        `- Error detection: ${s.detection.truth_errors} ground-truth errors after folding (${s.detection.label_errors} in the labels before), ${s.detection.detected_errors} detected; a detection is a true positive when its type and target position equal a ground-truth error's.`,
        '',
        table(
          ['type', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1'],
          [
            ...Object.entries(s.detection.by_type).map(([t, c]) => [t, String(c.tp), String(c.fp), String(c.fn), pct(c.precision), pct(c.recall), pct(c.f1)]),
            ['all', String(s.detection.counts.tp), String(s.detection.counts.fp), String(s.detection.counts.fn), pct(s.detection.overall.precision), pct(s.detection.overall.recall), pct(s.detection.overall.f1)],
          ],
        ),
        '',
      );
    }
    out.push(`- False rejections: ${s.false_rejections.note}.`);
    if (s.timestamps) {
      out.push(
        `- Timestamps: ${s.timestamps.note}. ${s.timestamps.phones} phones, ${s.timestamps.boundaries} boundaries: ${pct(s.timestamps.within_ms['20'])} within 20 ms, ${pct(s.timestamps.within_ms['40'])} within 40 ms, mean ${num(s.timestamps.mean_abs_ms, 1)} ms, median ${num(s.timestamps.median_abs_ms, 1)} ms.`,
      );
    }
    out.push(
      '',
      ...confusionsAndFailures(
        'synthetic',
        ['From the engine\'s operations, so "expected" is the target phone: an injected error that the engine heard correctly appears here as a confusion too.', ''],
        s,
      ),
    );
  }
  const q = r.real;
  if (q) {
    out.push(
      '## Real held-out speakers (speechocean762 train split)',
      '',
      `${q.utterances.total} of ${q.source.available} utterances${q.source.limit !== null ? ` (--real-limit ${q.source.limit}, taken round-robin over the speakers)` : ''} from \`${q.source.data_dir}\`; speakers ${q.source.speakers.join(' ')}: ${q.source.speaker_rule}.`,
      '',
      `- Phone error rate: reference = ${q.per.reference}. Learners do mispronounce, so part of this is real error, not recognition error; a rough figure.`,
      `- False rejections: ${q.false_rejections.note}.`,
      '',
      ...confusionsAndFailures('real', [], q),
    );
  }
  if (r.mismatched) out.push(...renderMismatched(r.mismatched));
  if (r.human) out.push(...renderHuman(r.human));
  if (r.g2p) out.push(...renderG2p(r.g2p));
  if (r.mfa_comparison) out.push('', '## MFA against CTC boundaries (synthetic)', '', ...renderMfaComparison(r.mfa_comparison), '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function humanRows(h: HumanReport): string[][] {
  const cols: [string, HumanMetrics | null][] = [
    ['calibrated (scorer of the other folds)', h.calibrated],
    ['uncalibrated (goodness, edit distance)', h.uncalibrated],
  ];
  const row = (label: string, f: (m: HumanMetrics) => string) => [label, ...cols.map(([, m]) => (m ? f(m) : 'no scorer'))];
  const det = (m: HumanMetrics, key: string) => {
    const d = m.detection[key];
    return `${num(d.precision)} / ${num(d.recall)} / ${num(d.f1)}`;
  };
  return [
    row('utterances (refused)', (m) => `${m.utterances} (${m.refused.length})`),
    row('phone PCC', (m) => num(m.pcc.phone, 3)),
    row('word PCC (accuracy)', (m) => num(m.pcc.word, 3)),
    row('sentence PCC (accuracy)', (m) => num(m.pcc.sentence_accuracy, 3)),
    row('word / sentence PCC without the DIFFERENT_SENTENCE ceiling', (m) => `${num(m.pcc.word_before_ceiling, 3)} / ${num(m.pcc.sentence_accuracy_before_ceiling, 3)}`),
    row('completeness PCC', (m) => num(m.pcc.completeness, 3)),
    row('fluency PCC (fluency.score)', (m) => num(m.pcc.fluency, 3)),
    row('mispronounced <= 1.0: P / R / F1', (m) => det(m, '1.0')),
    row('mispronounced <= 0.5: P / R / F1', (m) => det(m, '0.5')),
    row('false alarms (all experts 2.0)', (m) => `${pct(m.false_alarms.rate)} (${m.false_alarms.flagged} / ${m.false_alarms.phones})`),
    row('phones flagged', (m) => pct(m.flagged_share)),
  ];
}

function renderHuman(h: HumanReport): string[] {
  const out = [
    "## Agreement with experts (speechocean762 train split, held-out speakers)",
    '',
    `${h.source.utterances} utterances of ${h.source.speakers} speakers (${h.source.speaker_rule}), in ${h.source.folds} speaker folds; the acoustic model never trained on them. Calibrated: each fold assessed with the scorer trained without it (the bundle's scorer-folds/). Pearson correlations with the experts' phone (0-2), word accuracy and sentence accuracy (0-10) scores; a phone is flagged when its status is not "correct"; "mispronounced" = the experts' mean phone score at or below the threshold.`,
    '',
    table(['', ...['calibrated (scorer of the other folds)', 'uncalibrated (goodness, edit distance)']], humanRows(h)),
    '',
  ];
  if (h.calibrated) {
    out.push(
      `Scorer \`${h.calibrated.scorer}\`, strictness ${h.calibrated.strictness}. Per fold (calibrated): ` +
        h.calibrated.per_fold.map((f) => `fold ${f.fold}: ${f.utterances} utt., phone ${num(f.phone_pcc, 3)}, sentence ${num(f.sentence_pcc, 3)}`).join('; ') +
        '.',
      '',
    );
  }
  const m = h.calibrated ?? h.uncalibrated;
  out.push(
    `Fluency features against the experts' fluency (PCC): ${Object.entries(m.fluency_features).map(([k, v]) => `${k} ${num(v, 3)}`).join(', ')}.`,
    '',
  );
  return out;
}


function g2pRows(g: G2pReport): [string, string, string][] {
  const cell = (m: G2pModeReport | null, f: (x: G2pModeReport) => string) => (m ? f(m) : 'skipped');
  const row = (label: string, f: (x: G2pModeReport) => string): [string, string, string] => [label, f(g.text_only), cell(g.audio_guided, f)];
  return [
    row('words (utterances)', (x) => `${x.words} (${x.utterances})`),
    row('word exact-match', (x) => `${pct(x.exact_rate)} (${x.exact} / ${x.words})`),
    row('phone error rate', (x) => `${pct(x.per.rate)} (${x.per.edits} / ${x.per.reference_phones})`),
    row('words read as letters', (x) => String(x.read_as_letters.count)),
    ...MISMATCH_CLASSES.map((c) => row(`mismatches: ${c}`, (x) => `${x.mismatches[c].count} (${pct(x.mismatches[c].share)})`)),
    row('engine errors', (x) => String(x.engine_errors.length)),
    row('wall time', (x) => `${num(x.wall_seconds, 1)} s`),
  ];
}

function renderG2p(g: G2pReport): string[] {
  const out = [
    '## G2P against the corpus lexicon',
    '',
    `\`generateIpa\` (en-us) on ${g.text_only.utterances} transcripts${g.source.limit !== null ? ` (--g2p-limit ${g.source.limit} of ${g.source.utterances_available}, evenly spaced)` : ''} of \`${g.source.data_dirs.join('`, `')}\`, each word compared with every variant of it in \`${g.source.lexicon}\`. Text only: the first candidate (espeak-ng). Audio-guided: each word's candidate (espeak-ng en-us / en-gb, CMUdict variants) chosen by the model on the utterance's own recording. Phone error rate: edit distance to the closest variant over its length.`,
    '',
    `Folding (eval/g2p-fold.ts, both sides): ${g.folding.map((f, i) => `${i + 1}. ${f}`).join('; ')}.`,
    '',
    table(['', 'text only', 'audio-guided'], g2pRows(g)),
    '',
  ];
  const modes: [string, G2pModeReport | null][] = [
    ['text only', g.text_only],
    ['audio-guided', g.audio_guided],
  ];
  for (const [label, m] of modes) {
    if (!m) continue;
    out.push(`### Mismatches by class (${label})`, '');
    for (const c of MISMATCH_CLASSES) {
      const klass = m.mismatches[c];
      if (klass.count === 0) continue;
      out.push(
        `**${c}**: ${klass.count} words (${pct(klass.share)} of mismatches)`,
        '',
        table(
          ['word', 'times', 'generated', 'lexicon'],
          klass.examples.map((e) => [e.word, String(e.count), e.generated, e.lexicon.join(' or ')]),
        ),
        '',
      );
    }
    if (m.chosen_sources) out.push(`Chosen candidates by source: ${Object.entries(m.chosen_sources).map(([s, n]) => `${s} ${n}`).join(', ')}.`, '');
    out.push(failures('Utterances the engine refused', m.engine_errors), '');
  }
  return out;
}

/** One screen for stdout. */
export function renderSummary(r: EvalReport, paths: { json: string; markdown: string }): string {
  const rows = summaryRows(r);
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max('synthetic'.length, ...rows.map((x) => x[1].length));
  const lines = [
    `pronunciation-engine eval: model "${r.model.name}" (${r.model.dir})`,
    ...(r.model.plumbing ? ['', `!!! ${PLUMBING_WARNING}`, ''] : []),
    ...(r.synthetic || r.real ? [`${''.padEnd(w0)}  ${'synthetic'.padEnd(w1)}  real`, ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`)] : []),
  ];
  const top = (label: string, set: SetReport | null) =>
    set && set.confusions.top.length ? [`top confusions (${label}): ${set.confusions.top.slice(0, 6).map((c) => `${c.expected}->${c.actual} ${c.count}`).join(', ')}`] : [];
  lines.push(...top('synthetic', r.synthetic), ...top('real', r.real));
  if (r.g2p) {
    const g = r.g2p;
    const mode = (label: string, m: G2pModeReport | null) =>
      m
        ? `g2p ${label}: word exact-match ${pct(m.exact_rate)} (${m.exact} / ${m.words}), PER ${pct(m.per.rate)}, read as letters ${m.read_as_letters.count}; mismatches ${MISMATCH_CLASSES.map((c) => `${c} ${m.mismatches[c].count}`).join(', ')}`
        : `g2p ${label}: skipped`;
    lines.push(mode('text-only', g.text_only), mode('audio-guided', g.audio_guided));
  }
  const failed = [...(r.synthetic?.utterances.engine_errors ?? []), ...(r.real?.utterances.engine_errors ?? [])];
  if (failed.length) {
    const byCode = new Map<string, number>();
    for (const f of failed) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    lines.push(`engine errors: ${[...byCode].map(([c, n]) => `${c} x${n}`).join(', ')} (listed in the report)`);
  }
  if (r.human) {
    lines.push("agreement with experts (held-out speakers)      calibrated | uncalibrated");
    for (const [label, a, b] of humanRows(r.human)) lines.push(`  ${label.padEnd(44)} ${a} | ${b}`);
  }
  const mfa = renderMfaComparison(r.mfa_comparison);
  if (mfa.length) lines.push(...mfa.filter((l) => l && !l.startsWith('| ---')));
  lines.push(`report: ${paths.markdown}`, `        ${paths.json}`, `reproduce: ${r.command}`);
  return lines.join('\n');
}
