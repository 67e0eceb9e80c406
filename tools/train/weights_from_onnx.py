"""Recovers a PyTorch state_dict of model.py from an exported bundle's model.onnx.

The checkpoint behind the shipped bundle is not kept in git, but its weights are: export.py
stores every parameter in model.onnx (float16-rounded, as float16 initialisers). Named
parameters keep their module names ("model.<name>__fp16"); the Linear weights became MatMul
initialisers ("onnx::MatMul_<n>__fp16", transposed), numbered in the order the graph uses them,
which is module order: proj_in, then per block ff1.net.1, ff1.net.4, att.qkv, att.proj,
ff2.net.1, ff2.net.4, then out. Shapes are checked against the model built from `config`.
"""
import re

import numpy as np
import onnx
import torch
from onnx import numpy_helper

LINEAR_ORDER_PER_BLOCK = ('ff1.net.1', 'ff1.net.4', 'att.qkv', 'att.proj', 'ff2.net.1', 'ff2.net.4')


def linear_names(layers):
    names = ['proj_in']
    for b in range(layers):
        names += [f'blocks.{b}.{n}' for n in LINEAR_ORDER_PER_BLOCK]
    return names + ['out']


def state_dict_from_onnx(path, model):
    """model: a freshly built model.py module (its shapes are the reference). Returns a state_dict."""
    graph = onnx.load(path).graph
    named, matmuls = {}, []
    for init in graph.initializer:
        value = torch.from_numpy(numpy_helper.to_array(init).astype(np.float32))
        name = init.name[:-len('__fp16')] if init.name.endswith('__fp16') else init.name
        m = re.fullmatch(r'onnx::MatMul_(\d+)', name)
        if m:
            matmuls.append((int(m.group(1)), value))
        elif name.startswith('model.'):
            named[name[len('model.'):]] = value
    matmuls.sort(key=lambda x: x[0])
    reference = model.state_dict()
    linears = linear_names(model.config['layers'])
    if len(matmuls) != len(linears):
        raise ValueError(f'{path}: {len(matmuls)} MatMul weights, the model has {len(linears)} Linear layers')
    for name, (_, w) in zip(linears, matmuls):
        named[f'{name}.weight'] = w.T.contiguous()
    missing = set(reference) - set(named)
    extra = set(named) - set(reference)
    if missing or extra:
        raise ValueError(f'{path}: missing {sorted(missing)}, unexpected {sorted(extra)}')
    for k, v in reference.items():
        if named[k].shape != v.shape:
            raise ValueError(f'{path}: {k} has shape {tuple(named[k].shape)}, the model {tuple(v.shape)}')
    return {k: named[k] for k in reference}
