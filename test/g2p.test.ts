// IPA generation (lib/g2p/generate-ipa.ts): the contract format, several languages, context, candidates,
// concurrency against sequential results, and typed errors for bad input.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../lib/errors.js';
import { g2pLanguages, generateIpa, parseSlashIpa, phonemesToWords, toPhonemes, toSlashIpa } from '../lib/g2p/generate-ipa.js';
import { native } from '../lib/native.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return (error as EngineError).code;
  }
}

describe('slash format', () => {
  const words = [
    ['h', 'ə', 'l', 'oʊ'],
    ['w', 'ɜː', 'l', 'd'],
  ];

  it('writes the contract example exactly', () => {
    expect(toSlashIpa(words)).toBe('/h//ə//l//oʊ// //w//ɜː//l//d/');
    expect(toPhonemes(words)).toEqual(['h', 'ə', 'l', 'oʊ', ' ', 'w', 'ɜː', 'l', 'd']);
  });

  it('round-trips words with multi-character phones, and skips empty words and phones', () => {
    const tricky = [['tʰ', 'ɜ˞', 'l̴', 'ɪ̃'], [], ['oʊ', '', 'aɪ', 'n̩'], ['ɑːɹ']];
    const clean = [['tʰ', 'ɜ˞', 'l̴', 'ɪ̃'], ['oʊ', 'aɪ', 'n̩'], ['ɑːɹ']];
    expect(parseSlashIpa(toSlashIpa(tricky))).toEqual(clean);
    expect(phonemesToWords(toPhonemes(tricky))).toEqual(clean);
    expect(toPhonemes(tricky).filter((p) => p === ' ')).toHaveLength(2);
    expect(toSlashIpa([['a/b', 'c d']])).toBe('/ab//cd/');
    expect(() => parseSlashIpa('/a/ b')).toThrow();
  });
});

