#!/usr/bin/env python3
"""Warm MFA helper: loads an MFA acoustic model once, then aligns requests read as JSON lines.

Started by lib/mfa/helper-process.ts as `python mfa_helper.py --acoustic-model NAME_OR_PATH
--workdir DIR`, in the Python environment where Montreal Forced Aligner 3.4 is installed. Protocol
(one JSON object per line; lib/mfa/protocol.ts is the other side):

  helper -> {"type": "ready", "protocol": 1, "acoustic_model": ..., "phones": [...], "versions": {...}}
         or {"type": "fatal", "message": ...} and exit 1 when the model cannot be loaded
  node   -> {"type": "align", "id": N, "audio": WAV, "dictionary": DICT, "transcript": "w0 w1",
             "beam": 10, "retry_beam": 40}
  helper -> {"type": "result", "id": N, "ok": true, "alignment": {MFA's JSON: start, end, tiers}, "ms": ...}
         or {"type": "result", "id": N, "ok": false, "error": {"kind": KIND, "message": ...}}
            KIND: beam (no alignment within the beam), unknown_phone, too_short, bad_request, failed

The steps follow MFA's own `align_one` (montreal_forced_aligner/command_line/align_one.py) and
online/alignment.py, with the acoustic model kept loaded: per request a lexicon of the request's
words only (each word a unique token with one pronunciation), MFCCs, CMVN over the utterance,
KalpyAligner.align_utterance. Requests are handled one at a time; the Node side runs one helper
per concurrent request. The helper exits when its stdin closes. Python >= 3.8, standard library
only outside the MFA backend (the stand-in helper in test/helpers reuses `serve`).
"""
import argparse
import json
import os
import sys
import time
import traceback
import wave

PROTOCOL = 1
MIN_FRAMES = 13  # MFA cannot align fewer 10 ms frames (MFA #226)


