// Our target phones (IPA, as the active model writes them) -> the phones of an MFA acoustic model.
//
// Two phone sets, chosen by the acoustic model (phoneSetOfModel):
//   - english_mfa: MFA's IPA-like set. Inventory published with the english_mfa dictionary v3.1.0
//     and english_us_mfa (mfa-models: dictionary/english/mfa/v3.1.0/README.md,
//     dictionary/english/us_mfa/...): diphthongs are written as vowel + glide (aɪ -> aj), STRUT is ɐ.
//   - english_us_arpa: ARPAbet with stress digits (mfa-models: dictionary/english/us_arpa/v3.0.0),
//     39 phones, the 15 vowels in three stresses: 69.
//
// How a phone is resolved (resolvePhone), against the inventory the running acoustic model reports
// (the helper's ready message) or, where none was reported, the published one below:
//   1. english_mfa only: the phone itself, when the model has it (a target already in MFA's phones);
//   2. the table's candidates, in order: the first whose phones the model all has. The first
//      candidate is the equivalent; later ones are the documented nearest phones;
//   3. nearest-phone fallbacks, each documented and reported (`fallback`):
//      a. without length marks (ɑː -> ɑ when the table has no ɑː entry of its own);
//      b. without diacritics and modifier letters (tʰ -> t, ɑ̃ -> ɑ, n̩ -> n);
//      c. a compound read as a sequence of table phones, longest first (espeak's ɑːɹ -> ɑː + ɹ);
//   4. otherwise MfaPhoneMappingError naming the phone.
// ARPAbet stress is not in our targets (stress marks separate phones; lib/phonetics/ipa.ts drops them):
// full vowels take primary stress (1), the reduced ə ɐ ɚ ᵻ and unstressed i take 0.

export type PhoneSetName = 'english_mfa' | 'english_us_arpa';

export const PHONE_SETS: readonly PhoneSetName[] = ['english_mfa', 'english_us_arpa'];

/** Published inventories (see the header), used when the running model's own was not reported. */
export const PUBLISHED_INVENTORIES: Record<PhoneSetName, readonly string[]> = {
  english_mfa: [
    // english_mfa dictionary v3.1.0 (all dialects of the english_mfa acoustic model)
    ...'a aj aw aː b bʲ c cʰ cʷ d dʒ dʲ d̪ e ej eː f fʲ h i iː j k kp kʰ kʷ l m mʲ m̩ n o ow oː p pʰ pʲ pʷ s t tʃ tʰ tʲ tʷ t̪ u uː v vʲ w z æ ç ð ŋ ɐ ɑ ɑː ɒ ɒː ɔ ɔj ɖ ə əw ɚ ɛ ɛː ɜ ɜː ɝ ɟ ɟʷ ɡ ɡʷ ɪ ɫ ɲ ɹ ɾ ʃ ʈ ʈʲ ʈʷ ʉ ʉː ʊ ʋ ʎ ʒ θ'.split(' '),
    // english_us_mfa's additions
    ...'n̩ ɫ̩ ɱ ɾʲ ɾ̃ ʔ'.split(' '),
  ].map((p) => p.normalize('NFC')),
  english_us_arpa: [
    ...['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW'].flatMap((v) => [`${v}0`, `${v}1`, `${v}2`]),
    ...'B CH D DH F G HH JH K L M N NG P R S SH T TH V W Y Z ZH'.split(' '),
  ],
};

/**
 * Candidates for each of our phones, in order; each a space-separated sequence of MFA phones. The
 * first is the equivalent, later ones the nearest phones where a model lacks the first.
 */
