"""wav2vec2 CTC (the architecture of transformers' Wav2Vec2ForCTC) in plain torch.

Written from the architecture facts of wav2vec2-large-lv60 / xlsr-53 (the "stable layer norm"
variant), not from transformers' code, with the SAME state-dict parameter names as
transformers so real checkpoints load (`load_hf_state_dict`):

  samples [B,N] --(7 conv layers: conv -> LayerNorm over channels -> GELU; 512 channels,
  kernels 10,3,3,3,3,2,2, strides 5,2,2,2,2,2,2: 320 samples a frame, 400-sample receptive field)
  -> feature projection (LayerNorm 512 -> Linear 512->1024)
  -> padded frames set to 0, + positional conv embedding (Conv1d 1024->1024, kernel 128,
     16 groups, padding 64, weight norm over the kernel axis, last frame dropped, GELU)
  -> 24 pre-LN transformer layers (LN -> MHA 16 heads -> +res; LN -> FFN 4096 GELU -> +res)
  -> final LayerNorm -> lm_head Linear 1024 -> vocab (392 for xlsr-53-espeak-cv-ft).

forward(input_values [B,N] float, attention_mask [B,N] 0/1 or None) -> (logits [B,T',V],
lengths [B] int64). The attention mask over samples becomes a frame mask through the conv
length formula floor((L - k) / s) + 1 per layer; the conv stack itself ignores the mask (a
valid frame's receptive field lies inside the valid samples), padded frames are zeroed before
the positional conv (as zero padding would be) and masked out as attention keys, so a padded
item's valid frames equal the item run alone (up to float rounding).

`python3 tools/export/wav2vec2_plain.py --check-hf` (where transformers is importable) builds
a small random config both here and as transformers.Wav2Vec2ForCTC, loads the same state dict
into both and compares logits with and without padding.
"""
from __future__ import annotations

import argparse
import math
import sys
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class Wav2Vec2Config:
    """Names follow transformers' Wav2Vec2Config where they coincide."""

    vocab_size: int = 392
    hidden_size: int = 1024
    num_hidden_layers: int = 24
    num_attention_heads: int = 16
    intermediate_size: int = 4096
    conv_dim: tuple = (512, 512, 512, 512, 512, 512, 512)
    conv_kernel: tuple = (10, 3, 3, 3, 3, 2, 2)
    conv_stride: tuple = (5, 2, 2, 2, 2, 2, 2)
    conv_bias: bool = True
    num_conv_pos_embeddings: int = 128
    num_conv_pos_embedding_groups: int = 16
    layer_norm_eps: float = 1e-5
    # masked_spec_embed exists in the checkpoints (SpecAugment, training only); kept so the
    # state dicts line up, never used at inference.
    with_masked_spec_embed: bool = True

    @staticmethod
    def large() -> "Wav2Vec2Config":
        return Wav2Vec2Config()

    @staticmethod
    def small(vocab_size: int = 40) -> "Wav2Vec2Config":
        """A tiny config with the same structure (for tests): 2 layers, d 64, 4 heads."""
        return Wav2Vec2Config(
            vocab_size=vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
            intermediate_size=128, conv_dim=(32,) * 7, num_conv_pos_embeddings=16,
            num_conv_pos_embedding_groups=4)

    @property
    def total_stride(self) -> int:
        return math.prod(self.conv_stride)

    @property
    def receptive_field(self) -> int:
        field_, jump = 1, 1
        for k, s in zip(self.conv_kernel, self.conv_stride):
            field_ += (k - 1) * jump
            jump *= s
        return field_

    def hf_kwargs(self) -> dict:
        """transformers.Wav2Vec2Config arguments for the same architecture (eval, no dropout)."""
        return dict(
            vocab_size=self.vocab_size, hidden_size=self.hidden_size,
            num_hidden_layers=self.num_hidden_layers, num_attention_heads=self.num_attention_heads,
            intermediate_size=self.intermediate_size, conv_dim=list(self.conv_dim),
            conv_kernel=list(self.conv_kernel), conv_stride=list(self.conv_stride),
            conv_bias=self.conv_bias, num_conv_pos_embeddings=self.num_conv_pos_embeddings,
            num_conv_pos_embedding_groups=self.num_conv_pos_embedding_groups,
            layer_norm_eps=self.layer_norm_eps, feat_extract_norm="layer", do_stable_layer_norm=True,
            feat_extract_activation="gelu", hidden_act="gelu", mask_time_prob=0.05 if self.with_masked_spec_embed else 0.0,
            hidden_dropout=0.0, activation_dropout=0.0, attention_dropout=0.0, feat_proj_dropout=0.0,
            final_dropout=0.0, layerdrop=0.0, pad_token_id=0, ctc_loss_reduction="mean")


