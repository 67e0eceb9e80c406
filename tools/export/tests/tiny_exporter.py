#!/usr/bin/env python3
"""A tiny exporter built from the same parts as the real ones (common, torch_export, selfcheck),
with a small torch model: used by test_torch_export.py to test the whole flow, exit status
included. --perturb-frontend writes a pre-emphasis the reference did not use (the check must fail)."""
import os
import sys

if __package__ in (None, ''):  # run as a file: `tools` from the repository root, no sibling modules by bare name
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tools.export import bundle, common, zipa_ctc  # noqa: E402

TOKENS = ['<blk>', 'a', 'b', 'c', 'd', 'e']


def main():
    ap = common.parser('tiny exporter', 'local/tiny', 1e-3)
    ap.add_argument('--perturb-frontend', action='store_true')
    args = common.parse(ap)
    import torch
    import torchaudio.compliance.kaldi as kaldi

    from tools.export import selfcheck, torch_export
    from tools.export.audio import load_audio

    torch.manual_seed(0)

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv1d(80, 16, 3, stride=2)
            self.out = torch.nn.Linear(16, len(TOKENS))

        def forward(self, x, x_lens):
            h = torch.tanh(self.conv(x.transpose(1, 2))).transpose(1, 2)
            return self.out(h).log_softmax(-1), (x_lens - 3) // 2 + 1

    model = Tiny().eval()
    data = zipa_ctc.build_manifest(name='tiny', description='tiny torch model', blank_id=0, scope='frame')
    data['frames']['shift_samples'] = 320
    data['frontend']['log_floor'] = 1.1920928955078125e-07  # torchaudio's floor (FLT_EPSILON); lhotse's is 1e-10
    if args.perturb_frontend:
        data['frontend']['preemphasis'] = 0.5
    bundle.write_bundle_files(args.out, data, TOKENS)
    torch_export.export(model, (torch.randn(2, 57, 80), torch.tensor([57, 40])), os.path.join(args.out, 'model.onnx'),
                        input_names=['x', 'x_lens'], output_names=['log_probs', 'log_probs_len'],
                        dynamic_axes={'x': {0: 'B', 1: 'T'}, 'x_lens': {0: 'B'}, 'log_probs': {0: 'B', 1: 'F'},
                                      'log_probs_len': {0: 'B'}})
    samples = load_audio(args.check_audio)
    # torchaudio's Kaldi fbank is the reference pipeline here (frame-scope pre-emphasis, snip_edges False).
    feats = kaldi.fbank(torch.from_numpy(samples)[None], num_mel_bins=80, dither=0.0, snip_edges=False,
                        low_freq=20, high_freq=-400, energy_floor=0.0, sample_frequency=16000)
    with torch.no_grad():
        reference = model(feats[None], torch.tensor([feats.shape[0]]))[0][0].double().numpy()
    result = selfcheck.run(args.out, samples, reference, audio=os.path.basename(args.check_audio),
                           reference='torchaudio kaldi.fbank + torch', tolerance=args.tolerance)
    return common.finish(result)


if __name__ == '__main__':
    sys.exit(main())
