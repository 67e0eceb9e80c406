"""Builds a benchmark model bundle: the wav2vec2-large CTC architecture (xlsr-53-espeak-cv-ft
shape: 24 layers, d 1024, 392 tokens) with RANDOM weights (seeded), exported to ONNX.

  /usr/bin/python3 bench/make_bench_model.py [--out DIR] [--seed 0] [--config large|small]
                                             [--fp16 auto|yes|no] [--no-b1]

Writes to DIR (default /work/data-bench/wav2vec2-large-random; outside git, ~2.6 GB for large):
  model.onnx (+ model.onnx.data)  inputs input_values [B,N] float32 (normalised samples) and
                                  attention_mask [B,N] int64; outputs logits [B,T',392] and
                                  output_lengths [B] int64; batch and time axes dynamic
  model_b1.onnx                   the same weights (sharing model.onnx.data), input_values only,
                                  output logits: for engines without features_mask/output.lengths
  model_fp16.onnx(+ .data)        fp16 weights and compute, fp32 inputs/outputs (only where CUDA
                                  torch or onnxconverter_common is available)
  manifest.json, manifest-b1.json, tokens.txt, weights.pt (the state dict, transformers' names,
  for bench/pytorch_eager.py), bench-model.json (what was built, and how)

The weights are random: the model recognises nothing. It exists to time the real architecture.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import io
import json
import os
import sys
import time

import torch

sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository root: `tools` is a package there
from tools.export.wav2vec2_plain import Wav2Vec2Config, Wav2Vec2ForCTC, init_random  # noqa: E402

import onnx  # noqa: E402
from onnx import TensorProto  # noqa: E402

DEFAULT_OUT = "/work/data-bench/wav2vec2-large-random"

# Real IPA phones (espeak-style, English first), so target IPA parses against the vocabulary;
# the rest of the 392 slots are "<unused_k>" tokens, which are never phones.
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>", "|"]
PHONES = (
    "ɑː æ ə ɔː aʊ aɪ ɛ ɚ eɪ ɪ i oʊ ɔɪ ʊ uː b tʃ d ð f ɡ h dʒ k l m n ŋ p ɹ s ʃ t θ v w j z ʒ ʌ ɜː iː "
    "a e o u y ø œ ɶ ɒ ɔ ɤ ɯ ɨ ʉ ɐ ɵ ɘ ɞ ɜ aː eː oː yː øː ɛː ɪː ʊː "
    "c ɟ q ɢ ʔ ɓ ɗ ʄ ɠ ʛ pʰ tʰ kʰ ts dz tɕ dʑ ʈ ɖ ɳ ɲ ɴ ɱ r ɾ ɽ ʀ ʁ ɸ β x ɣ χ ħ ʕ ç ʝ ɬ ɮ ʋ ɻ ɰ ʎ ʟ ɫ ɕ ʑ ʂ ʐ "
    "ʃː tː kː pː sː nː mː lː rː ɡʲ kʲ tʲ dʲ sʲ zʲ nʲ lʲ rʲ mʲ pʲ bʲ vʲ fʲ ã ẽ ĩ õ ũ ɛ̃ ɔ̃ œ̃ ɑ̃"
).split()
VOCAB_SIZE = 392


def tokens() -> list[str]:
    seen: list[str] = []
    for tok in SPECIALS + PHONES:
        if tok not in seen:
            seen.append(tok)
    seen += [f"<unused_{k}>" for k in range(VOCAB_SIZE - len(seen))]
    assert len(seen) == VOCAB_SIZE
    return seen


class WithLengths(torch.nn.Module):
    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, input_values, attention_mask):
        return self.model(input_values, attention_mask)


class LogitsOnly(torch.nn.Module):
    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, input_values):
        return self.model(input_values)[0]


class Fp16Inside(torch.nn.Module):
    """fp32 in and out, fp16 weights and compute inside."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, input_values, attention_mask):
        logits, lengths = self.model(input_values.half(), attention_mask)
        return logits.float(), lengths


