import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../lib/errors.js';
import { parseTargetIpa } from '../lib/phonetics/ipa.js';
import { MODIFIER_RULES, NORMALIZATION_RULES, mapPhone } from '../lib/phonetics/normalize.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const INVENTORY_JSON = join(ROOT, 'tools', 'synth', 'inventory.json');
const LEXICON = join(ROOT, 'test', 'fixtures', 'speechocean762', 'lexicon.txt');

const phonesOf = (list: string) => new Set(list.split(' '));
/** The ~42-phone English set of the engine's own model (ARPAbet-consistent IPA). */
const EN42 = phonesOf('p b t d k ɡ f v θ ð s z ʃ ʒ h tʃ dʒ m n ŋ l ɹ w j i iː ɪ eɪ ɛ æ ɑː ɔː oʊ ʊ uː ʌ ə ɚ ɜː aɪ aʊ ɔɪ');
/** espeak-like: length pairs (ɑ ɑː, ɔ ɔː, u uː, ɜ ɜː), ɚ, the flap and the glottal stop (models/plumbing's vocabulary). */
const ESPEAKISH = phonesOf('p b t d k ɡ f v θ ð s z ʃ ʒ h tʃ dʒ m n ŋ l ɹ w j ɾ ʔ i iː ɪ eɪ ɛ æ ɑ ɑː ɔ ɔː oʊ ʊ u uː ʌ ə ɚ ɜ ɜː aɪ aʊ ɔɪ');
/** ZIPA-like: single code points, diacritics and the length mark as tokens of their own. */
const ZIPAISH = phonesOf('p b t d k ɡ f v θ ð s z ʃ ʒ h m n ŋ l ɹ r w j ɾ ʔ i ɪ e ɛ æ a ɑ ɔ o ʊ u ʌ ə ɚ ɝ ɜ ʰ ː \u0303');
/** POWSM-like: tied affricates, aspirated stops, ɜ˞, l̴, nasalised vowels; no ɚ, no ɜ. */
const POWSMISH = phonesOf('p pʰ b t tʰ d k kʰ ɡ f v θ ð s z ʃ ʒ h t͡ʃ d͡ʒ m n ŋ l l̴ ɹ w j ɾ i iː ɪ ɪ̃ e eɪ ɛ æ ɑ ɑː ɔ ɔː o oʊ ʊ u uː ʌ ə ɜ˞ aɪ aʊ ɔɪ');

const parse = (text: string, inventory: ReadonlySet<string>) => parseTargetIpa(text, inventory).phones;

