// A small fully connected network evaluated in TypeScript: standardised inputs, dense layers
// with ReLU between them, linear outputs. A network with one layer is a linear model. The
// scorer's networks have a few thousand weights, so this costs microseconds per phone.
import { z } from 'zod';

export const mlpSchema = z.strictObject({
  /** Input names, in the order of the first layer's columns. */
  features: z.array(z.string().min(1)).min(1),
  /** Standardisation: x' = (x - mean) / std, per input. */
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  /** Dense layers; weight is [outputs][inputs]. ReLU follows every layer but the last. */
  layers: z
    .array(z.strictObject({ weight: z.array(z.array(z.number())), bias: z.array(z.number()) }))
    .min(1),
  /** Output names, in the order of the last layer's rows. */
  outputs: z.array(z.string().min(1)).min(1),
});

export type MlpJson = z.output<typeof mlpSchema>;

export class Mlp {
  readonly features: readonly string[];
  readonly outputs: readonly string[];
  private readonly mean: Float64Array;
  private readonly std: Float64Array;
  private readonly layers: { weight: Float64Array; bias: Float64Array; rows: number; cols: number }[];

  /** Throws Error with the inconsistency (the caller wraps it with the file's name). */
  constructor(json: MlpJson) {
    const n = json.features.length;
    if (json.mean.length !== n || json.std.length !== n) throw new Error(`mean and std need ${n} values, one per feature`);
    let cols = n;
    this.layers = json.layers.map((layer, k) => {
      const rows = layer.weight.length;
      if (rows === 0 || layer.bias.length !== rows) throw new Error(`layer ${k}: ${rows} weight rows and ${layer.bias.length} biases`);
      const weight = new Float64Array(rows * cols);
      layer.weight.forEach((row, r) => {
        if (row.length !== cols) throw new Error(`layer ${k}: row ${r} has ${row.length} weights, the layer takes ${cols} inputs`);
        weight.set(row, r * cols);
      });
      const out = { weight, bias: Float64Array.from(layer.bias), rows, cols };
      cols = rows;
      return out;
    });
    if (cols !== json.outputs.length) throw new Error(`the last layer has ${cols} outputs, ${json.outputs.length} are named`);
    this.features = json.features;
    this.outputs = json.outputs;
    this.mean = Float64Array.from(json.mean);
    this.std = Float64Array.from(json.std);
  }

  /** Outputs for one input row (in `features` order). */
  apply(input: ArrayLike<number>): Float64Array {
    let x = new Float64Array(this.features.length);
    for (let i = 0; i < x.length; i++) x[i] = (input[i] - this.mean[i]) / this.std[i];
    this.layers.forEach((layer, k) => {
      const y = new Float64Array(layer.rows);
      for (let r = 0; r < layer.rows; r++) {
        let sum = layer.bias[r];
        const offset = r * layer.cols;
        for (let c = 0; c < layer.cols; c++) sum += layer.weight[offset + c] * x[c];
        y[r] = k < this.layers.length - 1 && sum < 0 ? 0 : sum;
      }
      x = y;
    });
    return x;
  }
}
