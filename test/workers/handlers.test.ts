// The two job handlers in process: input validation, the target resolution seam, the order of
// checks (IPA before any download), and the injected generateIpa of the g2p handler.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { load, type Engine } from '../../lib/engine.js';
import { fetchAudio } from '../../lib/audio/index.js';
import { createAssessHandler, type AudioFetcher } from '../../workers/assess/handler.js';
import { resolveTargetIpa } from '../../workers/assess/resolve-target-ipa.js';
import { parseAssessInput } from '../../workers/assess/schema.js';
import type { GenerateIpa } from '../../workers/g2p/generate-ipa.js';
import { generateIpa as realGenerateIpa } from '../../lib/g2p/generate-ipa.js';
import { createG2pHandler, parseG2pInput } from '../../workers/g2p/handler.js';
import { createLogger } from '../../workers/runtime/log.js';
import type { JobContext } from '../../workers/runtime/types.js';
import { contractViolations } from '../helpers/contract.js';
import { rejection, syncThrow } from '../helpers/outcomes.js';
import { ROOT, PLUMBING_MODEL } from './spawn-worker.js';

const RECORDING = readFileSync(join(ROOT, 'examples', '001040067.flac'));
const DATA_URI = `data:audio/flac;base64,${RECORDING.toString('base64')}`;
const TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';
const ctx = (): JobContext => ({ jobId: 'test', signal: new AbortController().signal, log: createLogger({ write: () => {} }) });

let engine: Engine;
beforeAll(async () => {
  engine = await load(PLUMBING_MODEL);
});

describe('assess input', () => {
  it('accepts the contract input', () => {
    expect(parseAssessInput({ audio_uri: 'https://h/a.webm', target_ipa: 'hɛloʊ', target_text: 'hello', language: 'en-us', options: { aligner: 'ctc' } })).toMatchObject({ audio_uri: 'https://h/a.webm' });
    expect(parseAssessInput({ audio_uri: 'https://h/a.webm', target_ipa: 'hɛloʊ', options: { aligner: 'mfa' } })).toMatchObject({ options: { aligner: 'mfa' } });
    expect(parseAssessInput({ audio_base64: 'AAAA', target_text: 'hello' })).toMatchObject({ target_text: 'hello' });
  });

  it.each([
    ['not an object', 'text', /input must be a JSON object/],
    ['an array', [], /input must be a JSON object/],
    ['no audio', { target_ipa: 'a' }, /No audio: give audio_uri .* or audio_base64/],
    ['both audios', { audio_uri: 'https://h/a', audio_base64: 'AAAA', target_ipa: 'a' }, /not both/],
    ['no target', { audio_uri: 'https://h/a' }, /No target: give target_ipa/],
    ['an unknown key', { audio_uri: 'https://h/a', target_ipa: 'a', speed: 2 }, /unknown field "speed".*accepted: audio_uri, audio_base64, target_ipa, target_text, language, options/],
    ['an unknown option', { audio_uri: 'https://h/a', target_ipa: 'a', options: { beam: 4 } }, /unknown field "beam" in options; accepted: aligner/],
    ['another aligner', { audio_uri: 'https://h/a', target_ipa: 'a', options: { aligner: 'hmm' } }, /options.aligner must be "ctc" or "mfa"/],
    ['a number as audio_uri', { audio_uri: 5, target_ipa: 'a' }, /audio_uri must be an https:\/\/, http:\/\/, s3:\/\/ or data: URI/],
    ['an empty target', { audio_uri: 'https://h/a', target_ipa: '  ' }, /target_ipa must not be empty/],
    ['a bad language', { audio_uri: 'https://h/a', target_ipa: 'a', language: 'english please' }, /language must be a language tag such as "en-us"/],
  ])('refuses %s with INVALID_INPUT saying what is accepted', (_name, input, message) => {
    const error = syncThrow(() => parseAssessInput(input));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(message);
  });
});