describe('parseTargetIpa: formats', () => {
  const small = phonesOf('h ɛ l oʊ o ʊ w ɜ ɹ d ɡ iː i t ʃ tʃ');
  const plain = ['h', 'ɛ', 'l', 'oʊ', 'w', 'ɜ', 'ɹ', 'l', 'd'];

  it.each([
    ['unsegmented', 'hɛloʊ wɜɹld'],
    ['space-separated with word bars', 'h ɛ l oʊ | w ɜ ɹ l d'],
    ['POWSM slash format', '/h//ɛ//l//oʊ// //w//ɜ//ɹ//l//d/'],
    ['stress marks and syllable dots', 'hɛˈloʊ ˈwɜɹld'],
    ['syllable dots', 'hɛ.loʊ wɜɹld'],
    ['zero-width joiners', 'hɛ\u200Dloʊ wɜɹ\u200Dld'],
    ['r for ɹ', 'hɛloʊ wɜrld'],
  ])('%s parses to the plain phones', (_name, text) => {
    expect(parse(text, small)).toEqual(plain);
  });

  it('keeps word membership in every format', () => {
    const words = [0, 0, 0, 0, 1, 1, 1, 1, 1];
    for (const text of ['hɛloʊ wɜɹld', 'h ɛ l oʊ | w ɜ ɹ l d', 'h ɛ l oʊ ‖ w ɜ ɹ l d', '/h//ɛ//l//oʊ// //w//ɜ//ɹ//l//d/', '/hɛloʊ wɜɹld/', '/h//ɛ//l//oʊ//|//w//ɜ//ɹ//l//d/']) {
      expect(parseTargetIpa(text, small).wordOfPhone, text).toEqual(words);
    }
  });

  it('reads a space-separated phone list without bars as one word', () => {
    expect(parseTargetIpa('h ɛ l oʊ w ɜ ɹ l d', small)).toMatchObject({ phones: plain, wordOfPhone: plain.map(() => 0) });
    // ...but plain text whose words are not single phones keeps its words
    expect(parseTargetIpa('hɛ loʊ', small).wordOfPhone).toEqual([0, 0, 1, 1]);
  });

  it('segments longest match first', () => {
    expect(parse('tʃiː', small)).toEqual(['tʃ', 'iː']);
    expect(parse('t ʃ | iː', small)).toEqual(['t', 'ʃ', 'iː']);
  });

  it('never joins across a stress mark or syllable break', () => {
    expect(parse('t.ʃiː', small)).toEqual(['t', 'ʃ', 'iː']);
    expect(parse('tˈʃiː', small)).toEqual(['t', 'ʃ', 'iː']);
  });

  it('drops a length mark the model does not distinguish', () => {
    expect(parse('hoːl', small)).toEqual(['h', 'o', 'l']);
  });

  it('maps ASCII g to the IPA script g', () => {
    expect(parse('ɡ g', small)).toEqual(['ɡ', 'ɡ']);
  });

  it('keeps two identical adjacent phones as two phones', () => {
    expect(parse('hɛl lɛd', small)).toEqual(['h', 'ɛ', 'l', 'l', 'ɛ', 'd']);
  });

  it('ignores phonetic brackets and reads phonemic slashes around plain text', () => {
    expect(parse('[hɛˈloʊ]', small)).toEqual(['h', 'ɛ', 'l', 'oʊ']);
    expect(parse('/hɛˈloʊ/', small)).toEqual(['h', 'ɛ', 'l', 'oʊ']);
  });

  it('reports what it normalised, with offsets into the input', () => {
    expect(parseTargetIpa('ˈwɜrld', EN42).normalized).toEqual([{ written: 'ɜr', offset: 2, phones: ['ɜː'] }]);
    expect(parseTargetIpa('hɛloʊ', EN42).normalized).toEqual([]);
  });
});

describe('parseTargetIpa: errors', () => {
  function rejected(text: string, inventory: ReadonlySet<string>): EngineError {
    try {
      parseTargetIpa(text, inventory);
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('IPA_INVALID');
      return error as EngineError;
    }
    return expect.unreachable();
  }

  it('names an unknown symbol and its offset', () => {
    const error = rejected('hɛlqoʊ', EN42);
    expect(error.message).toContain('q');
    expect(error.details).toEqual({ symbol: 'q', offset: 3 });
  });

  it('names the symbol with its diacritics, at its offset in the original text (also after NFD and in slash tokens)', () => {
    expect(rejected('ˈkæ q̃', EN42).details).toEqual({ symbol: 'q̃', offset: 4 });
    expect(rejected('/h//ç/', EN42).details).toEqual({ symbol: 'ç', offset: 4 });
    expect(rejected('h ɛ | ç', EN42).details).toEqual({ symbol: 'ç', offset: 6 });
  });

  it('rejects text outside the slashes of the slash format', () => {
    expect(rejected('/h/x/ɛ/', EN42).details).toEqual({ symbol: 'x', offset: 3 });
  });

  it.each([[' ˈ '], ['| ‖'], ['/ /'], ['']])('rejects a target with no phones: %j', (text) => {
    expect(rejected(text, EN42).message).toContain('no phones');
  });

  it('rejects a symbol no rule maps onto the model rather than guessing', () => {
    expect(rejected('kat', EN42).details).toEqual({ symbol: 'a', offset: 1 });
  });
});

describe('parseTargetIpa: any input', () => {
  const alphabet = [...'abdefhijklmnoprstuvwzɑæɐɒɔəɚɛɜɝɪʊʌθðʃʒŋɹɾʔɡgᵻːˑʰʼ˞ˈˌ.-|‖/ []\u0303\u0329\u032F\u0361\u200D\u0325\u031A\u0334ǂQ1😀'];
  it('returns phones or IPA_INVALID, never anything else, for 3000 random strings', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: 1 + (next() % 24) }, () => alphabet[next() % alphabet.length]).join('');
      for (const inventory of [EN42, ZIPAISH, POWSMISH]) {
        try {
          const parsed = parseTargetIpa(text, inventory);
          expect(parsed.phones.length).toBe(parsed.wordOfPhone.length);
          for (const phone of parsed.phones) expect(inventory.has(phone), `${JSON.stringify(text)} -> ${phone}`).toBe(true);
        } catch (error) {
          expect((error as EngineError).code, JSON.stringify(text)).toBe('IPA_INVALID');
        }
      }
    }
  });

  it('handles a symbol stacked with every diacritic, and a long text, quickly', () => {
    const marks = MODIFIER_RULES.map((r) => r.mark).join('');
    const start = performance.now();
    expect(parse(`a${marks}`, ZIPAISH)[0]).toBe('a');
    expect(parse(`k${marks}`, EN42)).toContain('k');
    const long = Array.from({ length: 3000 }, () => 'ˈhɛloʊ wɜrld tʃɜːtʃ').join(' ');
    expect(parse(long, EN42).length).toBe(3000 * 11);
    expect(performance.now() - start).toBeLessThan(5000);
  });
});

