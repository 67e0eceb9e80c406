#!/usr/bin/env node
// pronunciation-engine assess <audio> --target "<ipa>" [--model DIR] [--pretty]
// pronunciation-engine recognize <audio> [--model DIR]
// pronunciation-engine logprobs <audio> [--model DIR] (--json | --f32 FILE)
// pronunciation-engine ipa "<text>" [--lang en-us] [--casing auto|words|letters] [--audio FILE] [--model DIR] | ipa --languages
// pronunciation-engine web [--port P] [--host H] [--model DIR]
// pronunciation-engine --version
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { load } from './engine.js';
import { EngineError, toEngineError } from './errors.js';
import { formatAssessment } from './format-table.js';
import { CASING_MODES, g2pLanguages, generateIpa, type CasingMode } from './g2p/generate-ipa.js';
import { mfaOptionsFromEnv } from './mfa/options.js';
import { ALIGNERS, STRICTNESS_LEVELS } from './types.js';

const USAGE = `Usage:
  pronunciation-engine assess <audio> --target "<ipa>" [--model DIR] [--provider cpu|cuda] [--precision fp32|fp16] [--strictness lenient|balanced|strict] [--aligner ctc|mfa [--strict-aligner]] [--pretty]
  pronunciation-engine recognize <audio> [--model DIR] [--provider cpu|cuda] [--precision fp32|fp16]
  pronunciation-engine logprobs <audio> [--model DIR] [--provider cpu|cuda] [--precision fp32|fp16] (--json | --f32 FILE)
  pronunciation-engine ipa "<text>" [--lang en-us] [--casing auto|words|letters] [--audio FILE [--model DIR] [--provider cpu|cuda]]
  pronunciation-engine ipa --languages
  pronunciation-engine web [--port 8080] [--host 127.0.0.1] [--model DIR] [--provider cpu|cuda]
  pronunciation-engine --version

<audio> is a file path (WAV, FLAC, OGG, Opus, MP3; WebM and MP4 through ffmpeg).
--model defaults to the bundled model (models/default). Prints the contract JSON;
--pretty prints a table instead. --precision fp16 runs the bundle's model_fp16. Errors go to stderr as {"code","message"} JSON.
ipa prints the IPA of the text ({"ipa_phonemes","phonemes",...}); with --audio, each word's
pronunciation is chosen to fit the recording. --casing says how words in capitals are read:
auto (default: as words in text typed in capitals, as espeak-ng reads them elsewhere), words,
or letters. --languages lists the language codes.
logprobs prints the model's frame log-probabilities as the engine computes them (frontend + ONNX,
skip_frames dropped): --json prints {"model","num_frames","vocab_size","frame_shift_samples",
"log_probs":[[...], ...]}; --f32 FILE writes them as row-major float32 little-endian instead and
prints the same JSON without "log_probs".
web serves a page to record or upload a sentence and see each phone's verdict, with its JSON API,
on http://127.0.0.1:8080/ until Ctrl+C; --host 0.0.0.0 (or any non-loopback address) exposes it
to the network, with a warning. Caps: AUDIO_MAX_BYTES, AUDIO_MAX_DURATION_SEC as for the workers.
--aligner mfa takes the spans from the Montreal Forced Aligner (installed separately; MFA_PYTHON,
MFA_ACOUSTIC_MODEL, MFA_COMMAND, ... in the environment, README "MFA"); where MFA fails the spans are
CTC's and "alignment" says why, or with --strict-aligner the command fails with ALIGNMENT_FAILED.`;

