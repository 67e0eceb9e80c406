// Every binding reads its arguments through one helper (native/src/binding/args.h): a bad
// argument is INVALID_INPUT with the message "<function>: <path> must be <what>".
import { describe, expect, it } from 'vitest';
import { native, type FrontendConfig, type NativeModelConfig } from '../lib/native.js';

function thrown(call: () => unknown): { code?: string; message?: string } {
  try {
    const result = call();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  return {};
}

const KALDI = { type: 'kaldi_fbank', numMelBins: 80, frameLengthMs: 25, frameShiftMs: 10, dither: 0, preemphasis: 0.97, preemphasisScope: 'frame', removeDcOffset: true, window: 'povey', snipEdges: true, lowFreq: 20, highFreq: 0, logFloor: 1e-10 };
const MODEL = { onnxPath: 'x.onnx', provider: 'cpu', frontend: { type: 'waveform', normalize: true, epsilon: 1e-7 }, inputs: [{ name: 'x', source: 'features', dtype: 'float32' }], output: { name: 'y', kind: 'logits', skipFrames: 0 } };

describe('binding arguments', () => {
  const addon = native();
  it.each([
    ['decodeBuffer', () => addon.decodeBuffer('not bytes' as never, { maxDurationSec: 60 }), 'decodeBuffer: data must be a Uint8Array (or Buffer)'],
    ['decodeFile options', () => addon.decodeFile('a.wav', { maxDurationSec: -1 }), 'decodeFile: options.maxDurationSec must be a finite number above 0'],
    ['decodeSamples rate', () => addon.decodeSamples(new Float32Array(4), 44100.5, { maxDurationSec: 60 }), 'decodeSamples: sampleRate must be an integer in [1, 2147483647]'],
    ['resample', () => addon.resample(new Float32Array(4), 0, 16000), 'resample: fromRate must be a finite number above 0'],
    ['computeFeatures', () => addon.computeFeatures(new Float32Array(400), { ...KALDI, window: 'square' } as unknown as FrontendConfig), "computeFeatures: frontend.window must be one of 'povey', 'hann', 'hamming'"],
    ['ctcGreedyDecode', () => addon.ctcGreedyDecode(new Float32Array(6), 2.5, 3, 0), 'ctcGreedyDecode: numFrames must be an integer in [0, 2147483647]'],
    ['ctcForcedAlign length', () => addon.ctcForcedAlign(new Float32Array(5), 2, 3, 0, new Int32Array([1])), 'ctcForcedAlign: logProbs must be numFrames * vocabSize = 2 * 3 values long, not 5'],
    ['ctcLogLikelihoods', () => addon.ctcLogLikelihoods(new Float32Array(6), 2, 3, 0, [new Int32Array(1), [1] as never]), 'ctcLogLikelihoods: sequences[1] must be an Int32Array'],
    ['ctcAlternatives', () => addon.ctcAlternatives(new Float32Array(6), 2, 3, 0, new Int32Array([1]), [2] as never), 'ctcAlternatives: candidates must be an Int32Array'],
    ['editDistance', () => addon.editDistance(new Int32Array(1), new Int32Array(1), { numSymbols: 0, insertion: 1, deletion: 1 }), 'editDistance: costs.numSymbols must be an integer in [1, 65536]'],
    ['loadModel', () => addon.loadModel({ ...MODEL, output: { ...MODEL.output, skipFrames: -1 } } as NativeModelConfig), 'loadModel: config.output.skipFrames must be an integer in [0, 1048576]'],
    ['loadModel input', () => addon.loadModel({ ...MODEL, inputs: [{ name: 'x', source: 'elsewhere', dtype: 'float32' }] } as unknown as NativeModelConfig), "loadModel: config.inputs[0].source must be one of 'features', 'feature_length', 'sample_length', 'features_mask', 'constant'"],
    ['loadModel frontend', () => addon.loadModel({ ...MODEL, frontend: { type: 'waveform', normalize: 'yes', epsilon: 1e-7 } } as unknown as NativeModelConfig), 'loadModel: config.frontend.normalize must be a boolean'],
    ['g2pTextToIpa', () => addon.g2pTextToIpa('hello', 5 as never), 'g2pTextToIpa: language must be a string'],
    ['sentencepieceEncode', () => addon.sentencepieceEncode({}, 'x'), 'sentencepieceEncode: model must be a model from sentencepieceLoad()'],
  ])('%s', (_name, call, message) => {
    expect(thrown(call)).toMatchObject({ code: 'INVALID_INPUT', message });
  });
});