/** word -> [plain form, ...variants]: every variant must give the plain form's phones. */
const NOTATIONS: Record<string, string[]> = {
  'hello world': [
    'hɛloʊ wɜːld',
    'hɛloʊ wɜrld',
    'hɛloʊ wɜɹld',
    'hɛloʊ wɝld',
    'hɛloʊ wɜ˞ld',
    'hɛˈloʊ ˈwɜːld',
    'hɛ.loʊ ˈwɜː.ld',
    'hɛ\u200Dloʊ wɜː\u200Cld',
    'h ɛ l oʊ | w ɜː l d',
    'h ɛ l oʊ ‖ w ɜ r l d',
    'h ɛ l oʊ w ɜ r l d',
    '/h//ɛ//l//oʊ// //w//ɜː//l//d/',
    '/h//ɛ//l//oʊ// //w//ɝ//l//d/',
    '/h//ɛ//l//oʊ// //w//ɜ//r//l//d/',
    '/hɛˈloʊ ˈwɜrld/',
    '[hɛˈloʊ ˈwɜːld]',
    'hɛlou wɜːld',
    'hɛləʊ wɜːld',
    'hɛlo wɜːld',
    'hɛloʊ̯ wɜːld',
    'hɛloʊ wɜ:ld',
    'hɛloʊ wɜːɫd',
    'hɛl̴oʊ wɜːld',
    'hɛ̝loʊ wɜːld',
  ],
  church: ['tʃɜːtʃ', 't͡ʃɜːt͡ʃ', 't͜ʃɜrt͜ʃ', 'ʧɝʧ', 't\u200Dʃɜ˞tʃ', '/t͡ʃ//ɜ˞//t͡ʃ/', 'tʃ ɜ r tʃ', 'tʃɜ:tʃ', 'ˈtʃɜːtʃ'],
  judge: ['dʒʌdʒ', 'd͡ʒʌd͡ʒ', 'ʤʌʤ', 'd͜ʒʌdʒ', '/ʤ//ʌ//ʤ/'],
  butter: ['bʌtɚ', 'bʌtər', 'bʌtəɹ', 'bʌtə˞', 'ˈbʌ.tɚ', 'b ʌ t ə r', '/b//ʌ//t//ə//r/', 'bʌtʰɚ', 'bʌt̚ɚ', 'bʌt̪ɚ', 'bʌtɚ'.normalize('NFD')],
  'go home': ['ɡoʊ hoʊm', 'goʊ hoʊm', 'ɡou houm', 'ɡəʊ həʊm', 'ɡo hom', 'ɡoʊ̯ hoʊ̯m', 'ɡ oʊ | h oʊ m'],
  about: ['əbaʊt', 'ɐbaʊt', 'əbau̯t', 'əbɑʊt', 'əˈba͡ʊt', 'ə.ˈbaʊt̚'],
  roses: ['ɹoʊzɪz', 'ɹoʊzᵻz', 'roʊzɨz', 'ˈɹoʊ.zɪz'],
  button: ['bʌtən', 'bʌtn̩', 'bʌt.n̩', '/b//ʌ//t//n̩/'],
  little: ['lɪtəl', 'lɪtl̩', 'lɪtəɫ', '/l//ɪ//t//əl/'],
  choice: ['tʃɔɪs', 'tʃoɪs', 'tʃɔis', 'ʧoi̯s', 'ʧɔ͡ɪs'],
  price: ['pɹaɪs', 'pɹais', 'pɹɑɪs', 'pɹaɪ̯s', 'pɹa͡ɪs', 'pʰɹaɪs', 'pɹ̥aɪs', 'prais'],
  pen: ['pɛn', 'pʰɛn', 'pɛ̃n', 'pεn', 'p ɛ n'],
};