def export(module: torch.nn.Module, args: tuple, input_names: list[str], output_names: list[str], opset: int) -> onnx.ModelProto:
    """The TorchScript exporter (torch 1.13 here; dynamo=False on torch 2.x, where it is no longer
    the default); where that one is gone, the dynamo exporter with the same dynamic axes."""
    dynamic = {"input_values": {0: "batch", 1: "samples"}, "attention_mask": {0: "batch", 1: "samples"},
               "logits": {0: "batch", 1: "frames"}, "output_lengths": {0: "batch"}}
    axes = {k: v for k, v in dynamic.items() if k in input_names + output_names}
    has_dynamo = "dynamo" in inspect.signature(torch.onnx.export).parameters
    buffer = io.BytesIO()
    try:
        with torch.no_grad():
            torch.onnx.export(module, args, buffer, input_names=input_names, output_names=output_names,
                              dynamic_axes=axes, opset_version=opset, do_constant_folding=True,
                              **({"dynamo": False} if has_dynamo else {}))
        return onnx.load_model_from_string(buffer.getvalue())
    except Exception as error:  # noqa: BLE001
        if not has_dynamo:
            raise
        print(f"TorchScript export failed ({error}); trying the dynamo exporter", file=sys.stderr)
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        path = os.path.join(tmp, "m.onnx")
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=axes, opset_version=max(opset, 18), dynamo=True, external_data=True)
        proto = onnx.load(path, load_external_data=True)
    return proto


def save_sharing_data(models: list[tuple[onnx.ModelProto, str]], data_name: str, out: str, min_bytes: int = 1024) -> None:
    """Saves models whose large initializers go to one external file, written once per distinct
    content, so two graphs over the same weights share one data file."""
    offsets: dict[str, tuple[int, int]] = {}
    with open(os.path.join(out, data_name), "wb") as data:
        for model, name in models:
            for tensor in model.graph.initializer:
                if tensor.data_location == TensorProto.EXTERNAL or len(tensor.raw_data) < min_bytes:
                    continue
                raw = tensor.raw_data
                key = hashlib.sha1(raw).hexdigest() + f":{tensor.data_type}"
                if key not in offsets:
                    pad = (-data.tell()) % 4096
                    data.write(b"\0" * pad)
                    offsets[key] = (data.tell(), len(raw))
                    data.write(raw)
                offset, length = offsets[key]
                tensor.ClearField("raw_data")
                tensor.data_location = TensorProto.EXTERNAL
                del tensor.external_data[:]
                for k, v in (("location", data_name), ("offset", str(offset)), ("length", str(length))):
                    entry = tensor.external_data.add()
                    entry.key, entry.value = k, v
            with open(os.path.join(out, name), "wb") as f:
                f.write(model.SerializeToString())
    for _, name in models:
        onnx.checker.check_model(os.path.join(out, name))


