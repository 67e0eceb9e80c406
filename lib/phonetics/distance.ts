// Substitution costs from articulatory features (features.ts).
//
//   raw(a, b)  = Σ_f w_f |a_f - b_f|  /  (2 Σ_f w_f)            in [0, 1] (values are -1, 0, +1)
//   d(a, b)    = 0                                               same phone (same featureKey)
//              = FLOOR + (1 - FLOOR) * min(1, raw / SATURATION)  otherwise
//              = 1                                               either has no features
//
// Weights: major-class features (syllabic, consonantal) 3, sonorant / continuant / nasal and
// the place nodes (labial, coronal, dorsal) 2, voice, lateral, high, low and rhotic 1.5, the
// rest 1 or less (length, aspiration and glottalisation 0.5). The floor (0.1) makes every
// substitution cost something even between phones the features do not tell apart (ɹ ɻ).
// SATURATION (0.5) is about the raw distance between an obstruent and a vowel: such pairs cost
// the full 1, like a deletion or an insertion. d is symmetric and 0 only for the same phone;
// it satisfies the triangle inequality (a weighted L1 distance through a concave, increasing
// map with f(0+) >= 0).
import { FEATURE_COUNT, FEATURE_NAMES, featureKey, segmentFeatures, type Feature } from './features.js';

export const FEATURE_WEIGHTS: Readonly<Record<Feature, number>> = {
  syllabic: 3,
  sonorant: 2,
  consonantal: 3,
  continuant: 2,
  delayedRelease: 1,
  approximant: 1,
  nasal: 2,
  lateral: 1.5,
  strident: 1,
  tap: 1,
  trill: 1,
  voice: 1.5,
  spreadGlottis: 0.5,
  constrictedGlottis: 0.5,
  labial: 2,
  round: 1,
  labiodental: 0.5,
  coronal: 2,
  anterior: 1,
  distributed: 0.5,
  dorsal: 2,
  high: 1.5,
  low: 1.5,
  front: 1,
  back: 1,
  tense: 0.75,
  rhotic: 1.5,
  long: 0.5,
};

/** Smallest cost of a substitution between two different phones. */
export const DISTINCT_FLOOR = 0.1;
/** Raw feature distance at and above which a substitution costs 1. */
export const SATURATION = 0.5;

const WEIGHTS = Float32Array.from(FEATURE_NAMES, (name) => FEATURE_WEIGHTS[name]);
const NORMALISER = 2 * WEIGHTS.reduce((sum, w) => sum + w, 0);

/** The weighted feature distance of two vectors, in [0, 1], before the floor and saturation. */
export function rawFeatureDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let f = 0; f < FEATURE_COUNT; f++) sum += WEIGHTS[f] * Math.abs(a[f] - b[f]);
  return sum / NORMALISER;
}

function fromRaw(raw: number): number {
  return DISTINCT_FLOOR + (1 - DISTINCT_FLOOR) * Math.min(1, raw / SATURATION);
}

/** Substitution cost of phone `a` for phone `b`, in [0, 1]: 0 iff the same phone, symmetric, at least DISTINCT_FLOOR otherwise. */
export function phoneDistance(a: string, b: string): number {
  if (a === b || featureKey(a) === featureKey(b)) return 0;
  const va = segmentFeatures(a);
  const vb = segmentFeatures(b);
  if (!va || !vb) return 1;
  return fromRaw(rawFeatureDistance(va, vb));
}

/**
 * The n x n substitution costs of a model vocabulary (row-major: [i * n + j] is the cost of
 * phone i for phone j), n = phones.length. A null entry (blank, non-phone token) costs 1 against
 * everything, itself included.
 */
export function substitutionMatrix(phones: readonly (string | null)[]): Float32Array {
  const n = phones.length;
  const F = FEATURE_COUNT;
  const matrix = new Float32Array(n * n).fill(1);
  const keys = phones.map((p) => (p === null ? null : featureKey(p)));
  // Flat vectors, pre-multiplied by the weights: |w a - w b| = w |a - b| (weights are positive).
  const packed = new Float32Array(n * F);
  const known = new Uint8Array(n);
  phones.forEach((p, i) => {
    const v = p === null ? null : segmentFeatures(p);
    if (!v) return;
    known[i] = 1;
    for (let f = 0; f < F; f++) packed[i * F + f] = WEIGHTS[f] * v[f];
  });
  for (let i = 0; i < n; i++) {
    if (keys[i] === null) continue;
    matrix[i * n + i] = 0;
    for (let j = i + 1; j < n; j++) {
      if (keys[j] === null) continue;
      let cost = 1;
      if (keys[i] === keys[j]) cost = 0;
      else if (known[i] && known[j]) {
        let sum = 0;
        for (let f = 0, a = i * F, b = j * F; f < F; f++) sum += Math.abs(packed[a + f] - packed[b + f]);
        cost = fromRaw(sum / NORMALISER);
      }
      matrix[i * n + j] = cost;
      matrix[j * n + i] = cost;
    }
  }
  return matrix;
}