describe('generateIpa: text only', () => {
  it('gives the contract format for English, default en-us', async () => {
    const result = await generateIpa({ text: 'Hello, world!' });
    expect(result.ipa_phonemes).toBe('/h//ə//l//oʊ// //w//ɜː//l//d/');
    expect(result.phonemes).toEqual(['h', 'ə', 'l', 'oʊ', ' ', 'w', 'ɜː', 'l', 'd']);
    expect(result.language).toBe('en-us');
    expect(result.words.map((w) => w.word)).toEqual(['Hello', 'world']);
    // ipa_phonemes and phonemes always agree.
    expect(toSlashIpa(phonemesToWords(result.phonemes))).toBe(result.ipa_phonemes);
  });

  it('keeps multi-character phones whole and removes stress, keeping length', async () => {
    const result = await generateIpa({ text: 'church judge father my cow boy go' }, { candidates: false });
    expect(result.phonemes).toEqual(expect.arrayContaining(['tʃ', 'dʒ', 'aɪ', 'aʊ', 'ɔɪ', 'oʊ', 'ɑː', 'ɜː']));
    expect(result.ipa_phonemes).not.toMatch(/[ˈˌ]/u);
    for (const p of result.phonemes) expect(p === ' ' || !/\s/u.test(p)).toBe(true);
  });

  it('converts in context and keeps one word per written word', async () => {
    const result = await generateIpa({ text: 'I have 21 cats, a lot of the apples - yes!' }, { candidates: false });
    expect(result.words.map((w) => w.word)).toEqual(['I', 'have', '21', 'cats', 'a', 'lot', 'of', 'the', 'apples', 'yes']);
    const ipaOf = (word: string) => result.words.find((w) => w.word === word)!.ipa;
    expect(ipaOf('21')).toBe('/t//w//ɛ//n//t//i//w//ʌ//n/');
    expect(ipaOf('a')).toBe('/ɐ/'); // not the letter name eɪ
    expect(ipaOf('of')).toBe('/ʌ//v/'); // espeak-ng merges "of the"; split back
    expect(ipaOf('the')).toBe('/ð//ɪ/'); // ði before a vowel
    expect(result.phonemes.filter((p) => p === ' ')).toHaveLength(9);
  });

  it.each([
    ['en-gb', 'hello world', '/h//ə//l//əʊ// //w//ɜː//l//d/'],
    ['de', 'Guten Tag', '/ɡ//uː//t//ə//n// //t//ɑː//k/'],
    ['fr-fr', 'Bonjour le monde', '/b//ɔ̃//ʒ//u//ʁ// //l//ə// //m//ɔ̃//d/'],
    ['es', 'Hola mundo', '/o//l//a// //m//u//n//d//o/'],
    ['ru', 'мир', '/mʲ//i//r/'],
  ])('%s', async (language, text, expected) => {
    const result = await generateIpa({ text, language });
    expect(result.ipa_phonemes).toBe(expected);
    expect(result.language).toBe(language);
  });

  it('converts Japanese kana and Mandarin (one word per space-delimited run)', async () => {
    const ja = await generateIpa({ text: 'こんにちは', language: 'ja' });
    expect(ja.words).toHaveLength(1);
    expect(ja.phonemes).toEqual(expect.arrayContaining(['k', 'tɕ']));
    const cmn = await generateIpa({ text: '中文', language: 'cmn' });
    expect(cmn.phonemes.length).toBeGreaterThan(2);
  });

  it('accepts language codes case-insensitively and lists every language', async () => {
    expect((await generateIpa({ text: 'hello', language: 'EN_US' })).language).toBe('en-us');
    const languages = g2pLanguages();
    expect(languages.length).toBeGreaterThan(100);
    for (const code of ['en-us', 'en-gb', 'de', 'fr-fr', 'es', 'ja', 'cmn', 'ru', 'hi', 'ar']) {
      expect(languages.map((l) => l.language)).toContain(code);
    }
    expect(native().g2pInfo().espeakVersion).toMatch(/^\d+\.\d+/u);
  });

  it('offers English candidates from other accents and CMUdict, merged by phones', async () => {
    const result = await generateIpa({ text: 'read hello' });
    const [read, hello] = result.words;
    expect(read.ipa).toBe('/ɹ//iː//d/');
    expect(read.candidates!.map((c) => c.ipa)).toEqual(expect.arrayContaining(['/ɹ//iː//d/', '/ɹ//ɛ//d/']));
    expect(read.candidates![0].source).toContain('espeak-ng:en-us');
    expect(read.candidates!.find((c) => c.ipa === '/ɹ//ɛ//d/')!.source).toBe('cmudict:read');
    expect(hello.candidates!.map((c) => c.source)).toEqual(expect.arrayContaining(['espeak-ng:en-gb', 'cmudict:hello(2)']));
    const ipas = hello.candidates!.map((c) => c.ipa);
    expect(new Set(ipas).size).toBe(ipas.length);
    for (const c of [...read.candidates!, ...hello.candidates!]) expect(c.log_likelihood).toBeUndefined();
    // Not for other languages, and not when switched off.
    expect((await generateIpa({ text: 'Tag', language: 'de' })).words[0].candidates).toBeUndefined();
    expect((await generateIpa({ text: 'read' }, { candidates: false })).words[0].candidates).toBeUndefined();
  });
});

describe('generateIpa: concurrency', () => {
  it('gives the same results for many concurrent calls across languages as sequentially', async () => {
    const jobs: [string, string][] = [
      ['The quick brown fox jumps over the lazy dog.', 'en-us'],
      ['hello world', 'en-gb'],
      ['Guten Morgen, wie geht es Ihnen?', 'de'],
      ['Je ne sais pas, mon ami.', 'fr-fr'],
      ['¿Dónde está la biblioteca?', 'es'],
      ['I read 3 books of the 21 on the shelf', 'en-us'],
      ['こんにちは せかい', 'ja'],
      ['\u13AF is a Cherokee letter', 'en-us'], // switches espeak's language for good in-process
      ['This is a test', 'en-us'],
    ];
    const sequential: string[] = [];
    for (const [text, language] of jobs) sequential.push((await generateIpa({ text, language })).ipa_phonemes);
    const order = Array.from({ length: 60 }, (_, k) => (k * 7) % jobs.length);
    const concurrent = await Promise.all(order.map((j) => generateIpa({ text: jobs[j][0], language: jobs[j][1] })));
    concurrent.forEach((result, k) => expect(result.ipa_phonemes).toBe(sequential[order[k]]));
    expect(sequential[8]).toBe('/ð//ɪ//s// //ɪ//z// //ɐ// //t//ɛ//s//t/');
  });
});

