// Folding for the G2P evaluation: what counts as "the same pronunciation" when generated IPA
// (espeak-ng's phones, or CMUdict's through lib/g2p/cmudict.ts) is compared with the corpus
// lexicon (ARPAbet with stress digits). Only notational differences are folded; every rule is
// applied to both sides, in this order:
//
//   1. espeak-ng's phones -> the ARPAbet-consistent IPA set, with tools/synth/inventory.json's
//      `espeak_to_arpabet_ipa` (the table the rest of the evaluation folds with): compounds are
//      split (ɑːɹ -> ɑː ɹ, əl -> ə l, n̩ -> ə n), allophones take their phoneme (ɾ -> t, ɐ -> ə,
//      ᵻ -> ɪ, ʔ -> t), en-us/en-gb vowel letters take ARPAbet's (ɔ -> ɔː, oː -> ɔː, ɒ -> ɑː);
//      and the en-gb diphthongs that table lacks (it was made for en-us), EN_GB_DIPHTHONGS:
//      əʊ -> oʊ, eə -> ɛ ə, ɪə -> ɪ ə, ʊə -> ʊ ə.
//   2. Length marks are removed (iː = i, ɑː = ɑ): ARPAbet's IPA writes length from stress
//      digits (IY1 iː, IY0 i), espeak-ng from its own stress, and the lexicon's digits are not
//      consistent (CAT is K AE0 T).
//   3. ʌ -> ə: the same stress-digit notation (AH1 ʌ, AH0 ə).
//   4. r-coloured vowels are schwa + ɹ (ɚ -> ə ɹ, ɜ -> ə ɹ; ER1 and ER0 are one ARPAbet
//      phone), and ɹ ɹ is one ɹ (espeak's ɜːɹ in "hurry" against ARPAbet's ER).
//
// Nothing else is folded: a reduced vowel (NOT as n ə t), a missing ɹ (FOR as f ɔ), ɪ for ə,
// a flap written for d (ɾ folds to t) stay mismatches, classified by eval/g2p-mismatch.ts.
import { makeFolder, readFoldMap, type FoldMap } from './fold-phones.js';

/** en-gb phones missing from inventory.json's en-us table. */
export const EN_GB_DIPHTHONGS: Readonly<Record<string, readonly string[]>> = { əʊ: ['oʊ'], eə: ['ɛ', 'ə'], ɪə: ['ɪ', 'ə'], ʊə: ['ʊ', 'ə'] };

export const G2P_FOLDING_RULES = [
  "espeak-ng phones -> ARPAbet-consistent IPA (tools/synth/inventory.json espeak_to_arpabet_ipa: compounds split, ɾ -> t, ɐ -> ə, ᵻ -> ɪ, ɔ/oː -> ɔː; en-gb əʊ -> oʊ, eə/ɪə/ʊə -> ɛ/ɪ/ʊ ə)",
  'length marks removed (iː = i)',
  'ʌ -> ə (stress notation)',
  'r-coloured vowels ɚ, ɜ -> ə ɹ; ɹ ɹ -> ɹ',
] as const;

const LENGTH_MARKS = /[ːˑ]/gu;

export type PhoneFold = (phones: readonly string[]) => string[];

/** The folding above, with the espeak table read from inventory.json unless given. */
export function makeG2pFold(map: FoldMap = readFoldMap()): PhoneFold {
  const toArpabetIpa = makeFolder({ ...EN_GB_DIPHTHONGS, ...map });
  return (phones) => {
    const out: string[] = [];
    for (const phone of phones.flatMap((p) => toArpabetIpa(p))) {
      const short = phone.replace(LENGTH_MARKS, '');
      const folded = short === 'ʌ' ? ['ə'] : short === 'ɚ' || short === 'ɜ' ? ['ə', 'ɹ'] : [short];
      for (const p of folded) {
        if (p === 'ɹ' && out[out.length - 1] === 'ɹ') continue;
        if (p) out.push(p);
      }
    }
    return out;
  };
}
