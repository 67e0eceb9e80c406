"""Checks of tools/export/wav2vec2_plain.py that need only torch (CPU):
shapes, output lengths against the conv formula, the large config's size and parameter names,
and that padding + attention_mask gives each item the output it gets unpadded.

  /usr/bin/python3 -m unittest tools/export/tests/test_wav2vec2_plain.py    (run by test/export-tools.test.ts)
"""
import unittest

import torch

from tools.export.wav2vec2_plain import Wav2Vec2Config, Wav2Vec2ForCTC, WeightNormConv1d, conv_output_lengths, init_random

# Padded vs unpadded logits may differ by float rounding only (different matmul shapes);
# logits here are O(1), so 1e-4 absolute is tight enough to catch any leak through padding.
PAD_TOLERANCE = 1e-4


def frames_by_loop(n: int, config: Wav2Vec2Config) -> int:
    for k, s in zip(config.conv_kernel, config.conv_stride):
        n = (n - k) // s + 1
    return n


class Wav2Vec2PlainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.config = Wav2Vec2Config.small(vocab_size=40)
        cls.model = Wav2Vec2ForCTC(cls.config).eval()
        init_random(cls.model, seed=3)

    def test_geometry(self):
        self.assertEqual(self.config.total_stride, 320)
        self.assertEqual(self.config.receptive_field, 400)
        self.assertEqual(frames_by_loop(16000, self.config), 49)  # 1 s -> 49 frames (known fact)
        lengths = torch.tensor([400, 401, 719, 720, 16000, 80000])
        self.assertEqual(conv_output_lengths(lengths, self.config).tolist(),
                         [frames_by_loop(int(n), self.config) for n in lengths])

    def test_shapes_and_lengths(self):
        x = torch.randn(3, 8000)
        with torch.no_grad():
            logits, lengths = self.model(x)
        self.assertEqual(tuple(logits.shape), (3, frames_by_loop(8000, self.config), 40))
        self.assertEqual(lengths.tolist(), [frames_by_loop(8000, self.config)] * 3)
        self.assertTrue(torch.isfinite(logits).all())

    def test_padding_with_mask_matches_unpadded(self):
        gen = torch.Generator().manual_seed(7)
        sizes = [16000, 9137, 4001]
        items = [torch.randn(n, generator=gen) for n in sizes]
        batch = torch.zeros(len(sizes), max(sizes))
        mask = torch.zeros(len(sizes), max(sizes), dtype=torch.long)
        for i, item in enumerate(items):
            batch[i, : len(item)] = item
            mask[i, : len(item)] = 1
        with torch.no_grad():
            logits, lengths = self.model(batch, mask)
            self.assertEqual(lengths.tolist(), [frames_by_loop(n, self.config) for n in sizes])
            worst = 0.0
            for i, item in enumerate(items):
                alone, alone_len = self.model(item[None])
                self.assertEqual(int(alone_len[0]), int(lengths[i]))
                worst = max(worst, float((logits[i, : lengths[i]] - alone[0]).abs().max()))
            self.assertLess(worst, PAD_TOLERANCE, f"padded vs alone max abs diff {worst}")
            # Without the mask the padding leaks into the short items: the mask matters.
            unmasked, _ = self.model(batch)
            leak = float((unmasked[2, : lengths[2]] - logits[2, : lengths[2]]).abs().max())
            self.assertGreater(leak, 100 * PAD_TOLERANCE)

    def test_weight_norm_conv_matches_torch_weight_norm(self):
        if not hasattr(torch.nn.utils, "weight_norm"):
            self.skipTest("this torch has no nn.utils.weight_norm")
        torch.manual_seed(1)
        ref = torch.nn.utils.weight_norm(torch.nn.Conv1d(32, 32, 16, padding=8, groups=4), name="weight", dim=2)
        with torch.no_grad():
            ref.weight_g.uniform_(0.5, 2.0)
        ours = WeightNormConv1d(32, 16, 4)
        ours.load_state_dict({k: v for k, v in ref.state_dict().items()}, strict=True)
        x = torch.randn(2, 32, 50)
        with torch.no_grad():
            self.assertLess(float((ours(x) - ref(x)).abs().max()), 1e-5)

    def test_large_config_names_and_size(self):
        model = Wav2Vec2ForCTC(Wav2Vec2Config.large())
        names = set(model.state_dict())
        params = sum(p.numel() for p in model.parameters())
        self.assertTrue(310e6 < params < 320e6, params)  # wav2vec2-large CTC head to 392: ~315 M
        for name in [
            "wav2vec2.feature_extractor.conv_layers.0.conv.weight",
            "wav2vec2.feature_extractor.conv_layers.6.layer_norm.bias",
            "wav2vec2.feature_projection.layer_norm.weight",
            "wav2vec2.feature_projection.projection.weight",
            "wav2vec2.masked_spec_embed",
            "wav2vec2.encoder.pos_conv_embed.conv.weight_g",
            "wav2vec2.encoder.pos_conv_embed.conv.weight_v",
            "wav2vec2.encoder.pos_conv_embed.conv.bias",
            "wav2vec2.encoder.layers.23.attention.q_proj.weight",
            "wav2vec2.encoder.layers.23.attention.out_proj.bias",
            "wav2vec2.encoder.layers.0.layer_norm.weight",
            "wav2vec2.encoder.layers.0.feed_forward.intermediate_dense.weight",
            "wav2vec2.encoder.layers.0.feed_forward.output_dense.bias",
            "wav2vec2.encoder.layers.0.final_layer_norm.weight",
            "wav2vec2.encoder.layer_norm.weight",
            "lm_head.weight",
        ]:
            self.assertIn(name, names)
        self.assertEqual(tuple(model.state_dict()["wav2vec2.encoder.pos_conv_embed.conv.weight_g"].shape), (1, 1, 128))
        self.assertEqual(tuple(model.state_dict()["lm_head.weight"].shape), (392, 1024))


if __name__ == "__main__":
    unittest.main(verbosity=1)