describe('generateIpa: bad input', () => {
  it('refuses empty and whitespace-only text', async () => {
    expect(await codeOf(generateIpa({ text: '' }))).toBe('INVALID_INPUT');
    expect(await codeOf(generateIpa({ text: ' \n\t ' }))).toBe('INVALID_INPUT');
    expect(await codeOf(generateIpa({ text: '!!! ...' }))).toBe(undefined); // espeak reads a lone "!" aloud
    expect(await codeOf(generateIpa({ text: '- -- ...,' }))).toBe('INVALID_INPUT');
  });

  it('refuses 100 kB of text with the limit in the message', async () => {
    const text = 'word '.repeat(20 * 1024);
    const error = await generateIpa({ text }).catch((e: unknown) => e as EngineError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('10000 characters') });
    expect(await codeOf(generateIpa({ text: 'a'.repeat(129) }))).toBe('INVALID_INPUT');
    // Just under the limit works.
    const long = await generateIpa({ text: 'go '.repeat(3333) }, { candidates: false });
    expect(long.words).toHaveLength(3333);
  });

  it('removes control characters deterministically', async () => {
    const clean = (await generateIpa({ text: 'hello world' })).ipa_phonemes;
    expect((await generateIpa({ text: 'hel\u0000lo\u0007 wor\u001bld\u007f\u0085' })).ipa_phonemes).toBe(clean);
    expect((await generateIpa({ text: 'hello\r\n\tworld' })).ipa_phonemes).toBe(clean);
    expect(await codeOf(generateIpa({ text: '\u0001\u0002\u0003' }))).toBe('INVALID_INPUT');
    // Lone surrogates arrive as U+FFFD: a result or a typed error, never a crash.
    const code = await codeOf(generateIpa({ text: 'a \uD800 b' }));
    expect(code === undefined || code === 'INVALID_INPUT').toBe(true);
  });

  it('refuses an unknown language with a pointer to the valid codes', async () => {
    const error = await generateIpa({ text: 'hello', language: 'xx-yy' }).catch((e: unknown) => e as EngineError);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_LANGUAGE', message: expect.stringContaining('g2pLanguages()') });
    expect(await codeOf(generateIpa({ text: 'hallo', language: 'de-DE' }))).toBe('UNSUPPORTED_LANGUAGE');
    expect(await codeOf(generateIpa({ text: 'hello', language: '' }))).toBe('UNSUPPORTED_LANGUAGE');
  });

  it('refuses malformed arguments', async () => {
    expect(await codeOf(generateIpa(undefined as never))).toBe('INVALID_INPUT');
    expect(await codeOf(generateIpa({ text: 42 } as never))).toBe('INVALID_INPUT');
    expect(await codeOf(generateIpa({ text: 'hi', language: 5 } as never))).toBe('INVALID_INPUT');
    expect(() => native().g2pTextToIpa(5 as never, 'en-us')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => native().g2pTextToIpa('hi', undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('turns an espeak-ng crash into INVALID_INPUT naming the word, and keeps working', async () => {
    // espeak-ng 1.51 aborts on "ⓜ" with the Punjabi voice (stack smashing); it runs in a helper.
    const error = await generateIpa({ text: 'ਸਤ \u24DC', language: 'pa' }).catch((e: unknown) => e as EngineError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('word 2') });
    expect((await generateIpa({ text: 'hello' })).ipa_phonemes).toBe('/h//ə//l//oʊ/');
  });

  it('survives random Unicode in every tested language', async () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const ranges: [number, number][] = [[0x20, 0x7e], [0xa0, 0x24f], [0x370, 0x52f], [0x900, 0xdff], [0x1100, 0x11ff], [0x3040, 0x30ff], [0x4e00, 0x4fff], [0x1f300, 0x1f5ff], [0, 0x1f]];
    const languages = ['en-us', 'de', 'ja', 'hi', 'pa', 'ru'];
    const texts = Array.from({ length: 60 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 20) }, () => {
        const [lo, hi] = ranges[Math.floor(next() * ranges.length)];
        return String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
      }).join(''),
    );
    const codes = await Promise.all(texts.map((text, k) => codeOf(generateIpa({ text, language: languages[k % languages.length] }, { candidates: false }))));
    for (const code of codes) expect(code === undefined || code === 'INVALID_INPUT').toBe(true);
    expect((await generateIpa({ text: 'hello' })).ipa_phonemes).toBe('/h//ə//l//oʊ/');
  });
});