/** Variants that depend on the model lacking a phone (ɾ, ʔ, short ɑ): the English set only. */
const EN42_NOTATIONS: Record<string, string[]> = {
  butter: ['bʌtɚ', 'bʌɾɚ', 'bʌʔɚ'],
  button: ['bʌtən', 'bʌʔn̩', 'bʌʔən'],
  car: ['kɑːɹ', 'kɑɹ', 'kɑr', 'kɑ˞', '/k//ɑːɹ/', 'kɑːr', 'kɒɹ'],
  idea: ['aɪdiːə', '/aɪ//d//iə/', 'aɪˈdiːə'],
  seat: ['siːt', 'si:t', 'siˑt'],
};

describe('parseTargetIpa: equivalent notations give the same phones', () => {
  for (const [name, inventory] of [
    ['English (~42 phones)', EN42],
    ['espeak-like (length marks, ɚ, ɾ)', ESPEAKISH],
  ] as const) {
    describe(name, () => {
      for (const [word, [plain, ...variants]] of Object.entries(NOTATIONS)) {
        it(`${word}: ${variants.length} notations`, () => {
          const expected = parse(plain, inventory);
          for (const variant of variants) expect(parse(variant, inventory), JSON.stringify(variant)).toEqual(expected);
        });
      }
    });
  }

  for (const [word, [plain, ...variants]] of Object.entries(EN42_NOTATIONS)) {
    it(`English set, ${word}: ${variants.length} notations`, () => {
      const expected = parse(plain, EN42);
      for (const variant of variants) expect(parse(variant, EN42), JSON.stringify(variant)).toEqual(expected);
    });
  }

  it('gives the expected phones on the English set', () => {
    expect(parse('hɛloʊ wɜrld', EN42)).toEqual(['h', 'ɛ', 'l', 'oʊ', 'w', 'ɜː', 'l', 'd']);
    expect(parse('bʌɾɚ', EN42)).toEqual(['b', 'ʌ', 't', 'ɚ']);
    expect(parse('bʌʔn̩', EN42)).toEqual(['b', 'ʌ', 't', 'ə', 'n']);
    expect(parse('/aɪ//d//iə/', EN42)).toEqual(['aɪ', 'd', 'iː', 'ə']);
    expect(parse('kɑ˞', EN42)).toEqual(['k', 'ɑː', 'ɹ']);
  });

  it('keeps what the espeak-like model has: ɾ, ʔ, short ɑ', () => {
    expect(parse('bʌɾɚ', ESPEAKISH)).toEqual(['b', 'ʌ', 'ɾ', 'ɚ']);
    expect(parse('bʌʔn̩', ESPEAKISH)).toEqual(['b', 'ʌ', 'ʔ', 'ə', 'n']);
    expect(parse('kɑɹ', ESPEAKISH)).toEqual(['k', 'ɑ', 'ɹ']);
  });
});

describe('parseTargetIpa: r-coloured vowels', () => {
  it('reads vowel + r before a consonant or the end as the r-coloured vowel', () => {
    for (const text of ['bɚd', 'bərd', 'bəɹd', 'bə˞d', 'b ə r d', '/b//ə//r//d/']) expect(parse(text, EN42), text).toEqual(['b', 'ɚ', 'd']);
    for (const text of ['bɝd', 'bɜrd', 'bɜɹd', 'bɜ˞d', 'bɜːd', 'b ɜ r d', 'bɜːrd']) expect(parse(text, EN42), text).toEqual(['b', 'ɜː', 'd']);
  });

  it('reads a phone list written in the model’s own phones exactly as written (actual_ipa round-trips)', () => {
    expect(parse('b ə ɹ d', EN42)).toEqual(['b', 'ə', 'ɹ', 'd']);
    expect(parse('/b//ɜː//ɹ//d/', EN42)).toEqual(['b', 'ɜː', 'ɹ', 'd']);
    // a random "recognised" sequence of the model's phones, fed back as a target
    const phones = [...ESPEAKISH];
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const heard = Array.from({ length: 12 }, () => phones[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % phones.length]);
      expect(parse(heard.join(' '), ESPEAKISH)).toEqual(heard);
    }
    const zipa = [...ZIPAISH];
    for (let n = 0; n < 200; n++) {
      const heard = Array.from({ length: 12 }, () => zipa[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % zipa.length]);
      expect(parse(heard.join(' '), ZIPAISH), heard.join(' ')).toEqual(heard);
    }
  });

  it('keeps ɹ that begins the next syllable', () => {
    expect(parse('əɹaɪv', EN42)).toEqual(['ə', 'ɹ', 'aɪ', 'v']);
    expect(parse('ə ɹ aɪ v', EN42)).toEqual(['ə', 'ɹ', 'aɪ', 'v']);
    expect(parse('ˈvɛɹi', EN42)).toEqual(['v', 'ɛ', 'ɹ', 'i']);
    expect(parse('sə.ɹaʊnd', EN42)).toEqual(['s', 'ə', 'ɹ', 'aʊ', 'n', 'd']);
  });

  it('maps onto each model’s own r-coloured vowels', () => {
    expect(parse('wɜrld bɚd', ZIPAISH)).toEqual(['w', 'ɝ', 'l', 'd', 'b', 'ɚ', 'd']);
    expect(parse('wɜrld bɚd', POWSMISH)).toEqual(['w', 'ɜ˞', 'l', 'd', 'b', 'ɜ˞', 'd']);
    expect(parse('bɚd', phonesOf('b d ə ɹ'))).toEqual(['b', 'ə', 'ɹ', 'd']);
  });
});

