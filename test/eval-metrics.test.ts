// The evaluation's metrics (eval/metrics.ts) and phone folding (eval/fold-phones.ts) on small
// cases computed by hand.
import { describe, expect, it } from 'vitest';
import {
  alignmentFromErrors,
  alignPieces,
  applyErrors,
  foldUtterance,
  LabelInconsistencyError,
  makeFolder,
  readFoldMap,
  UnfoldablePhoneError,
  type LabelError,
  type UtteranceLabels,
} from '../eval/fold-phones.js';
import {
  addConfusions,
  boundaryErrors,
  correctlyPronounced,
  editDistance,
  falseRejections,
  listConfusions,
  matchErrors,
  phoneErrorRate,
  phoneErrors,
  precisionRecallF1,
  splitPhones,
  summariseBoundaries,
} from '../eval/metrics.js';
import { arpabetToIpa, heldoutSpeakers, readArpabetTables } from '../eval/real.js';
import type { Operation } from '../lib/types.js';

describe('phone error rate', () => {
  it('edit distance counts substitutions, deletions and insertions once each', () => {
    expect(editDistance(['k', 'æ', 't'], ['k', 'ɑː', 't', 's'])).toBe(2);
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
    expect(editDistance([], ['a', 'b'])).toBe(2);
    expect(editDistance(['a', 'b'], [])).toBe(2);
    expect(editDistance(['tʃ', 'ɪ', 'p'], ['tʃ', 'ɪ', 'p'])).toBe(0);
  });

  it('compares whole phones, not characters', () => {
    // 'tʃ' vs 't' 'ʃ' is one substitution and one insertion, not a match.
    expect(editDistance(splitPhones('tʃ iː z'), splitPhones('t ʃ iː z'))).toBe(2);
  });

  it('divides summed edits by summed reference length', () => {
    const counts = [phoneErrors(['a', 'x', 'c'], ['a', 'b', 'c', 'd']), phoneErrors(['a', 'b', 'c', 'd', 'e', 'f', 'g'], ['a', 'b', 'c', 'd', 'e', 'f'])];
    expect(counts).toEqual([
      { edits: 2, referenceLength: 4 },
      { edits: 1, referenceLength: 6 },
    ]);
    // 3 / 10, not the mean of 0.5 and 0.167
    expect(phoneErrorRate(counts)).toBeCloseTo(0.3, 12);
    expect(phoneErrorRate([])).toBeNull();
  });
});

describe('error detection', () => {
  const truth = [
    { type: 'substitute', position: 2 },
    { type: 'delete', position: 5 },
    { type: 'insert', position: 7 },
    { type: 'insert', position: 7 },
  ];

  it('needs the same type and position, each truth error matched once', () => {
    const detected = [
      { type: 'substitute', position: 2 }, // tp
      { type: 'substitute', position: 5 }, // wrong type: fp
      { type: 'insert', position: 7 }, // tp
      { type: 'insert', position: 7 }, // tp
      { type: 'insert', position: 7 }, // third one: fp
      { type: 'delete', position: 9 }, // fp
    ];
    const counts = matchErrors(detected, truth);
    expect(counts).toEqual({ tp: 3, fp: 3, fn: 1 });
    const prf = precisionRecallF1(counts);
    expect(prf.precision).toBeCloseTo(0.5, 12);
    expect(prf.recall).toBeCloseTo(0.75, 12);
    expect(prf.f1).toBeCloseTo(0.6, 12);
  });

  it('gives null where a denominator is 0 and 0 where nothing matched', () => {
    expect(precisionRecallF1({ tp: 0, fp: 0, fn: 0 })).toEqual({ precision: null, recall: null, f1: null });
    expect(precisionRecallF1({ tp: 0, fp: 2, fn: 3 })).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(precisionRecallF1({ tp: 0, fp: 0, fn: 3 })).toEqual({ precision: null, recall: 0, f1: null });
  });
});