export const PHONE_TABLES: Record<PhoneSetName, Readonly<Record<string, readonly string[]>>> = {
  english_mfa: {
    // vowels
    ʌ: ['ɐ'],
    ɐ: ['ɐ', 'ə'],
    ə: ['ə'],
    ɑ: ['ɑ', 'ɑː'],
    ɑː: ['ɑː', 'ɑ'],
    a: ['a', 'æ'],
    aː: ['aː', 'a', 'ɑː'],
    æ: ['æ'],
    ɒ: ['ɒ', 'ɑ'],
    ɒː: ['ɒː', 'ɒ', 'ɑ'],
    ɔ: ['ɔ', 'ɒ'],
    ɔː: ['ɔ', 'ɒː', 'ɒ'],
    e: ['e', 'ɛ'],
    eː: ['eː', 'ɛː', 'e', 'ɛ'],
    ɛ: ['ɛ'],
    ɛː: ['ɛː', 'ɛ'],
    ɪ: ['ɪ'],
    ᵻ: ['ɪ', 'ə'],
    i: ['i', 'iː'],
    iː: ['iː', 'i'],
    ʊ: ['ʊ'],
    u: ['u', 'ʉ', 'uː'],
    uː: ['uː', 'ʉː', 'u'],
    ʉ: ['ʉ', 'u'],
    ʉː: ['ʉː', 'uː'],
    o: ['o', 'ow'],
    oː: ['oː', 'o', 'ow'],
    ɚ: ['ɚ', 'ə ɹ'],
    ɝ: ['ɝ', 'ɜː', 'ɚ'],
    ɜ: ['ɜ', 'ɝ', 'ɜː'],
    ɜː: ['ɜː', 'ɝ'],
    // diphthongs: vowel + glide in MFA's set
    aɪ: ['aj'],
    aʊ: ['aw'],
    eɪ: ['ej'],
    oʊ: ['ow', 'əw'],
    əʊ: ['əw', 'ow'],
    ɔɪ: ['ɔj'],
    // consonants whose spelling differs, and nearest phones
    g: ['ɡ'],
    r: ['ɹ'],
    ɻ: ['ɹ'],
    l: ['l', 'ɫ'],
    ɫ: ['ɫ', 'l'],
    l̩: ['ɫ̩', 'ə ɫ', 'ə l'],
    n̩: ['n̩', 'ə n'],
    m̩: ['m̩', 'ə m'],
    ɾ: ['ɾ', 't'],
    ʔ: ['ʔ', 't'],
    ʍ: ['w'],
    x: ['k'],
    ts: ['t s'],
    dz: ['d z'],
  },
  english_us_arpa: {
    ɑ: ['AA1'],
    ɑː: ['AA1'],
    a: ['AA1'],
    ɒ: ['AA1'],
    æ: ['AE1'],
    ʌ: ['AH1'],
    ə: ['AH0'],
    ɐ: ['AH0'],
    ɔ: ['AO1'],
    ɔː: ['AO1'],
    aʊ: ['AW1'],
    aɪ: ['AY1'],
    ɛ: ['EH1'],
    e: ['EH1'],
    ɚ: ['ER0'],
    ɝ: ['ER1'],
    ɜ: ['ER1'],
    ɜː: ['ER1'],
    eɪ: ['EY1'],
    ɪ: ['IH1'],
    ᵻ: ['IH0'],
    i: ['IY0'],
    iː: ['IY1'],
    oʊ: ['OW1'],
    əʊ: ['OW1'],
    o: ['OW1'],
    ɔɪ: ['OY1'],
    ʊ: ['UH1'],
    u: ['UW1'],
    uː: ['UW1'],
    ʉ: ['UW1'],
    ʉː: ['UW1'],
    b: ['B'],
    tʃ: ['CH'],
    d: ['D'],
    ð: ['DH'],
    f: ['F'],
    ɡ: ['G'],
    g: ['G'],
    h: ['HH'],
    dʒ: ['JH'],
    k: ['K'],
    l: ['L'],
    ɫ: ['L'],
    l̩: ['AH0 L'],
    m: ['M'],
    m̩: ['AH0 M'],
    n: ['N'],
    n̩: ['AH0 N'],
    ŋ: ['NG'],
    p: ['P'],
    ɹ: ['R'],
    r: ['R'],
    ɻ: ['R'],
    s: ['S'],
    ʃ: ['SH'],
    t: ['T'],
    ɾ: ['T'],
    ʔ: ['T'],
    θ: ['TH'],
    v: ['V'],
    w: ['W'],
    ʍ: ['W'],
    j: ['Y'],
    z: ['Z'],
    ʒ: ['ZH'],
    x: ['K'],
    ts: ['T S'],
    dz: ['D Z'],
  },
};

/** The phone set of an acoustic model by its name or file name (english_mfa, english_us_arpa, ...zip). */
export function phoneSetOfModel(acousticModel: string, reportedPhones?: readonly string[]): PhoneSetName | undefined {
  const base = acousticModel.split(/[\\/]/u).pop()!.replace(/\.(zip|am)$/iu, '').toLowerCase();
  if (base.includes('arpa')) return 'english_us_arpa';
  if (base.startsWith('english') && base.includes('mfa')) return 'english_mfa';
  // An unnamed model: ARPAbet when its phones look like ARPAbet (AA1, ...), else MFA's IPA-like set.
  if (reportedPhones && reportedPhones.length > 0) return reportedPhones.some((p) => /^[A-Z]{1,2}[012]$/u.test(p)) ? 'english_us_arpa' : 'english_mfa';
  return undefined;
}