describe('parseTargetIpa: other inventories', () => {
  it('ZIPA-like: diphthongs, affricates, length and diacritics as separate tokens', () => {
    expect(parse('tʃoʊ', ZIPAISH)).toEqual(['t', 'ʃ', 'o', 'ʊ']);
    expect(parse('ʧou', ZIPAISH)).toEqual(['t', 'ʃ', 'o', 'ʊ']);
    expect(parse('t͡ʃoʊ̯', ZIPAISH)).toEqual(['t', 'ʃ', 'o', 'ʊ']);
    expect(parse('tʰiː', ZIPAISH)).toEqual(['t', 'ʰ', 'i', 'ː']);
    expect(parse('t ʰ i ː', ZIPAISH)).toEqual(['t', 'ʰ', 'i', 'ː']);
    expect(parse('/t//ʰ//i//ː/', ZIPAISH)).toEqual(['t', 'ʰ', 'i', 'ː']);
    expect(parse('kæ̃n', ZIPAISH)).toEqual(['k', 'æ', '\u0303', 'n']);
  });

  it('ZIPA-like: a modifier token belongs to the phone before it, on models without it too', () => {
    expect(parse('t ʰ i ː', EN42)).toEqual(['t', 'iː']);
    expect(parse('/t//ʰ//i//ː/', EN42)).toEqual(['t', 'iː']);
  });

  it('POWSM-like: keeps aspiration, ties, dark l and nasalisation the model has', () => {
    expect(parse('tʰɪ̃n', POWSMISH)).toEqual(['tʰ', 'ɪ̃', 'n']);
    expect(parse('/tʰ//ɪ̃//n/', POWSMISH)).toEqual(['tʰ', 'ɪ̃', 'n']);
    expect(parse('tʃiːɫ', POWSMISH)).toEqual(['t͡ʃ', 'iː', 'l̴']);
    expect(parse('ʧɪl̴', POWSMISH)).toEqual(['t͡ʃ', 'ɪ', 'l̴']);
    expect(parse('tʰæ̃n', POWSMISH)).toEqual(['tʰ', 'æ', 'n']);
  });

  it('returns the model’s own spelling whatever the Unicode normalisation', () => {
    const nfc = new Set(['k', 'ã', 'n']);
    const nfd = new Set(['k', 'a\u0303', 'n']);
    for (const text of ['kãn', 'ka\u0303n']) {
      expect(parse(text, nfc), text).toEqual(['k', 'ã', 'n']);
      expect(parse(text, nfd), text).toEqual(['k', 'a\u0303', 'n']);
    }
    expect(parse('ẽ', EN42)).toEqual(['eɪ']);
    expect(parse('e\u0303', EN42)).toEqual(['eɪ']);
  });

  it('maps length both ways where the model has only one of i / iː', () => {
    expect(parse('si', phonesOf('s iː'))).toEqual(['s', 'iː']);
    expect(parse('siː', phonesOf('s i'))).toEqual(['s', 'i']);
    expect(parse('siˑ', phonesOf('s iː'))).toEqual(['s', 'iː']);
    expect(parse('siˑ', phonesOf('s i'))).toEqual(['s', 'i']);
  });

  it('agrees with the evaluation’s espeak folding table (tools/synth/inventory.json) on the English set', () => {
    const table = (JSON.parse(readFileSync(INVENTORY_JSON, 'utf8')) as { espeak_to_arpabet_ipa: Record<string, string[]> }).espeak_to_arpabet_ipa;
    for (const [espeak, folded] of Object.entries(table)) {
      expect(parse(`/${espeak}/`, EN42), espeak).toEqual(folded);
      expect(mapPhone(espeak, EN42), espeak).toEqual(folded);
    }
  });
});

