// Phonetics: IPA symbol classes, the normalisation layer (written IPA -> a model's phones) and
// articulatory substitution costs. README "IPA input and normalisation", "Substitution costs".
export { BARRIER_MARKS, IGNORED_MARKS, LOOKALIKES, VOWEL_BASES, WORD_SEPARATORS, canonical, isModifier, splitUnits } from './symbols.js';
export { MODIFIER_RULES, NORMALIZATION_RULES, PhoneMapper, forInventory, mapPhone, type ModifierRule, type NormalizationRule, type RuleKind } from './normalize.js';
export { FEATURE_NAMES, MODIFIER_FEATURES, SEGMENTS, SPELLING_ALIASES, featureKey, featureValue, hasFeatures, segmentFeatures, type Feature } from './features.js';
export { DISTINCT_FLOOR, FEATURE_WEIGHTS, SATURATION, phoneDistance, rawFeatureDistance, substitutionMatrix } from './distance.js';