def manifest(config: Wav2Vec2Config, seed: int, model_file: str, batched: bool, fp16_file: str | None) -> dict:
    desc = (
        f"RANDOM WEIGHTS (seed {seed}): the wav2vec2-large CTC architecture of facebook/wav2vec2-xlsr-53-espeak-cv-ft "
        f"({config.num_hidden_layers} pre-LN layers, d {config.hidden_size}, {config.num_attention_heads} heads, "
        f"FFN {config.intermediate_size}, {config.vocab_size} tokens) for benchmarks only. It recognises nothing; "
        "its tokens are placeholders (a few real IPA phones, the rest <unused_k>). Made by bench/make_bench_model.py."
    )
    inputs = [{"name": "input_values", "source": "features", "dtype": "float32"}]
    output = {"name": "logits", "kind": "logits", "skip_frames": 0}
    if batched:
        inputs.append({"name": "attention_mask", "source": "features_mask", "dtype": "int64"})
        output["lengths"] = "output_lengths"
    result = {
        "format_version": 1,
        "name": "wav2vec2-large-random" if config.hidden_size == 1024 else "wav2vec2-small-random",
        "description": desc,
        "model": model_file,
    }
    if fp16_file:
        result["model_fp16"] = fp16_file
    # Frame i's receptive field is samples [320 i, 320 i + 400): a 320-sample frame centred on
    # it starts (400 - 320) / 2 = 40 samples in.
    result.update({
        "sample_rate": 16000,
        "frontend": {"type": "waveform", "normalize": True, "epsilon": 1e-7},
        "inputs": inputs,
        "output": output,
        "frames": {"shift_samples": config.total_stride, "offset_samples": (config.receptive_field - config.total_stride) // 2},
        "vocabulary": {"file": "tokens.txt", "blank_id": 0, "token_format": "plain", "non_phone_tokens": ["|"]},
        "limits": {"max_duration_sec": 60},
    })
    return result


def fp16_model(model: Wav2Vec2ForCTC, opset: int, want: str) -> tuple[onnx.ModelProto | None, str]:
    if want == "no":
        return None, "not asked for (--fp16 no)"
    if torch.cuda.is_available():
        half = Fp16Inside(model.half().cuda()).eval()
        x = torch.randn(1, 16000, device="cuda")
        mask = torch.ones(1, 16000, dtype=torch.long, device="cuda")
        proto = export(half, (x, mask), ["input_values", "attention_mask"], ["logits", "output_lengths"], opset)
        model.float().cpu()
        return proto, "exported from the torch model in fp16 on CUDA (fp32 inputs/outputs)"
    try:
        from onnxconverter_common import float16  # noqa: PLC0415
    except ImportError:
        if want == "yes":
            raise SystemExit("--fp16 yes: needs CUDA torch or onnxconverter_common; neither is here")
        return None, "skipped: no CUDA torch and no onnxconverter_common here"
    return None, "onnxconverter_common"  # converted by the caller from the fp32 graph


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--config", choices=["large", "small"], default="large")
    parser.add_argument("--fp16", choices=["auto", "yes", "no"], default="auto")
    parser.add_argument("--no-b1", action="store_true", help="skip model_b1.onnx / manifest-b1.json")
    parser.add_argument("--opset", type=int, default=17)
    args = parser.parse_args()

    started = time.time()
    os.makedirs(args.out, exist_ok=True)
    config = Wav2Vec2Config.large() if args.config == "large" else Wav2Vec2Config.small(vocab_size=VOCAB_SIZE)
    torch.manual_seed(args.seed)
    model = Wav2Vec2ForCTC(config).eval()
    init_random(model, args.seed)
    torch.save(model.state_dict(), os.path.join(args.out, "weights.pt"))
    with open(os.path.join(args.out, "tokens.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(tokens()) + "\n")

    x = torch.randn(2, 16000)
    mask = torch.ones(2, 16000, dtype=torch.long)
    mask[1, 12000:] = 0
    print("exporting model.onnx ...", file=sys.stderr)
    batched = export(WithLengths(model), (x, mask), ["input_values", "attention_mask"], ["logits", "output_lengths"], args.opset)
    graphs = [(batched, "model.onnx")]
    if not args.no_b1:
        print("exporting model_b1.onnx ...", file=sys.stderr)
        graphs.append((export(LogitsOnly(model), (x[:1],), ["input_values"], ["logits"], args.opset), "model_b1.onnx"))
    fp16_proto, fp16_how = fp16_model(model, args.opset, args.fp16)
    if fp16_how == "onnxconverter_common":
        from onnxconverter_common import float16  # noqa: PLC0415

        copy = onnx.ModelProto()
        copy.CopyFrom(batched)
        fp16_proto = float16.convert_float_to_float16(copy, keep_io_types=True)
        fp16_how = "converted from the fp32 graph by onnxconverter_common (keep_io_types)"
    save_sharing_data(graphs, "model.onnx.data", args.out)
    if fp16_proto is not None:
        save_sharing_data([(fp16_proto, "model_fp16.onnx")], "model_fp16.onnx.data", args.out)

    fp16_file = "model_fp16.onnx" if fp16_proto is not None else None
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest(config, args.seed, "model.onnx", True, fp16_file), f, indent=2, ensure_ascii=False)
    if not args.no_b1:
        with open(os.path.join(args.out, "manifest-b1.json"), "w", encoding="utf-8") as f:
            json.dump(manifest(config, args.seed, "model_b1.onnx", False, None), f, indent=2, ensure_ascii=False)
    info = {
        "config": args.config, "seed": args.seed, "weights": "random", "torch": torch.__version__, "onnx": onnx.__version__,
        "opset": args.opset, "parameters": sum(p.numel() for p in model.parameters()),
        "files": sorted(os.listdir(args.out)), "fp16": fp16_how, "seconds": round(time.time() - started, 1),
    }
    with open(os.path.join(args.out, "bench-model.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