def conv_output_lengths(lengths: torch.Tensor, config: Wav2Vec2Config) -> torch.Tensor:
    """Frames the conv stack makes from `lengths` samples: floor((L - k) / s) + 1 per layer."""
    for k, s in zip(config.conv_kernel, config.conv_stride):
        lengths = torch.div(lengths - k, s, rounding_mode="floor") + 1
    return lengths


class ConvLayer(nn.Module):
    """conv -> LayerNorm over channels (per frame) -> GELU. Names: conv, layer_norm."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, bias: bool):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, kernel, stride=stride, bias=bias)
        self.layer_norm = nn.LayerNorm(c_out, elementwise_affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # [B,C,T]
        x = self.conv(x)
        x = self.layer_norm(x.transpose(1, 2)).transpose(1, 2)
        return F.gelu(x)


class FeatureEncoder(nn.Module):
    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        dims = (1,) + tuple(config.conv_dim)
        self.conv_layers = nn.ModuleList(
            ConvLayer(dims[i], dims[i + 1], config.conv_kernel[i], config.conv_stride[i], config.conv_bias)
            for i in range(len(config.conv_kernel)))

    def forward(self, samples: torch.Tensor) -> torch.Tensor:  # [B,N] -> [B,C,T']
        x = samples[:, None, :]
        for layer in self.conv_layers:
            x = layer(x)
        return x


class FeatureProjection(nn.Module):
    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        self.layer_norm = nn.LayerNorm(config.conv_dim[-1], eps=config.layer_norm_eps)
        self.projection = nn.Linear(config.conv_dim[-1], config.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.projection(self.layer_norm(x))


class WeightNormConv1d(nn.Module):
    """Conv1d with weight norm over the kernel axis (dim 2), written out so it behaves the same
    on every torch version: weight = g * v / ||v||, the norm over output and input channels for
    each kernel tap. Parameters weight_g [1,1,k], weight_v [out,in/groups,k], bias [out], the
    names of torch's weight_norm (newer transformers: parametrizations.weight.original0/1)."""

    def __init__(self, channels: int, kernel: int, groups: int):
        super().__init__()
        self.padding, self.groups = kernel // 2, groups
        self.weight_g = nn.Parameter(torch.ones(1, 1, kernel))
        self.weight_v = nn.Parameter(torch.empty(channels, channels // groups, kernel))
        self.bias = nn.Parameter(torch.zeros(channels))
        nn.init.kaiming_uniform_(self.weight_v, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        v = self.weight_v
        weight = self.weight_g * v / v.norm(dim=(0, 1), keepdim=True)
        return F.conv1d(x, weight, self.bias, padding=self.padding, groups=self.groups)


class PositionalConvEmbedding(nn.Module):
    """Grouped conv over time with weight norm; even kernels give one frame too many with
    symmetric padding, and the last is dropped; then GELU."""

    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        k = config.num_conv_pos_embeddings
        self.conv = WeightNormConv1d(config.hidden_size, k, config.num_conv_pos_embedding_groups)
        self.drop_last = k % 2 == 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # [B,T,D]
        y = self.conv(x.transpose(1, 2))
        if self.drop_last:
            y = y[:, :, :-1]
        return F.gelu(y).transpose(1, 2)


class SelfAttention(nn.Module):
    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        d = config.hidden_size
        self.num_heads = config.num_attention_heads
        self.head_dim = d // self.num_heads
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor | None) -> torch.Tensor:
        b, t, d = x.shape
        q = self.q_proj(x).view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q * (self.head_dim ** -0.5), k.transpose(2, 3))  # [B,H,T,T]
        if key_mask is not None:
            scores = scores.masked_fill(~key_mask[:, None, None, :], torch.finfo(scores.dtype).min)
        weights = torch.softmax(scores, dim=-1)
        out = torch.matmul(weights, v).transpose(1, 2).reshape(b, -1, d)
        return self.out_proj(out)


class FeedForward(nn.Module):
    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        self.intermediate_dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.output_dense = nn.Linear(config.intermediate_size, config.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output_dense(F.gelu(self.intermediate_dense(x)))


class EncoderLayerStableLayerNorm(nn.Module):
    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        self.attention = SelfAttention(config)
        self.layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.feed_forward = FeedForward(config)
        self.final_layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor | None) -> torch.Tensor:
        x = x + self.attention(self.layer_norm(x), key_mask)
        return x + self.feed_forward(self.final_layer_norm(x))


class Encoder(nn.Module):
    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        self.pos_conv_embed = PositionalConvEmbedding(config)
        self.layers = nn.ModuleList(EncoderLayerStableLayerNorm(config) for _ in range(config.num_hidden_layers))
        self.layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, x: torch.Tensor, frame_mask: torch.Tensor | None) -> torch.Tensor:
        if frame_mask is not None:
            x = x * frame_mask[:, :, None].to(x.dtype)
        x = x + self.pos_conv_embed(x)
        for layer in self.layers:
            x = layer(x, frame_mask)
        return self.layer_norm(x)