describe('normalisation tables', () => {
  it('have one rule per written form, and every rule maps onto the English set or a richer one', () => {
    const froms = NORMALIZATION_RULES.map((r) => r.from.normalize('NFD'));
    expect(new Set(froms).size).toBe(froms.length);
    const union = new Set([...EN42, ...ESPEAKISH, ...POWSMISH, 'ɕ', 'ʑ']);
    for (const rule of NORMALIZATION_RULES) expect(mapPhone(rule.from, union), rule.from).not.toBeNull();
  });

  it('every modifier rule is applied (dropped or rewritten) on the English set', () => {
    for (const { mark, name } of MODIFIER_RULES) expect(mapPhone(`n${mark}`, EN42), name).not.toBeNull();
  });
});

// ---------------------------------------------------------------- the whole lexicon

interface Tables {
  arpabet_to_ipa: Record<string, string>;
  arpabet_stressed_to_ipa: Record<string, string>;
}

function lexiconWords(): { word: string; phones: string[]; stress: number[] }[] {
  const tables = JSON.parse(readFileSync(INVENTORY_JSON, 'utf8')) as Tables;
  return readFileSync(LEXICON, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [word, ...arpabet] = line.trim().split(/\s+/);
      const stress: number[] = [];
      const phones = arpabet.map((token) => {
        const [, base, digit] = /^([A-Z]+)([012]?)$/.exec(token)!;
        stress.push(digit === '' ? -1 : Number(digit));
        const stressed = (digit === '1' || digit === '2') && tables.arpabet_stressed_to_ipa[base];
        return stressed || tables.arpabet_to_ipa[base];
      });
      return { word, phones, stress };
    });
}

const VOWELS = new Set(['i', 'iː', 'ɪ', 'eɪ', 'ɛ', 'æ', 'ɑː', 'ɔː', 'oʊ', 'ʊ', 'uː', 'ʌ', 'ə', 'ɚ', 'ɜː', 'aɪ', 'aʊ', 'ɔɪ']);
const ONSET_PAIRS = /^(s[ptkmnlwj]|[pbtdkɡfθʃ][ɹlwj])$/;

/** The r-colouring of the notation rules, stated independently: ə ɹ / ɜː ɹ before a non-vowel are one phone. */
function rColoured(phones: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < phones.length; i++) {
    const next = phones[i + 2];
    if ((phones[i] === 'ə' || phones[i] === 'ɜː') && phones[i + 1] === 'ɹ' && (next === undefined || !VOWELS.has(next))) {
      out.push(phones[i] === 'ə' ? 'ɚ' : 'ɜː');
      i += 1;
    } else out.push(phones[i]);
  }
  return out;
}

/** Unsegmented, with ˈ/ˌ before the onset (at most a legal two-consonant onset) of each stressed syllable. */
function withStress(phones: readonly string[], stress: readonly number[], render: (p: string) => string = (p) => p): string {
  const marks = new Map<number, string>();
  for (let i = 0; i < phones.length; i++) {
    if (stress[i] !== 1 && stress[i] !== 2) continue;
    let onset = i;
    while (onset > 0 && !VOWELS.has(phones[onset - 1]) && i - onset < 2) onset--;
    if (i - onset === 2 && !ONSET_PAIRS.test(phones[onset] + phones[onset + 1])) onset++;
    marks.set(onset, stress[i] === 1 ? 'ˈ' : 'ˌ');
  }
  return phones.map((p, i) => (marks.get(i) ?? '') + render(p)).join('');
}

const tie = (p: string) => (p === 'tʃ' || p === 'dʒ' || p.length === 2 && VOWELS.has(p) && !p.endsWith('ː') ? `${p[0]}\u0361${p.slice(1)}` : p);
const ascii = (p: string) => p.replace('ɡ', 'g').replace('ː', ':');