describe('false rejections', () => {
  it('counts correctly pronounced phones that the engine flagged', () => {
    const phones = [
      { status: 'correct' },
      { status: 'substituted' },
      { status: 'deleted' },
      { status: 'correct' },
      { status: 'substituted' },
      { status: 'deleted' },
    ] as const;
    expect(falseRejections(phones, [true, true, true, true, false, false])).toEqual({ correct: 4, flagged: 2 });
  });

  it('insertions leave the target phones around them correct', () => {
    const truth = [
      { type: 'substitute', position: 1 },
      { type: 'insert', position: 2 },
      { type: 'delete', position: 4 },
      { type: 'insert', position: 5 },
    ];
    expect(correctlyPronounced(5, truth)).toEqual([true, false, true, true, false]);
  });
});

describe('timestamps', () => {
  it('compares the known boundaries only', () => {
    const errors = boundaryErrors(
      [
        { start: 0, end: 320 },
        { start: 320, end: 1000 },
        { start: 1000, end: 2000 },
      ],
      [{ start: 10, end: 300 }, { start: null, end: 1640 }, null],
    );
    expect(errors).toEqual([10, 20, 640]);
  });

  it('shares within 20 and 40 ms (320 and 640 samples, inclusive), mean and median in ms', () => {
    const s = summariseBoundaries([10, 20, 640, 641]);
    expect(s.boundaries).toBe(4);
    expect(s.within['20']).toBeCloseTo(0.5, 12);
    expect(s.within['40']).toBeCloseTo(0.75, 12);
    expect(s.meanAbsMs).toBeCloseTo(1311 / 4 / 16, 12);
    expect(s.medianAbsMs).toBeCloseTo(330 / 16, 12);
    expect(summariseBoundaries([])).toEqual({ boundaries: 0, within: { '20': null, '40': null }, meanAbsMs: null, medianAbsMs: null });
  });
});

describe('confusions', () => {
  it('counts expected -> recognised from operations, most frequent first', () => {
    const ops: Operation[] = [
      { type: 'match', position: 0, expected: 'a', actual: 'a' },
      { type: 'substitute', position: 1, expected: 'a', actual: 'b' },
      { type: 'substitute', position: 2, expected: 'a', actual: 'b' },
      { type: 'delete', position: 3, expected: 'a' },
      { type: 'insert', position: 4, actual: 'c' },
      { type: 'match', position: 4, expected: 'b', actual: 'b' },
    ];
    const counts = addConfusions(new Map(), ops);
    expect(listConfusions(counts)).toEqual([
      { expected: 'a', actual: 'b', count: 2, shareOfExpected: 0.5 },
      { expected: 'a', actual: '∅', count: 1, shareOfExpected: 0.25 },
      { expected: '∅', actual: 'c', count: 1, shareOfExpected: null },
    ]);
    expect(listConfusions(counts, { includeMatches: true }).map((c) => `${c.expected}${c.actual}${c.count}`)).toEqual(['ab2', 'aa1', 'a∅1', 'bb1', '∅c1']);
  });
});

