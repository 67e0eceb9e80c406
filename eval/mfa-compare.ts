// MFA against CTC boundaries on the synthetic set, when MFA is installed (`npm run eval`; otherwise
// one line says why it was skipped). Each utterance is assessed twice on one engine, once with each
// aligner, and the same boundaries are scored for both (eval/metrics.ts boundaryErrors: start and
// end of each correctly pronounced target phone against the synthesiser's spans). Latency is MFA's
// own per-call time (result.alignment.mfa.ms): the first call, which starts the helper and loads
// the acoustic model (cold), and the rest (warm), run one at a time.
import { spawnSync } from 'node:child_process';
import { load } from '../lib/engine.js';
import { mfaOptionsFromEnv, type MfaOptions } from '../lib/mfa/options.js';
import type { AssessmentResult } from '../lib/types.js';
import { foldUtterance, type Folder, type KnownSpan } from './fold-phones.js';
import { boundaryErrors, summariseBoundaries } from './metrics.js';
import type { SyntheticItem } from './synthetic.js';

export interface MfaInstallation {
  installed: boolean;
  /** What was probed and what it said. */
  detail: string;
}

/** Whether MFA can run: its Python API (the helper) or its `mfa` command (align_one). */
export function probeMfa(options: Pick<MfaOptions, 'python' | 'alignOneCommand'>): MfaInstallation {
  const python = options.python ?? 'python3';
  const api = spawnSync(python, ['-c', 'import montreal_forced_aligner, kalpy; print(montreal_forced_aligner.__version__)'], { encoding: 'utf8' });
  if (api.status === 0) return { installed: true, detail: `${python}: montreal_forced_aligner ${api.stdout.trim()}` };
  const command = options.alignOneCommand === undefined ? ['mfa'] : options.alignOneCommand;
  if (command) {
    const [exe, ...lead] = command;
    const cli = spawnSync(exe, [...lead, 'version'], { encoding: 'utf8' });
    if (cli.status === 0) return { installed: true, detail: `${command.join(' ')} version: ${cli.stdout.trim()}` };
  }
  return {
    installed: false,
    detail: `${python} cannot import montreal_forced_aligner${command ? ` and \`${command.join(' ')} version\` does not run` : ''}`,
  };
}

interface BoundaryReport {
  boundaries: number;
  within_ms: Record<string, number | null>;
  mean_abs_ms: number | null;
  median_abs_ms: number | null;
}

export interface MfaComparison {
  status: 'compared' | 'skipped';
  /** Why it was skipped, or what MFA was found. */
  detail: string;
  acoustic_model?: string;
  utterances?: number;
  /** Utterances MFA could not align (their CTC spans are left out of both sides). */
  mfa_failures?: Array<{ id: string; reason: string; message: string }>;
  ctc?: BoundaryReport;
  mfa?: BoundaryReport;
  latency_ms?: { cold: number; warm_median: number | null; warm_mean: number | null; warm_calls: number };
}

const report = (errors: number[]): BoundaryReport => {
  const s = summariseBoundaries(errors);
  return { boundaries: s.boundaries, within_ms: s.within, mean_abs_ms: s.meanAbsMs, median_abs_ms: s.medianAbsMs };
};

export function skippedLine(installation: MfaInstallation): string {
  return `MFA comparison skipped: MFA is not installed (${installation.detail}); set MFA_PYTHON (and MFA_COMMAND) to an MFA 3.4 environment to compare its boundaries with CTC's`;
}