describe('every speechocean762-dev lexicon word in every notation', () => {
  const words = lexiconWords();
  type Word = { phones: string[]; stress: number[] };
  // [render, list]: `list` renderings are phone lists in the model's own phones, read exactly as
  // written; the others are unsegmented text (or use r, not a phone of the model), where vowel + r
  // before a non-vowel is the r-coloured vowel.
  const renderings: Record<string, [(w: Word) => string, boolean]> = {
    spaced: [(w) => w.phones.join(' '), true],
    'spaced with a bar': [(w) => `${w.phones.join(' ')} |`, true],
    slash: [(w) => w.phones.map((p) => `/${p}/`).join(''), true],
    'slash with ties': [(w) => w.phones.map((p) => `/${tie(p)}/`).join(''), true],
    'ASCII g and colon': [(w) => w.phones.map(ascii).join(' '), true],
    unsegmented: [(w) => w.phones.join(''), false],
    'unsegmented with stress marks': [(w) => withStress(w.phones, w.stress), false],
    'unsegmented with ties and stress marks': [(w) => withStress(w.phones, w.stress, tie), false],
    'NFD with joiners': [(w) => w.phones.join('\u200D').normalize('NFD'), false],
  };
  // r for ɹ only where the model has no trill r (ZIPA-like has both).
  const withR: typeof renderings = {
    ...renderings,
    'r for ɹ': [(w) => w.phones.join(' ').replaceAll('ɹ', 'r'), false],
    'r for ɹ, slash': [(w) => w.phones.map((p) => `/${p.replace('ɹ', 'r')}/`).join(''), false],
    'r for ɹ, unsegmented': [(w) => w.phones.join('').replaceAll('ɹ', 'r'), false],
  };

  for (const [name, inventory] of [
    ['English (~42 phones)', EN42],
    ['espeak-like', ESPEAKISH],
  ] as const) {
    it(`${name}: ${words.length} words x ${Object.keys(withR).length} notations give the written phones (r-coloured vowels joined in text)`, () => {
      expect(words.length).toBeGreaterThan(2000);
      const failures: string[] = [];
      let joined = 0;
      for (const w of words) {
        const coloured = rColoured(w.phones);
        if (coloured.length !== w.phones.length) joined += 1;
        for (const [notation, [render, list]] of Object.entries(withR)) {
          const expected = list ? w.phones : coloured;
          const text = render(w);
          let got: string;
          try {
            got = parse(text, inventory).join(' ');
          } catch (error) {
            got = String(error);
          }
          if (got !== expected.join(' ')) failures.push(`${w.word} ${notation} ${JSON.stringify(text)} -> ${got}`);
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
      expect(joined).toBeLessThan(words.length / 100);
    });
  }

  for (const [name, inventory] of [
    ['ZIPA-like', ZIPAISH],
    ['POWSM-like', POWSMISH],
  ] as const) {
    it(`${name}: every list notation agrees with the list, every text notation with the text, and the two differ only by r-colouring`, () => {
      const failures: string[] = [];
      for (const w of words) {
        const list = parse(renderings.spaced[0](w), inventory).join(' ');
        const text = parse(renderings.unsegmented[0](w), inventory).join(' ');
        const coloured = parse(rColoured(w.phones).join(' '), inventory).join(' ');
        if (coloured !== text) failures.push(`${w.word}: text ${text}, r-coloured list ${coloured}`);
        for (const [notation, [render, isList]] of Object.entries(renderings)) {
          const got = parse(render(w), inventory).join(' ');
          if (got !== (isList ? list : text)) failures.push(`${w.word} ${notation} ${JSON.stringify(render(w))} -> ${got} (${isList ? list : text})`);
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }

  it('sentences of four words keep their words in every format', () => {
    for (let s = 0; s + 4 <= Math.min(words.length, 400); s += 4) {
      const sentence = words.slice(s, s + 4);
      const expectedWords = sentence.flatMap((w, k) => rColoured(w.phones).map(() => k));
      const formats = [
        sentence.map((w) => w.phones.join('')).join(' '),
        sentence.map((w) => w.phones.join(' ')).join(' | '),
        sentence.map((w) => w.phones.map((p) => `/${p}/`).join('')).join('/ /'),
      ];
      for (const text of formats) expect(parseTargetIpa(text, EN42).wordOfPhone, text).toEqual(expectedWords);
    }
  });
});