describe('resolveTargetIpa', () => {
  it('uses target_ipa as given, else turns target_text into IPA with generateIpa', async () => {
    expect(await resolveTargetIpa({ target_ipa: 'a b', target_text: 'x' }, { generateIpa: realGenerateIpa })).toBe('a b');
    const expected = (await realGenerateIpa({ text: 'hello', language: 'en-us' })).ipa_phonemes;
    expect(expected).toMatch(/^\/h\//);
    expect(await resolveTargetIpa({ target_text: 'hello', language: 'en-us' }, { generateIpa: realGenerateIpa, engine })).toBe(expected);
    expect((await rejection(resolveTargetIpa({}, { generateIpa: realGenerateIpa }))).code).toBe('INVALID_INPUT');
  });
});

describe('assess handler', () => {
  const fetcher = (): AudioFetcher & ReturnType<typeof vi.fn> => vi.fn((uri: string, { signal }: { signal: AbortSignal }) => fetchAudio(uri, { signal }));

  it('assesses audio_uri and audio_base64 to the contract JSON', async () => {
    const handler = createAssessHandler({ engine, generateIpa: realGenerateIpa, fetchAudio: fetcher() });
    const viaUri = await handler({ audio_uri: DATA_URI, target_ipa: TARGET }, ctx());
    expect(contractViolations(viaUri as never)).toEqual([]);
    const viaBase64 = await handler({ audio_base64: RECORDING.toString('base64'), target_ipa: TARGET, language: 'en-us' }, ctx());
    expect(viaBase64).toEqual(viaUri);
  });

  it('refuses options.aligner "mfa" with INVALID_INPUT, before downloading, where MFA is not configured', async () => {
    const fetchAudioSpy = fetcher();
    const handler = createAssessHandler({ engine, generateIpa: realGenerateIpa, fetchAudio: fetchAudioSpy });
    const error = await rejection(handler({ audio_uri: 'https://example.invalid/a.wav', target_ipa: TARGET, options: { aligner: 'mfa' } }, ctx()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/"mfa" is not available on this worker: MFA is not configured/);
    expect(fetchAudioSpy).not.toHaveBeenCalled();
  });

  it('refuses bad IPA before downloading anything, and caps audio_base64', async () => {
    const fetchAudioSpy = fetcher();
    const handler = createAssessHandler({ engine, generateIpa: realGenerateIpa, fetchAudio: fetchAudioSpy, maxBytes: 50_000 });
    expect((await rejection(handler({ audio_uri: 'https://example.invalid/a.wav', target_ipa: 'ǂ' }, ctx()))).code).toBe('IPA_INVALID');
    expect(fetchAudioSpy).not.toHaveBeenCalled();
    expect((await rejection(handler({ audio_base64: RECORDING.toString('base64'), target_ipa: TARGET }, ctx()))).code).toBe('AUDIO_TOO_LARGE');
  });

  it('assesses target_text through an injected generateIpa', async () => {
    const generateIpa: GenerateIpa = async () => ({ ipa_phonemes: TARGET, phonemes: [] });
    const handler = createAssessHandler({ engine, fetchAudio: fetcher(), generateIpa });
    const result = (await handler({ audio_uri: DATA_URI, target_text: 'Layla is good at surfing' }, ctx())) as { target_ipa: string };
    expect(result.target_ipa).toBe('l eɪ l ə ɪ z ɡ ʊ d æ t s ɜː f ɪ ŋ');
  });

  it('refuses audio over the duration cap (the decoder\'s maxDurationSec)', async () => {
    const short = await load(PLUMBING_MODEL, { maxDurationSec: 2 });
    const handler = createAssessHandler({ engine: short, generateIpa: realGenerateIpa, fetchAudio: fetcher() });
    const error = await rejection(handler({ audio_uri: DATA_URI, target_ipa: TARGET }, ctx()));
    expect(error.code).toBe('AUDIO_TOO_LONG');
  });
});

describe('g2p handler (generateIpa injected)', () => {
  it('validates {text, language, audio_uri?, casing?}', () => {
    expect(parseG2pInput({ text: 'hello world', language: 'en-us' })).toEqual({ text: 'hello world', language: 'en-us' });
    expect(parseG2pInput({ text: 'IT IS', language: 'en-us', casing: 'letters' })).toEqual({ text: 'IT IS', language: 'en-us', casing: 'letters' });
    expect(() => parseG2pInput({ text: 'IT IS', language: 'en-us', casing: 'LOUD' })).toThrow(/casing must be one of "auto", "words", "letters"/);
    expect(syncThrow(() => parseG2pInput({ text: 'hello' })).code).toBe('INVALID_INPUT');
    expect(syncThrow(() => parseG2pInput({ text: '', language: 'en-us' })).code).toBe('INVALID_INPUT');
    expect(syncThrow(() => parseG2pInput({ text: 'hi', language: 'en-us', voice: 'x' })).code).toBe('INVALID_INPUT');
    expect(syncThrow(() => parseG2pInput({ text: 'x'.repeat(2001), language: 'en-us' })).code).toBe('INVALID_INPUT');
  });

  it('serves the real generateIpa, with the fetched audio, and passes its typed errors on', async () => {
    const handler = createG2pHandler({ generateIpa: realGenerateIpa, engine, fetchAudio: (uri, { signal }) => fetchAudio(uri, { signal }) });
    const textOnly = await handler({ text: 'hello', language: 'en-us' }, ctx());
    expect(textOnly).toEqual(await realGenerateIpa({ text: 'hello', language: 'en-us' }));
    const withAudio = (await handler({ text: 'layla is good at surfing', language: 'en-us', audio_uri: DATA_URI }, ctx())) as { ipa_phonemes: string; words?: unknown[] };
    expect(withAudio.ipa_phonemes).toMatch(/^(\/[^/]+\/)+$/);
    expect(withAudio.words).toHaveLength(5); // a per-word note of the audio-guided choice
    expect((await rejection(handler({ text: 'a', language: 'xx-nope' }, ctx()))).code).toBe('UNSUPPORTED_LANGUAGE');
  });

  it('passes casing on to generateIpa (CMUdict: us AH1 S; us(2) Y UW2 EH1 S)', async () => {
    const handler = createG2pHandler({ generateIpa: realGenerateIpa, engine, fetchAudio: (uri, { signal }) => fetchAudio(uri, { signal }) });
    const us = async (input: object) => ((await handler({ text: 'SHE GAVE US A CAKE', language: 'en-us', ...input }, ctx())) as { words: { ipa: string }[] }).words[2].ipa;
    expect(await us({})).toBe('/ʌ//s/');
    expect(await us({ casing: 'letters' })).toBe('/j//uː//ɛ//s/');
  });
});
