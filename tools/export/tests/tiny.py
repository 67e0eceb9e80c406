"""Tiny real ONNX graphs with each exporter's input/output signature (dynamic batch and time
axes), built with onnx.helper (no torch), plus a numpy forward for the waveform one. Fixed
random weights: they test the bundle plumbing and the self-check, they recognise nothing."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET, IR_VERSION = 17, 8
KERNEL, STRIDE, CHANNELS = 400, 320, 8


def _save(nodes, name, inputs, outputs, inits, path):
    graph = helper.make_graph(nodes, name, inputs, outputs, [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)])
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, path)


def waveform_model(path, vocab, seed=1, perturb=0.0):
    """input_values [B, N], input_lengths [B] -> logits [B, T', V], logit_lengths [B]
    (T' = (N - 400) // 320 + 1, as wav2vec2). Returns the numpy forward of one utterance."""
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((CHANNELS, 1, KERNEL)) * 0.05).astype(np.float32)
    p = (rng.standard_normal((CHANNELS, vocab)) * 0.8).astype(np.float32)
    b = (rng.standard_normal(vocab) * 0.2 + perturb).astype(np.float32)
    nodes = [
        helper.make_node('Unsqueeze', ['input_values', 'axis1'], ['x3']),
        helper.make_node('Conv', ['x3', 'w'], ['conv'], kernel_shape=[KERNEL], strides=[STRIDE]),
        helper.make_node('Tanh', ['conv'], ['act']),
        helper.make_node('Transpose', ['act'], ['frames'], perm=[0, 2, 1]),
        helper.make_node('MatMul', ['frames', 'p'], ['proj']),
        helper.make_node('Add', ['proj', 'b'], ['logits']),
        helper.make_node('Sub', ['input_lengths', 'kernel'], ['l0']),
        helper.make_node('Div', ['l0', 'stride'], ['l1']),
        helper.make_node('Add', ['l1', 'one'], ['logit_lengths']),
    ]
    _save(nodes, 'tiny_wav2vec2',
          [helper.make_tensor_value_info('input_values', TensorProto.FLOAT, ['B', 'N']),
           helper.make_tensor_value_info('input_lengths', TensorProto.INT64, ['B'])],
          [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['B', 'T', vocab]),
           helper.make_tensor_value_info('logit_lengths', TensorProto.INT64, ['B'])],
          {'axis1': np.array([1], np.int64), 'w': w, 'p': p, 'b': b, 'kernel': np.array(KERNEL, np.int64),
           'stride': np.array(STRIDE, np.int64), 'one': np.array(1, np.int64)}, path)

    def forward(samples):
        x = np.asarray(samples, dtype=np.float64)
        n = (len(x) - KERNEL) // STRIDE + 1
        win = np.stack([x[t * STRIDE:t * STRIDE + KERNEL] for t in range(n)])
        return np.tanh(win @ w[:, 0, :].astype(np.float64).T) @ p.astype(np.float64) + b
    return forward


def pooled_fbank_model(path, vocab, *, feats='x', lengths='x_lens', output='log_probs',
                       lengths_output='log_probs_len', prefix_ids=0, extra_inputs=(), seed=2):
    """feats [B, T, 80] (+ lengths [B]) -> output [B, prefix + T // 4, V] log-probs and
    lengths_output [B] (= prefix + lengths // 4). prefix_ids > 0 adds a `prefix` int64 [B, 2]
    input whose embeddings become 2 leading frames (POWSM-CTC's layout). extra_inputs: more
    int64 inputs of rank 1 or 2 that the graph accepts (e.g. text_prev) and ignores."""
    rng = np.random.default_rng(seed)
    hidden = 6
    inits = {'pw': (rng.standard_normal((80, hidden)) * 0.2).astype(np.float32),
             'ow': (rng.standard_normal((hidden, vocab)) * 0.9).astype(np.float32),
             'four': np.array(4, np.int64)}
    nodes = [
        helper.make_node('Transpose', [feats], ['cf'], perm=[0, 2, 1]),
        helper.make_node('AveragePool', ['cf'], ['pooled_cf'], kernel_shape=[4], strides=[4]),
        helper.make_node('Transpose', ['pooled_cf'], ['pooled'], perm=[0, 2, 1]),
        helper.make_node('MatMul', ['pooled', 'pw'], ['audio_h']),
    ]
    inputs = [helper.make_tensor_value_info(feats, TensorProto.FLOAT, ['B', 'T', 80]),
              helper.make_tensor_value_info(lengths, TensorProto.INT64, ['B'])]
    h = 'audio_h'
    nodes.append(helper.make_node('Div', [lengths, 'four'], ['plen']))
    plen = 'plen'
    if prefix_ids:
        inits['embed'] = (rng.standard_normal((prefix_ids, hidden))).astype(np.float32)
        inits['two'] = np.array(2, np.int64)
        nodes += [helper.make_node('Gather', ['embed', 'prefix'], ['prefix_h'], axis=0),
                  helper.make_node('Concat', ['prefix_h', 'audio_h'], ['all_h'], axis=1),
                  helper.make_node('Add', ['plen', 'two'], ['plen2'])]
        inputs.append(helper.make_tensor_value_info('prefix', TensorProto.INT64, ['B', 2]))
        h, plen = 'all_h', 'plen2'
    for name, rank in extra_inputs:
        inputs.append(helper.make_tensor_value_info(name, TensorProto.INT64, ['B', 'L'][:rank]))
    nodes += [helper.make_node('Tanh', [h], ['act']),
              helper.make_node('MatMul', ['act', 'ow'], ['logits']),
              helper.make_node('LogSoftmax', ['logits'], [output], axis=-1),
              helper.make_node('Identity', [plen], [lengths_output])]
    _save(nodes, 'tiny_fbank', inputs,
          [helper.make_tensor_value_info(output, TensorProto.FLOAT, ['B', 'F', vocab]),
           helper.make_tensor_value_info(lengths_output, TensorProto.INT64, ['B'])], inits, path)


def test_signal(n, seed=3):
    t = np.arange(n) / 16000.0
    rng = np.random.default_rng(seed)
    return ((0.5 + 0.4 * np.sin(2 * np.pi * 3 * t)) * (0.6 * np.sin(2 * np.pi * 220 * t) + 0.3 * np.sin(2 * np.pi * 1330 * t))
            + 0.01 * rng.standard_normal(n)).astype(np.float32)
