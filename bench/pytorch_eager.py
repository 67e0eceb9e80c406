"""The straightforward Python pipeline a user would otherwise write, timed per stage, for
bench/model.ts to compare with the engine in the same run (same architecture, same weights):

  load audio (librosa.load at 16 kHz if importable, else soundfile, else torchaudio; reported)
  -> per-utterance normalisation (x - mean) / sqrt(var + 1e-7) (numpy)
  -> model forward in PyTorch eager (transformers.Wav2Vec2ForCTC where importable, else
     tools/export/wav2vec2_plain.py; weights.pt from bench/make_bench_model.py; cuda if asked)
  -> greedy CTC decode (argmax, collapse repeats, drop blank; Python loop over frames)
  -> pure-Python Levenshtein edit distance of the decoded phones against the target

  python3 bench/pytorch_eager.py --model DIR --clips clips.json [--runs 20] [--warmup 3]
         [--batch 1,2,4] [--rounds 1] [--device cpu|cuda] [--dtype fp32|fp16] [--threads N]

clips.json: [{"path": ..., "targetIpa": ..., "seconds": ...}]. Prints one JSON line last.
Single clips: sequential, each stage timed (cuda synchronised). Throughput at batch B:
rounds x B clips, B at a time: load + normalise each, pad with attention_mask, one forward,
decode + edit distance each; audio seconds / wall seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[0] = os.path.dirname(HERE)  # the repository root: `tools` is a package there
from tools.export.wav2vec2_plain import Wav2Vec2Config, Wav2Vec2ForCTC, hf_key  # noqa: E402
from tools.sequences import ctc_collapse, edit_distance  # noqa: E402


def audio_loader():
    """The loader a user would reach for first: librosa, else soundfile, else torchaudio."""
    try:
        import librosa  # noqa: PLC0415

        return "librosa", lambda path: librosa.load(path, sr=16000, mono=True)[0]
    except ImportError:
        pass
    try:
        import soundfile  # noqa: PLC0415

        def load_sf(path):
            data, sr = soundfile.read(path, dtype="float32", always_2d=True)
            data = data.mean(axis=1)
            if sr != 16000:
                import torchaudio.functional as AF  # noqa: PLC0415

                data = AF.resample(torch.from_numpy(data), sr, 16000).numpy()
            return data

        return "soundfile", load_sf
    except ImportError:
        pass
    import torchaudio  # noqa: PLC0415

    def load_ta(path):
        wav, sr = torchaudio.load(path)
        wav = wav.mean(dim=0)
        if sr != 16000:
            wav = torchaudio.functional.resample(wav, sr, 16000)
        return wav.numpy()

    return "torchaudio", load_ta


def build_model(model_dir: str, device: str, dtype: str):
    info = json.load(open(os.path.join(model_dir, "bench-model.json")))
    config = Wav2Vec2Config.large() if info["config"] == "large" else Wav2Vec2Config.small(vocab_size=392)
    state = torch.load(os.path.join(model_dir, "weights.pt"), map_location="cpu")
    try:
        import transformers  # noqa: PLC0415

        model = transformers.Wav2Vec2ForCTC(transformers.Wav2Vec2Config(**config.hf_kwargs()))
        names = set(model.state_dict())
        model.load_state_dict({hf_key(k, names): v for k, v in state.items()}, strict=True)
        impl = f"transformers {transformers.__version__} Wav2Vec2ForCTC"

        def forward(x, mask):
            return model(x, attention_mask=mask).logits

    except ImportError:
        model = Wav2Vec2ForCTC(config)
        model.load_state_dict(state, strict=True)
        impl = "tools/export/wav2vec2_plain.py (transformers not importable)"

        def forward(x, mask):
            return model(x, mask)[0]

    model.eval().to(device)
    if dtype == "fp16":
        model.half()
    return model, forward, impl, config


def normalise(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    return ((x - x.mean()) / np.sqrt(x.var() + 1e-7)).astype(np.float32)


def tokenize_target(ipa: str, vocab: dict) -> list[int]:
    """Greedy longest match of the target IPA against the vocabulary's tokens."""
    text = ipa.replace(" ", "")
    longest = max(len(t) for t in vocab)
    ids, i = [], 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 0, -1):
            if text[i:i + n] in vocab:
                ids.append(vocab[text[i:i + n]])
                i += n
                break
        else:
            i += 1  # a character the vocabulary lacks: skipped
    return ids


def percentile(values, p):
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-p * len(s) // 100) - 1))]