/** An option's value when it is one of `allowed` (or absent); otherwise an INVALID_INPUT naming them. */
function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new EngineError('INVALID_INPUT', `${option} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not "${value}"`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string', short: 't' },
      model: { type: 'string', short: 'm' },
      provider: { type: 'string' },
      precision: { type: 'string' },
      threads: { type: 'string' },
      pretty: { type: 'boolean', default: false },
      lang: { type: 'string', short: 'l' },
      casing: { type: 'string' },
      audio: { type: 'string', short: 'a' },
      languages: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      f32: { type: 'string' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      aligner: { type: 'string' },
      'strict-aligner': { type: 'boolean', default: false },
      strictness: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  const [command, audio, ...extra] = positionals;
  if (values.version) {
    // The package refers to itself by name, through its exports map.
    const { version } = createRequire(import.meta.url)('pronunciation-engine/package.json') as { version: string };
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (command === 'ipa') return ipaCommand(positionals.slice(1), values);
  if (command === 'web') {
    if (positionals.length > 1) throw new EngineError('INVALID_INPUT', `web takes no positional arguments.\n${USAGE}`);
    const { webCommand } = await import('../web/command.js');
    return webCommand(values);
  }
  if (!audio || extra.length > 0) throw new EngineError('INVALID_INPUT', `Expected exactly one audio file.\n${USAGE}`);
  if (values.provider !== undefined && values.provider !== 'cpu' && values.provider !== 'cuda') {
    throw new EngineError('INVALID_INPUT', `--provider must be cpu or cuda, not "${values.provider}"`);
  }
  if (values.precision !== undefined && values.precision !== 'fp32' && values.precision !== 'fp16') {
    throw new EngineError('INVALID_INPUT', `--precision must be fp32 or fp16, not "${values.precision}"`);
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new EngineError('INVALID_INPUT', '--threads must be a positive integer');

  const aligner = oneOf('--aligner', values.aligner, ALIGNERS);
  const strictness = oneOf('--strictness', values.strictness, STRICTNESS_LEVELS);
  if (values['strict-aligner'] && aligner !== 'mfa') throw new EngineError('INVALID_INPUT', '--strict-aligner goes with --aligner mfa');
  const mfa = aligner === 'mfa' ? { ...mfaOptionsFromEnv(process.env, true), ...(values['strict-aligner'] ? { strict: true } : {}) } : undefined;
  const engine = await load(values.model, {
    provider: values.provider as 'cpu' | 'cuda' | undefined,
    precision: values.precision as 'fp32' | 'fp16' | undefined,
    threads,
    aligner,
    mfa,
    strictness,
  });
  if (command === 'assess') {
    try {
      if (!values.target) throw new EngineError('INVALID_INPUT', 'assess needs --target "<ipa>"');
      const result = await engine.assess({ audio, targetIpa: values.target });
      process.stdout.write(values.pretty ? `${formatAssessment(result)}\n` : `${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      await engine.close();
    }
  }
  if (command === 'logprobs') {
    if (values.json === (values.f32 !== undefined)) throw new EngineError('INVALID_INPUT', `logprobs needs exactly one of --json or --f32 FILE.\n${USAGE}`);
    const result = await engine.logProbs(audio);
    const header = {
      model: engine.manifest.name,
      num_frames: result.numFrames,
      vocab_size: result.vocabSize,
      frame_shift_samples: engine.manifest.frameShiftSamples,
    };
    if (values.f32 !== undefined) {
      const bytes = new Uint8Array(result.logProbs.buffer, result.logProbs.byteOffset, result.logProbs.byteLength);
      await writeFile(values.f32, bytes);
      process.stdout.write(`${JSON.stringify(header)}\n`);
      return 0;
    }
    const rows: number[][] = [];
    for (let t = 0; t < result.numFrames; t++) rows.push(Array.from(result.logProbs.subarray(t * result.vocabSize, (t + 1) * result.vocabSize)));
    process.stdout.write(`${JSON.stringify({ ...header, log_probs: rows })}\n`);
    return 0;
  }
  if (command === 'recognize') {
    const result = await engine.recognize(audio);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  throw new EngineError('INVALID_INPUT', `Unknown command "${command}".\n${USAGE}`);
}

async function ipaCommand(
  words: string[],
  values: { lang?: string; casing?: string; audio?: string; model?: string; provider?: string; threads?: string; languages?: boolean },
): Promise<number> {
  if (values.languages) {
    process.stdout.write(`${JSON.stringify(g2pLanguages())}\n`);
    return 0;
  }
  if (words.length === 0) throw new EngineError('INVALID_INPUT', `ipa needs the text, e.g. pronunciation-engine ipa "hello world".\n${USAGE}`);
  if (values.provider !== undefined && values.provider !== 'cpu' && values.provider !== 'cuda') {
    throw new EngineError('INVALID_INPUT', `--provider must be cpu or cuda, not "${values.provider}"`);
  }
  if (values.casing !== undefined && !(CASING_MODES as readonly string[]).includes(values.casing)) {
    throw new EngineError('INVALID_INPUT', `--casing must be ${CASING_MODES.join(', ')}, not "${values.casing}"`);
  }
  const engine = values.audio ? await load(values.model, { provider: values.provider as 'cpu' | 'cuda' | undefined }) : undefined;
  const result = await generateIpa({ text: words.join(' '), language: values.lang, audio: values.audio }, { engine, casing: values.casing as CasingMode | undefined });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const engineError = error instanceof Error && String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS')
      ? new EngineError('INVALID_INPUT', `${error.message}\n${USAGE}`)
      : toEngineError(error);
    process.stderr.write(`${JSON.stringify(engineError.toJSON())}\n`);
    process.exitCode = engineError.code === 'INTERNAL' ? 1 : 2;
  },
);