describe('phone folding', () => {
  const map = { ɑːɹ: ['ɑː', 'ɹ'], əl: ['ə', 'l'], iə: ['iː', 'ə'], ɾ: ['t'], r: ['ɹ'], ɐ: ['ə'] };
  const inventory = new Set(['k', 'ɑː', 'ɹ', 't', 's', 'ə', 'l', 'iː', 'ɪ', 'h', 'z', 'ð', 'ɛ', 'b', 'æ']);
  const fold = makeFolder(map, inventory);

  it('keeps a phone of the model, folds the others through the table', () => {
    expect(fold('ɑːɹ')).toEqual(['ɑː', 'ɹ']);
    expect(fold('ɾ')).toEqual(['t']);
    expect(fold('k')).toEqual(['k']);
    expect(makeFolder(map, new Set([...inventory, 'ɾ']))('ɾ')).toEqual(['ɾ']);
    expect(() => fold('ʒ')).toThrow(UnfoldablePhoneError);
    expect(makeFolder(map)('ʒ')).toEqual(['ʒ']);
    expect(makeFolder(map)('ɐ')).toEqual(['ə']);
  });

  it('reads the table from tools/synth/inventory.json', () => {
    const table = readFoldMap();
    expect(table['ɑːɹ']).toEqual(['ɑː', 'ɹ']);
    expect(table['ɾ']).toEqual(['t']);
  });

  const label = (target: string[], spoken: string[], errors: LabelError[]): UtteranceLabels => ({
    target_phones: target,
    spoken_phones: spoken,
    phones: [{ phone: 'sil', start: 0, end: 50 }, ...spoken.map((phone, k) => ({ phone, start: 100 * (k + 1), end: 100 * (k + 2) }))],
    errors,
  });

  it('drops an error whose two sides fold to the same phone', () => {
    const f = foldUtterance(label(['ð', 'ɛ', 'ɹ'], ['ð', 'ɛ', 'r'], [{ type: 'substitute', position: 2, expected: 'ɹ', actual: 'r' }]), fold);
    expect(f.errors).toEqual([]);
    expect(f.correctSpoken).toEqual([0, 1, 2]);
  });

  it('shifts later positions past a compound and leaves its inner boundary unknown', () => {
    const f = foldUtterance(label(['k', 'ɑːɹ', 't', 's'], ['k', 'ɑːɹ', 't'], [{ type: 'delete', position: 3, expected: 's', actual: null }]), fold);
    expect(f.target).toEqual(['k', 'ɑː', 'ɹ', 't', 's']);
    expect(f.spoken).toEqual(['k', 'ɑː', 'ɹ', 't']);
    expect(f.errors).toEqual([{ type: 'delete', position: 4, expected: 's' }]);
    expect(f.spokenSpans).toEqual([
      { start: 100, end: 200 },
      { start: 200, end: null },
      { start: null, end: 300 },
      { start: 300, end: 400 },
    ]);
    expect(f.correctSpoken).toEqual([0, 1, 2, 3, null]);
  });

  it('turns a compound substituted by a single phone into the minimal folded edits', () => {
    const f = foldUtterance(label(['ɑːɹ'], ['ɑː'], [{ type: 'substitute', position: 0, expected: 'ɑːɹ', actual: 'ɑː' }]), fold);
    expect(f.errors).toEqual([{ type: 'delete', position: 1, expected: 'ɹ' }]);
    expect(f.correctSpoken).toEqual([0, null]);
  });

  it('resolves ties to the left: ɪ -> iə is ɪ->iː then ə inserted', () => {
    const f = foldUtterance(label(['h', 'ɪ', 'z'], ['h', 'iə', 'z'], [{ type: 'substitute', position: 1, expected: 'ɪ', actual: 'iə' }]), fold);
    expect(f.errors).toEqual([
      { type: 'substitute', position: 1, expected: 'ɪ', actual: 'iː' },
      { type: 'insert', position: 2, actual: 'ə' },
    ]);
    // A match to the right forces the insertion before it, inside the pair: l -> əl.
    const inner = foldUtterance(label(['b', 'l'], ['b', 'əl'], [{ type: 'substitute', position: 1, expected: 'l', actual: 'əl' }]), fold);
    expect(inner.errors).toEqual([{ type: 'insert', position: 1, actual: 'ə' }]);
    expect(inner.correctSpoken).toEqual([0, 2]);
    expect(alignPieces(['ɪ'], ['iː', 'ə'])).toEqual([
      [0, 0],
      [null, 1],
    ]);
  });

  it('gives one insertion or deletion per folded phone of a compound', () => {
    const ins = foldUtterance(label(['æ', 'b'], ['æ', 'əl', 'b'], [{ type: 'insert', position: 1, expected: null, actual: 'əl' }]), fold);
    expect(ins.errors).toEqual([
      { type: 'insert', position: 1, actual: 'ə' },
      { type: 'insert', position: 1, actual: 'l' },
    ]);
    const del = foldUtterance(label(['k', 'ɑːɹ', 's'], ['k', 's'], [{ type: 'delete', position: 1, expected: 'ɑːɹ', actual: null }]), fold);
    expect(del.errors).toEqual([
      { type: 'delete', position: 1, expected: 'ɑː' },
      { type: 'delete', position: 2, expected: 'ɹ' },
    ]);
    const end = foldUtterance(label(['æ'], ['æ', 'əl'], [{ type: 'insert', position: 1, expected: null, actual: 'əl' }]), fold);
    expect(end.errors.map((e) => e.position)).toEqual([1, 1]);
  });

  it('folded errors turn the folded target into the folded spoken phones', () => {
    const cases = [
      label(['k', 'ɑːɹ', 't', 's'], ['k', 'ɑːɹ', 't'], [{ type: 'delete', position: 3, expected: 's', actual: null }]),
      label(['h', 'ɪ', 'z', 'ɑːɹ'], ['ə', 'h', 'iə', 'z', 'ɑː', 'ɾ'], [
        { type: 'insert', position: 0, expected: null, actual: 'ə' },
        { type: 'substitute', position: 1, expected: 'ɪ', actual: 'iə' },
        { type: 'substitute', position: 3, expected: 'ɑːɹ', actual: 'ɑː' },
        { type: 'insert', position: 4, expected: null, actual: 'ɾ' },
      ]),
    ];
    for (const c of cases) {
      const f = foldUtterance(c, fold);
      expect(applyErrors(f.target, f.errors)).toEqual(f.spoken);
    }
  });

  it('rebuilds the correspondence from the errors and refuses labels that contradict it', () => {
    expect(alignmentFromErrors(['a', 'b', 'c'], ['x', 'a', 'c'], [
      { type: 'insert', position: 0, expected: null, actual: 'x' },
      { type: 'delete', position: 1, expected: 'b', actual: null },
    ])).toEqual([
      [null, 0],
      [0, 1],
      [1, null],
      [2, 2],
    ]);
    expect(() => alignmentFromErrors(['a', 'b'], ['a', 'c'], [])).toThrow(LabelInconsistencyError);
    expect(() => alignmentFromErrors(['a', 'b'], ['a', 'c'], [{ type: 'substitute', position: 1, expected: 'a', actual: 'c' }])).toThrow(LabelInconsistencyError);
    expect(() => alignmentFromErrors(['a', 'b'], ['a'], [])).toThrow(LabelInconsistencyError);
    const bad = { ...label(['a', 'b'], ['a', 'b'], []), alignment: [[0, 0], [1, null]] as [number | null, number | null][] };
    expect(() => foldUtterance(bad, makeFolder(map))).toThrow(LabelInconsistencyError);
  });
});