export async function compareWithMfa(
  items: readonly SyntheticItem[],
  opts: { modelDir: string; fold: Folder; threads: number; log: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<MfaComparison> {
  const mfaOptions = mfaOptionsFromEnv(opts.env ?? process.env, true)!;
  const installation = probeMfa(mfaOptions);
  if (!installation.installed) return { status: 'skipped', detail: skippedLine(installation) };
  opts.log(`MFA comparison: ${installation.detail}`);
  // aligner stays 'ctc' at load, so the first MFA call starts the helper: that is the cold call.
  const engine = await load(opts.modelDir, { threads: opts.threads, mfa: { ...mfaOptions, strict: false, log: (level, message) => opts.log(`  mfa ${level}: ${message}`) } });
  const ctcErrors: number[] = [];
  const mfaErrors: number[] = [];
  const latencies: number[] = [];
  const failures: NonNullable<MfaComparison['mfa_failures']> = [];
  let acousticModel: string | undefined;
  try {
    for (const [k, item] of items.entries()) {
      const folded = foldUtterance(item.label, opts.fold);
      const targetIpa = folded.target.join(' ');
      const truth: (KnownSpan | null)[] = folded.correctSpoken.map((s) => (s === null ? null : folded.spokenSpans[s]));
      let withMfa: AssessmentResult;
      let withCtc: AssessmentResult;
      try {
        withMfa = await engine.assess({ audio: item.audioPath, targetIpa, aligner: 'mfa' });
        withCtc = await engine.assess({ audio: item.audioPath, targetIpa, aligner: 'ctc' });
      } catch {
        continue; // refused by the engine: counted by the main synthetic evaluation
      }
      if (withMfa.phones.length !== truth.length) continue;
      const a = withMfa.alignment;
      if (a.source !== 'mfa') {
        failures.push({ id: item.id, reason: a.mfa_failure?.reason ?? 'unknown', message: a.mfa_failure?.message ?? '' });
        continue;
      }
      acousticModel = a.mfa!.acoustic_model;
      latencies.push(a.mfa!.ms);
      mfaErrors.push(...boundaryErrors(withMfa.phones, truth));
      ctcErrors.push(...boundaryErrors(withCtc.phones, truth));
      if ((k + 1) % 10 === 0) opts.log(`  mfa comparison: ${k + 1} / ${items.length}`);
    }
  } finally {
    await engine.close();
  }
  const warm = latencies.slice(1).sort((x, y) => x - y);
  return {
    status: 'compared',
    detail: installation.detail,
    acoustic_model: acousticModel,
    utterances: latencies.length,
    mfa_failures: failures,
    ctc: report(ctcErrors),
    mfa: report(mfaErrors),
    latency_ms: {
      cold: latencies[0] ?? Number.NaN,
      warm_median: warm.length ? warm[Math.floor(warm.length / 2)] : null,
      warm_mean: warm.length ? warm.reduce((s, x) => s + x, 0) / warm.length : null,
      warm_calls: warm.length,
    },
  };
}

/** The comparison's lines for report.md and the summary. */
export function renderMfaComparison(c: MfaComparison | null | undefined): string[] {
  if (!c) return [];
  if (c.status === 'skipped') return [c.detail];
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  const row = (name: string, b: BoundaryReport) =>
    `| ${name} | ${b.boundaries} | ${pct(b.within_ms['20'])} | ${pct(b.within_ms['40'])} | ${b.mean_abs_ms?.toFixed(1) ?? 'n/a'} ms |`;
  const l = c.latency_ms!;
  return [
    `MFA (${c.acoustic_model ?? 'no alignment'}; ${c.detail}) against CTC on the same ${c.utterances} synthetic utterances:`,
    '',
    '| aligner | boundaries | within 20 ms | within 40 ms | mean error |',
    '| --- | --- | --- | --- | --- |',
    row('CTC', c.ctc!),
    row('MFA', c.mfa!),
    '',
    `MFA per call: cold ${l.cold.toFixed(0)} ms (helper start and model load), warm median ${l.warm_median?.toFixed(0) ?? 'n/a'} ms, mean ${l.warm_mean?.toFixed(0) ?? 'n/a'} ms over ${l.warm_calls} calls; ${c.mfa_failures!.length} utterances MFA could not align.`,
  ];
}
