// The target as MFA words: one unique token per target word ("w0", "w1", ...) whose only
// pronunciation is the target's phones mapped onto the acoustic model's phones, so MFA aligns
// exactly our phones and nothing from its own dictionary. Also the dictionary and transcript
// files' text.
import type { MfaNearestPhone } from '../types.js';
import type { PhoneMapper } from './phone-tables.js';

export interface MfaWord {
  token: string;
  /** MFA phones of the pronunciation. */
  phones: string[];
  /** For each of `phones`, the index of the target phone it stands for. */
  targetIndex: number[];
}

export interface MfaTarget {
  words: MfaWord[];
  /** Target phones that took a nearest phone rather than an equivalent (reported in the result). */
  nearest: MfaNearestPhone[];
}

/** Maps the target onto MFA words; MfaPhoneMappingError (phone-tables.ts) names a phone with no mapping. */
export function mfaTarget(targetPhones: readonly string[], wordOfPhone: readonly number[], mapper: PhoneMapper): MfaTarget {
  const words: MfaWord[] = [];
  const nearest: MfaNearestPhone[] = [];
  targetPhones.forEach((phone, i) => {
    const w = wordOfPhone[i];
    if (i === 0 || w !== wordOfPhone[i - 1]) words.push({ token: `w${words.length}`, phones: [], targetIndex: [] });
    const word = words[words.length - 1];
    const resolved = mapper.resolve(phone);
    if (resolved.how !== 'identity' && resolved.how !== 'table') nearest.push({ position: i, phone, mfa: resolved.mfa, how: resolved.how as MfaNearestPhone['how'] });
    for (const p of resolved.mfa) {
      word.phones.push(p);
      word.targetIndex.push(i);
    }
  });
  return { words, nearest };
}

/** MFA dictionary text: `token<TAB>p1 p2 ...`, one word per line (user_guide/dictionary.rst). */
export function dictionaryText(target: MfaTarget): string {
  return target.words.map((w) => `${w.token}\t${w.phones.join(' ')}\n`).join('');
}

export function transcriptText(target: MfaTarget): string {
  return `${target.words.map((w) => w.token).join(' ')}\n`;
}
