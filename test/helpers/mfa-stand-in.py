#!/usr/bin/env python3
"""STAND-IN for the MFA helper, for tests: MFA cannot be installed on our machines (it needs
conda-forge's Kaldi). It runs the real helper's protocol loop (`serve` from lib/mfa/mfa_helper.py)
with a backend that REPLAYS a recorded MFA alignment (an MFA JSON file) instead of aligning: the
recording's word and phone timings, labelled with the request's tokens and phones, as MFA labels
its output with the dictionary it was given. Modes make it misbehave the ways a real helper can.

  --recording FILE   MFA JSON whose timings are replayed (words must match the request's counts)
  --phones "a b c"   the inventory it reports as the acoustic model's phones
  --mode M           replay | hang | crash | garbage | beam-always | beam-below=N |
                     fatal | silent (never ready) | exit-after-ready
  --delay-ms N       sleep before answering
  --events FILE      append {"pid", "start", "end"} per request (concurrency checks)
  --state FILE       misbehave once: only while FILE does not exist (it is created then), later replay
  --start-once FILE  start only once: when FILE exists at start, report a fatal error (created at the first start)

As `mfa align_one` (the fallback): `mfa-stand-in.py --cli --recording F --phones P --events E --
align_one SOUND TEXT DICT MODEL - [options]` prints the replayed alignment as JSON on stdout and
records its arguments in the events file.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib", "mfa"))
import mfa_helper  # noqa: E402


class ReplayBackend:
    def __init__(self, args, proto):
        self.args = args
        self.proto = proto
        with open(args.recording, encoding="utf-8") as f:
            self.recording = json.load(f)
        self.phones = args.phones.split()

    def describe(self):
        return {"acoustic_model": self.args.acoustic_model, "phones": self.phones, "versions": {"stand-in": "1"}}

    def recorded_words(self):
        tiers = self.recording["tiers"]
        words = [e for e in tiers["words"]["entries"] if e[2] not in ("", "sil", "<eps>")]
        phones = [e for e in tiers["phones"]["entries"] if e[2] not in ("", "sil", "<eps>")]
        return [(w, [p for p in phones if p[0] >= w[0] - 1e-9 and p[1] <= w[1] + 1e-9]) for w in words]

    def align(self, request):
        mode = self.args.mode
        if self.args.state and mode != "replay":
            if os.path.exists(self.args.state):
                mode = "replay"
            else:
                open(self.args.state, "w").close()
        started = time.time()
        if self.args.delay_ms:
            time.sleep(self.args.delay_ms / 1000.0)
        if mode == "hang":
            time.sleep(3600)
        if mode == "crash":
            sys.stderr.write("stand-in: crashing mid-request\n")
            sys.stderr.flush()
            os._exit(3)
        if mode == "garbage":
            self.proto.write("Traceback (most recent call last): this is not JSON\n")
            self.proto.flush()
            time.sleep(3600)
        if mode == "beam-always" or (mode.startswith("beam-below=") and request["beam"] < float(mode.split("=")[1])):
            raise mfa_helper.AlignError("beam", "stand-in: no alignment within beam %s" % request["beam"])
        dictionary = mfa_helper.read_dictionary(request["dictionary"])
        refused = set(self.args.refuse.split())
        known = set(self.phones) if self.phones else {p for _, phones in dictionary for p in phones}
        unknown = sorted({p for _, phones in dictionary for p in phones if p not in known or p in refused})
        if unknown:
            raise mfa_helper.AlignError("unknown_phone", "phones not in acoustic model: " + " ".join(unknown))
        pronunciation = dict(dictionary)
        tokens = request["transcript"].split()
        recorded = self.recorded_words()
        if len(tokens) != len(recorded):
            raise mfa_helper.AlignError("failed", "stand-in: the recording has %d words, the request %d" % (len(recorded), len(tokens)))
        words, phones = [], []
        for token, (word, word_phones) in zip(tokens, recorded):
            wanted = pronunciation[token]
            if len(wanted) != len(word_phones):
                raise mfa_helper.AlignError("failed", "stand-in: recorded word %r has %d phones, %s has %d" % (word[2], len(word_phones), token, len(wanted)))
            words.append([word[0], word[1], token])
            phones.extend([p[0], p[1], label] for p, label in zip(word_phones, wanted))
        if self.args.events:
            with open(self.args.events, "a", encoding="utf-8") as f:
                f.write(json.dumps({"pid": os.getpid(), "start": started, "end": time.time()}) + "\n")
        return {"start": 0, "end": self.recording["end"],
                "tiers": {"words": {"type": "interval", "entries": words}, "phones": {"type": "interval", "entries": phones}}}


def align_one_cli(args, rest):
    """Stands in for `mfa align_one SOUND TEXT DICT MODEL - ...`."""
    if args.events:
        with open(args.events, "a", encoding="utf-8") as f:
            f.write(json.dumps({"argv": rest}) + "\n")
    sound, text, dictionary = rest[1], rest[2], rest[3]
    beam = float(rest[rest.index("--beam") + 1])
    with open(text, encoding="utf-8") as f:
        transcript = f.read().strip()
    backend = ReplayBackend(args, None)
    try:
        alignment = backend.align({"audio": sound, "dictionary": dictionary, "transcript": transcript, "beam": beam})
    except mfa_helper.AlignError as e:
        sys.stderr.write("Error: %s\n" % e.message)
        return 1
    sys.stdout.write(json.dumps(alignment, ensure_ascii=False))
    return 0


def parser(cli):
    """The command line: as `mfa align_one` (cli) or as the helper, which also takes --workdir and --start-once."""
    p = argparse.ArgumentParser()
    p.add_argument("--acoustic-model", default="english_mfa")
    p.add_argument("--recording", required=True)
    p.add_argument("--phones", default="")
    p.add_argument("--mode", default="replay")
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--events")
    p.add_argument("--state")
    p.add_argument("--refuse", default="", help="phones it reports but refuses as unknown")
    if cli:
        p.add_argument("--cli", action="store_true")
    else:
        p.add_argument("--workdir", required=True)
        p.add_argument("--start-once")
    return p


def main():
    if "--cli" in sys.argv:
        split = sys.argv.index("--")
        return align_one_cli(parser(cli=True).parse_args(sys.argv[1:split]), sys.argv[split + 1:])
    args = parser(cli=False).parse_args()
    if not os.path.isdir(args.workdir):
        sys.exit("stand-in: --workdir must exist (the Node side makes it)")
    proto = mfa_helper.protocol_stream()
    if args.start_once:
        if os.path.exists(args.start_once):
            args.mode = "fatal"
        else:
            open(args.start_once, "w").close()
    if args.mode == "fatal":
        mfa_helper.send(proto, {"type": "fatal", "message": "stand-in: could not load the acoustic model"})
        return 1
    if args.mode == "silent":
        time.sleep(3600)
    backend = ReplayBackend(args, proto)
    if args.mode == "exit-after-ready":
        mfa_helper.send(proto, dict(type="ready", protocol=mfa_helper.PROTOCOL, **backend.describe()))
        return 0
    mfa_helper.serve(backend, proto=proto)
    return 0


if __name__ == "__main__":
    sys.exit(main())