class Wav2Vec2Model(nn.Module):
    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        self.config = config
        self.feature_extractor = FeatureEncoder(config)
        self.feature_projection = FeatureProjection(config)
        if config.with_masked_spec_embed:
            self.masked_spec_embed = nn.Parameter(torch.empty(config.hidden_size).uniform_())
        self.encoder = Encoder(config)

    def forward(self, input_values: torch.Tensor, attention_mask: torch.Tensor | None = None):
        features = self.feature_extractor(input_values).transpose(1, 2)  # [B,T',C]
        hidden = self.feature_projection(features)
        if attention_mask is None:
            lengths = torch.full((input_values.shape[0],), hidden.shape[1], dtype=torch.long, device=hidden.device)
            frame_mask = None
        else:
            lengths = conv_output_lengths(attention_mask.to(torch.long).sum(-1), self.config)
            frame_mask = torch.arange(hidden.shape[1], device=hidden.device)[None, :] < lengths[:, None]
        return self.encoder(hidden, frame_mask), lengths


class Wav2Vec2ForCTC(nn.Module):
    """Parameter names as transformers' Wav2Vec2ForCTC: wav2vec2.* and lm_head.*."""

    def __init__(self, config: Wav2Vec2Config):
        super().__init__()
        self.config = config
        self.wav2vec2 = Wav2Vec2Model(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(self, input_values: torch.Tensor, attention_mask: torch.Tensor | None = None):
        hidden, lengths = self.wav2vec2(input_values, attention_mask)
        return self.lm_head(hidden), lengths


def init_random(model: nn.Module, seed: int) -> None:
    """Seeded random weights in the scale of a trained model (Linear N(0, 0.02), LayerNorm 1/0,
    convs Kaiming), so activations stay finite through 24 layers. Not a trained model."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight_g"):
                p.fill_(1.0)
            elif p.dim() == 1 and ("layer_norm" in name) and name.endswith("weight"):
                p.fill_(1.0)
            elif p.dim() == 1:
                p.zero_() if "masked_spec_embed" not in name else p.uniform_(generator=gen)
            elif p.dim() == 3:  # conv kernels [out, in/groups, k]
                fan_in = p.shape[1] * p.shape[2]
                p.normal_(0.0, math.sqrt(2.0 / fan_in), generator=gen)
            else:
                p.normal_(0.0, 0.02, generator=gen)
        # weight_g = ||v|| per kernel tap makes weight == v at the start, as weight_norm's init does.
        for module in model.modules():
            if hasattr(module, "weight_g") and hasattr(module, "weight_v"):
                module.weight_g.copy_(module.weight_v.norm(dim=(0, 1), keepdim=True))


def hf_key(name: str, hf_names: set) -> str:
    """Our state-dict name -> the name in a transformers model (newer transformers keep the
    positional conv's weight norm as a parametrization: original0 = g, original1 = v)."""
    if name in hf_names:
        return name
    for ours, theirs in (("weight_g", "parametrizations.weight.original0"), ("weight_v", "parametrizations.weight.original1")):
        if name.endswith(ours):
            alt = name[: -len(ours)] + theirs
            if alt in hf_names:
                return alt
    raise KeyError(name)


def load_hf_state_dict(model: Wav2Vec2ForCTC, state: dict) -> None:
    """Loads a transformers Wav2Vec2ForCTC state dict (either weight-norm naming) into ours."""
    ours = dict(model.state_dict())
    mapped = {}
    for name in ours:
        key = hf_key(name, set(state))
        mapped[name] = state[key]
    model.load_state_dict(mapped, strict=True)


def check_against_transformers(config: Wav2Vec2Config, seed: int = 0, atol: float = 2e-4, device: str = "cpu") -> dict:
    """Loads the same random state dict into transformers.Wav2Vec2ForCTC and ours, compares
    logits (batch of two, the second padded, with attention_mask) and output lengths."""
    import transformers  # noqa: PLC0415 (only where it is installed)

    torch.manual_seed(seed)
    ours = Wav2Vec2ForCTC(config)
    init_random(ours, seed)
    hf = transformers.Wav2Vec2ForCTC(transformers.Wav2Vec2Config(**config.hf_kwargs()))
    hf_names = set(hf.state_dict())
    ours_names = set(ours.state_dict())
    hf_state = {hf_key(name, hf_names): tensor for name, tensor in ours.state_dict().items()}
    missing = hf_names - set(hf_state)
    hf.load_state_dict(hf_state, strict=True)
    ours.eval().to(device)
    hf.eval().to(device)

    gen = torch.Generator().manual_seed(seed + 1)
    lengths = [16000, 11000]
    x = torch.zeros(2, max(lengths))
    mask = torch.zeros(2, max(lengths), dtype=torch.long)
    for i, n in enumerate(lengths):
        x[i, :n] = torch.randn(n, generator=gen)
        mask[i, :n] = 1
    x, mask = x.to(device), mask.to(device)
    with torch.no_grad():
        ours_logits, ours_lengths = ours(x, mask)
        hf_out = hf(x, attention_mask=mask)
        hf_lengths = hf._get_feat_extract_output_lengths(mask.sum(-1))
        ours_plain, _ = ours(x[:1])
        hf_plain = hf(x[:1]).logits
    diffs = []
    for i, n in enumerate(ours_lengths.tolist()):
        diffs.append(float((ours_logits[i, :n] - hf_out.logits[i, :n]).abs().max()))
    plain_diff = float((ours_plain - hf_plain).abs().max())
    result = {
        "transformers": transformers.__version__, "torch": torch.__version__, "device": device,
        "config": asdict(config), "params_ours": len(ours_names), "params_hf": len(hf_names),
        "hf_params_not_set": sorted(missing), "lengths_ours": ours_lengths.tolist(),
        "lengths_hf": hf_lengths.tolist(), "max_abs_diff_masked_batch": diffs,
        "max_abs_diff_unmasked": plain_diff, "logit_scale": float(hf_plain.abs().max()), "atol": atol,
    }
    result["ok"] = (not missing and result["lengths_ours"] == result["lengths_hf"]
                    and max(diffs + [plain_diff]) <= atol * max(1.0, result["logit_scale"]))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check-hf", action="store_true", help="compare with transformers.Wav2Vec2ForCTC (needs transformers)")
    parser.add_argument("--large", action="store_true", help="check the full large config (default: a small one, then large on --large)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    if not args.check_hf:
        model = Wav2Vec2ForCTC(Wav2Vec2Config.large())
        print(f"parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.1f} M; state-dict entries: {len(model.state_dict())}")
        return 0
    import json  # noqa: PLC0415

    ok = True
    configs = [Wav2Vec2Config.small()] + ([Wav2Vec2Config.large()] if args.large else [])
    for config in configs:
        # fp32 on both sides; TF32 matmuls on the GPU would blur the comparison.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        result = check_against_transformers(config, device=args.device)
        print(json.dumps(result))
        ok = ok and result["ok"]
    print("wav2vec2_plain matches transformers" if ok else "MISMATCH with transformers", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
