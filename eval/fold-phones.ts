// Folding espeak's phones onto a model's phone inventory, for the evaluation.
//
// The table is tools/synth/inventory.json's `espeak_to_arpabet_ipa` (espeak en-us phone ->
// one or two phones of the ARPAbet-consistent IPA set). The rule, per phone:
//   1. a phone the model has (its inventory) is kept as it is;
//   2. otherwise it is replaced by the table's phones, each folded again by this rule;
//   3. otherwise it cannot be folded: UnfoldablePhoneError (the utterance is skipped).
// Without an inventory (`makeFolder(map)`) every tabled phone is replaced: the plain
// ARPAbet-IPA set.
//
// Labelled utterances are folded as a whole (foldUtterance): the target -> spoken
// correspondence is rebuilt from the known errors, every aligned pair of phones is folded, and
// the folded errors are read off the folded correspondence. Hence:
//   - an error whose expected and actual phones fold to the same phones is no longer an error
//     (espeak's r for ɹ, ɐ for ə, ...);
//   - a phone folding to two phones (ɑːɹ -> ɑː ɹ, əl -> ə l, ...) shifts every later position;
//     positions of the folded errors index the folded target;
//   - a substitution between phones that fold to different lengths (ɑːɹ -> ɑː) becomes the
//     minimal edits between the two foldings (here: ɹ deleted, ɑː correct). Ties go to the
//     left: substitutions and matches first, extra phones last (ɪ -> iə = ɪ->iː, then ə
//     inserted);
//   - a deleted or inserted compound gives one deletion or insertion per folded phone.
// Spans: a compound's span is not split in time (where ɑː ends and ɹ starts is not known).
// Its first folded phone keeps the compound's start, its last the compound's end; the
// boundary inside is `null` (unknown) and is left out of the timestamp figures.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const INVENTORY_JSON = join(dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'synth', 'inventory.json');

export type FoldMap = Readonly<Record<string, readonly string[]>>;
export type Folder = (phone: string) => string[];

export class UnfoldablePhoneError extends Error {
  constructor(readonly phone: string) {
    super(`phone "${phone}" is neither in the model's inventory nor foldable onto it (tools/synth/inventory.json espeak_to_arpabet_ipa)`);
    this.name = 'UnfoldablePhoneError';
  }
}

export class LabelInconsistencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelInconsistencyError';
  }
}

/** inventory.json's `espeak_to_arpabet_ipa`. */
export function readFoldMap(path: string = INVENTORY_JSON): FoldMap {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { espeak_to_arpabet_ipa?: Record<string, string[]> };
  if (!json.espeak_to_arpabet_ipa) throw new Error(`${path} has no espeak_to_arpabet_ipa`);
  return json.espeak_to_arpabet_ipa;
}

export function makeFolder(map: FoldMap, inventory?: ReadonlySet<string>): Folder {
  const fold = (phone: string, depth: number): string[] => {
    if (inventory?.has(phone)) return [phone];
    const to = Object.hasOwn(map, phone) ? map[phone] : undefined;
    if (to && depth < 4) return to.flatMap((p) => fold(p, depth + 1));
    if (!inventory) return [phone];
    throw new UnfoldablePhoneError(phone);
  };
  return (phone) => fold(phone, 0);
}

export function foldSequence(phones: readonly string[], fold: Folder): string[] {
  return phones.flatMap((p) => fold(p));
}

// ---------------------------------------------------------------- labelled utterances

export type ErrorType = 'substitute' | 'delete' | 'insert';

/** An error as tools/synth writes it (extra fields ignored). */
export interface LabelError {
  type: ErrorType;
  position: number;
  expected: string | null;
  actual: string | null;
}

export interface TruthError {
  type: ErrorType;
  /** Index into the (folded) target; for insert, the target phone before which it occurred. */
  position: number;
  expected?: string;
  actual?: string;
}

/** A span whose boundaries may be unknown (inside a split compound). */
export interface KnownSpan {
  start: number | null;
  end: number | null;
}

/** [target index | null, spoken index | null], in order. */
export type AlignmentPair = [number | null, number | null];

export interface FoldedUtterance {
  target: string[];
  spoken: string[];
  /** Ground-truth span of each folded spoken phone. */
  spokenSpans: KnownSpan[];
  errors: TruthError[];
  alignment: AlignmentPair[];
  /** For each folded target phone, the folded spoken phone it was pronounced as, when pronounced correctly; else null. */
  correctSpoken: (number | null)[];
}

/**
 * The target -> spoken correspondence implied by the errors (insertions at p come before
 * target phone p), checked against the phones: every unlisted pair must be equal, every
 * error must name the phones it sits on, and the errors must use up the spoken phones exactly.
 */
