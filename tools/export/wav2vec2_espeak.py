#!/usr/bin/env python3
"""Exports a transformers Wav2Vec2ForCTC phone recogniser (default
facebook/wav2vec2-xlsr-53-espeak-cv-ft) as an engine bundle and self-checks it.

    python3 tools/export/wav2vec2_espeak.py --out /models/wav2vec2-espeak [--revision REV]
    python3 tools/export/wav2vec2_espeak.py --from LOCAL_SNAPSHOT --out DIR [--fp16]

Graph: input_values float [B, N] (raw 16 kHz samples, normalised per utterance by the engine's
`waveform` frontend as Wav2Vec2FeatureExtractor does), input_lengths int64 [B] (valid samples;
the graph builds the attention mask from it) -> logits float [B, T', V], logit_lengths int64 [B].
Vocabulary: vocab.json in id order; blank = the pad token (config.pad_token_id); "|" (word
delimiter) is not a phone. Self-check: the original model's log-softmax(logits) through
transformers' own feature extractor vs the engine's, on the same samples.
Needs torch, transformers, onnx, numpy (and soundfile or torchaudio for non-WAV audio).
"""
import os
import sys

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tools.export import bundle, common, vocab  # noqa: E402

MODEL_ID = 'facebook/wav2vec2-xlsr-53-espeak-cv-ft'
TOLERANCE = 5e-3
INPUTS = [
    {'name': 'input_values', 'source': 'features', 'dtype': 'float32'},
    {'name': 'input_lengths', 'source': 'feature_length', 'dtype': 'int64'},
]
OUTPUT = {'name': 'logits', 'kind': 'logits', 'skip_frames': 0, 'lengths': 'logit_lengths'}
SHIFT_SAMPLES = 320  # product of the conv feature encoder's strides (5*2*2*2*2*2*2)


def tokens_from_snapshot(snapshot, vocab_size):
    """vocab.json in id order, padded with <unused_i> up to the model's output size."""
    tokens = vocab.hf_vocab(os.path.join(snapshot, 'vocab.json'))
    if len(tokens) > vocab_size:
        raise vocab.VocabError(f'vocab.json has {len(tokens)} tokens but the model outputs {vocab_size}')
    return tokens + [f'<unused_{i}>' for i in range(len(tokens), vocab_size)]


def build_manifest(*, name, description, tokens, pad_token_id, normalize=True, word_delimiter='|', max_duration_sec=60):
    non_phone = [word_delimiter] if word_delimiter in tokens else []
    return bundle.manifest(
        name=name, description=description,
        frontend={'type': 'waveform', 'normalize': bool(normalize), 'epsilon': 1e-7},
        inputs=INPUTS, output=OUTPUT, shift_samples=SHIFT_SAMPLES, blank_id=pad_token_id,
        non_phone_tokens=non_phone, max_duration_sec=max_duration_sec)


def exported(model, use_mask, dtype):
    """The graph: float32 samples and lengths in, float32 logits and frame lengths out; the
    network itself runs in dtype (the model's own, float32 or float16)."""
    import torch

    from tools.export import torch_export

    class Exported(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_values, input_lengths):
            mask = torch_export.lengths_mask(input_lengths, input_values.shape[1]) if use_mask else None
            logits = self.inner(input_values.to(dtype), attention_mask=mask).logits.float()
            return logits, self.inner._get_feat_extract_output_lengths(input_lengths).long()

    return Exported(model)


def export_onnx(model, use_mask, dtype, path):
    import torch

    from tools.export import torch_export
    example = (torch.randn(2, 16000), torch.tensor([16000, 12000], dtype=torch.long))
    torch_export.export(exported(model, use_mask, dtype), example, path,
                        input_names=['input_values', 'input_lengths'], output_names=['logits', 'logit_lengths'],
                        dynamic_axes={'input_values': {0: 'batch', 1: 'samples'}, 'input_lengths': {0: 'batch'},
                                      'logits': {0: 'batch', 1: 'frames'}, 'logit_lengths': {0: 'batch'}})


def reference_log_probs(model, extractor, samples, dtype):
    """transformers' own pipeline: Wav2Vec2FeatureExtractor, then Wav2Vec2ForCTC in dtype."""
    import torch
    inputs = extractor(samples, sampling_rate=16000, return_tensors='pt')
    inputs['input_values'] = inputs['input_values'].to(dtype)
    with torch.no_grad():
        return model(**inputs).logits.float().log_softmax(-1)[0].double().numpy()


def main():
    ap = common.parser(__doc__.splitlines()[1], MODEL_ID, TOLERANCE)
    common.add_fp16_options(ap)
    args = common.parse(ap)
    import torch
    import transformers
    from transformers import Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC

    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    snap = common.snapshot(args)
    model = Wav2Vec2ForCTC.from_pretrained(snap).eval()
    extractor = Wav2Vec2FeatureExtractor.from_pretrained(snap)
    if extractor.sampling_rate != 16000:
        sys.exit(f'the feature extractor expects {extractor.sampling_rate} Hz; the engine feeds 16 kHz')
    use_mask = bool(extractor.return_attention_mask)
    tokens = tokens_from_snapshot(snap, model.config.vocab_size)
    delimiter = getattr(model.config, 'word_delimiter_token', None) or '|'
    name = args.name or args.model_id.split('/')[-1]
    description = (f'{common.source_note(args)} (transformers {transformers.__version__} Wav2Vec2ForCTC) exported '
                   f'to ONNX by tools/export/wav2vec2_espeak.py; {len(tokens)} tokens, 20 ms frames.')
    data = build_manifest(name=name, description=description, tokens=tokens, pad_token_id=model.config.pad_token_id,
                          normalize=extractor.do_normalize, word_delimiter=delimiter,
                          max_duration_sec=args.max_duration_sec)
    if args.fp16:
        data['model_fp16'] = common.MODEL_FP16
    bundle.write_bundle_files(args.out, data, tokens)
    library = f'transformers {transformers.__version__} Wav2Vec2FeatureExtractor + Wav2Vec2ForCTC'
    return common.export_and_check(
        args, model, lambda net, path, fp16: export_onnx(net, use_mask, torch.float16 if fp16 else torch.float32, path),
        lambda net, samples, fp16: reference_log_probs(net, extractor, samples, torch.float16 if fp16 else torch.float32),
        library, f'{library} in float16')


if __name__ == '__main__':
    sys.exit(main())
