// The addon's model keeps each result's log-probabilities in native memory (NativeLogProbs);
// the model tests compare them as arrays, so this wrapper copies them out of every result.
import { native, type InferenceResult, type NativeInference, type NativeModel, type NativeModelConfig } from '../../lib/native.js';

export interface JsModel {
  infer(samples: Float32Array, inputs?: Parameters<NativeModel['infer']>[1]): Promise<InferenceResult>;
  inferBatch(items: Float32Array[]): Promise<(InferenceResult | (Error & { code?: string }))[]>;
  info: NativeModel['info'];
}

/** A result with its log-probabilities copied into a Float32Array (the handle is released). */
export function inJs({ logProbs, timings }: NativeInference): InferenceResult {
  const values = logProbs.toFloat32Array();
  logProbs.release();
  return { logProbs: values, numFrames: logProbs.numFrames, vocabSize: logProbs.vocabSize, timings };
}

export function withArrays(model: NativeModel): JsModel {
  return {
    // Synchronous argument errors still throw synchronously.
    infer: (samples, inputs) => model.infer(samples, inputs).then(inJs),
    inferBatch: (items) => model.inferBatch(items).then((outcomes) => outcomes.map((o) => (o instanceof Error ? o : inJs(o)))),
    info: () => model.info(),
  };
}

export async function loadJsModel(config: NativeModelConfig): Promise<JsModel> {
  return withArrays(await native().loadModel(config));
}