export function alignmentFromErrors(target: readonly string[], spoken: readonly string[], errors: readonly LabelError[]): AlignmentPair[] {
  const byPosition = new Map<number, LabelError[]>();
  for (const e of errors) {
    if (!Number.isInteger(e.position) || e.position < 0 || e.position > target.length || (e.type !== 'insert' && e.position === target.length)) {
      throw new LabelInconsistencyError(`error position ${e.position} outside the target (${target.length} phones)`);
    }
    byPosition.set(e.position, [...(byPosition.get(e.position) ?? []), e]);
  }
  const pairs: AlignmentPair[] = [];
  let s = 0;
  const spokenAt = (what: string): number => {
    if (s >= spoken.length) throw new LabelInconsistencyError(`${what}: the errors need more spoken phones than the ${spoken.length} there are`);
    return s++;
  };
  for (let p = 0; p <= target.length; p++) {
    const here = byPosition.get(p) ?? [];
    for (const e of here.filter((x) => x.type === 'insert')) {
      const si = spokenAt(`insert at ${p}`);
      if (e.actual !== spoken[si]) throw new LabelInconsistencyError(`insert at ${p}: actual ${e.actual} but spoken[${si}] is ${spoken[si]}`);
      pairs.push([null, si]);
    }
    if (p === target.length) break;
    const edits = here.filter((x) => x.type !== 'insert');
    if (edits.length > 1) throw new LabelInconsistencyError(`two substitutions/deletions at target position ${p}`);
    const edit = edits[0];
    if (edit && edit.expected !== target[p]) throw new LabelInconsistencyError(`${edit.type} at ${p}: expected ${edit.expected} but target[${p}] is ${target[p]}`);
    if (edit?.type === 'delete') {
      pairs.push([p, null]);
      continue;
    }
    const si = spokenAt(`target ${p}`);
    const want = edit ? edit.actual : target[p];
    if (spoken[si] !== want) {
      throw new LabelInconsistencyError(`target[${p}] = ${target[p]} ${edit ? `substituted by ${edit.actual}` : 'unchanged'}, but spoken[${si}] is ${spoken[si]}`);
    }
    pairs.push([p, si]);
  }
  if (s !== spoken.length) throw new LabelInconsistencyError(`the errors account for ${s} of ${spoken.length} spoken phones`);
  return pairs;
}

/**
 * Minimal edit alignment of two short phone lists (the foldings of one target phone and the
 * spoken phone it became). Ties go left: matches and substitutions first, extra phones last.
 */
export function alignPieces(a: readonly string[], b: readonly string[]): AlignmentPair[] {
  const n = a.length;
  const m = b.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      d[i][j] = Math.min(d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1), d[i - 1][j] + 1, d[i][j - 1] + 1);
    }
  }
  // Backtrace from the end preferring insertion, then deletion, then the diagonal, so the
  // diagonal moves end up on the left.
  const out: AlignmentPair[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (j > 0 && d[i][j] === d[i][j - 1] + 1) {
      out.push([null, --j]);
    } else if (i > 0 && d[i][j] === d[i - 1][j] + 1) {
      out.push([--i, null]);
    } else {
      out.push([--i, --j]);
    }
  }
  return out.reverse();
}

export interface UtteranceLabels {
  target_phones: string[];
  spoken_phones: string[];
  /** Timed phones including 'sil'. */
  phones: { phone: string; start: number; end: number }[];
  errors: LabelError[];
  /** The label's own correspondence; checked against the one rebuilt from the errors when present. */
  alignment?: AlignmentPair[];
}

export const SILENCE = 'sil';

/** Folds a labelled utterance (target, spoken phones with spans, errors) onto a model's phones. */
export function foldUtterance(label: UtteranceLabels, fold: Folder): FoldedUtterance {
  const timed = label.phones.filter((p) => p.phone !== SILENCE);
  if (timed.length !== label.spoken_phones.length || timed.some((p, k) => p.phone !== label.spoken_phones[k])) {
    throw new LabelInconsistencyError('spoken_phones differ from the non-silence timed phones');
  }
  const pairs = alignmentFromErrors(label.target_phones, label.spoken_phones, label.errors);
  if (label.alignment && JSON.stringify(label.alignment) !== JSON.stringify(pairs)) {
    throw new LabelInconsistencyError("the label's alignment differs from the one its errors imply");
  }

  const out: FoldedUtterance = { target: [], spoken: [], spokenSpans: [], errors: [], alignment: [], correctSpoken: [] };
  const addTarget = (phone: string) => {
    out.target.push(phone);
    out.correctSpoken.push(null);
    return out.target.length - 1;
  };
  const addSpoken = (pieces: string[], s: number) =>
    pieces.map((phone, k) => {
      out.spoken.push(phone);
      out.spokenSpans.push({ start: k === 0 ? timed[s].start : null, end: k === pieces.length - 1 ? timed[s].end : null });
      return out.spoken.length - 1;
    });

  for (const [t, s] of pairs) {
    const expected = t === null ? [] : fold(label.target_phones[t]);
    const actual = s === null ? [] : fold(label.spoken_phones[s]);
    const ft = expected.map(addTarget);
    const fs = s === null ? [] : addSpoken(actual, s);
    const pieces = alignPieces(expected, actual);
    pieces.forEach(([i, j], k) => {
      const ti = i === null ? null : ft[i];
      const sj = j === null ? null : fs[j];
      out.alignment.push([ti, sj]);
      if (ti !== null && sj !== null) {
        if (out.target[ti] === out.spoken[sj]) out.correctSpoken[ti] = sj;
        else out.errors.push({ type: 'substitute', position: ti, expected: out.target[ti], actual: out.spoken[sj] });
      } else if (ti !== null) {
        out.errors.push({ type: 'delete', position: ti, expected: out.target[ti] });
      } else if (sj !== null) {
        // Inserted before the next target phone: the next folded piece of this pair's
        // target phone if one follows, else whatever target phone comes next.
        const after = pieces.slice(k + 1).find(([a]) => a !== null);
        out.errors.push({ type: 'insert', position: after ? ft[after[0]!] : out.target.length, actual: out.spoken[sj] });
      }
    });
  }
  return out;
}

/** Applies errors to a target: the spoken phones they describe (used to check foldings). */
export function applyErrors(target: readonly string[], errors: readonly TruthError[]): string[] {
  const out: string[] = [];
  for (let p = 0; p <= target.length; p++) {
    for (const e of errors) if (e.type === 'insert' && e.position === p) out.push(e.actual!);
    if (p === target.length) break;
    const edit = errors.find((e) => e.type !== 'insert' && e.position === p);
    if (!edit) out.push(target[p]);
    else if (edit.type === 'substitute') out.push(edit.actual!);
  }
  return out;
}
