"""The default model: GlobalMVN -> conv2d subsampling x4 -> conformer blocks -> linear (CTC logits).

Frame timing: conv1 (k3, s2, pad 1) puts its output u at input frame 2u; conv2 (k3, s2, pad 0)
puts output v at conv1 frame 2v+1, i.e. input frame 4v+2, whose STFT window is centred on
sample 160 * (4v + 2) = 640v + 320. So output frame v stands for samples [640v, 640v + 640):
shift_samples 640, offset_samples 0. For T input frames (T = N // 160 + 1) there are
((T - 1) // 2) // 2 output frames, i.e. N // 640 for N a multiple of 640.
"""
import math

import torch
from torch import nn


def out_frames(t):
    return ((t - 1) // 2) // 2


class FeedForward(nn.Module):
    def __init__(self, d, ff, dropout):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, ff), nn.SiLU(), nn.Dropout(dropout), nn.Linear(ff, d),
                                 nn.Dropout(dropout))

    def forward(self, x):
        return self.net(x)


class SelfAttention(nn.Module):
    def __init__(self, d, heads, dropout):
        super().__init__()
        self.heads = heads
        self.norm = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.norm(x)).reshape(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) * (d // h) ** -0.5
        if bias is not None:
            att = att + bias
        att = self.drop(att.softmax(-1))
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        return self.drop(self.proj(y))


class ConvModule(nn.Module):
    def __init__(self, d, kernel, dropout):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.pw1 = nn.Conv1d(d, 2 * d, 1)
        self.dw = nn.Conv1d(d, d, kernel, padding=kernel // 2, groups=d)
        self.norm2 = nn.LayerNorm(d)
        self.pw2 = nn.Conv1d(d, d, 1)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask):
        y = self.norm(x)
        if mask is not None:
            y = y * mask
        y = nn.functional.glu(self.pw1(y.transpose(1, 2)), dim=1)
        if mask is not None:
            # pw1's bias makes padded frames non-zero again; the depthwise convolution must not
            # see them (the engine runs unpadded batches of one).
            y = y * mask.transpose(1, 2)
        y = self.dw(y).transpose(1, 2)
        y = nn.functional.silu(self.norm2(y))
        y = self.pw2(y.transpose(1, 2)).transpose(1, 2)
        return self.drop(y)


class ConformerBlock(nn.Module):
    def __init__(self, d, heads, ff, kernel, dropout):
        super().__init__()
        self.ff1 = FeedForward(d, ff, dropout)
        self.att = SelfAttention(d, heads, dropout)
        self.conv = ConvModule(d, kernel, dropout)
        self.ff2 = FeedForward(d, ff, dropout)
        self.norm = nn.LayerNorm(d)

    def forward(self, x, bias, mask):
        x = x + 0.5 * self.ff1(x)
        x = x + self.att(x, bias)
        x = x + self.conv(x, mask)
        x = x + 0.5 * self.ff2(x)
        return self.norm(x)


class ConformerRecogniser(nn.Module):
    """GlobalMVN -> the same conv2d x4 subsampling -> sinusoidal positions -> conformer blocks -> linear."""

    def __init__(self, vocab, n_mels=80, channels=64, d_model=144, heads=4, ff=576, kernel=15, layers=6,
                 dropout=0.1):
        super().__init__()
        self.config = dict(arch='conformer', vocab=vocab, n_mels=n_mels, channels=channels, d_model=d_model,
                           heads=heads, ff=ff, kernel=kernel, layers=layers, dropout=dropout)
        self.register_buffer('mvn_mean', torch.zeros(n_mels))
        self.register_buffer('mvn_std', torch.ones(n_mels))
        self.conv = nn.Sequential(
            nn.Conv2d(1, channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, stride=2, padding=0), nn.ReLU())
        f = ((n_mels - 1) // 2 + 1 - 3) // 2 + 1
        self.proj_in = nn.Linear(channels * f, d_model)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([ConformerBlock(d_model, heads, ff, kernel, dropout) for _ in range(layers)])
        self.out = nn.Linear(d_model, vocab)
        self.d_model = d_model

    def set_mvn(self, mean, std):
        self.mvn_mean.copy_(torch.as_tensor(mean, dtype=torch.float32))
        self.mvn_std.copy_(torch.as_tensor(std, dtype=torch.float32))

    def positions(self, t, device):
        pos = torch.arange(t, device=device, dtype=torch.float32).unsqueeze(1)
        i = torch.arange(0, self.d_model, 2, device=device, dtype=torch.float32)
        ang = pos * torch.exp(i * (-math.log(10000.0) / self.d_model))
        return torch.stack([ang.sin(), ang.cos()], dim=2).reshape(t, self.d_model)

    def forward(self, feats, lengths=None):
        x = (feats - self.mvn_mean) / self.mvn_std
        x = self.conv(x.unsqueeze(1))
        b, c, t, f = x.shape
        x = x.permute(0, 2, 1, 3).reshape(b, t, c * f)
        x = self.proj_in(x) * math.sqrt(self.d_model)
        x = self.drop(x + self.positions(t, x.device))
        if lengths is not None:
            out_len = out_frames(lengths)
            valid = torch.arange(t, device=x.device)[None, :] < out_len[:, None]      # [B, T']
            bias = torch.zeros(b, 1, 1, t, device=x.device).masked_fill(~valid[:, None, None, :], -1e4)
            mask = valid[:, :, None].to(x.dtype)
        else:
            out_len, bias, mask = None, None, None
        for block in self.blocks:
            x = block(x, bias, mask)
        return self.out(self.drop(x)), out_len


def build(config):
    config = dict(config)
    arch = config.pop('arch', None)
    if arch != 'conformer':
        raise ValueError(f'unknown model architecture {arch!r} (only "conformer" is built)')
    return ConformerRecogniser(**config)
