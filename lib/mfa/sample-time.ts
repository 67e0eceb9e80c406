// Seconds as MFA writes them -> 16 kHz sample indices, computed exactly.
//
// MFA's times are decimal text (kalpy: frame count x 0.01 rounded to 3 decimals; praatio and MFA's
// exporters: 6 decimals; hand-made TextGrids: any double). Multiplying the double by 16000 in
// floating point can land just below an integer (0.285 * 16000 = 4559.999999999999), so a
// boundary could move by a sample depending on how it was rounded. Here the decimal is read as an
// exact fraction and rounded once, half away from zero: a time on MFA's 10 ms grid is exactly
// 160 samples per frame, and any decimal maps to the nearest sample.
import { SAMPLE_RATE } from '../types.js';

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The decimal text of `t`: as written (string), or the shortest text that reads back as the same double (number). */
function decimalText(t: number | string): string {
  if (typeof t === 'string') return t.trim();
  if (!Number.isFinite(t)) throw new RangeError(`time ${t} is not a finite number`);
  return String(t);
}

/**
 * round(t * rate) for a time in seconds, exactly (t as decimal text, or a double read through
 * its shortest decimal text, which is how MFA's JSON writer and JavaScript both print it).
 */
export function secondsToSamples(t: number | string, rate = SAMPLE_RATE): number {
  const text = decimalText(t);
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`"${text}" is not a decimal number of seconds`);
  const [, sign, whole, fraction = '', exponentText = '0'] = m;
  const exponent = Number(exponentText) - fraction.length;
  // value = digits * 10^exponent; samples = value * rate, rounded half away from zero.
  let numerator = BigInt(`${whole}${fraction}` || '0') * BigInt(rate);
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  const rounded = 2n * remainder >= denominator ? quotient + 1n : quotient;
  const samples = Number(rounded);
  return sign === '-' && samples !== 0 ? -samples : samples;
}