export class MfaPhoneMappingError extends Error {
  readonly phone: string;
  readonly phoneSet: PhoneSetName;
  constructor(phone: string, phoneSet: PhoneSetName) {
    super(`target phone "${phone}" has no equivalent or documented nearest phone in MFA's ${phoneSet} phone set (lib/mfa/phone-tables.ts)`);
    this.name = 'MfaPhoneMappingError';
    this.phone = phone;
    this.phoneSet = phoneSet;
  }
}

export interface ResolvedPhone {
  /** MFA phones, one or more, aligned as this one target phone. */
  mfa: string[];
  /** Which step resolved it: 'identity', 'table' (the first candidate), 'nearest' (a later candidate) or a fallback. */
  how: 'identity' | 'table' | 'nearest' | 'without-length' | 'without-diacritics' | 'compound';
}

const LENGTH_MARKS = /[ːˑ]/gu;
const stripDiacritics = (phone: string) => phone.normalize('NFD').replace(/[\p{Mn}\p{Lm}]/gu, '').normalize('NFC');

export class PhoneMapper {
  readonly phoneSet: PhoneSetName;
  private readonly inventory: ReadonlySet<string>;
  private readonly table: Readonly<Record<string, readonly string[]>>;
  private readonly keys: string[];
  private readonly cache = new Map<string, ResolvedPhone | null>();

  /** `inventory`: the acoustic model's phones as it reported them; the published ones when absent. */
  constructor(phoneSet: PhoneSetName, inventory?: Iterable<string>) {
    this.phoneSet = phoneSet;
    this.inventory = new Set([...(inventory ?? PUBLISHED_INVENTORIES[phoneSet])].map((p) => p.normalize('NFC')));
    this.table = Object.fromEntries(Object.entries(PHONE_TABLES[phoneSet]).map(([k, v]) => [k.normalize('NFC'), v]));
    this.keys = Object.keys(this.table).sort((a, b) => b.length - a.length);
  }

  /** The MFA phones for one of our phones; MfaPhoneMappingError when none applies. */
  resolve(phone: string): ResolvedPhone {
    const key = phone.normalize('NFC');
    if (!this.cache.has(key)) this.cache.set(key, this.lookup(key));
    const resolved = this.cache.get(key);
    if (!resolved) throw new MfaPhoneMappingError(phone, this.phoneSet);
    return resolved;
  }

  private has(sequence: string): boolean {
    return sequence.split(' ').every((p) => this.inventory.has(p));
  }

  /** Steps 1-2: the phone itself or a table candidate. */
  private direct(phone: string): ResolvedPhone | null {
    if (this.phoneSet === 'english_mfa' && this.inventory.has(phone)) return { mfa: [phone], how: 'identity' };
    const candidates = this.table[phone] ?? [];
    const k = candidates.findIndex((c) => this.has(c));
    return k < 0 ? null : { mfa: candidates[k].split(' '), how: k === 0 ? 'table' : 'nearest' };
  }

  private lookup(phone: string): ResolvedPhone | null {
    const direct = this.direct(phone);
    if (direct) return direct;
    const short = phone.replace(LENGTH_MARKS, '');
    if (short && short !== phone) {
      const r = this.direct(short);
      if (r) return { mfa: r.mfa, how: 'without-length' };
    }
    const bare = stripDiacritics(phone);
    if (bare && bare !== phone && bare !== short) {
      const r = this.direct(bare);
      if (r) return { mfa: r.mfa, how: 'without-diacritics' };
    }
    const parts = this.compound(phone);
    return parts ? { mfa: parts, how: 'compound' } : null;
  }

  /** Step 3c: the phone as two or more table phones (longest first), each resolved directly. */
  private compound(phone: string): string[] | null {
    const out: string[] = [];
    let rest = phone;
    let pieces = 0;
    while (rest.length > 0) {
      const key = this.keys.find((k) => rest.startsWith(k) && this.direct(k)) ?? [...rest][0];
      const r = this.direct(key);
      if (!r) return null;
      out.push(...r.mfa);
      rest = rest.slice(key.length);
      pieces += 1;
    }
    return pieces >= 2 ? out : null;
  }
}
