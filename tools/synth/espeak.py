"""Thin Python side of tools/synth/espeak_events.c.

Builds the C helper on demand, talks to it over a pipe (one process, many jobs)
and turns its event dumps into phone segments.  Shared by generate.py,
inventory.py and check.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, 'espeak_events.c')
BIN = os.path.join(HERE, 'build', 'espeak_events')

SIL = 'sil'  # label of pause / leading / trailing silence segments
STRESS_MARKS = "',%="  # espeak mnemonic stress prefixes (primary, secondary, unstressed, ...)
IPA_STRESS = 'ˈˌ'
# Tokens of espeak's mnemonic output that are not phones (no event name / IPA):
# pauses "_", "_:", "_!" ... and ";" (a linking mark espeak puts before a vowel).
NON_PHONE_TOKENS = {';', '||'}
# espeak event IPA names of stops and affricates: the silent closure that espeak
# emits just before their phoneme event is given to them (see phones_from_events).
CLOSURE_PHONES = {'p', 't', 'k', 'b', 'd', 'ɡ', 'tʃ', 'dʒ', 'ʔ', 'ɾ'}


def build(force: bool = False) -> str:
    """Compiles the helper if it is missing or older than its source."""
    if force or not os.path.exists(BIN) or os.path.getmtime(BIN) < os.path.getmtime(SRC):
        os.makedirs(os.path.dirname(BIN), exist_ok=True)
        cc = os.environ.get('CC', 'cc')
        subprocess.run([cc, '-O2', '-Wall', '-Wextra', '-o', BIN, SRC, '-lespeak-ng', '-lsoxr'], check=True)
    return BIN


def is_pause(tok: str) -> bool:
    return tok.startswith('_') or tok in NON_PHONE_TOKENS


@dataclass
class Token:
    """One espeak phoneme mnemonic of a '|'-segmented phoneme string."""
    mnemonic: str       # e.g. "oU", "t#", "_:"
    stress: str = ''    # stress prefix as written by espeak ("'", ",", ...)
    word: int = 0       # index of its (espeak) word

    @property
    def is_phone(self) -> bool:
        return not is_pause(self.mnemonic)

    def text(self) -> str:
        return self.stress + self.mnemonic


def parse_phoneme_string(s: str) -> list[Token]:
    """Parses T2P output with '|' separators: words split by spaces, phonemes by '|'."""
    toks: list[Token] = []
    for w, word in enumerate(s.split()):
        for part in word.split('|'):
            if not part:
                continue
            i = 0
            while i < len(part) and part[i] in STRESS_MARKS:
                i += 1
            stress, mn = part[:i], part[i:]
            if not mn:  # a lone stress mark: attach to the next token
                toks.append(Token('', stress, w))
                continue
            if toks and toks[-1].mnemonic == '' and toks[-1].word == w:
                stress = toks.pop().stress + stress
            toks.append(Token(mn, stress, w))
    return [t for t in toks if t.mnemonic]


def join_tokens(toks: list[Token]) -> str:
    """Inverse of parse_phoneme_string: '|' between phonemes (espeak's explicit
    phoneme separator in [[ ]] input, so "t|S" stays two phonemes), space between words."""
    words: list[list[str]] = []
    last = None
    for t in toks:
        if t.word != last:
            words.append([])
            last = t.word
        words[-1].append(t.text())
    return ' '.join('|'.join(w) for w in words)


@dataclass
class Synth:
    n_samples: int                  # at espeak's rate
    rate: int                       # espeak's sample rate (from espeak_Initialize)
    events: list[dict]
    runs: list[list]                # [cls, start, end] sample-source runs (S/V/U)
    pcm: bytes                      # int16 LE at espeak's rate
    out: bytes | None = None        # float32 LE at out_rate (soxr)
    n_out: int = 0
    out_rate: int = 0
    raw_json: dict = field(default_factory=dict)


class Espeak:
    """One long-lived helper process; each SYN job runs in a fresh fork of it."""

    def __init__(self, workdir: str | None = None):
        build()
        self._tmp = tempfile.TemporaryDirectory(prefix='espeak_events_', dir=workdir)
        self.proc = subprocess.Popen([BIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, encoding='utf-8', bufsize=1)
        self.rate = int(self._cmd('RATE').split()[1])
        self._n = 0

    def _cmd(self, line: str) -> str:
        assert '\n' not in line
        self.proc.stdin.write(line + '\n')
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().rstrip('\n')
        if not reply.startswith('OK'):
            raise RuntimeError(f'espeak_events: {reply!r} for {line[:200]!r}')
        return reply

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    @staticmethod
    def _clean(text: str) -> str:
        return ' '.join(text.replace('\t', ' ').split())

    def text_to_phonemes(self, voice: str, text: str, ipa: bool = False, sep: str = '|') -> list[str]:
        """espeak_TextToPhonemes for each clause (mnemonics, or IPA if ipa)."""
        reply = self._cmd(f'T2P\t{voice}\t{1 if ipa else 0}\t{ord(sep) if sep else 0}\t{self._clean(text)}')
        body = reply[3:]
        return [c.strip() for c in body.split('\t')] if body else []

    def synth(self, voice: str, inp: str, mode: str = 'phon', rate: int = 175, pitch: int = 50,
              rng: int = 50, seed: int = 1, out_rate: int = 0) -> Synth:
        self._n += 1
        prefix = os.path.join(self._tmp.name, f'u{self._n}')
        reply = self._cmd(f'SYN\t{prefix}\t{voice}\t{rate}\t{pitch}\t{rng}\t{seed}\t{out_rate}\t{mode}\t{self._clean(inp)}')
        n, n_out = (int(v) for v in reply.split()[1:3])
        with open(prefix + '.json', encoding='utf-8') as f:
            js = json.load(f)
        with open(prefix + '.raw', 'rb') as f:
            pcm = f.read()
        out = None
        if out_rate:
            with open(prefix + '.f32', 'rb') as f:
                out = f.read()
            os.unlink(prefix + '.f32')
        os.unlink(prefix + '.json')
        os.unlink(prefix + '.raw')
        if js['timing_errors']:
            raise RuntimeError(f'espeak event timing inconsistent ({js["timing_errors"]}) for {inp!r}')
        assert n == js['n_samples'] == len(pcm) // 2
        return Synth(n_samples=n, rate=js['sample_rate'], events=js['events'], runs=js['runs'],
                     pcm=pcm, out=out, n_out=n_out, out_rate=out_rate, raw_json=js)


def strip_stress(ipa: str) -> str:
    return ''.join(c for c in ipa if c not in IPA_STRESS)


def silent_runs(s: Synth) -> tuple[dict[int, int], str]:
    """{end sample: start sample} of runs of samples espeak generated as silence.

    From the output hooks when they covered every sample (espeak's own wavegen);
    the Klatt voices bypass the voiced-sample hook, so for them the runs are the
    runs of samples that are exactly 0 (their pauses are digital silence)."""
    if s.runs:
        return {r[2]: r[1] for r in s.runs if r[0] == 'S'}, 'hooks'
    import numpy as np
    x = np.frombuffer(s.pcm, '<i2')
    z = np.r_[False, x == 0, False].astype(np.int8)
    d = np.diff(z)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    return {int(e): int(b) for b, e in zip(starts, ends)}, 'zeros'


def phones_from_events(s: Synth, closure_to_stop: bool = True) -> list[dict]:
    """Phone segments at espeak's rate covering [0, n_samples) with no gaps.

    A segment starts at its phoneme event's .sample and ends at the next phoneme
    event (or the end of the audio).  Pause phonemes (events with an empty name)
    and the audio before the first event become SIL segments; adjacent SIL
    segments are merged; zero-length SIL segments are dropped.

    closure_to_stop (default): espeak emits a phoneme's "prepause" (the silent
    closure of a stop, and short pauses before some word-initial consonants)
    *before* its phoneme event -- synthesize.c Generate(): word marker, then
    DoPause(p->prepause), then the phoneme marker.  By events alone that
    silence would belong to the preceding phone.  Two exact corrections:
      (a) word-initial phone after a non-silence phone: its start moves back
          to the word event (the span [word event, phoneme event) is exactly
          the prepause);
      (b) word-internal stop / affricate: the run of samples espeak generated
          as silence (see silent_runs) that ends exactly at its event moves
          into it.
    The previous phone always keeps at least one sample.
    """
    evs = [e for e in s.events if e['type'] in ('phoneme', 'word')]
    ph = []  # (name, start, word_event_sample or None)
    pending_word = None
    for e in evs:
        if e['type'] == 'word':
            pending_word = e['sample']
            continue
        ph.append((strip_stress(e['name']) or SIL, e['sample'], pending_word))
        pending_word = None
    segs: list[dict] = []
    if not ph or ph[0][1] > 0:
        segs.append({'phone': SIL, 'start': 0, 'end': ph[0][1] if ph else s.n_samples, 'word_event': None})
    for i, (name, start, wev) in enumerate(ph):
        end = ph[i + 1][1] if i + 1 < len(ph) else s.n_samples
        segs.append({'phone': name, 'start': start, 'end': end, 'word_event': wev})
    if closure_to_stop:
        runs = None
        for i in range(1, len(segs)):
            g, prev = segs[i], segs[i - 1]
            if g['phone'] == SIL or prev['phone'] == SIL:
                continue
            new_start = g['start']
            if g['word_event'] is not None:
                new_start = g['word_event']
            elif g['phone'] in CLOSURE_PHONES:
                if runs is None:
                    runs, _ = silent_runs(s)
                new_start = runs.get(g['start'], g['start'])
            new_start = max(new_start, prev['start'] + 1)
            if new_start < g['start']:
                prev['end'] = g['start'] = new_start
    out: list[dict] = []
    for g in segs:
        g = {'phone': g['phone'], 'start': g['start'], 'end': g['end']}
        if g['phone'] == SIL and g['end'] == g['start']:
            continue
        if out and g['phone'] == SIL and out[-1]['phone'] == SIL:
            out[-1]['end'] = g['end']
            continue
        out.append(g)
    return out


def rescale(x: int, num: int, den: int) -> int:
    """round(x * num / den) with exact integer arithmetic (half up)."""
    return (2 * x * num + den) // (2 * den)
