// The words and phones of one MFA alignment (a parsed TextGrid or JSON), in 16 kHz samples.
//
// MFA names its tiers "words" and "phones", or "<speaker> - words" when a file has several
// speakers (we always send one). Gaps are "" intervals, or absent; silence is dropped by default
// but `sil`, `sp` and `<eps>` may appear (--no_textgrid_cleanup, align_one: MFA #705, #865), and
// align_one may leave Kaldi's word-position suffixes _B _I _E _S on phones (#865). Those are
// removed here. `spn` and `<unk>` (an out-of-vocabulary word) are kept: for our requests they mean
// MFA did not use the pronunciation we gave, which span-mapping.ts reports.
import { secondsToSamples } from './sample-time.js';
import type { TextGrid, TextGridInterval } from './textgrid.js';

export interface AlignedInterval {
  /** Inclusive 16 kHz sample. */
  start: number;
  /** Exclusive 16 kHz sample. */
  end: number;
  label: string;
}

export interface AlignedWord extends AlignedInterval {
  phones: AlignedInterval[];
}

export interface MfaAlignmentTiers {
  /** The file's duration in samples (its xmax). */
  durationSamples: number;
  words: AlignedWord[];
}

export class MfaOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MfaOutputError';
  }
}

const NON_SPEECH = new Set(['', 'sil', 'sp', '<eps>', 'silence']);
const POSITION_SUFFIX = /_[BIES]$/u;

/** A phone label without Kaldi's word-position suffix, in NFC. */
export function bareLabel(label: string): string {
  return label.trim().replace(POSITION_SUFFIX, '').normalize('NFC');
}

function findTier(grid: TextGrid, kind: 'words' | 'phones') {
  const tiers = grid.tiers.filter((t) => t.kind === 'interval' && (t.name === kind || t.name.endsWith(` - ${kind}`)));
  if (tiers.length === 0) throw new MfaOutputError(`the alignment has no "${kind}" tier (tiers: ${grid.tiers.map((t) => `"${t.name}"`).join(', ') || 'none'})`);
  if (tiers.length > 1) throw new MfaOutputError(`the alignment has ${tiers.length} "${kind}" tiers (several speakers); one was expected`);
  return tiers[0] as Extract<TextGrid['tiers'][number], { kind: 'interval' }>;
}

function speechIntervals(intervals: TextGridInterval[], tier: string): AlignedInterval[] {
  const out: AlignedInterval[] = [];
  for (const interval of intervals) {
    const label = bareLabel(interval.label);
    if (NON_SPEECH.has(label)) continue;
    const start = secondsToSamples(interval.start);
    const end = secondsToSamples(interval.end);
    if (!(end > start)) throw new MfaOutputError(`"${tier}" interval "${label}" is empty or reversed (${interval.start} - ${interval.end} s)`);
    const previous = out[out.length - 1];
    if (previous && start < previous.end) throw new MfaOutputError(`"${tier}" intervals overlap or are out of order at "${label}" (${interval.start} s)`);
    out.push({ start, end, label });
  }
  return out;
}

/** The words, each with its phones, of an MFA alignment; MfaOutputError when it cannot be read so. */
export function alignmentTiers(grid: TextGrid): MfaAlignmentTiers {
  const words = speechIntervals(findTier(grid, 'words').intervals, 'words').map((w) => ({ ...w, phones: [] as AlignedInterval[] }));
  const phones = speechIntervals(findTier(grid, 'phones').intervals, 'phones');
  let w = 0;
  for (const phone of phones) {
    while (w < words.length && words[w].end <= phone.start) w += 1;
    const word = words[w];
    // Overlap, not containment: the two tiers are rounded separately (MFA snaps a tier's last end to the duration).
    if (!word || phone.end <= word.start) throw new MfaOutputError(`phone "${phone.label}" at ${phone.start}-${phone.end} samples lies in no word`);
    word.phones.push(phone);
  }
  return { durationSamples: secondsToSamples(grid.xmax), words };
}
