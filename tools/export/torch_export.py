"""The generic torch -> ONNX step every exporter uses: export with named inputs/outputs and
dynamic batch/time axes, then a structural check of the file. Needs torch (and onnx)."""
import inspect

import onnx
import torch

OPSET = 17


def export(module, example_inputs, path, *, input_names, output_names, dynamic_axes, opset=OPSET):
    """Exports module(*example_inputs) to path and checks the graph's inputs/outputs are named
    as asked. Returns the loaded ONNX model."""
    module.eval()
    extra = {}
    if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
        extra['dynamo'] = False  # the TorchScript exporter, which honours dynamic_axes (newer torch defaults to dynamo)
    with torch.no_grad():
        torch.onnx.export(module, tuple(example_inputs), path, opset_version=opset, input_names=list(input_names),
                          output_names=list(output_names), dynamic_axes=dynamic_axes, do_constant_folding=True, **extra)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    got_in = [i.name for i in model.graph.input]
    got_out = [o.name for o in model.graph.output]
    if got_in != list(input_names) or got_out != list(output_names):
        raise RuntimeError(f'{path}: exported inputs {got_in} / outputs {got_out}, expected {list(input_names)} / '
                           f'{list(output_names)} (an unused input is dropped by the exporter)')
    return model


def lengths_mask(lengths, size):
    """[B] lengths -> [B, size] mask of positions < length (int64, as HF attention_mask)."""
    return (torch.arange(size, device=lengths.device)[None, :] < lengths[:, None]).long()