class AlignError(Exception):
    """A request that failed in a way the Node side reports by kind."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def protocol_stream():
    """The real stdout, for protocol lines only; fd 1 is pointed at stderr so that anything a
    library prints cannot corrupt the protocol."""
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def send(stream, message):
    stream.write(json.dumps(message, ensure_ascii=False) + "\n")
    stream.flush()


def wav_duration(path):
    with wave.open(path, "rb") as w:
        if w.getframerate() != 16000:
            raise AlignError("bad_request", "audio must be 16 kHz WAV, not %d Hz" % w.getframerate())
        return w.getnframes() / 16000.0


def read_dictionary(path):
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            token, _, phones = line.partition("\t")
            if not phones.strip():
                raise AlignError("bad_request", "dictionary line without phones: %r" % line)
            words.append((token, phones.split()))
    return words


def check_request(request):
    for key in ("id", "audio", "dictionary", "transcript", "beam", "retry_beam"):
        if key not in request:
            raise AlignError("bad_request", "request has no %r" % key)
    if not os.path.isfile(request["audio"]):
        raise AlignError("bad_request", "audio file %s does not exist" % request["audio"])
    if not os.path.isfile(request["dictionary"]):
        raise AlignError("bad_request", "dictionary file %s does not exist" % request["dictionary"])


def serve(backend, stdin=None, proto=None):
    """Reads align requests until stdin closes; answers each with one result line."""
    proto = proto or protocol_stream()
    stdin = stdin or sys.stdin
    send(proto, dict(type="ready", protocol=PROTOCOL, **backend.describe()))
    for line in stdin:
        if not line.strip():
            continue
        request_id = None
        started = time.monotonic()
        try:
            try:
                request = json.loads(line)
            except ValueError as e:
                raise AlignError("bad_request", "not JSON: %s" % e)
            if not isinstance(request, dict) or request.get("type") != "align":
                raise AlignError("bad_request", "expected {\"type\": \"align\", ...}")
            request_id = request.get("id")
            check_request(request)
            alignment = backend.align(request)
            send(proto, {"type": "result", "id": request_id, "ok": True, "alignment": alignment,
                         "ms": (time.monotonic() - started) * 1000.0})
        except AlignError as e:
            send(proto, {"type": "result", "id": request_id, "ok": False,
                         "error": {"kind": e.kind, "message": e.message}})
        except Exception as e:  # noqa: BLE001 - any failure is one failed request, not a dead helper
            traceback.print_exc(file=sys.stderr)
            send(proto, {"type": "result", "id": request_id, "ok": False,
                         "error": {"kind": "failed", "message": "%s: %s" % (type(e).__name__, e)}})


class MfaBackend:
    """Montreal Forced Aligner 3.4 through its Python API, model loaded once."""

    def __init__(self, acoustic_model, workdir):
        from montreal_forced_aligner.models import AcousticModel

        self.name = acoustic_model
        # root_directory: the model is extracted into this helper's own folder (removed by the
        # Node side when the helper exits), so concurrent helpers never share extraction folders.
        self.model = AcousticModel(acoustic_model, root_directory=workdir)
        self.parameters = self.model.parameters
        self.phones = set(self.parameters["non_silence_phones"])

    def describe(self):
        versions = {}
        for module in ("montreal_forced_aligner", "kalpy"):
            try:
                versions[module] = __import__(module).__version__
            except Exception:  # noqa: BLE001 - versions are informative only
                pass
        return {
            "acoustic_model": self.name,
            "phones": sorted(self.phones),
            "position_dependent_phones": bool(self.parameters.get("position_dependent_phones", False)),
            "versions": versions,
        }

    def align(self, request):
        from kalpy.aligner import KalpyAligner
        from kalpy.feat.cmvn import CmvnComputer
        from kalpy.fstext.lexicon import LexiconCompiler
        from kalpy.utterance import Segment
        from kalpy.utterance import Utterance as KalpyUtterance

        duration = wav_duration(request["audio"])
        if duration * 100 < MIN_FRAMES:
            raise AlignError("too_short", "%.3f s of audio; MFA needs at least %d frames (0.13 s)" % (duration, MIN_FRAMES))
        words = read_dictionary(request["dictionary"])
        # kalpy adds unknown phones silently when loading a dictionary; check them first.
        unknown = sorted({p for _, phones in words for p in phones if p not in self.phones})
        if unknown:
            raise AlignError("unknown_phone", "phones not in acoustic model %s: %s" % (self.name, " ".join(unknown)))
        p = self.parameters
        lexicon = LexiconCompiler(
            disambiguation=False,
            silence_probability=p["silence_probability"],
            initial_silence_probability=p["initial_silence_probability"],
            final_silence_correction=p["final_silence_correction"],
            final_non_silence_correction=p["final_non_silence_correction"],
            silence_phone=p["optional_silence_phone"],
            oov_phone=p["oov_phone"],
            position_dependent_phones=p["position_dependent_phones"],
            phones=p["non_silence_phones"],
            ignore_case=True,
        )
        lexicon.load_pronunciations(request["dictionary"])
        lexicon.create_fsts()
        utterance = KalpyUtterance(Segment(request["audio"], 0, duration, 0), request["transcript"])
        utterance.generate_mfccs(self.model.mfcc_computer)
        cmvn = CmvnComputer().compute_cmvn_from_features([utterance.mfccs])
        utterance.apply_cmvn(cmvn)
        aligner = KalpyAligner(self.model, lexicon, beam=request["beam"], retry_beam=request["retry_beam"])
        try:
            ctm = aligner.align_utterance(utterance)
        except Exception as e:  # noqa: BLE001
            if "beam" in str(e).lower() or "could not align" in str(e).lower():
                raise AlignError("beam", str(e))
            raise
        if ctm is None or not getattr(ctm, "word_intervals", None):
            raise AlignError("beam", "no alignment within beam %s / retry beam %s" % (request["beam"], request["retry_beam"]))
        return to_mfa_json(ctm, duration)


def to_mfa_json(ctm, duration):
    """The CTM in the shape of `mfa align --output_format json` (montreal_forced_aligner/textgrid.py)."""
    words, phones = [], []
    for word in ctm.word_intervals:
        word_phones = list(word.phones)
        if not word_phones:
            continue
        words.append([round(word_phones[0].begin, 6), round(word_phones[-1].end, 6), word.label])
        for phone in word_phones:
            phones.append([round(phone.begin, 6), round(phone.end, 6), phone.label])
    return {"start": 0, "end": round(duration, 6),
            "tiers": {"words": {"type": "interval", "entries": words},
                      "phones": {"type": "interval", "entries": phones}}}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acoustic-model", required=True, help="pretrained model name (english_mfa) or .zip path")
    parser.add_argument("--workdir", required=True, help="folder for the extracted model (this helper's own)")
    args = parser.parse_args(argv)
    proto = protocol_stream()
    try:
        backend = MfaBackend(args.acoustic_model, args.workdir)
    except Exception as e:  # noqa: BLE001 - reported to the Node side, which falls back
        traceback.print_exc(file=sys.stderr)
        send(proto, {"type": "fatal", "message": "could not load MFA acoustic model %s: %s: %s" % (args.acoustic_model, type(e).__name__, e)})
        return 1
    serve(backend, proto=proto)
    return 0


if __name__ == "__main__":
    sys.exit(main())
