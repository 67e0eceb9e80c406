"""What every exporter script shares: its command line, where the original model comes from
(the hub, or a local snapshot with --from), and how a run ends."""
import argparse
import os
import sys

from tools.export.engine import ROOT

DEFAULT_AUDIO = os.path.join(ROOT, 'examples', '001040067.flac')
MODEL_FP16 = 'model_fp16.onnx'  # the manifest's model_fp16, written with --fp16
TOLERANCE_FP16 = 5e-2  # default largest max abs difference of log-probs for model_fp16


def parser(description, model_id, tolerance):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument('--model-id', default=model_id, help=f'hub model id (default {model_id})')
    ap.add_argument('--revision', default=None, help='hub revision (branch, tag or commit); default: the latest')
    ap.add_argument('--from', dest='from_dir', default=None,
                    help='a local snapshot of the model repository instead of downloading it')
    ap.add_argument('--out', required=True, help='the bundle directory to write')
    ap.add_argument('--name', default=None, help='manifest name (default: derived from --model-id)')
    ap.add_argument('--check-audio', default=DEFAULT_AUDIO,
                    help='recording for the self-check (default: examples/001040067.flac)')
    ap.add_argument('--tolerance', type=float, default=tolerance,
                    help=f'largest allowed max abs difference of log-probs (default {tolerance:g})')
    ap.add_argument('--max-duration-sec', type=float, default=60)
    return ap


def add_fp16_options(ap, tolerance=TOLERANCE_FP16):
    ap.add_argument('--fp16', action='store_true', help='also export model_fp16.onnx (float16 weights and arithmetic, '
                    'float32 inputs and outputs) and self-check it against the original model run in float16')
    ap.add_argument('--fp16-tolerance', type=float, default=tolerance,
                    help=f'largest allowed max abs difference of log-probs for model_fp16 (default {tolerance:g})')


def parse(ap, argv=None):
    """Parses the command line; paths become absolute (an exporter may chdir into the snapshot)."""
    args = ap.parse_args(argv)
    args.out = os.path.abspath(args.out)
    args.check_audio = os.path.abspath(args.check_audio)
    if args.from_dir:
        args.from_dir = os.path.abspath(args.from_dir)
    return args


def snapshot(args, allow_patterns=None):
    """The model repository as a local directory: --from, else huggingface_hub's download."""
    if args.from_dir:
        if not os.path.isdir(args.from_dir):
            sys.exit(f'--from {args.from_dir}: not a directory')
        return os.path.abspath(args.from_dir)
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        sys.exit('huggingface_hub is not installed: pip install huggingface_hub, or pass --from DIR')
    return snapshot_download(args.model_id, revision=args.revision, allow_patterns=allow_patterns)


def source_note(args):
    rev = f'@{args.revision}' if args.revision else ''
    return f'{args.model_id}{rev}' + (f' (local snapshot {args.from_dir})' if args.from_dir else '')


def export_and_check(args, model, export, reference_log_probs, library, library_fp16):
    """Exports model with export(model, path, fp16) to model.onnx in args.out and, with --fp16, a
    float16 copy of it to MODEL_FP16; then self-checks each through the engine against
    reference_log_probs(model, samples, fp16) on args.check_audio (described as library and
    library_fp16) and batch-checks it. Returns the exit status (finish)."""
    import copy

    from tools.export import selfcheck
    from tools.export.audio import load_audio

    export(model, os.path.join(args.out, 'model.onnx'), False)
    model16 = copy.deepcopy(model).half() if args.fp16 else None
    if model16 is not None:
        export(model16, os.path.join(args.out, MODEL_FP16), True)
    samples = load_audio(args.check_audio)
    audio = os.path.basename(args.check_audio)
    results = [selfcheck.run(args.out, samples, reference_log_probs(model, samples, False), audio=audio,
                             reference=library, tolerance=args.tolerance),
               selfcheck.run_batch(args.out, samples)]
    if model16 is not None:
        results += [selfcheck.run(args.out, samples, reference_log_probs(model16, samples, True), audio=audio,
                                  reference=library_fp16, tolerance=args.fp16_tolerance, precision='fp16'),
                    selfcheck.run_batch(args.out, samples, precision='fp16')]
    return finish(*results)


def finish(*results):
    """Exit status of an exporter: 0 when every check (self-checks, batch checks) passed, 1 otherwise."""
    return 0 if all(r['passed'] for r in results) else 1