describe('real held-out set', () => {
  it('takes every 8th speaker in sorted order from the first, unless a list is given', () => {
    const speakers = Array.from({ length: 20 }, (_, i) => String(20 - i).padStart(4, '0'));
    expect(heldoutSpeakers([...speakers, '0003'], null)).toEqual(['0001', '0009', '0017']);
    expect(heldoutSpeakers(speakers, ['0005', '0002'])).toEqual(['0002', '0005']);
  });

  it('maps text-phone ARPAbet to IPA, stressed variants for stress 1 and 2 where listed', () => {
    const tables = readArpabetTables();
    const ipa = (tokens: string) => tokens.split(' ').map((t) => arpabetToIpa(t, tables));
    expect(ipa('W_B IY0_E')).toEqual(['w', 'i']);
    expect(ipa('K_B AH1_I T_E AH0_S ER1_S ER0_S IY2_S IH_S AH2_S')).toEqual(['k', 'ʌ', 't', 'ə', 'ɜː', 'ɚ', 'iː', 'ɪ', 'ʌ']);
    expect(ipa('HH_B AO1_I R_E CH_S JH_S NG_S')).toEqual(['h', 'ɔː', 'ɹ', 'tʃ', 'dʒ', 'ŋ']);
    expect(() => arpabetToIpa('QQ1_B', tables)).toThrow();
  });
});