def time_single_clips(one, warmup: int, runs: int, label: str) -> dict:
    """one(k) (clip k's stage times in ms) warmup times untimed, then runs times, each timed
    whole: the "single" section of the JSON line."""
    for k in range(warmup):
        one(k)
    records, totals = [], []
    for k in range(runs):
        t = time.perf_counter()
        records.append(one(k))
        totals.append((time.perf_counter() - t) * 1000)
        print(f"  {label} single clip {k + 1}/{runs}: {totals[-1]:.0f} ms", file=sys.stderr)
    return {
        "n": len(totals), "p50Ms": statistics.median(totals), "p95Ms": percentile(totals, 95),
        "meanMs": statistics.fmean(totals), "minMs": min(totals), "maxMs": max(totals),
        "stagesMs": {key: statistics.median(r[key] for r in records) for key in records[0]},
    }


def time_batches(batch_round, batches: str, rounds: int, clips: list, label: str, sync=lambda: None) -> list:
    """For each batch size B of batches ("1,2,4"): batch_round(0, B) once untimed, then rounds
    rounds (batch_round(r * B, B)) timed together: the "throughput" section of the JSON line."""
    throughput = []
    for size in [int(b) for b in batches.split(",") if b.strip()]:
        batch_round(0, size)  # warm-up
        sync()
        t = time.perf_counter()
        for r in range(rounds):
            batch_round(r * size, size)
        sync()
        wall = time.perf_counter() - t
        n = size * rounds
        audio = sum(clips[i % len(clips)]["seconds"] for i in range(n))
        throughput.append({"batch": size, "clips": n, "audioSec": audio, "wallSec": wall, "audioSecPerSec": audio / wall})
        print(f"  {label} batch {size}: {audio / wall:.1f} audio-s/s", file=sys.stderr)
    return throughput


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--clips", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", default="1")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print("pytorch_eager: CUDA asked for but not available; running on cpu", file=sys.stderr)
        args.device = "cpu"
    if args.dtype == "fp16" and args.device == "cpu":
        print("pytorch_eager: fp16 on cpu is not what a user would run; using fp32", file=sys.stderr)
        args.dtype = "fp32"
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    float_dtype = torch.float16 if args.dtype == "fp16" else torch.float32

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    clips = json.load(open(args.clips))
    loader_name, load_audio = audio_loader()
    model, forward, impl, config = build_model(args.model, args.device, args.dtype)
    tokens = [line.rstrip("\n") for line in open(os.path.join(args.model, "tokens.txt"), encoding="utf-8")]
    vocab = {t: i for i, t in enumerate(tokens) if not t.startswith("<") and t != "|"}
    targets = [tokenize_target(c["targetIpa"], vocab) for c in clips]

    def one(k: int) -> dict:
        clip = clips[k % len(clips)]
        times = {}
        t = time.perf_counter()
        wav = load_audio(clip["path"])
        times["load audio"] = time.perf_counter() - t
        t = time.perf_counter()
        x = torch.from_numpy(normalise(wav))[None].to(dev, float_dtype)
        mask = torch.ones(x.shape, dtype=torch.long, device=dev)
        sync()
        times["normalise (+ to device)"] = time.perf_counter() - t
        t = time.perf_counter()
        with torch.inference_mode():
            logits = forward(x, mask)
        sync()
        times["forward"] = time.perf_counter() - t
        t = time.perf_counter()
        ids = logits[0].argmax(-1).tolist()
        decoded = ctc_collapse(ids)
        times["greedy CTC decode"] = time.perf_counter() - t
        t = time.perf_counter()
        edit_distance(targets[k % len(clips)], decoded)
        times["edit distance (pure Python)"] = time.perf_counter() - t
        return {k: v * 1000 for k, v in times.items()}

    single = time_single_clips(one, args.warmup, args.runs, "pytorch")

    def batch_round(start: int, size: int) -> None:
        idx = [(start + j) % len(clips) for j in range(size)]
        waves = [normalise(load_audio(clips[i]["path"])) for i in idx]
        n = max(len(w) for w in waves)
        x = torch.zeros(size, n, dtype=torch.float32)
        mask = torch.zeros(size, n, dtype=torch.long)
        for j, w in enumerate(waves):
            x[j, : len(w)] = torch.from_numpy(w)
            mask[j, : len(w)] = 1
        x, mask = x.to(dev, float_dtype), mask.to(dev)
        with torch.inference_mode():
            logits = forward(x, mask)
            frames = (mask.sum(-1))
            for k_, s in zip(config.conv_kernel, config.conv_stride):
                frames = torch.div(frames - k_, s, rounding_mode="floor") + 1
            ids = logits.argmax(-1).tolist()
        for j, i in enumerate(idx):
            edit_distance(targets[i], ctc_collapse(ids[j][: int(frames[j])]))

    throughput = time_batches(batch_round, args.batch, args.rounds, clips, "pytorch", sync)

    result = {
        "impl": impl, "loader": loader_name, "device": args.device, "dtype": args.dtype, "torch": torch.__version__,
        "threads": torch.get_num_threads(), "single": single, "throughput": throughput,
        "note": "RANDOM WEIGHTS (bench/make_bench_model.py): timing only",
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
